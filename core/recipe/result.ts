/** The resolved recipe (`kind: RecipeResult`) as the engine produces it. */
import type { ComponentRef } from "../schema/component-ref.ts";
import type { Constraint } from "../schema/constraint.ts";
import type { ConstraintWarning } from "../schema/recipe-result.ts";
import type { Validation } from "../schema/validation.ts";
import type { Criteria } from "./criteria.ts";

export const RECIPE_RESULT_KIND = "RecipeResult";
export const API_VERSION = "aicr.nvidia.com/v1alpha1";

export interface RecipeResult {
  kind: typeof RECIPE_RESULT_KIND;
  apiVersion: string;
  metadata: {
    version?: string;
    appliedOverlays: string[];
    excludedOverlays?: string[];
    constraintWarnings?: ConstraintWarning[];
  };
  criteria: Criteria;
  constraints: Constraint[];
  componentRefs: ComponentRef[];
  deploymentOrder: string[];
  validation?: Validation;
}

/** `enabled` override: missing means enabled; a non-boolean counts as enabled. */
export function isEnabled(ref: ComponentRef): boolean {
  const v = ref.overrides?.["enabled"];
  return typeof v === "boolean" ? v : true;
}
