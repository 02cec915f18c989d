/** `kind: ComponentRegistry` (registry.yaml): defaults and bundle-time settings of every known component. */
import * as v from "valibot";
import { opt, optString, optStringList, stringList } from "./fields.ts";

const SchedulingPathsSchema = v.object({
  nodeSelectorPaths: optStringList,
  tolerationPaths: optStringList,
  taintPaths: optStringList,
  taintStrPaths: optStringList,
});

export const RegistryComponentSchema = v.object({
  name: v.string(),
  displayName: optString,
  valueOverrideKeys: optStringList,
  helm: opt(
    v.object({
      defaultRepository: optString,
      defaultChart: optString,
      defaultVersion: optString,
      defaultNamespace: optString,
    }),
  ),
  kustomize: opt(
    v.object({
      defaultSource: optString,
      defaultPath: optString,
      defaultTag: optString,
    }),
  ),
  healthCheck: opt(v.object({ assertFile: optString })),
  nodeScheduling: opt(
    v.object({
      system: opt(SchedulingPathsSchema),
      accelerated: opt(SchedulingPathsSchema),
      nodeCountPaths: optStringList,
    }),
  ),
  podScheduling: opt(v.object({ workload: opt(v.object({ workloadSelectorPaths: optStringList })) })),
  storageClassPaths: optStringList,
  validations: opt(
    v.array(
      v.object({
        function: v.string(),
        severity: optString,
        conditions: opt(v.record(v.string(), stringList)),
        message: optString,
      }),
    ),
  ),
});

export const ComponentRegistrySchema = v.object({
  apiVersion: optString,
  kind: optString,
  components: opt(v.array(RegistryComponentSchema)),
});

export type RegistryComponent = v.InferOutput<typeof RegistryComponentSchema>;
export type ComponentRegistry = v.InferOutput<typeof ComponentRegistrySchema>;
