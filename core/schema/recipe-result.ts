/** `kind: RecipeResult`: the resolved, version-locked recipe that every later stage consumes. */
import * as v from "valibot";
import { ComponentRefSchema } from "./component-ref.ts";
import { ConstraintSchema } from "./constraint.ts";
import { OverlayCriteriaSchema } from "./criteria.ts";
import { opt, optString, optStringList, stringList } from "./fields.ts";
import { ValidationSchema } from "./validation.ts";
import type { YamlPath } from "../yaml.ts";

export const RecipeResultKind = "RecipeResult";

export const ConstraintWarningSchema = v.object({
  overlay: v.string(),
  constraint: v.string(),
  expected: v.string(),
  actual: optString,
  reason: v.string(),
});

/** The query criteria as recorded in a result (canonical values, `any` for unset fields): same fields as an overlay's. */
export const ResultCriteriaSchema = OverlayCriteriaSchema;

export const RecipeResultSchema = v.object({
  kind: v.literal(RecipeResultKind, `kind must be ${RecipeResultKind}`),
  apiVersion: optString,
  metadata: opt(
    v.object({
      version: optString,
      appliedOverlays: optStringList,
      excludedOverlays: optStringList,
      constraintWarnings: opt(v.array(ConstraintWarningSchema)),
    }),
  ),
  criteria: opt(ResultCriteriaSchema),
  constraints: opt(v.array(ConstraintSchema)),
  componentRefs: v.array(ComponentRefSchema),
  deploymentOrder: stringList,
  validation: opt(ValidationSchema),
});

export type ConstraintWarning = v.InferOutput<typeof ConstraintWarningSchema>;
export type RecipeResultDocument = v.InferOutput<typeof RecipeResultSchema>;

export const recipeResultFreeForm = (path: YamlPath): boolean =>
  path.length >= 4 && path[0] === "componentRefs" && path[2] === "overrides";
