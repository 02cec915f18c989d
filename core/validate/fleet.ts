/**
 * Validation against a FleetSnapshot: readiness runs on every node's snapshot, and is reported per node.
 *
 * Each node is evaluated as a single snapshot is (recipe order, stopping at the node's first failed
 * constraint); every node is evaluated, so the summary shows all of them. Results are named
 * `<node>/<constraint>` (CTRF tests also carry the suite `[readiness, <node>]`). When any node fails, the
 * first failing node (by name) stops validation as a single failed snapshot does. When all pass, the
 * live phases run once for the cluster, with the first node's snapshot as the run's snapshot. Nodes
 * listed under the fleet's `failures` have no snapshot and are not validated (see `unvalidated`).
 */
import type { Constraint } from "../schema/constraint.ts";
import type { FleetSnapshot } from "../schema/fleet-snapshot.ts";
import type { Snapshot } from "../schema/snapshot.ts";
import { byteCompare } from "../yaml.ts";
import { invalid } from "../errors.ts";
import { phaseStatus, READINESS } from "./phases.ts";
import { readinessTests, runReadiness, type ReadinessOutcome } from "./readiness.ts";
import { mergeReports, phaseReport, type CtrfTest } from "./report.ts";
import { runValidation, type PhaseOutcome, type ValidateRequest, type ValidationRun } from "./run.ts";

export interface FleetNode {
  node: string;
  snapshot: Snapshot;
}

/** The nodes of a fleet that have a snapshot, by name; INVALID_REQUEST when there are none. */
export function fleetNodes(fleet: FleetSnapshot): FleetNode[] {
  const nodes = Object.keys(fleet.nodes)
    .sort(byteCompare)
    .map((node) => ({ node, snapshot: fleet.nodes[node] as Snapshot }));
  if (nodes.length === 0) {
    const failed = Object.keys(fleet.failures).length;
    throw invalid(`the fleet snapshot has no node snapshots to validate${failed > 0 ? ` (${failed} node${failed === 1 ? "" : "s"} failed to deliver one)` : ""}`);
  }
  return nodes;
}

/** Nodes of the fleet without a snapshot, as one line each. */
export const unvalidated = (fleet: FleetSnapshot): string[] =>
  Object.keys(fleet.failures)
    .sort(byteCompare)
    .map((node) => {
      const f = fleet.failures[node] as { state: string; reason: string };
      return `${node} has no snapshot (${f.state}: ${f.reason}): not validated`;
    });

export const nodeScopedName = (node: string, constraint: string): string => `${node}/${constraint}`;

export interface FleetReadiness {
  nodes: { node: string; outcome: ReadinessOutcome }[];
  /** Every node's results in one outcome, names scoped to the node; the first failing node's failure. */
  combined: ReadinessOutcome;
}

export function runFleetReadiness(constraints: readonly Constraint[], nodes: readonly FleetNode[]): FleetReadiness {
  const per = nodes.map((n) => ({ node: n.node, outcome: runReadiness(constraints, n.snapshot) }));
  const combined: ReadinessOutcome = { results: [], notEvaluated: 0 };
  for (const { node, outcome } of per) {
    combined.results.push(...outcome.results.map((r) => ({ ...r, name: nodeScopedName(node, r.name) })));
    combined.notEvaluated += outcome.notEvaluated;
    if (outcome.failure && !combined.failure) combined.failure = { ...outcome.failure, name: nodeScopedName(node, outcome.failure.name) };
  }
  return { nodes: per, combined };
}

/** The recipe's constraints plus one copy per node under its node-scoped name (for remediation lookups). */
export function nodeScopedConstraints(constraints: readonly Constraint[], nodes: readonly FleetNode[]): Constraint[] {
  return [...constraints, ...nodes.flatMap((n) => constraints.map((c) => ({ ...c, name: nodeScopedName(n.node, c.name) })))];
}

/** Readiness tests per node: suite `[readiness, node]`, name `node/constraint`. */
export function fleetReadinessTests(fr: FleetReadiness, constraints: readonly Constraint[]): CtrfTest[] {
  return fr.nodes.flatMap(({ node, outcome }) =>
    readinessTests(outcome, constraints).map((t) => ({ ...t, name: nodeScopedName(node, t.name), suite: [READINESS, node] })),
  );
}

/** `runValidation` for a fleet: per-node readiness, then the live phases once. */
export async function runFleetValidation(req: Omit<ValidateRequest, "snapshot">, nodes: readonly FleetNode[]): Promise<ValidationRun> {
  const constraints = req.recipe.constraints ?? [];
  const start = req.clock();
  const fr = runFleetReadiness(constraints, nodes);
  if (fr.combined.failure) return { ok: false, readiness: fr.combined };
  const readinessStop = req.clock();
  const run = await runValidation({ ...req, snapshot: (nodes[0] as FleetNode).snapshot, selection: { ...req.selection, readinessReport: false } });
  if (!run.ok) return run;
  let phases: PhaseOutcome[] = run.phases;
  let report = run.report;
  if (req.selection.readinessReport) {
    const readinessReport = phaseReport(fleetReadinessTests(fr, constraints), { start, stop: readinessStop }, req.version);
    phases = [{ phase: READINESS, status: phaseStatus(readinessReport.results.summary), executed: true, report: readinessReport }, ...run.phases];
    report = mergeReports(
      phases.map((p) => p.report),
      req.clock(),
      req.version,
    );
  }
  return { ok: true, readiness: fr.combined, phases, report, failed: run.failed };
}
