/**
 * Helpers for the diff tests: snapshots and fleets built from `{"Type|subtype|key": value}` readings
 * (a bar, because subtypes such as `containerd.service` and keys such as sysctl paths hold dots).
 */
import { buildFleetSnapshot, type NodeFailure } from "../../core/fleet/build.ts";
import type { FleetSnapshot } from "../../core/schema/fleet-snapshot.ts";
import type { Snapshot } from "../../core/schema/snapshot.ts";

export function splitPath(path: string): [string, string, string] {
  const [type = "", sub = "", ...key] = path.split("|");
  return [type, sub, key.join("|")];
}

/** `Type|subtype|key` as the diff names it: `Type.subtype.key`. */
export const dotted = (path: string): string => splitPath(path).join(".");

/** A snapshot holding exactly `readings`, types and subtypes in first-seen order. */
export function snapshotOf(readings: Record<string, unknown>): Snapshot {
  const types = new Map<string, Map<string, Record<string, unknown>>>();
  for (const [path, value] of Object.entries(readings)) {
    const [type, sub, key] = splitPath(path);
    if (!types.has(type)) types.set(type, new Map());
    const subs = types.get(type) as Map<string, Record<string, unknown>>;
    if (!subs.has(sub)) subs.set(sub, {});
    (subs.get(sub) as Record<string, unknown>)[key] = value;
  }
  return {
    kind: "Snapshot",
    apiVersion: "aicr.nvidia.com/v1alpha1",
    metadata: { timestamp: "2026-03-21T10:00:00Z" },
    measurements: [...types].map(([type, subs]) => ({ type, subtypes: [...subs].map(([subtype, data]) => ({ subtype, data })) })),
  };
}

export function fleetOf(nodes: Record<string, Record<string, unknown>>, failures: NodeFailure[] = []): FleetSnapshot {
  return buildFleetSnapshot({
    timestamp: "2026-03-21T10:00:00Z",
    version: "0.11.1",
    source: "test",
    snapshots: Object.entries(nodes).map(([node, readings]) => ({ node, snapshot: snapshotOf(readings) })),
    failures,
  });
}

/** One reading in every area, as a healthy H100 node reports them. */
export const baselineReadings: Record<string, unknown> = {
  "GPU|smi|driver": "580.95.05",
  "GPU|smi|gpu-count": 8,
  "K8s|image|gpu-operator": "v25.3.3",
  "K8s|image|pause": "3.9",
  "K8s|node|kernel-version": "6.8.0-1025-aws",
  "K8s|policy|driver.version": "580.95.05",
  "K8s|server|version": "v1.33.5-eks-3025e55",
  "NodeTopology|summary|node-count": 4,
  "OS|grub|BOOT_IMAGE": "/boot/vmlinuz-6.8.0-1025-aws",
  "OS|grub|ro": "",
  "OS|kmod|nvidia": true,
  "OS|kmod|nvidia_peermem": true,
  "OS|release|VERSION_ID": "24.04",
  "OS|sysctl|/proc/sys/kernel/osrelease": "6.8.0-1025-aws",
  "OS|sysctl|/proc/sys/vm/swappiness": "60",
  "SystemD|containerd.service|ActiveState": "active",
};
