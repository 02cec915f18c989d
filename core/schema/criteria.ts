/** Criteria as written in an overlay, and the RecipeCriteria file (`--criteria`). */
import * as v from "valibot";
import { int, opt } from "./fields.ts";

/** Overlay criteria: raw strings, never normalised; omitted fields behave as wildcards. */
export const OverlayCriteriaSchema = v.object({
  service: opt(v.string()),
  accelerator: opt(v.string()),
  intent: opt(v.string()),
  os: opt(v.string()),
  platform: opt(v.string()),
  nodes: opt(int),
});

export type OverlayCriteria = v.InferOutput<typeof OverlayCriteriaSchema>;

export const RecipeCriteriaKind = "RecipeCriteria";

export const RecipeCriteriaFileSchema = v.object({
  kind: opt(v.literal(RecipeCriteriaKind, `kind must be ${RecipeCriteriaKind}`)),
  apiVersion: opt(v.string()),
  metadata: opt(v.object({ name: opt(v.string()) })),
  spec: opt(OverlayCriteriaSchema),
});

export type RecipeCriteriaFile = v.InferOutput<typeof RecipeCriteriaFileSchema>;
