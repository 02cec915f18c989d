/** `kind: ComponentRegistry` (registry.yaml): defaults and bundle-time settings of every known component. */
import * as v from "valibot";
import { opt, stringList } from "./fields.ts";

const SchedulingPathsSchema = v.object({
  nodeSelectorPaths: opt(stringList),
  tolerationPaths: opt(stringList),
  taintPaths: opt(stringList),
  taintStrPaths: opt(stringList),
});

export const RegistryComponentSchema = v.object({
  name: v.string(),
  displayName: opt(v.string()),
  valueOverrideKeys: opt(stringList),
  helm: opt(
    v.object({
      defaultRepository: opt(v.string()),
      defaultChart: opt(v.string()),
      defaultVersion: opt(v.string()),
      defaultNamespace: opt(v.string()),
    }),
  ),
  kustomize: opt(
    v.object({
      defaultSource: opt(v.string()),
      defaultPath: opt(v.string()),
      defaultTag: opt(v.string()),
    }),
  ),
  healthCheck: opt(v.object({ assertFile: opt(v.string()) })),
  nodeScheduling: opt(
    v.object({
      system: opt(SchedulingPathsSchema),
      accelerated: opt(SchedulingPathsSchema),
      nodeCountPaths: opt(stringList),
    }),
  ),
  podScheduling: opt(v.object({ workload: opt(v.object({ workloadSelectorPaths: opt(stringList) })) })),
  storageClassPaths: opt(stringList),
  validations: opt(
    v.array(
      v.object({
        function: v.string(),
        severity: opt(v.string()),
        conditions: opt(v.record(v.string(), stringList)),
        message: opt(v.string()),
      }),
    ),
  ),
});

export const ComponentRegistrySchema = v.object({
  apiVersion: opt(v.string()),
  kind: opt(v.string()),
  components: opt(v.array(RegistryComponentSchema)),
});

export type RegistryComponent = v.InferOutput<typeof RegistryComponentSchema>;
export type ComponentRegistry = v.InferOutput<typeof ComponentRegistrySchema>;
