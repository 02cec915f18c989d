/**
 * The NodeTopology collector (`type: NodeTopology`): every node's taints and labels, grouped by
 * identity with the nodes that carry them, as subtypes summary, taint and label. Nodes are listed
 * page by page. Without a cluster the summary is all zeros; a failed node list fails the collector.
 */
import type { Measurement } from "../../core/schema/snapshot.ts";
import type { KubeObject } from "../kube/client.ts";
import { Nodes } from "../kube/paths.ts";
import { checkNotDone, resolveKubeClient, withTimeout, type ClusterCollectContext, type KubeClientOption } from "./kube-client-option.ts";

/** The whole topology collection must finish within this. */
export const DEFAULT_TOPOLOGY_COLLECTOR_TIMEOUT_MS = 30_000;
/** Nodes asked for per page. */
export const TOPOLOGY_PAGE_SIZE = 500;

export interface TopologyCollectorOptions extends KubeClientOption {
  /** Longest node list written per entry; the rest is counted as ` (+N more)`. 0 = all. */
  maxNodesPerEntry?: number;
  timeoutMs?: number;
  /** Nodes per LIST page (default TOPOLOGY_PAGE_SIZE). */
  pageSize?: number;
}

interface Taint {
  key?: string;
  value?: string;
  effect?: string;
}

const byteCompare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function nodeList(nodes: Set<string>, max: number): string {
  const sorted = [...nodes].sort(byteCompare);
  if (max > 0 && sorted.length > max) return `${sorted.slice(0, max).join(",")} (+${sorted.length - max} more)`;
  return sorted.join(",");
}

/** Group identities (key + rest) → nodes, keyed first by key. */
type Groups = Map<string, Map<string, { parts: string[]; nodes: Set<string> }>>;

function add(groups: Groups, key: string, identity: string[], node: string): void {
  let byId = groups.get(key);
  if (!byId) groups.set(key, (byId = new Map()));
  const id = JSON.stringify(identity);
  let entry = byId.get(id);
  if (!entry) byId.set(id, (entry = { parts: identity, nodes: new Set() }));
  entry.nodes.add(node);
}

/**
 * Summarise nodes. Taints: a key with one identity → `key: effect|value|nodes`; several →
 * `key.effect: value|nodes` (and, where two identities share key and effect, `key.effect.value`, so
 * none is lost). Labels: one value → `key: value|nodes`; several → `key.value: value|nodes`.
 */
export function summarizeTopology(nodes: readonly KubeObject[], maxNodesPerEntry = 0): Measurement {
  const taints: Groups = new Map();
  const labels: Groups = new Map();
  for (const n of nodes) {
    const name = n.metadata?.name ?? "";
    const spec = (n["spec"] ?? {}) as { taints?: Taint[] };
    for (const t of spec.taints ?? []) add(taints, t.key ?? "", [t.effect ?? "", t.value ?? ""], name);
    for (const [k, v] of Object.entries(n.metadata?.labels ?? {})) add(labels, k, [String(v)], name);
  }
  const taintData: Record<string, string> = {};
  for (const key of [...taints.keys()].sort(byteCompare)) {
    const ids = [...taints.get(key)!.values()].sort((a, b) => byteCompare(a.parts.join("\0"), b.parts.join("\0")));
    if (ids.length === 1) {
      const [effect, value] = ids[0]!.parts;
      taintData[key] = `${effect}|${value}|${nodeList(ids[0]!.nodes, maxNodesPerEntry)}`;
      continue;
    }
    const perEffect = new Map<string, number>();
    for (const id of ids) perEffect.set(id.parts[0]!, (perEffect.get(id.parts[0]!) ?? 0) + 1);
    for (const id of ids) {
      const [effect, value] = id.parts as [string, string];
      const k = perEffect.get(effect)! > 1 ? `${key}.${effect}.${value}` : `${key}.${effect}`;
      taintData[k] = `${value}|${nodeList(id.nodes, maxNodesPerEntry)}`;
    }
  }
  const labelData: Record<string, string> = {};
  for (const key of [...labels.keys()].sort(byteCompare)) {
    const ids = [...labels.get(key)!.values()];
    for (const id of ids) {
      const [value] = id.parts as [string];
      labelData[ids.length === 1 ? key : `${key}.${value}`] = `${value}|${nodeList(id.nodes, maxNodesPerEntry)}`;
    }
  }
  return {
    type: "NodeTopology",
    subtypes: [
      { subtype: "summary", data: { "node-count": nodes.length, "taint-count": Object.keys(taintData).length, "label-count": Object.keys(labelData).length } },
      { subtype: "taint", data: taintData },
      { subtype: "label", data: labelData },
    ],
  };
}

/** The NodeTopology collector (name `topology`). Its `collect` takes the agent's collector context. */
export function topologyCollector(opts: TopologyCollectorOptions = {}) {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TOPOLOGY_COLLECTOR_TIMEOUT_MS;
  return {
    name: "topology",
    timeoutMs,
    async collect(ctx: ClusterCollectContext): Promise<Measurement> {
      checkNotDone(ctx.signal, "topology");
      const signal = withTimeout(ctx.signal, timeoutMs);
      const client = await resolveKubeClient(opts, "topology", ctx);
      if (!client) return summarizeTopology([], 0);
      const nodes = await client.listAll<KubeObject>(Nodes, { limit: opts.pageSize ?? TOPOLOGY_PAGE_SIZE, signal });
      return summarizeTopology(nodes, opts.maxNodesPerEntry ?? 0);
    },
  };
}
