/** A constraint: a measurement path (or phase-level name) and an expression such as `>= 1.32`. */
import * as v from "valibot";
import { optString } from "./fields.ts";

export const ConstraintSchema = v.object({
  name: v.string(),
  value: v.string(),
  severity: optString,
  remediation: optString,
  unit: optString,
});

export type Constraint = v.InferOutput<typeof ConstraintSchema>;
