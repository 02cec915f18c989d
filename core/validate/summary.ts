/**
 * The human summary of a validation run (CLI mode, on stderr): readiness constraint by constraint,
 * counts and status per phase, then every failure with expected vs actual and what to do about it.
 */
import type { ConstraintResult } from "../constraints/evaluate.ts";
import { READINESS } from "./phases.ts";
import type { ReadinessOutcome } from "./readiness.ts";
import { remediationFor } from "./remediation.ts";
import type { CtrfSummary } from "./report.ts";
import type { PhaseOutcome } from "./run.ts";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function constraintLine(r: ConstraintResult): string {
  const got = r.actual === undefined ? "" : `, got ${r.actual}`;
  switch (r.status) {
    case "passed":
      return `  pass  ${r.name}: expected ${r.expected}${got}`;
    case "failed":
      return `  FAIL  ${r.name}: expected ${r.expected}${got}`;
    default:
      return `  skip  ${r.name}: expected ${r.expected}${got}; not evaluated: ${r.reason ?? r.status}`;
  }
}

/** Readiness, one line per constraint evaluated. */
export function readinessLines(outcome: ReadinessOutcome): string[] {
  const n = (s: ConstraintResult["status"][]) => outcome.results.filter((r) => s.includes(r.status)).length;
  if (outcome.results.length === 0) return ["readiness: the recipe has no constraints to check"];
  const parts = [`${n(["passed"])} passed`, `${n(["failed"])} failed`, `${n(["missing", "error"])} not evaluated`];
  if (outcome.notEvaluated > 0) parts.push(`${outcome.notEvaluated} not reached`);
  return [`readiness: ${plural(outcome.results.length + outcome.notEvaluated, "constraint")}: ${parts.join(", ")}`, ...outcome.results.map(constraintLine)];
}

/** What is printed when readiness stops validation; the error line (with the remediation) follows it. */
export function readinessFailureText(outcome: ReadinessOutcome): string {
  return `${[...readinessLines(outcome), "readiness failed: no phase was run and no report was written"].join("\n")}\n`;
}

const counts = (s: CtrfSummary) => `${plural(s.tests, "test")}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped, ${s.other} other`;

/** The whole summary of a completed run. */
export function summaryText(readiness: ReadinessOutcome, phases: readonly PhaseOutcome[], where?: string): string {
  const lines = readinessLines(readiness);
  for (const p of phases) {
    if (p.phase === READINESS) continue;
    const s = p.report.results.summary;
    const why = p.executed ? "" : ` (${p.skippedBecause ?? "not run"})`;
    lines.push(`${p.phase}: ${p.status}${why}: ${counts(s)}`);
  }
  const failures = phases.flatMap((p) => p.report.results.tests.filter((t) => t.status === "failed").map((t) => ({ p, t })));
  if (failures.length > 0) {
    lines.push(`failures (${failures.length}):`);
    for (const { p, t } of failures) {
      const e = t.extra ?? {};
      lines.push(`  ${p.phase}/${t.name}: ${e.constraint ?? t.name} expected ${e.expected ?? "?"}, got ${e.actual ?? "?"}`);
      if (t.message && t.message !== e.actual) lines.push(`    message: ${t.message}`);
      lines.push(`    remediation: ${e.remediation ?? remediationFor(p.phase)}`);
    }
  }
  const others = phases.flatMap((p) => p.report.results.tests.filter((t) => t.status === "other").map((t) => `  ${p.phase}/${t.name}: ${t.message ?? "did not complete"}`));
  if (others.length > 0) lines.push(`did not complete (${others.length}):`, ...others);
  const failed = phases.filter((p) => p.status === "failed").map((p) => p.phase);
  const ran = phases.filter((p) => p.phase !== READINESS && p.executed);
  if (failed.length > 0) lines.push(`validation failed in: ${failed.join(", ")}`);
  else if (ran.length === 0) lines.push(`readiness ${readiness.results.length > 0 ? "passed" : "had nothing to check"}; no validation phase was run`);
  else if (ran.some((p) => p.status === "other")) lines.push("validation finished, but some checks did not complete");
  else lines.push("validation passed");
  if (where) lines.push(`report written to ${where}`);
  return `${lines.join("\n")}\n`;
}
