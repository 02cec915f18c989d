/** A constraint: a measurement path (or phase-level name) and an expression such as `>= 1.32`. */
import * as v from "valibot";
import { opt } from "./fields.ts";

export const ConstraintSchema = v.object({
  name: v.string(),
  value: v.string(),
  severity: opt(v.string()),
  remediation: opt(v.string()),
  unit: opt(v.string()),
});

export type Constraint = v.InferOutput<typeof ConstraintSchema>;
