/** A component reference: one deployable component as an overlay, mixin or resolved recipe states it. */
import * as v from "valibot";
import { bool, freeMap, opt, stringList } from "./fields.ts";

export const ExpectedResourceSchema = v.object({
  kind: v.string(),
  name: v.string(),
  namespace: opt(v.string()),
});

export const ComponentRefSchema = v.object({
  name: v.string(),
  namespace: opt(v.string()),
  chart: opt(v.string()),
  type: opt(v.string()),
  source: opt(v.string()),
  version: opt(v.string()),
  tag: opt(v.string()),
  valuesFile: opt(v.string()),
  overrides: opt(freeMap),
  patches: opt(stringList),
  dependencyRefs: opt(stringList),
  manifestFiles: opt(stringList),
  path: opt(v.string()),
  cleanup: opt(bool),
  expectedResources: opt(v.array(ExpectedResourceSchema)),
  healthCheckAsserts: opt(v.string()),
});

export type ComponentRef = v.InferOutput<typeof ComponentRefSchema>;
export type ExpectedResource = v.InferOutput<typeof ExpectedResourceSchema>;

export { componentRefFieldOrder, scalarRefFields } from "./names.ts";
