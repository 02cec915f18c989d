/**
 * Snapshot drift: what differs between two snapshots of a node (or of two nodes), reading by reading.
 *
 * As upstream's `aicr diff`: measurements are indexed by type (a later duplicate wins) and subtypes by
 * name (likewise); the union of types, then of subtypes, then of keys is walked in byte order; readings
 * are compared by their `%v` text (a null reading is `<nil>`). A type or subtype present on one side
 * only gives one change per reading it holds. Paths are `Type.subtype.key`; the list is sorted by path.
 * Beyond upstream, every change carries its area and the result counts changes per area.
 */
import type { Snapshot } from "../schema/snapshot.ts";
import { byteCompare } from "../yaml.ts";
import { change, countByArea, countChanges, sortByPath, type AreaCounts, type Change, type ChangeCounts } from "./change.ts";
import { areaOf, areaRank, readingPath, readingText } from "./readings.ts";

export interface SnapshotDiff {
  /** The baseline argument as given (left out when empty). */
  baselineSource?: string;
  targetSource?: string;
  changes: Change[];
  summary: ChangeCounts;
  /** Counts per area (driver, kernel, sysctl, modules, units, images, ...), areas without changes left out. */
  areas: AreaCounts[];
}

/** type -> subtype -> key -> reading text. */
export type SnapshotIndex = Map<string, Map<string, Map<string, string>>>;

type Obj = Record<string, unknown>;
const isMap = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** Index a snapshot's readings; later duplicate types and subtypes replace earlier ones. */
export function indexSnapshot(s: Snapshot): SnapshotIndex {
  const types: SnapshotIndex = new Map();
  for (const m of s.measurements ?? []) {
    if (!m || typeof m.type !== "string") continue;
    const subs = new Map<string, Map<string, string>>();
    for (const st of m.subtypes ?? []) {
      if (!st) continue;
      const data = new Map<string, string>();
      if (isMap(st.data)) for (const [k, v] of Object.entries(st.data)) data.set(k, readingText(v));
      subs.set(st.subtype ?? "", data);
    }
    types.set(m.type, subs);
  }
  return types;
}

const sortedUnion = <T>(a: Map<string, T> | undefined, b: Map<string, T> | undefined): string[] =>
  [...new Set([...(a?.keys() ?? []), ...(b?.keys() ?? [])])].sort(byteCompare);

export function diffSnapshots(baseline: Snapshot, target: Snapshot, sources: { baseline?: string; target?: string } = {}): SnapshotDiff {
  const a = indexSnapshot(baseline);
  const b = indexSnapshot(target);
  const changes: Change[] = [];
  for (const type of sortedUnion(a, b)) {
    const sa = a.get(type);
    const sb = b.get(type);
    for (const sub of sortedUnion(sa, sb)) {
      const da = sa?.get(sub);
      const db = sb?.get(sub);
      for (const key of sortedUnion(da, db)) {
        const va = da?.get(key);
        const vb = db?.get(key);
        const path = readingPath(type, sub, key);
        const area = areaOf(type, sub, key);
        if (va === undefined) changes.push(change("added", path, area, undefined, vb));
        else if (vb === undefined) changes.push(change("removed", path, area, va, undefined));
        else if (va !== vb) changes.push(change("modified", path, area, va, vb));
      }
    }
  }
  sortByPath(changes);
  return {
    ...(sources.baseline ? { baselineSource: sources.baseline } : {}),
    ...(sources.target ? { targetSource: sources.target } : {}),
    changes,
    summary: countChanges(changes),
    areas: countByArea(changes, areaRank),
  };
}
