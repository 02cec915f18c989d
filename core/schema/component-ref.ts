/** A component reference: one deployable component as an overlay, mixin or resolved recipe states it. */
import * as v from "valibot";
import { freeMap, opt, optBool, optString, optStringList } from "./fields.ts";

export const ExpectedResourceSchema = v.object({
  kind: v.string(),
  name: v.string(),
  namespace: optString,
});

export const ComponentRefSchema = v.object({
  name: v.string(),
  namespace: optString,
  chart: optString,
  type: optString,
  source: optString,
  version: optString,
  tag: optString,
  valuesFile: optString,
  overrides: opt(freeMap),
  patches: optStringList,
  dependencyRefs: optStringList,
  manifestFiles: optStringList,
  path: optString,
  cleanup: optBool,
  expectedResources: opt(v.array(ExpectedResourceSchema)),
  healthCheckAsserts: optString,
});

export type ComponentRef = v.InferOutput<typeof ComponentRefSchema>;
export type ExpectedResource = v.InferOutput<typeof ExpectedResourceSchema>;

export { componentRefFieldOrder, scalarRefFields } from "./names.ts";
