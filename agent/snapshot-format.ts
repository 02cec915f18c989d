/**
 * Snapshot documents as text: YAML (2-space indent, map keys in natural order) or JSON (2-space indent,
 * map keys in byte order, integers beyond 2^53 exact). Document fields keep their fixed order; only maps
 * (metadata, readings, contexts) are sorted, so the same node gives the same bytes every time.
 */
import { invalid } from "../core/errors.ts";
import { sortKeysDeep, stringifyJson, stringifyYaml, type KeyOrder } from "../core/yaml.ts";
import type { Measurement } from "../core/schema/snapshot.ts";
import type { SnapshotDocument } from "./snapshot.ts";

export const outputFormats = ["yaml", "json"] as const;
export type OutputFormat = (typeof outputFormats)[number];

export function parseOutputFormat(value: string): OutputFormat {
  const v = value.trim().toLowerCase();
  if ((outputFormats as readonly string[]).includes(v)) return v as OutputFormat;
  throw invalid(`unknown output format: "${value}", valid formats are: ${outputFormats.join(", ")}`);
}

const sortedMap = <T>(m: Record<string, T>, order: KeyOrder) => sortKeysDeep(m, order) as Record<string, T>;

function orderedMeasurement(m: Measurement, order: KeyOrder): Measurement {
  if (m.subtypes === undefined || m.subtypes.length === 0) return { type: m.type };
  return {
    type: m.type,
    subtypes: m.subtypes.map((s) => ({
      ...(s.subtype ? { subtype: s.subtype } : {}),
      data: sortedMap(s.data ?? {}, order),
      ...(s.context && Object.keys(s.context).length > 0 ? { context: sortedMap(s.context, order) } : {}),
    })),
  };
}

/** The document with fields in emission order and every map sorted for `format`. */
export function orderedSnapshot(doc: SnapshotDocument, format: OutputFormat): SnapshotDocument {
  const order: KeyOrder = format === "json" ? "byte" : "natural";
  const collectors = doc.status.collectors.map((c) => ({ name: c.name, state: c.state, ...(c.error ? { error: c.error } : {}) }));
  return {
    kind: doc.kind,
    apiVersion: doc.apiVersion,
    metadata: sortedMap(doc.metadata, order),
    measurements: doc.measurements.map((m) => orderedMeasurement(m, order)),
    status: { complete: doc.status.complete, collectors, redacted: [...doc.status.redacted] },
  };
}

/** JSON.rawJSON (Bun, V8): emits a bigint's digits as a JSON number. */
const rawJson = (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON;

const bigintsAsRawJson = (v: unknown): unknown => {
  if (typeof v === "bigint") return rawJson(v.toString());
  if (Array.isArray(v)) return v.map(bigintsAsRawJson);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, bigintsAsRawJson(x)]));
  return v;
};

/**
 * Text of a snapshot. For a ConfigMap payload (`forConfigMap`) YAML uses 4-space indentation and JSON has
 * no trailing newline, as upstream's ConfigMap writer does; stdout and files use 2 spaces and a newline.
 */
export function serializeSnapshot(doc: SnapshotDocument, format: OutputFormat, opts: { forConfigMap?: boolean } = {}): string {
  const ordered = orderedSnapshot(doc, format);
  if (format === "json") return stringifyJson(bigintsAsRawJson(ordered), { trailingNewline: !opts.forConfigMap });
  return stringifyYaml(ordered, { indent: opts.forConfigMap ? 4 : 2 });
}
