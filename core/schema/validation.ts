/** The `validation` block of a recipe: per-phase checks and phase-level constraints. */
import * as v from "valibot";
import { ConstraintSchema } from "./constraint.ts";
import { int, opt, optString, optStringList } from "./fields.ts";

export { phaseNames, type PhaseName } from "./names.ts";

export const ValidationPhaseSchema = v.object({
  timeout: optString,
  constraints: opt(v.array(ConstraintSchema)),
  checks: optStringList,
  nodeSelection: opt(
    v.object({
      selector: opt(v.record(v.string(), v.string())),
      maxNodes: opt(int),
      excludeNodes: optStringList,
    }),
  ),
  infrastructure: optString,
});

export const ValidationSchema = v.object({
  readiness: opt(ValidationPhaseSchema),
  deployment: opt(ValidationPhaseSchema),
  performance: opt(ValidationPhaseSchema),
  conformance: opt(ValidationPhaseSchema),
});

export type ValidationPhase = v.InferOutput<typeof ValidationPhaseSchema>;
export type Validation = v.InferOutput<typeof ValidationSchema>;
