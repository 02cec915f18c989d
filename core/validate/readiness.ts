/**
 * Readiness: the offline pre-flight. The recipe's top-level constraints are evaluated against the
 * snapshot in recipe order. A constraint that cannot be evaluated (missing measurement, bad path or
 * value) is skipped with a warning; the first one that evaluates false stops validation.
 */
import { AicrError, ErrorCode } from "../errors.ts";
import { evaluateConstraint, type ConstraintResult } from "../constraints/evaluate.ts";
import type { Constraint } from "../schema/constraint.ts";
import type { Snapshot } from "../schema/snapshot.ts";
import { READINESS } from "./phases.ts";
import { remediationFor } from "./remediation.ts";
import type { CtrfTest } from "./report.ts";

export interface ReadinessOutcome {
  /** Results in evaluation order, up to and including the first failure. */
  results: ConstraintResult[];
  /** The constraint that evaluated false, if any (evaluation stopped there). */
  failure?: ConstraintResult;
  /** Constraints left unevaluated after the failure. */
  notEvaluated: number;
}

export function runReadiness(constraints: readonly Constraint[], snapshot: Snapshot): ReadinessOutcome {
  const results: ConstraintResult[] = [];
  for (const [i, c] of constraints.entries()) {
    const r = evaluateConstraint(c, snapshot);
    results.push(r);
    if (r.status === "failed") return { results, failure: r, notEvaluated: constraints.length - i - 1 };
  }
  return { results, notEvaluated: 0 };
}

const remediationOf = (constraints: readonly Constraint[], name: string) => constraints.find((c) => c.name === name)?.remediation;

/** The error that stops validation when readiness fails; its detail lines carry the remediation. */
export function readinessError(failure: ConstraintResult, constraints: readonly Constraint[] = []): AicrError {
  return new AicrError(
    ErrorCode.InvalidRequest,
    `readiness check failed: ${failure.name} expected ${failure.expected}, got ${failure.actual ?? ""}`,
    { details: [`remediation: ${remediationFor(READINESS, remediationOf(constraints, failure.name))}`] },
  );
}

/** Readiness results as tests of the `readiness` suite (passed, or skipped when not evaluable). */
export function readinessTests(outcome: ReadinessOutcome, constraints: readonly Constraint[] = []): CtrfTest[] {
  return outcome.results.map((r) => {
    const extra = { phase: READINESS, constraint: r.name, expected: r.expected, ...(r.actual !== undefined ? { actual: r.actual } : {}) };
    if (r.status === "passed") {
      return { name: r.name, status: "passed", duration: 0, suite: [READINESS], message: `expected ${r.expected}, got ${r.actual ?? ""}`, extra };
    }
    if (r.status === "failed") {
      return {
        name: r.name,
        status: "failed",
        duration: 0,
        suite: [READINESS],
        message: r.reason ?? `expected ${r.expected}, got ${r.actual ?? ""}`,
        extra: { ...extra, actual: r.actual ?? "", remediation: remediationFor(READINESS, remediationOf(constraints, r.name)) },
      };
    }
    return {
      name: r.name,
      status: "skipped",
      duration: 0,
      suite: [READINESS],
      message: `not evaluated: ${r.reason ?? r.status}`,
      extra: { ...extra, reason: r.reason ?? r.status },
    };
  });
}
