/**
 * Assembling a FleetSnapshot from what a collection produced: the snapshots that arrived and the nodes
 * that failed. Pure: the caller passes the time and version. Nodes and failures are keyed by node name
 * in byte order, so the same inputs give the same document whatever order the nodes finished in.
 */
import { invalid } from "../errors.ts";
import { byteCompare } from "../yaml.ts";
import {
  FLEET_SNAPSHOT_API_VERSION,
  FleetSnapshotKind,
  type FleetFailure,
  type FleetFailureState,
  type FleetMetadata,
  type FleetSnapshot,
} from "../schema/fleet-snapshot.ts";
import type { Snapshot } from "../schema/snapshot.ts";

export interface NodeSnapshot {
  node: string;
  snapshot: Snapshot;
}

export interface NodeFailure {
  node: string;
  state: FleetFailureState;
  reason: string;
}

export interface FleetInput {
  /** RFC 3339 UTC, seconds precision. */
  timestamp: string;
  version?: string;
  /** How the snapshots were collected (`ssh`, ...). */
  source?: string;
  snapshots: readonly NodeSnapshot[];
  failures: readonly NodeFailure[];
}

/** A failure reason on one line (the last non-empty line of a multi-line message, trimmed). */
export function oneLine(reason: string): string {
  const lines = reason.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
  return lines.at(-1) ?? "no detail";
}

export function buildFleetSnapshot(input: FleetInput): FleetSnapshot {
  const seen = new Set<string>();
  const claim = (node: string) => {
    if (node.trim() === "") throw invalid("a fleet node needs a name");
    if (seen.has(node)) throw invalid(`node "${node}" appears more than once in the fleet`);
    seen.add(node);
  };
  for (const s of input.snapshots) claim(s.node);
  for (const f of input.failures) claim(f.node);

  const nodes: Record<string, Snapshot> = {};
  for (const s of [...input.snapshots].sort((a, b) => byteCompare(a.node, b.node))) nodes[s.node] = s.snapshot;
  const failures: Record<string, FleetFailure> = {};
  for (const f of [...input.failures].sort((a, b) => byteCompare(a.node, b.node))) failures[f.node] = { state: f.state, reason: oneLine(f.reason) };

  const metadata: FleetMetadata = {
    timestamp: input.timestamp,
    ...(input.version ? { version: input.version } : {}),
    ...(input.source ? { source: input.source } : {}),
    nodeCount: input.snapshots.length + input.failures.length,
    snapshotCount: input.snapshots.length,
    failureCount: input.failures.length,
  };
  return { kind: FleetSnapshotKind, apiVersion: FLEET_SNAPSHOT_API_VERSION, metadata, nodes, failures };
}

/** Whether every node asked for delivered a snapshot. */
export const isComplete = (fleet: FleetSnapshot): boolean => Object.keys(fleet.failures).length === 0;
