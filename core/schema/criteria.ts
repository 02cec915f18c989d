/** Criteria as written in an overlay, and the RecipeCriteria file (`--criteria`). */
import * as v from "valibot";
import { int, opt, optString } from "./fields.ts";

/** Overlay criteria: raw strings, never normalised; omitted fields behave as wildcards. */
export const OverlayCriteriaSchema = v.object({
  service: optString,
  accelerator: optString,
  intent: optString,
  os: optString,
  platform: optString,
  nodes: opt(int),
});

export type OverlayCriteria = v.InferOutput<typeof OverlayCriteriaSchema>;

export const RecipeCriteriaKind = "RecipeCriteria";

export const RecipeCriteriaFileSchema = v.object({
  kind: opt(v.literal(RecipeCriteriaKind, `kind must be ${RecipeCriteriaKind}`)),
  apiVersion: optString,
  metadata: opt(v.object({ name: optString })),
  spec: opt(OverlayCriteriaSchema),
});

export type RecipeCriteriaFile = v.InferOutput<typeof RecipeCriteriaFileSchema>;
