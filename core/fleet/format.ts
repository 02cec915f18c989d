/**
 * FleetSnapshot documents as text. Fields keep a fixed order; maps (each node's metadata, readings and
 * contexts) are sorted like a single Snapshot's (natural order for YAML, byte order for JSON), so the
 * same fleet gives the same bytes every time. Each node's snapshot is written whole, extra blocks such
 * as the agent's `status` included.
 */
import type { FleetSnapshot } from "../schema/fleet-snapshot.ts";
import type { Snapshot } from "../schema/snapshot.ts";
import { sortKeysDeep, stringifyJson, stringifyYaml, type KeyOrder } from "../yaml.ts";

type Obj = Record<string, unknown>;
const isMap = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const sorted = (m: unknown, order: KeyOrder) => sortKeysDeep(m, order) as Obj;

function orderedMeasurement(m: unknown, order: KeyOrder): unknown {
  if (!isMap(m)) return m;
  const subs = Array.isArray(m["subtypes"]) ? (m["subtypes"] as unknown[]) : [];
  if (subs.length === 0) return { type: m["type"] };
  return {
    type: m["type"],
    subtypes: subs.map((s) => {
      if (!isMap(s)) return s;
      const ctx = s["context"];
      return {
        ...(s["subtype"] ? { subtype: s["subtype"] } : {}),
        data: sorted(s["data"] ?? {}, order),
        ...(isMap(ctx) && Object.keys(ctx).length > 0 ? { context: sorted(ctx, order) } : {}),
      };
    }),
  };
}

/** One node's snapshot in emission order: kind, apiVersion, metadata, measurements, then any other field. */
export function orderedNodeSnapshot(s: Snapshot, order: KeyOrder): Obj {
  const raw = s as unknown as Obj;
  const out: Obj = { kind: raw["kind"] ?? "Snapshot", apiVersion: raw["apiVersion"] ?? "aicr.nvidia.com/v1alpha1" };
  if (isMap(raw["metadata"]) && Object.keys(raw["metadata"]).length > 0) out["metadata"] = sorted(raw["metadata"], order);
  out["measurements"] = (Array.isArray(raw["measurements"]) ? raw["measurements"] : []).map((m) => orderedMeasurement(m, order));
  for (const [k, v] of Object.entries(raw)) if (!(k in out) && k !== "metadata" && v !== undefined) out[k] = v;
  return out;
}

export function orderedFleetSnapshot(doc: FleetSnapshot, order: KeyOrder): Obj {
  const m = doc.metadata;
  const nodes: Obj = {};
  for (const [name, snap] of Object.entries(doc.nodes)) nodes[name] = orderedNodeSnapshot(snap, order);
  const failures: Obj = {};
  for (const [name, f] of Object.entries(doc.failures)) failures[name] = { state: f.state, reason: f.reason };
  return {
    kind: doc.kind,
    apiVersion: doc.apiVersion,
    metadata: {
      timestamp: m.timestamp,
      ...(m.version ? { version: m.version } : {}),
      ...(m.source ? { source: m.source } : {}),
      nodeCount: m.nodeCount,
      snapshotCount: m.snapshotCount,
      failureCount: m.failureCount,
    },
    nodes,
    failures,
  };
}

/** JSON.rawJSON (Bun, V8): a bigint's digits as a JSON number. */
const rawJson = (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON;
const bigintsAsRawJson = (v: unknown): unknown => {
  if (typeof v === "bigint") return rawJson(v.toString());
  if (Array.isArray(v)) return v.map(bigintsAsRawJson);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, bigintsAsRawJson(x)]));
  return v;
};

/**
 * Text of a fleet. For a ConfigMap payload (`forConfigMap`) YAML uses 4-space indentation and JSON has
 * no trailing newline, like every other document written to a ConfigMap.
 */
export function serializeFleetSnapshot(doc: FleetSnapshot, format: "yaml" | "json", opts: { forConfigMap?: boolean } = {}): string {
  if (format === "json") return stringifyJson(bigintsAsRawJson(orderedFleetSnapshot(doc, "byte")), { trailingNewline: !opts.forConfigMap });
  return stringifyYaml(orderedFleetSnapshot(doc, "natural"), { indent: opts.forConfigMap ? 4 : 2 });
}
