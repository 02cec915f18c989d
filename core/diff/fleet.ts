/**
 * Drift inside a fleet: for every reading (`Type.subtype.key`) found on any node, how its values are
 * distributed across the nodes, and which nodes are outliers: nodes whose value differs from the
 * majority (a value, or absence, held by more than half of the nodes). A reading every node has with
 * the same value is uniform and only counted; a reading without a majority (two nodes that disagree,
 * a per-node counter) lists its most common values but names no outliers.
 *
 * Cost is linear in nodes x readings: one pass counts values per reading (remembering only the first
 * value seen and the counts of the others), and only the readings that are not uniform are visited a
 * second time, node by node, to name the outliers.
 */
import type { FleetFailureState, FleetSnapshot } from "../schema/fleet-snapshot.ts";
import type { Snapshot } from "../schema/snapshot.ts";
import { byteCompare } from "../yaml.ts";
import { areaOf, readingPath, readingText } from "./readings.ts";

/** Most values listed per reading (the most common ones); the rest are only counted. */
export const DISTRIBUTION_LIMIT = 10;

export interface ValueCount {
  /** The reading's text; left out when the entry counts the nodes that lack the reading. */
  value?: string;
  absent?: true;
  count: number;
}

export interface Outlier {
  node: string;
  value?: string;
  absent?: true;
}

export interface FleetReading {
  path: string;
  area: string;
  /** Distinct values across the nodes, absence counted as one. */
  distinct: number;
  /** The value (or absence) held by more than half of the nodes; left out when there is none. */
  majority?: ValueCount;
  /** Most common first (count, then value in byte order, absence last); at most DISTRIBUTION_LIMIT entries. */
  distribution: ValueCount[];
  /** Distinct values beyond the listed ones (left out when 0). */
  otherValues?: number;
  /** Nodes that differ from the majority, by name (empty without a majority). */
  outliers: Outlier[];
}

export interface FleetAnalysisSummary {
  /** Nodes with a snapshot (the ones analysed). */
  nodes: number;
  /** Nodes whose capture failed (not analysed). */
  failed: number;
  /** Distinct reading paths across all nodes. */
  readings: number;
  uniform: number;
  withOutliers: number;
  withoutMajority: number;
  /** Nodes that are an outlier for at least one reading. */
  outlierNodes: number;
}

export interface FleetAnalysis {
  /** The fleet argument as given (left out when empty). */
  source?: string;
  summary: FleetAnalysisSummary;
  failures: { node: string; state: FleetFailureState; reason: string }[];
  /** Readings that are not uniform, by path. */
  readings: FleetReading[];
  /** Nodes with outlying readings: most outlying readings first, then by name. */
  nodes: { node: string; outliers: number }[];
}

type Data = Record<string, unknown>;
type NodeIndex = Map<string, Map<string, Data>>;
const isMap = (v: unknown): v is Data => v !== null && typeof v === "object" && !Array.isArray(v);

/** A node's readings by type and subtype; a later duplicate type or subtype replaces an earlier one. */
function indexNode(s: Snapshot): NodeIndex {
  const out: NodeIndex = new Map();
  const ms = (s as { measurements?: unknown }).measurements;
  if (!Array.isArray(ms)) return out;
  for (const m of ms) {
    if (!isMap(m) || typeof m["type"] !== "string") continue;
    const subs = new Map<string, Data>();
    const list = m["subtypes"];
    if (Array.isArray(list)) {
      for (const st of list) {
        if (!isMap(st)) continue;
        const name = typeof st["subtype"] === "string" ? st["subtype"] : "";
        subs.set(name, isMap(st["data"]) ? (st["data"] as Data) : {});
      }
    }
    out.set(m["type"], subs);
  }
  return out;
}

interface Stat {
  type: string;
  subtype: string;
  key: string;
  /** The first value seen and how many nodes have it. */
  first: string;
  firstCount: number;
  /** Nodes that have the reading at all. */
  present: number;
  /** Counts of every other value. */
  others?: Map<string, number>;
}

const textOf = (v: unknown): string => (typeof v === "string" ? v : readingText(v));

function rankValues(a: ValueCount, b: ValueCount): number {
  if (a.count !== b.count) return b.count - a.count;
  if (a.absent !== b.absent) return a.absent ? 1 : -1;
  return byteCompare(a.value ?? "", b.value ?? "");
}

export function analyseFleet(fleet: FleetSnapshot, opts: { source?: string } = {}): FleetAnalysis {
  const names = Object.keys(fleet.nodes).sort(byteCompare);
  const n = names.length;
  const index: NodeIndex[] = names.map((name) => indexNode(fleet.nodes[name] as Snapshot));

  // Pass 1: count values per reading.
  const stats: Stat[] = [];
  const byType = new Map<string, Map<string, Map<string, Stat>>>();
  for (const node of index) {
    for (const [type, subs] of node) {
      let bySub = byType.get(type);
      if (!bySub) byType.set(type, (bySub = new Map()));
      for (const [subtype, data] of subs) {
        let byKey = bySub.get(subtype);
        if (!byKey) bySub.set(subtype, (byKey = new Map()));
        for (const key in data) {
          const text = textOf(data[key]);
          const st = byKey.get(key);
          if (st === undefined) {
            const fresh: Stat = { type, subtype, key, first: text, firstCount: 1, present: 1 };
            byKey.set(key, fresh);
            stats.push(fresh);
            continue;
          }
          st.present++;
          if (text === st.first) st.firstCount++;
          else {
            const others = (st.others ??= new Map());
            others.set(text, (others.get(text) ?? 0) + 1);
          }
        }
      }
    }
  }

  // Pass 2: the readings that are not uniform, node by node.
  const outlierCount = new Int32Array(n);
  const readings: FleetReading[] = [];
  let uniform = 0;
  let withOutliers = 0;
  let withoutMajority = 0;
  for (const st of stats) {
    if (st.others === undefined && st.present === n) {
      uniform++;
      continue;
    }
    const values: ValueCount[] = [{ value: st.first, count: st.firstCount }];
    for (const [value, count] of st.others ?? []) values.push({ value, count });
    if (st.present < n) values.push({ absent: true, count: n - st.present });
    values.sort(rankValues);
    const top = values[0] as ValueCount;
    const majority = top.count * 2 > n ? top : undefined;
    const outliers: Outlier[] = [];
    if (majority) {
      withOutliers++;
      for (let i = 0; i < n; i++) {
        const data = index[i]?.get(st.type)?.get(st.subtype);
        const has = data !== undefined && Object.hasOwn(data, st.key);
        if (majority.absent) {
          if (!has) continue;
          outliers.push({ node: names[i] as string, value: textOf((data as Data)[st.key]) });
        } else if (!has) {
          outliers.push({ node: names[i] as string, absent: true });
        } else {
          const text = textOf((data as Data)[st.key]);
          if (text === majority.value) continue;
          outliers.push({ node: names[i] as string, value: text });
        }
        outlierCount[i] = (outlierCount[i] as number) + 1;
      }
    } else withoutMajority++;
    const listed = values.slice(0, DISTRIBUTION_LIMIT);
    readings.push({
      path: readingPath(st.type, st.subtype, st.key),
      area: areaOf(st.type, st.subtype, st.key),
      distinct: values.length,
      ...(majority ? { majority } : {}),
      distribution: listed,
      ...(values.length > listed.length ? { otherValues: values.length - listed.length } : {}),
      outliers,
    });
  }
  readings.sort((a, b) => byteCompare(a.path, b.path));

  const nodes: { node: string; outliers: number }[] = [];
  for (let i = 0; i < n; i++) if ((outlierCount[i] as number) > 0) nodes.push({ node: names[i] as string, outliers: outlierCount[i] as number });
  nodes.sort((a, b) => b.outliers - a.outliers || byteCompare(a.node, b.node));

  const failures = Object.keys(fleet.failures)
    .sort(byteCompare)
    .map((node) => {
      const f = fleet.failures[node] as { state: FleetFailureState; reason: string };
      return { node, state: f.state, reason: f.reason };
    });
  return {
    ...(opts.source ? { source: opts.source } : {}),
    summary: {
      nodes: n,
      failed: failures.length,
      readings: stats.length,
      uniform,
      withOutliers,
      withoutMajority,
      outlierNodes: nodes.length,
    },
    failures,
    readings,
    nodes,
  };
}

/** Whether any reading differs across the nodes. */
export const fleetHasDrift = (a: FleetAnalysis): boolean => a.readings.length > 0;
