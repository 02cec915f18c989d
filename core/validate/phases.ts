/**
 * Phase selection and phase status. `--phase` values: readiness, deployment, performance,
 * conformance, all. No value, or `all` anywhere, selects every live phase in the default order
 * (other values are then not checked); otherwise values are checked, duplicates dropped and the
 * user's order kept. Readiness is the offline pre-flight: it always runs first, whatever the order.
 */
import { invalid } from "../errors.ts";
import type { CtrfSummary } from "./report.ts";

/** Phases that run validator Jobs on a cluster, in default order. */
export const livePhases = ["deployment", "performance", "conformance"] as const;
export type LivePhase = (typeof livePhases)[number];

export const READINESS = "readiness";
export type ReportPhase = typeof READINESS | LivePhase;

/** Every value `--phase` accepts. */
export const phaseValues = [READINESS, ...livePhases, "all"] as const;

export interface PhaseSelection {
  /** No phase named, or `all` among them. */
  all: boolean;
  /** Readiness was named: its constraint results become tests of a `readiness` suite. */
  readinessReport: boolean;
  /** Live phases to run, in order. */
  phases: LivePhase[];
}

export function selectPhases(requested: readonly string[]): PhaseSelection {
  if (requested.length === 0 || requested.includes("all")) return { all: true, readinessReport: false, phases: [...livePhases] };
  let readinessReport = false;
  const phases: LivePhase[] = [];
  for (const p of requested) {
    if (p === READINESS) {
      readinessReport = true;
      continue;
    }
    if (!(livePhases as readonly string[]).includes(p)) {
      throw invalid(`invalid phase "${p}" (allowed: ${phaseValues.join(", ")})`);
    }
    if (!phases.includes(p as LivePhase)) phases.push(p as LivePhase);
  }
  return { all: false, readinessReport, phases };
}

export type PhaseStatus = "passed" | "failed" | "skipped" | "other";

/** failed if any test failed; else other if any is other; else skipped when there are no tests; else passed. */
export function phaseStatus(s: Pick<CtrfSummary, "tests" | "failed" | "other">): PhaseStatus {
  if (s.failed > 0) return "failed";
  if (s.other > 0) return "other";
  if (s.tests === 0) return "skipped";
  return "passed";
}
