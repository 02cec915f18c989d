/** `kind: RecipeMetadata`: the base recipe and every overlay of the catalogue. */
import * as v from "valibot";
import { ComponentRefSchema } from "./component-ref.ts";
import { ConstraintSchema } from "./constraint.ts";
import { OverlayCriteriaSchema } from "./criteria.ts";
import { opt, optString, optStringList } from "./fields.ts";
import { ValidationSchema } from "./validation.ts";
import type { YamlPath } from "../yaml.ts";

export const RecipeMetadataKind = "RecipeMetadata";
export const apiVersionV1alpha1 = "aicr.nvidia.com/v1alpha1";

export const RecipeSpecSchema = v.object({
  base: optString,
  criteria: opt(OverlayCriteriaSchema),
  mixins: optStringList,
  constraints: opt(v.array(ConstraintSchema)),
  componentRefs: opt(v.array(ComponentRefSchema)),
  validation: opt(ValidationSchema),
});

export const RecipeMetadataSchema = v.object({
  kind: optString,
  apiVersion: optString,
  metadata: opt(v.object({ name: optString })),
  spec: opt(RecipeSpecSchema),
});

export type RecipeSpec = v.InferOutput<typeof RecipeSpecSchema>;
export type RecipeMetadata = v.InferOutput<typeof RecipeMetadataSchema>;

/** Overrides of component references are free-form Helm values; everything else is typed. */
export const recipeFreeForm = (path: YamlPath): boolean =>
  path.length >= 5 && path[0] === "spec" && path[1] === "componentRefs" && path[3] === "overrides";
