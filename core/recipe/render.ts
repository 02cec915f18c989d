/**
 * Writing a RecipeResult (and `query` selections) as YAML, JSON or a table. Struct-like objects keep
 * their declared key order; free-form maps (overrides, selectors, values) are sorted: natural order
 * for YAML, byte order for JSON.
 */
import { invalid } from "../errors.ts";
import type { ComponentRef } from "../schema/component-ref.ts";
import type { Constraint } from "../schema/constraint.ts";
import { componentRefFieldOrder, phaseNames } from "../schema/names.ts";
import type { ValidationPhase } from "../schema/validation.ts";
import { byteCompare, formatFloat, sortKeysDeep, stringifyJson, stringifyYaml, type KeyOrder } from "../yaml.ts";
import { criteriaFields } from "./criteria.ts";
import type { RecipeResult } from "./result.ts";

export const outputFormats = ["yaml", "json", "table"] as const;
export type OutputFormat = (typeof outputFormats)[number];

export function parseFormat(raw: string): OutputFormat {
  if ((outputFormats as readonly string[]).includes(raw)) return raw as OutputFormat;
  throw invalid(`unknown output format: "${raw}", valid formats are: ${outputFormats.join(", ")}`);
}

type Obj = Record<string, unknown>;

/** Copy the listed keys in order, dropping undefined, empty strings and empty lists unless kept. */
function pick(src: Obj, keys: readonly string[], keep: readonly string[] = []): Obj {
  const out: Obj = {};
  for (const k of keys) {
    const v = src[k];
    if (keep.includes(k)) {
      out[k] = v ?? "";
      continue;
    }
    if (v === undefined || v === null || v === "" || v === false) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length === 0) continue;
    out[k] = v;
  }
  return out;
}

const constraintDoc = (c: Constraint) => pick(c, ["name", "value", "severity", "remediation", "unit"], ["name", "value"]);

function refDoc(r: ComponentRef, order: KeyOrder): Obj {
  const out = pick(r, componentRefFieldOrder, ["name", "type", "source"]);
  if (out["overrides"]) out["overrides"] = sortKeysDeep(out["overrides"], order);
  if (out["expectedResources"]) {
    out["expectedResources"] = (r.expectedResources ?? []).map((e) => pick(e, ["kind", "name", "namespace"], ["kind", "name"]));
  }
  return out;
}

function phaseDoc(p: ValidationPhase, order: KeyOrder): Obj {
  const out = pick(p, ["timeout", "constraints", "checks", "nodeSelection", "infrastructure"]);
  if (p.constraints && p.constraints.length > 0) out["constraints"] = p.constraints.map(constraintDoc);
  if (p.nodeSelection) {
    const ns = pick(p.nodeSelection, ["selector", "maxNodes", "excludeNodes"]);
    if (ns["selector"]) ns["selector"] = sortKeysDeep(ns["selector"], order);
    if (Object.keys(ns).length > 0) out["nodeSelection"] = ns;
    else delete out["nodeSelection"];
  }
  return out;
}

/** The RecipeResult as an ordered plain object for the given key order of free-form maps. */
export function recipeDocument(result: RecipeResult, order: KeyOrder = "natural"): Obj {
  const m = result.metadata;
  const metadata = pick(m, ["version", "appliedOverlays", "excludedOverlays", "constraintWarnings"]);
  if (m.constraintWarnings && m.constraintWarnings.length > 0) {
    metadata["constraintWarnings"] = m.constraintWarnings.map((w) =>
      pick(w, ["overlay", "constraint", "expected", "actual", "reason"], ["overlay", "constraint", "expected", "reason"]),
    );
  }
  const criteria: Obj = {};
  for (const f of criteriaFields) if (result.criteria[f] !== "") criteria[f] = result.criteria[f];
  if (result.criteria.nodes !== 0) criteria["nodes"] = result.criteria.nodes;

  const doc: Obj = { kind: result.kind, apiVersion: result.apiVersion, metadata, criteria };
  if (result.constraints.length > 0) doc["constraints"] = result.constraints.map(constraintDoc);
  doc["componentRefs"] = result.componentRefs.map((r) => refDoc(r, order));
  doc["deploymentOrder"] = result.deploymentOrder;
  if (result.validation) {
    const v: Obj = {};
    for (const ph of phaseNames) {
      const p = result.validation[ph];
      if (p) v[ph] = phaseDoc(p, order);
    }
    doc["validation"] = v;
  }
  return doc;
}

const goName = (k: string) => (k === "apiVersion" ? "APIVersion" : k.charAt(0).toUpperCase() + k.slice(1));

/** FIELD/VALUE table of every leaf, keys sorted in byte order (a debugging aid). */
export function toTable(doc: unknown, structDepth = Infinity): string {
  const rows: [string, string][] = [];
  const walk = (v: unknown, key: string, depth: number) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${key}.[${i}]`, depth + 1));
    else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) walk(x, key ? `${key}.${depth < structDepth ? goName(k) : k}` : goName(k), depth + 1);
    } else rows.push([key, v === null || v === undefined ? "<nil>" : String(v)]);
  };
  walk(doc, "", 0);
  if (rows.length === 0) return "<empty>\n";
  rows.sort((a, b) => byteCompare(a[0], b[0]));
  const width = Math.max(5, ...rows.map((r) => r[0].length));
  const line = (a: string, b: string) => `${a.padEnd(width)}  ${b}`.trimEnd();
  return [line("FIELD", "VALUE"), line("-----", "-----"), ...rows.map(([k, v]) => line(k, v))].join("\n") + "\n";
}

/** Text of a recipe. ConfigMap payloads use 4-space YAML and JSON without a trailing newline. */
export function formatRecipe(result: RecipeResult, format: OutputFormat, opts: { forConfigMap?: boolean } = {}): string {
  switch (format) {
    case "json":
      return stringifyJson(recipeDocument(result, "byte"), { trailingNewline: !opts.forConfigMap });
    case "table":
      return toTable(recipeDocument(result, "natural"), 3);
    default:
      return stringifyYaml(recipeDocument(result, "natural"), { indent: opts.forConfigMap ? 4 : 2 });
  }
}

/** A `query` selection: scalars as plain text, maps and lists as 4-space YAML or JSON. */
export function formatSelection(value: unknown, format: OutputFormat): string {
  if (format === "json") return stringifyJson(sortKeysDeep(value, "byte"));
  if (value === null || value === undefined) return "null\n";
  if (typeof value === "string") return `${value}\n`;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return `${typeof value === "number" ? formatFloat(value) : String(value)}\n`;
  return stringifyYaml(sortKeysDeep(value, "natural"), { indent: 4 });
}
