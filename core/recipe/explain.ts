/**
 * Provenance report: for each constraint, each component field and each hydrated Helm value, the
 * layer that set it last (overlay, mixin, values file, registry default; `[--data]` for external files).
 */
import type { Store } from "../catalogue/store.ts";
import { componentRefFieldOrder } from "../schema/names.ts";
import { naturalCompare, stringifyJson } from "../yaml.ts";
import { isMap, valuesFor, type ValueSources } from "./hydrate.ts";
import { describeLayer, type Provenance } from "./provenance.ts";
import { criteriaFields } from "./criteria.ts";
import type { RecipeResult } from "./result.ts";

export interface Explained {
  value: unknown;
  setBy: string;
}

export interface ComponentExplanation {
  name: string;
  fields: Record<string, Explained>;
  values: Record<string, Explained>;
}

export interface Explanation {
  criteria: RecipeResult["criteria"];
  appliedOverlays: string[];
  constraints: ({ name: string } & Explained)[];
  validation: Record<string, string>;
  components: ComponentExplanation[];
}

function leafValue(values: Record<string, unknown>, keys: readonly string[]): unknown {
  let cur: unknown = values;
  for (const k of keys) cur = isMap(cur) ? cur[k] : undefined;
  return cur;
}

export function explainRecipe(store: Store, result: RecipeResult, provenance: Provenance): Explanation {
  const components = result.componentRefs.map((ref) => {
    const fields: Record<string, Explained> = {};
    const fp = provenance.refFields.get(ref.name);
    for (const f of componentRefFieldOrder) {
      if (f === "name" || f === "overrides") continue;
      const v = ref[f];
      if (v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) continue;
      const layer = fp?.get(f);
      fields[f] = { value: v, setBy: layer ? describeLayer(layer) : "unknown" };
    }
    const sources: ValueSources = { leaves: new Map(), keys: new Map() };
    const values = valuesFor(store, ref, provenance, sources);
    const vals: Record<string, Explained> = {};
    for (const path of [...sources.leaves.keys()].sort(naturalCompare)) {
      vals[path] = { value: leafValue(values, sources.keys?.get(path) ?? path.split(".")), setBy: sources.leaves.get(path) as string };
    }
    return { name: ref.name, fields, values: vals };
  });
  const validation: Record<string, string> = {};
  for (const [phase, layer] of provenance.validation) validation[phase] = describeLayer(layer);
  return {
    criteria: result.criteria,
    appliedOverlays: result.metadata.appliedOverlays,
    constraints: result.constraints.map((c) => {
      const l = provenance.constraints.get(c.name);
      return { name: c.name, value: c.value, setBy: l ? describeLayer(l) : "unknown" };
    }),
    validation,
    components,
  };
}

const show = (v: unknown): string =>
  typeof v === "string" ? v : v === undefined ? "" : stringifyJson(v, { trailingNewline: false }).replace(/\n\s*/g, " ");

function table(rows: [string, string, string][], indent: string): string[] {
  const w0 = Math.max(0, ...rows.map((r) => r[0].length));
  const w1 = Math.min(60, Math.max(0, ...rows.map((r) => r[1].length)));
  return rows.map(([a, b, c]) => `${indent}${a.padEnd(w0)}  ${b.padEnd(w1)}  <- ${c}`);
}

/** Human-readable provenance report. */
export function renderExplanation(e: Explanation): string {
  const crit = criteriaFields.map((f) => `${f}=${e.criteria[f]}`).join(" ") + (e.criteria.nodes ? ` nodes=${e.criteria.nodes}` : "");
  const out: string[] = [`Recipe for ${crit}`, `Applied overlays: ${e.appliedOverlays.join(" -> ")}`, ""];
  if (e.constraints.length > 0) {
    out.push("Constraints:", ...table(e.constraints.map((c) => [c.name, show(c.value), c.setBy]), "  "), "");
  }
  const phases = Object.entries(e.validation);
  if (phases.length > 0) out.push("Validation phases:", ...phases.map(([p, by]) => `  ${p}  <- ${by}`), "");
  for (const c of e.components) {
    out.push(`${c.name}:`);
    out.push(...table(Object.entries(c.fields).map(([k, v]) => [k, show(v.value), v.setBy]), "  "));
    const vals = Object.entries(c.values);
    if (vals.length > 0) {
      out.push("  values:");
      out.push(...table(vals.map(([k, v]) => [k, show(v.value), v.setBy]), "    "));
    }
    out.push("");
  }
  return out.join("\n");
}

/** Provenance of what one `query` selector points at, as `path  value  <- layer` lines. */
export function explainSelection(e: Explanation, selector: string): { path: string; value: unknown; setBy: string }[] {
  const parts = (selector.startsWith(".") ? selector.slice(1) : selector).split(".").filter((p) => p !== "");
  const out: { path: string; value: unknown; setBy: string }[] = [];
  const within = (path: string, prefix: string) => prefix === "" || path === prefix || path.startsWith(`${prefix}.`);
  if (parts[0] === "components") {
    for (const c of e.components) {
      if (parts[1] !== undefined && parts[1] !== c.name) continue;
      if (parts[2] === undefined || parts[2] !== "values") {
        for (const [f, v] of Object.entries(c.fields)) {
          if (parts[2] === undefined || parts[2] === f) out.push({ path: `components.${c.name}.${f}`, ...v });
        }
      }
      if (parts[2] === undefined || parts[2] === "values") {
        const prefix = parts.slice(3).join(".");
        for (const [p, v] of Object.entries(c.values)) {
          if (within(p, prefix)) out.push({ path: `components.${c.name}.values.${p}`, ...v });
        }
      }
    }
  } else if (parts[0] === "constraints" || parts.length === 0) {
    for (const c of e.constraints) out.push({ path: `constraints.${c.name}`, value: c.value, setBy: c.setBy });
  } else if (parts[0] === "criteria") {
    out.push({ path: parts.join("."), value: undefined, setBy: "the query criteria (flags, --criteria or --config)" });
  } else {
    out.push({ path: parts.join("."), value: undefined, setBy: "computed by the resolver" });
  }
  return out;
}
