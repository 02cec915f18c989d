/**
 * Reading documents that may be a FleetSnapshot: which kind a text holds (without decoding it twice),
 * and the FleetSnapshot decoder. The decoder checks the structure by hand, down to each subtype's
 * `data` being a map, but never walks the readings themselves: a fleet of thousands of nodes is read
 * in little more than the time its text takes to parse.
 */
import { invalid } from "../errors.ts";
import { formatPath } from "../schema/decode.ts";
import {
  FLEET_SNAPSHOT_API_VERSION,
  FleetSnapshotKind,
  fleetFailureStates,
  type FleetFailure,
  type FleetFailureState,
  type FleetMetadata,
  type FleetSnapshot,
} from "../schema/fleet-snapshot.ts";
import { SnapshotKind, type Snapshot } from "../schema/snapshot.ts";
import { documentFormat, decodeSnapshot, type DocumentFormat } from "../validate/documents.ts";
import { parseJson, parseYaml, type ParsedYaml, type YamlPath } from "../yaml.ts";

type Obj = Record<string, unknown>;
const isMap = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** The format of a document by its name, as every reader decides it (no suffix: JSON). */
const formatOf = (source: string): DocumentFormat => documentFormat(source).format;

const topLevelKind = /^kind:[ \t]*(["']?)([A-Za-z][A-Za-z0-9]*)\1[ \t]*(?:#.*)?$/m;

/**
 * The top-level `kind` of a document, read cheaply: for YAML from the first `kind:` line at column 0
 * (falling back to a full parse for flow-style documents), for JSON from a parse. Undefined when the
 * document has no kind.
 */
export function documentKind(text: string, source: string): string | undefined {
  if (formatOf(source) === "yaml") {
    const m = topLevelKind.exec(text);
    if (m) return m[2];
    const v = parseYaml(text, source).value;
    const k = isMap(v) ? v["kind"] : undefined;
    return typeof k === "string" ? k : undefined;
  }
  const v = parseJson(text, source).value;
  const k = isMap(v) ? v["kind"] : undefined;
  return typeof k === "string" ? k : undefined;
}

class Problems {
  readonly lines: string[] = [];
  constructor(
    private readonly parsed: ParsedYaml,
    private readonly source: string,
  ) {}
  add(path: YamlPath, message: string): void {
    const pos = this.parsed.position(path);
    this.lines.push(`${pos ? `${this.source}:${pos.line}:${pos.col}` : this.source}: ${formatPath(path)}: ${message}`);
  }
  check(): void {
    if (this.lines.length === 0) return;
    const n = this.lines.length;
    const summary = n === 1 ? this.lines[0] : `${this.lines[0]} (and ${n - 1} more problem${n > 2 ? "s" : ""})`;
    throw invalid(`invalid FleetSnapshot: ${summary}`, undefined, n > 1 ? this.lines.slice(0, 50) : []);
  }
}

function checkSnapshot(node: unknown, path: YamlPath, p: Problems): void {
  if (!isMap(node)) return p.add(path, "expected a Snapshot (a map with measurements)");
  const kind = node["kind"];
  if (kind !== undefined && kind !== null && kind !== SnapshotKind) p.add([...path, "kind"], `expected ${SnapshotKind}, got ${JSON.stringify(kind)}`);
  const ms = node["measurements"];
  if (ms === undefined || ms === null) return;
  if (!Array.isArray(ms)) return p.add([...path, "measurements"], "expected a list");
  ms.forEach((m, i) => {
    if (m === null) return;
    const mp = [...path, "measurements", i];
    if (!isMap(m)) return p.add(mp, "expected a measurement (a map with type and subtypes)");
    if (typeof m["type"] !== "string") p.add([...mp, "type"], "expected a string");
    const subs = m["subtypes"];
    if (subs === undefined || subs === null) return;
    if (!Array.isArray(subs)) return p.add([...mp, "subtypes"], "expected a list");
    subs.forEach((s, j) => {
      const sp = [...mp, "subtypes", j];
      if (!isMap(s)) return p.add(sp, "expected a subtype (a map with subtype and data)");
      const name = s["subtype"];
      if (name !== undefined && name !== null && typeof name !== "string") p.add([...sp, "subtype"], "expected a string");
      const data = s["data"];
      if (data !== undefined && data !== null && !isMap(data)) p.add([...sp, "data"], "expected a map of readings");
    });
  });
}

const count = (v: unknown, fallback: number) => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : fallback);

/** A FleetSnapshot. Counts in `metadata` are recomputed from the nodes and failures found. */
export function decodeFleetSnapshot(text: string, source: string): FleetSnapshot {
  const parsed = formatOf(source) === "json" ? parseJson(text, source) : parseYaml(text, source);
  const doc = parsed.value;
  if (!isMap(doc)) throw invalid(`${source} is not a ${FleetSnapshotKind} document (expected a map with kind: ${FleetSnapshotKind} and nodes)`);
  if (doc["kind"] !== FleetSnapshotKind) throw invalid(`${source} is not a ${FleetSnapshotKind}: kind is ${JSON.stringify(doc["kind"] ?? null)}`);
  const p = new Problems(parsed, source);
  const apiVersion = doc["apiVersion"];
  if (apiVersion !== undefined && apiVersion !== null && typeof apiVersion !== "string") p.add(["apiVersion"], "expected a string");
  const meta = doc["metadata"];
  if (meta !== undefined && meta !== null && !isMap(meta)) p.add(["metadata"], "expected a map");
  const nodesIn = doc["nodes"];
  if (nodesIn !== undefined && nodesIn !== null && !isMap(nodesIn)) p.add(["nodes"], "expected a map of node name to Snapshot");
  const failuresIn = doc["failures"];
  if (failuresIn !== undefined && failuresIn !== null && !isMap(failuresIn)) p.add(["failures"], "expected a map of node name to failure");
  p.check();

  const nodes: Record<string, Snapshot> = {};
  for (const [name, snap] of Object.entries(isMap(nodesIn) ? nodesIn : {})) {
    if (name.trim() === "") p.add(["nodes"], "a node name is empty");
    checkSnapshot(snap, ["nodes", name], p);
    nodes[name] = snap as Snapshot;
  }
  const failures: Record<string, FleetFailure> = {};
  for (const [name, f] of Object.entries(isMap(failuresIn) ? failuresIn : {})) {
    const fp = ["failures", name];
    if (name.trim() === "") p.add(["failures"], "a node name is empty");
    if (name in nodes) p.add(fp, "the node also has a snapshot under nodes");
    if (!isMap(f)) {
      p.add(fp, "expected a map with state and reason");
      continue;
    }
    const state = f["state"];
    if (typeof state !== "string" || !(fleetFailureStates as readonly string[]).includes(state)) {
      p.add([...fp, "state"], `expected one of ${fleetFailureStates.join(", ")}`);
    }
    const reason = f["reason"];
    if (reason !== undefined && reason !== null && typeof reason !== "string") p.add([...fp, "reason"], "expected a string");
    failures[name] = { state: state as FleetFailureState, reason: typeof reason === "string" ? reason : "" };
  }
  p.check();

  const m = isMap(meta) ? meta : {};
  const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
  const snapshotCount = Object.keys(nodes).length;
  const failureCount = Object.keys(failures).length;
  const metadata: FleetMetadata = {
    timestamp: str(m["timestamp"]),
    ...(str(m["version"]) ? { version: str(m["version"]) } : {}),
    ...(str(m["source"]) ? { source: str(m["source"]) } : {}),
    nodeCount: Math.max(count(m["nodeCount"], 0), snapshotCount + failureCount),
    snapshotCount,
    failureCount,
  };
  return {
    kind: FleetSnapshotKind,
    apiVersion: typeof apiVersion === "string" ? apiVersion : FLEET_SNAPSHOT_API_VERSION,
    metadata,
    nodes,
    failures,
  };
}

/** What a `--snapshot` input holds: one node's Snapshot, or a fleet of them. */
export type SnapshotInput = { kind: "Snapshot"; snapshot: Snapshot } | { kind: "FleetSnapshot"; fleet: FleetSnapshot };

/** A Snapshot or a FleetSnapshot; anything else is refused as `decodeSnapshot` refuses it. */
export function decodeSnapshotOrFleet(text: string, source: string): SnapshotInput {
  if (documentKind(text, source) === FleetSnapshotKind) return { kind: "FleetSnapshot", fleet: decodeFleetSnapshot(text, source) };
  return { kind: "Snapshot", snapshot: decodeSnapshot(text, source) };
}
