/**
 * Offline validation (no cluster): readiness of a snapshot against a recipe, with any live phases
 * requested reported as skipped. Unlike `validate` on the command line, a readiness failure still
 * gives a report: its readiness suite, up to and including the constraint that failed.
 */
import type { RecipeResultDocument } from "../schema/recipe-result.ts";
import type { Snapshot } from "../schema/snapshot.ts";
import type { ValidatorCatalog } from "../schema/validator-catalog.ts";
import type { PhaseSelection } from "./phases.ts";
import { readinessTests, type ReadinessOutcome } from "./readiness.ts";
import { phaseReport, type CtrfReport } from "./report.ts";
import { runValidation } from "./run.ts";
import { noClusterRunner } from "./runner.ts";

export interface OfflineRequest {
  recipe: RecipeResultDocument;
  snapshot: Snapshot;
  selection: PhaseSelection;
  catalog: ValidatorCatalog;
  /** Milliseconds since the epoch. */
  clock: () => number;
  version?: string;
}

export interface OfflineOutcome {
  report: CtrfReport;
  /** Readiness held and no phase failed. */
  passed: boolean;
  readiness: ReadinessOutcome;
}

export async function validateOffline(req: OfflineRequest): Promise<OfflineOutcome> {
  const start = req.clock();
  const run = await runValidation({
    ...req,
    runner: noClusterRunner,
    noCluster: true,
    options: { namespace: "", nodeSelector: {}, tolerations: [], timeoutMs: 0, cleanup: false },
  });
  if (run.ok) return { report: run.report, passed: !run.failed, readiness: run.readiness };
  const tests = readinessTests(run.readiness, req.recipe.constraints ?? []);
  return { report: phaseReport(tests, { start, stop: req.clock() }, req.version), passed: false, readiness: run.readiness };
}
