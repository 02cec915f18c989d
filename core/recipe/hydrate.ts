/**
 * Helm values of a resolved component: the component's `values.yaml`, a variant `valuesFile` merged
 * on top (never stacked on another variant), then the merged `overrides`. Maps merge key by key;
 * lists, scalars and null replace. Optionally records which source set each leaf.
 */
import { internal } from "../errors.ts";
import { copyValuesFile, readValuesFile, type Store } from "../catalogue/store.ts";
import type { ComponentRef } from "../schema/component-ref.ts";
import { describeLayer, type Provenance } from "./provenance.ts";

type Values = Record<string, unknown>;

export const isMap = (v: unknown): v is Values => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Deep merge `src` into `dst` in place; `onSet` hears the dot path of every value written. What is
 * written is a copy: `dst` never shares an object with `src`.
 */
export function deepMerge(dst: Values, src: Values, onSet?: (path: string[]) => void, prefix: string[] = []): Values {
  for (const k in src) {
    const s = src[k];
    const d = dst[k];
    if (isMap(d) && isMap(s)) {
      deepMerge(d, s, onSet, onSet ? [...prefix, k] : prefix);
    } else {
      dst[k] = s !== null && typeof s === "object" ? structuredClone(s) : s;
      if (onSet) markLeaves(s, [...prefix, k], onSet);
    }
  }
  return dst;
}

function markLeaves(v: unknown, path: string[], onSet: (path: string[]) => void): void {
  if (isMap(v) && Object.keys(v).length > 0) for (const [k, c] of Object.entries(v)) markLeaves(c, [...path, k], onSet);
  else onSet(path);
}

export interface ValueSources {
  /** dot path of each leaf -> description of the layer that set it last. */
  leaves: Map<string, string>;
  /** dot path of each leaf -> its keys (a Helm key may itself contain dots). */
  keys?: Map<string, string[]>;
}

/** Note that `path` was written by `label`, forgetting leaves the write replaced (below or above it). */
function noteLeaf(sources: ValueSources, path: string[], label: string): void {
  const p = path.join(".");
  for (const k of [...sources.leaves.keys()]) {
    if (k.startsWith(`${p}.`) || p.startsWith(`${k}.`)) {
      sources.leaves.delete(k);
      sources.keys?.delete(k);
    }
  }
  sources.leaves.set(p, label);
  sources.keys?.set(p, path);
}

function readFile(store: Store, path: string, component: string, copy: boolean): Values | undefined {
  try {
    return copy ? copyValuesFile(store, path) : readValuesFile(store, path);
  } catch (err) {
    throw internal(`failed to hydrate values for component "${component}": cannot read ${path}`, err);
  }
}

/** Merge a tree nobody else holds into `dst`: its subtrees move over as they are. */
function mergeOwned(dst: Values, src: Values): void {
  for (const k in src) {
    const s = src[k];
    const d = dst[k];
    if (isMap(d) && isMap(s)) mergeOwned(d, s);
    else dst[k] = s;
  }
}

/**
 * The hydrated Helm values of one component, as a new tree the caller may change; `sources` (when given)
 * is filled with per-leaf origins.
 */
export function valuesFor(store: Store, ref: ComponentRef, provenance?: Provenance, sources?: ValueSources): Values {
  const result: Values = {};
  const overrides = ref.overrides ?? {};
  const valuesFile = ref.valuesFile ?? "";
  if (valuesFile === "" && Object.keys(overrides).length === 0) return result;
  const record = (label: string) => (sources ? (path: string[]) => noteLeaf(sources, path, label) : undefined);
  const fileLabel = (path: string) => `${path}${store.files.get(path)?.origin === "external" ? " [--data]" : ""}`;

  // Without sources to record, files come as fresh copies that are merged in without copying again.
  const merge = (src: Values, label: string) => (sources ? deepMerge(result, src, record(label)) : mergeOwned(result, src));
  if (valuesFile !== "") {
    const baseFile = `components/${ref.name}/values.yaml`;
    if (valuesFile !== baseFile) {
      const base = readFile(store, baseFile, ref.name, !sources);
      if (base) merge(base, fileLabel(baseFile));
    }
    const file = readFile(store, valuesFile, ref.name, !sources);
    if (!file) throw internal(`failed to hydrate values for component "${ref.name}": values file ${valuesFile} not found`);
    merge(file, fileLabel(valuesFile));
  }
  for (const [k, v] of Object.entries(overrides)) {
    const layer = provenance?.overrideKeys.get(ref.name)?.get(k);
    const label = `overrides from ${layer ? describeLayer(layer) : "recipe"}`;
    deepMerge(result, { [k]: v }, record(label));
  }
  return result;
}
