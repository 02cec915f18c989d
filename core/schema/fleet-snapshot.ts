/**
 * `kind: FleetSnapshot`: the snapshots of many nodes in one document, keyed by node name, plus the
 * nodes whose capture failed and why, so that a partial collection is kept and marked.
 *
 * ```yaml
 * kind: FleetSnapshot
 * apiVersion: aicr.nvidia.com/v1alpha1
 * metadata:
 *   timestamp: "2026-03-21T10:00:00Z"
 *   version: 0.11.1
 *   source: ssh              # how the snapshots were collected (free text)
 *   nodeCount: 3             # nodes asked for = snapshotCount + failureCount
 *   snapshotCount: 2
 *   failureCount: 1
 * nodes:
 *   gpu-node-1: {kind: Snapshot, apiVersion: ..., metadata: ..., measurements: [...]}
 *   gpu-node-2: {...}
 * failures:
 *   gpu-node-3: {state: unreachable, reason: "ssh: connect to host gpu-node-3 port 22: Connection refused"}
 * ```
 *
 * Node snapshots are kept as captured (an agent's extra `status` block included). Structure is checked
 * by hand (core/fleet/document.ts) rather than by a schema walk, so that reading thousands of nodes does
 * not copy every reading.
 */
import type { Snapshot } from "./snapshot.ts";

export const FleetSnapshotKind = "FleetSnapshot";
export const FLEET_SNAPSHOT_API_VERSION = "aicr.nvidia.com/v1alpha1";

/** Why a node has no snapshot: the capture failed, ran past its deadline, or the node could not be reached. */
export const fleetFailureStates = ["failed", "timeout", "unreachable"] as const;
export type FleetFailureState = (typeof fleetFailureStates)[number];

export interface FleetFailure {
  state: FleetFailureState;
  /** One line saying what went wrong. */
  reason: string;
}

export interface FleetMetadata {
  /** RFC 3339 UTC, seconds precision. */
  timestamp: string;
  /** Version of the program that assembled the fleet (omitted when empty). */
  version?: string;
  /** How the snapshots were collected (`ssh`, `daemonset`, ...), free text (omitted when empty). */
  source?: string;
  nodeCount: number;
  snapshotCount: number;
  failureCount: number;
}

export interface FleetSnapshot {
  kind: typeof FleetSnapshotKind;
  apiVersion: string;
  metadata: FleetMetadata;
  /** Node name -> its snapshot, in byte order of the names. */
  nodes: Record<string, Snapshot>;
  /** Node name -> why it has no snapshot, in byte order of the names. */
  failures: Record<string, FleetFailure>;
}
