/**
 * One validation run: readiness first (a false constraint stops everything: no phase runs and no
 * report is built), then the requested live phases in order through a `PhaseRunner`. After a phase
 * whose status is `failed`, later phases are not run and report every catalogue entry as skipped.
 * With `noCluster` no runner is called and every phase is `skipped`.
 */
import type { RecipeResultDocument } from "../schema/recipe-result.ts";
import type { Snapshot } from "../schema/snapshot.ts";
import type { ValidatorCatalog } from "../schema/validator-catalog.ts";
import { catalogEntries, selectedChecks } from "./checks.ts";
import { phaseStatus, READINESS, type PhaseSelection, type PhaseStatus, type ReportPhase } from "./phases.ts";
import { readinessTests, runReadiness, type ReadinessOutcome } from "./readiness.ts";
import { mergeReports, phaseReport, type CtrfReport } from "./report.ts";
import {
  completeTest,
  noClusterRunner,
  PREVIOUS_FAILURE_MESSAGE,
  skippedTests,
  type PhaseRunner,
  type PhaseRunOptions,
  type RunContext,
} from "./runner.ts";

export interface ValidateRequest {
  recipe: RecipeResultDocument;
  snapshot: Snapshot;
  selection: PhaseSelection;
  catalog: ValidatorCatalog;
  /** Runs live phases; not called with `noCluster`. */
  runner: PhaseRunner;
  noCluster: boolean;
  options: PhaseRunOptions;
  /** Milliseconds since the epoch (injected so reports are reproducible). */
  clock: () => number;
  /** Tool version recorded in the report. */
  version?: string;
  /** Called as each live phase finishes. */
  onPhase?: (outcome: PhaseOutcome) => void;
}

export interface PhaseOutcome {
  phase: ReportPhase;
  status: PhaseStatus;
  /** False when the phase was skipped whole (no-cluster mode, or a previous phase failed). */
  executed: boolean;
  /** Why a phase was not executed. */
  skippedBecause?: string;
  report: CtrfReport;
}

export type ValidationRun =
  | { ok: false; readiness: ReadinessOutcome }
  | { ok: true; readiness: ReadinessOutcome; phases: PhaseOutcome[]; report: CtrfReport; failed: boolean };

function executed(phase: ReportPhase, report: CtrfReport): PhaseOutcome {
  return { phase, status: phaseStatus(report.results.summary), executed: true, report };
}

function notExecuted(phase: ReportPhase, report: CtrfReport, because: string): PhaseOutcome {
  return { phase, status: "skipped", executed: false, skippedBecause: because, report };
}

export async function runValidation(req: ValidateRequest): Promise<ValidationRun> {
  const { recipe, snapshot, selection, catalog, clock, version } = req;
  const constraints = recipe.constraints ?? [];

  const readinessStart = clock();
  const readiness = runReadiness(constraints, snapshot);
  if (readiness.failure) return { ok: false, readiness };

  const phases: PhaseOutcome[] = [];
  if (selection.readinessReport) {
    const report = phaseReport(readinessTests(readiness, constraints), { start: readinessStart, stop: clock() }, version);
    phases.push(executed(READINESS, report));
  }

  const ctx: RunContext = { recipe, snapshot, options: req.options };
  const runner = req.noCluster ? noClusterRunner : req.runner;
  let begun = false;
  let failedBefore = false;
  try {
    for (const phase of selection.phases) {
      const start = clock();
      const entries = catalogEntries(catalog, phase);
      let outcome: PhaseOutcome;
      if (failedBefore) {
        const report = phaseReport(skippedTests(entries, phase, PREVIOUS_FAILURE_MESSAGE), { start, stop: clock() }, version);
        outcome = notExecuted(phase, report, "a previous phase failed");
      } else {
        if (!req.noCluster && !begun) {
          begun = true;
          await runner.begin?.(ctx);
        }
        const phaseConstraints = recipe.validation?.[phase]?.constraints ?? [];
        const tests = await runner.run({
          ...ctx,
          phase,
          checks: selectedChecks(catalog, phase, recipe.validation),
          catalogEntries: entries,
          constraints: phaseConstraints,
        });
        const report = phaseReport(tests.map((t) => completeTest(t, phase, phaseConstraints)), { start, stop: clock() }, version);
        outcome = req.noCluster ? notExecuted(phase, report, "no-cluster mode") : executed(phase, report);
        if (outcome.status === "failed") failedBefore = true;
      }
      phases.push(outcome);
      req.onPhase?.(outcome);
    }
  } finally {
    if (begun) await runner.end?.(ctx);
  }

  const report = mergeReports(
    phases.map((p) => p.report),
    clock(),
    version,
  );
  return { ok: true, readiness, phases, report, failed: phases.some((p) => p.status === "failed") };
}
