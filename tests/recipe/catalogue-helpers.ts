/**
 * Shared helpers of the catalogue table tests: resolving a fixture query against the embedded
 * catalogue (memoised), and the value-counting rules of catalogue-values §5.
 */
import { embeddedStore } from "../../core/catalogue/embedded.ts";
import type { Store } from "../../core/catalogue/store.ts";
import type { ComponentRef } from "../../core/schema/component-ref.ts";
import { anyCriteria, applyCriteria, type Criteria } from "../../core/recipe/criteria.ts";
import { isMap, valuesFor } from "../../core/recipe/hydrate.ts";
import { resolveRecipe, type Resolution } from "../../core/recipe/resolve.ts";
import type { RecipeResult } from "../../core/recipe/result.ts";
import { phaseNames } from "../../core/schema/validation.ts";
import { overlayExpectations, type Query } from "../fixtures/catalogue-expectations.ts";

/** The version string the examples were produced with. */
export const VERSION = "0.11.1";

export const store = (): Store => embeddedStore();

/** The engine criteria of a fixture query (omitted fields are `any`). */
export function criteriaOf(q: Query): Criteria {
  return applyCriteria(anyCriteria(), { ...q });
}

const memo = new Map<string, Resolution>();

/** Resolve a fixture query once per process. */
export function resolveQuery(q: Query): Resolution {
  const key = JSON.stringify(q);
  let r = memo.get(key);
  if (!r) {
    r = resolveRecipe(store(), criteriaOf(q), { version: VERSION });
    memo.set(key, r);
  }
  return r;
}

/** The fixture query of an overlay (its own criteria). */
export function overlayQuery(overlay: string): Query {
  const e = overlayExpectations.find((x) => x.overlay === overlay);
  if (!e) throw new Error(`no overlay expectation for ${overlay}`);
  return e.query;
}

export function refOf(result: RecipeResult, name: string): ComponentRef {
  const r = result.componentRefs.find((c) => c.name === name);
  if (!r) throw new Error(`component ${name} not in the recipe (have: ${result.componentRefs.map((c) => c.name).join(", ")})`);
  return r;
}

/** Hydrated values of every component of a result, by name. */
export function hydratedValues(result: RecipeResult): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const ref of result.componentRefs) out.set(ref.name, valuesFor(store(), ref));
  return out;
}

/** Checks per validation phase that the result carries (phases absent from the result are absent here). */
export function checksByPhase(result: RecipeResult): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const ph of phaseNames) {
    const p = result.validation?.[ph];
    if (p) out[ph] = p.checks ?? [];
  }
  return out;
}

/** Constraints set inside validation phases, name -> value. */
export function phaseConstraints(result: RecipeResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ph of phaseNames) for (const c of result.validation?.[ph]?.constraints ?? []) out[c.name] = c.value;
  return out;
}

export type Scalar = string | number | boolean | null;

/**
 * Rule L leaves: every scalar (null included) is one value, lists are walked element by element
 * (`path[i]`), empty maps and empty lists contribute nothing.
 */
export function leavesL(v: unknown, path = "", out = new Map<string, Scalar>()): Map<string, Scalar> {
  if (Array.isArray(v)) v.forEach((x, i) => leavesL(x, `${path}[${i}]`, out));
  else if (isMap(v)) for (const [k, x] of Object.entries(v)) leavesL(x, path === "" ? k : `${path}.${k}`, out);
  else out.set(path, v as Scalar);
  return out;
}

/**
 * Rule H rows (Helm style): a list is one value, an empty map `{}` is one value (a component whose
 * values are `{}` has one row), scalars are one value each. Row values are JSON text.
 */
export function rowsH(v: unknown, path = "", out = new Map<string, string>()): Map<string, string> {
  if (isMap(v) && Object.keys(v).length > 0) {
    for (const [k, x] of Object.entries(v)) rowsH(x, path === "" ? k : `${path}.${k}`, out);
  } else {
    out.set(path, JSON.stringify(v));
  }
  return out;
}

export const countL = (v: unknown): number => leavesL(v).size;
export const countH = (v: unknown): number => rowsH(v).size;

/** Every scalar anywhere in a document (rule D is this count over the whole hydrated query document). */
export function countScalars(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + countScalars(x), 0);
  if (v !== null && typeof v === "object") return Object.values(v).reduce((n: number, x) => n + countScalars(x), 0);
  return 1;
}

/** Keys that are in exactly one of two maps, or in both with different values. */
export function diffKeys<V>(a: Map<string, V>, b: Map<string, V>): { changed: string[]; added: string[]; removed: string[] } {
  const changed: string[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  for (const [k, v] of a) {
    if (!b.has(k)) removed.push(k);
    else if (!Object.is(v, b.get(k))) changed.push(k);
  }
  for (const k of b.keys()) if (!a.has(k)) added.push(k);
  return { changed, added, removed };
}

/** Parse a Kubernetes quantity ("250m", "1Gi", 2) into a plain number. */
export function quantity(q: unknown): number {
  if (typeof q === "number") return q;
  const m = /^([0-9.]+)(m|Ki|Mi|Gi|Ti)?$/.exec(String(q));
  if (!m) throw new Error(`not a quantity: ${String(q)}`);
  const n = Number(m[1]);
  const unit = m[2] ?? "";
  const mult: Record<string, number> = { "": 1, m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
  return n * (mult[unit] as number);
}

/** Follow a dot path through nested maps; undefined when any step is missing. */
export function at(v: unknown, path: string): unknown {
  let cur = v;
  for (const k of path.split(".")) {
    if (!isMap(cur) || !(k in cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** True when a dot path exists (its value may be null). */
export function has(v: unknown, path: string): boolean {
  const parts = path.split(".");
  const last = parts.pop() as string;
  const parent = parts.length === 0 ? v : at(v, parts.join("."));
  return isMap(parent) && last in parent;
}
