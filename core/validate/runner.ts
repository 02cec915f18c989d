/**
 * The plug-in point for live phases. A `PhaseRunner` is given the recipe, the snapshot, one phase,
 * the checks the recipe selects for it and the run options, and returns one CTRF test per check it
 * ran. The Kubernetes-backed runner (validator Jobs) implements this interface; `noClusterRunner`
 * reports every catalogue entry of the phase as skipped without touching a cluster.
 */
import type { Constraint } from "../schema/constraint.ts";
import type { RecipeResultDocument } from "../schema/recipe-result.ts";
import type { Snapshot } from "../schema/snapshot.ts";
import type { ValidatorEntry } from "../schema/validator-catalog.ts";
import type { LivePhase } from "./phases.ts";
import { remediationFor } from "./remediation.ts";
import type { CtrfTest } from "./report.ts";
import type { Toleration } from "./scheduling.ts";

export interface PhaseRunOptions {
  /** Namespace of the validator Jobs. */
  namespace: string;
  /** Node selector for the snapshot agent Job (and workloads validators create). */
  nodeSelector: Record<string, string>;
  /** Tolerations for agent and validator Jobs (`[{operator: Exists}]` when none was given). */
  tolerations: Toleration[];
  /** Agent Job wait, milliseconds. */
  timeoutMs: number;
  /** Delete Jobs, RBAC and ConfigMaps afterwards. */
  cleanup: boolean;
  /** Kubeconfig path, when one was given. */
  kubeconfig?: string;
}

export interface RunContext {
  recipe: RecipeResultDocument;
  snapshot: Snapshot;
  options: PhaseRunOptions;
}

export interface PhaseRunRequest extends RunContext {
  phase: LivePhase;
  /** Entries the recipe selects for the phase, in catalogue order (may be empty: nothing to run). */
  checks: ValidatorEntry[];
  /** Every catalogue entry of the phase, in catalogue order. */
  catalogEntries: ValidatorEntry[];
  /** The phase's own constraints (`validation.<phase>.constraints`). */
  constraints: Constraint[];
}

export interface PhaseRunner {
  /** Once, before the first live phase (namespace, RBAC, input ConfigMaps). */
  begin?(ctx: RunContext): Promise<void>;
  /** Run one phase; one test per check, in execution order. */
  run(request: PhaseRunRequest): Promise<CtrfTest[]>;
  /** Once, after the last phase, also when a phase threw (cleanup). */
  end?(ctx: RunContext): Promise<void>;
}

export const NO_CLUSTER_MESSAGE = "skipped - no-cluster mode";
export const PREVIOUS_FAILURE_MESSAGE = "skipped due to previous phase failure";

/** Every catalogue entry of a phase as a skipped test with `message`. */
export function skippedTests(entries: readonly ValidatorEntry[], phase: LivePhase, message: string): CtrfTest[] {
  return entries.map((e) => ({ name: e.name, status: "skipped", duration: 0, suite: [phase], message }));
}

/** `--no-cluster`: nothing runs; every catalogue entry of the phase (not only the recipe's checks) is skipped. */
export const noClusterRunner: PhaseRunner = {
  run: async (req) => skippedTests(req.catalogEntries, req.phase, NO_CLUSTER_MESSAGE),
};

/**
 * A runner's test made ready for the report: suite defaults to the phase, and a failed test always
 * names the constraint, expected and actual value (from the phase constraint of the same name when
 * the runner did not say) and the phase's remediation.
 */
export function completeTest(t: CtrfTest, phase: LivePhase, constraints: readonly Constraint[]): CtrfTest {
  const out: CtrfTest = { ...t, suite: t.suite && t.suite.length > 0 ? t.suite : [phase] };
  if (t.status !== "failed") return out;
  const own = constraints.find((c) => c.name === (t.extra?.constraint ?? t.name));
  const exit = t.extra?.exitCode;
  out.extra = {
    ...t.extra,
    phase,
    constraint: t.extra?.constraint ?? own?.name ?? t.name,
    expected: t.extra?.expected ?? own?.value ?? "check passes (exit code 0)",
    actual: t.extra?.actual ?? (t.message || (exit !== undefined ? `exit code ${exit}` : "check failed")),
    remediation: t.extra?.remediation ?? remediationFor(phase, own?.remediation),
  };
  return out;
}
