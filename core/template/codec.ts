/**
 * Template values to and from JSON and YAML the way Go's encoders see them: maps with sorted keys,
 * structs in field order (through their `toJSON()`, or their fields), times as RFC 3339 text. JSON follows
 * `encoding/json` (compact or indented, HTML-safe unless asked otherwise); YAML follows yaml.v3 with
 * 4-space indentation, as `toYaml` in upstream's manifest templates.
 */
import { formatFloat, naturalCompare, parseJson, parseYaml, stringifyYaml } from "../yaml.ts";
import { byteOrder, isMap, isStruct, structFields, typeName } from "./values.ts";

/** RFC 3339 with fractional seconds only when present (Go's `time.RFC3339Nano` for UTC). */
export const rfc3339 = (d: Date): string => d.toISOString().replace(/\.000Z$/, "Z").replace(/(\.\d*?)0+Z$/, "$1Z");

type KeyOrder = (a: string, b: string) => number;

/** An object whose key order is fixed (JavaScript objects would move integer-like keys first). */
class Ordered {
  constructor(readonly entries: [string, unknown][]) {}
}

/**
 * A JSON-like copy of a template value, laid out as Go's encoders lay it out: map keys in `mapOrder`,
 * structs in field order (through their `toJSON()` when they have one), times as RFC 3339.
 * Throws on functions.
 */
function toOrdered(v: unknown, mapOrder: KeyOrder): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === "function") throw new Error(`unsupported type: ${typeName(v)}`);
  if (typeof v !== "object") return v;
  if (v instanceof Date) return rfc3339(v);
  if (Array.isArray(v)) return v.map((x) => toOrdered(x, mapOrder));
  if (isMap(v)) {
    const keys: string[] = [];
    for (const k of Object.keys(v)) if (v[k] !== undefined) keys.push(k);
    keys.sort(mapOrder);
    return new Ordered(keys.map((k) => [k, toOrdered(v[k], mapOrder)]));
  }
  if (isStruct(v)) {
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    const fields = typeof toJSON === "function" ? toJSON.call(v) : v;
    if (!isMap(fields) && fields !== v) return toOrdered(fields, mapOrder);
    const keys = fields === v ? structFields(v) : Object.keys(fields as object);
    return new Ordered(keys.map((k) => [k, toOrdered((fields as Record<string, unknown>)[k], mapOrder)]));
  }
  return v;
}

/** Plain objects from ordered ones (integer-like keys then come first: a JavaScript limit). */
function toPlain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof Ordered) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v.entries) out[k] = toPlain(x);
    return out;
  }
  return v;
}

function jsonString(s: string, escapeHtml: boolean): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (c < 0x20) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else if (escapeHtml && (ch === "<" || ch === ">" || ch === "&")) out += `\\u00${c.toString(16)}`;
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += "\\ufffd";
    else out += ch;
  }
  return `${out}"`;
}


export interface JsonOptions {
  /** Indent per level for `MarshalIndent`; compact when absent. */
  readonly indent?: string;
  /** Escape `<`, `>`, `&` (Go's default). */
  readonly escapeHtml?: boolean;
}

/** `json.Marshal` / `json.MarshalIndent(v, "", indent)` of a template value; throws on unsupported values. */
export function goJson(value: unknown, opts: JsonOptions = {}): string {
  const escapeHtml = opts.escapeHtml ?? true;
  const indent = opts.indent;
  const walk = (v: unknown, depth: number): string => {
    if (v === null) return "null";
    switch (typeof v) {
      case "string":
        return jsonString(v, escapeHtml);
      case "boolean":
        return v ? "true" : "false";
      case "bigint":
        return v.toString();
      case "number":
        if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${formatFloat(v)}`);
        return String(v);
    }
    const nl = indent === undefined ? "" : `\n${indent.repeat(depth + 1)}`;
    const end = indent === undefined ? "" : `\n${indent.repeat(depth)}`;
    const colon = indent === undefined ? ":" : ": ";
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      return `[${v.map((x) => nl + walk(x, depth + 1)).join(",")}${end}]`;
    }
    const entries = (v as Ordered).entries;
    if (entries.length === 0) return "{}";
    return `{${entries.map(([k, x]) => `${nl}${jsonString(k, escapeHtml)}${colon}${walk(x, depth + 1)}`).join(",")}${end}}`;
  };
  return walk(toOrdered(value, byteOrder), 0);
}

/** yaml.v3 `Marshal` of a template value with 4-space indentation and natural key order. */
export function goYaml(value: unknown): string {
  return stringifyYaml(toPlain(toOrdered(value, naturalCompare)), { indent: 4 });
}

/** Decode YAML text (first document) into template values; throws with a one-line message. */
export function decodeYaml(text: string): unknown {
  return parseYaml(text, "yaml").value;
}

/** Decode JSON text into template values; throws with a one-line message. */
export function decodeJson(text: string): unknown {
  return parseJson(text, "json").value;
}
