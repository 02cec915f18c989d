/**
 * The change list every diff produces (snapshot against snapshot, recipe against recipe): one entry per
 * reading or value that was added, removed or modified, with counts overall and per area. Field order
 * is emission order; `baseline` is left out for an addition and `target` for a removal.
 */
import { byteCompare } from "../yaml.ts";

export const changeKinds = ["added", "removed", "modified"] as const;
export type ChangeKind = (typeof changeKinds)[number];

export interface Change {
  kind: ChangeKind;
  /** Always "info" today (upstream reserves the field for later use). */
  severity: "info";
  path: string;
  /** Where the change belongs (driver, kernel, sysctl, ... for snapshots; components, values, ... for recipes). */
  area: string;
  /** Snapshot readings are compared and shown as text; recipe values keep their YAML type. */
  baseline?: unknown;
  target?: unknown;
}

export interface ChangeCounts {
  added: number;
  removed: number;
  modified: number;
  total: number;
}

export interface AreaCounts extends ChangeCounts {
  area: string;
}

export function change(kind: ChangeKind, path: string, area: string, baseline: unknown, target: unknown): Change {
  const c: Change = { kind, severity: "info", path, area };
  if (kind !== "added") c.baseline = baseline;
  if (kind !== "removed") c.target = target;
  return c;
}

export function countChanges(changes: readonly Change[]): ChangeCounts {
  const n: ChangeCounts = { added: 0, removed: 0, modified: 0, total: changes.length };
  for (const c of changes) n[c.kind]++;
  return n;
}

/** Counts per area, for the areas that have changes, in `order` (unknown areas last, by name). */
export function countByArea(changes: readonly Change[], rank: (area: string) => number): AreaCounts[] {
  const by = new Map<string, AreaCounts>();
  for (const c of changes) {
    let a = by.get(c.area);
    if (!a) by.set(c.area, (a = { area: c.area, added: 0, removed: 0, modified: 0, total: 0 }));
    a[c.kind]++;
    a.total++;
  }
  return [...by.values()].sort((x, y) => rank(x.area) - rank(y.area) || byteCompare(x.area, y.area));
}

/** Changes sorted by path in byte order (stable: equal paths keep their order). */
export const sortByPath = (changes: Change[]): Change[] => changes.sort((a, b) => byteCompare(a.path, b.path));
