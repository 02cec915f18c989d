/**
 * Merging recipe layers. Constraints merge by name (later wins whole); component references merge
 * field by field (later non-empty strings win, `overrides` replace per top-level key, lists replace,
 * `manifestFiles` accumulate); validation phases are replaced whole.
 */
import type { ComponentRef } from "../schema/component-ref.ts";
import type { Constraint } from "../schema/constraint.ts";
import type { RecipeSpec } from "../schema/recipe-metadata.ts";
import { phaseNames, scalarRefFields } from "../schema/names.ts";
import type { Validation } from "../schema/validation.ts";
import { byteCompare } from "../yaml.ts";
import { noteField, noteOverrideKey, type Layer, type Provenance } from "./provenance.ts";

export interface MergedSpec {
  constraints: Map<string, Constraint>;
  refs: Map<string, ComponentRef>;
  validation?: Validation;
  /** Mixin names in merge order, first occurrence kept. */
  mixins: string[];
  /** False until a layer is merged onto the base: lists then keep the base's file order. */
  sorted: boolean;
}

// Layers coming from the store are never mutated: merging builds new objects and shares unchanged values.

function noteRef(p: Provenance | undefined, ref: ComponentRef, layer: Layer): void {
  if (!p) return;
  for (const [field, value] of Object.entries(ref)) {
    if (field === "name" || value === undefined || value === "") continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (field === "overrides") {
      for (const k of Object.keys(value as object)) noteOverrideKey(p, ref.name, k, layer);
      continue;
    }
    noteField(p, ref.name, field, layer);
  }
}

/** The base spec as the starting point of a merge (deep copy). */
export function startFromBase(spec: RecipeSpec | undefined, layer: Layer, p?: Provenance): MergedSpec {
  const merged: MergedSpec = { constraints: new Map(), refs: new Map(), validation: undefined, mixins: [], sorted: false };
  applyLayer(merged, spec ?? {}, layer, p);
  return merged;
}

/** Field-by-field merge of one component reference onto another (returns a new object). */
export function mergeRef(base: ComponentRef, over: ComponentRef): ComponentRef {
  const out: ComponentRef = { ...base };
  const o = over;
  for (const f of scalarRefFields) {
    const v = o[f];
    if (typeof v === "string" && v !== "") out[f] = v;
  }
  if (o.overrides && Object.keys(o.overrides).length > 0) {
    out.overrides = { ...(out.overrides ?? {}) };
    for (const [k, v] of Object.entries(o.overrides)) out.overrides[k] = v;
  }
  if (o.patches && o.patches.length > 0) out.patches = o.patches;
  if (o.dependencyRefs && o.dependencyRefs.length > 0) out.dependencyRefs = o.dependencyRefs;
  if (o.expectedResources && o.expectedResources.length > 0) out.expectedResources = o.expectedResources;
  if (o.manifestFiles && o.manifestFiles.length > 0) {
    const list = [...(out.manifestFiles ?? [])];
    for (const m of o.manifestFiles) if (!list.includes(m)) list.push(m);
    out.manifestFiles = list;
  }
  if (o.cleanup === true) out.cleanup = true;
  return out;
}

/** Merge one overlay's spec into the accumulated result (lists are then emitted sorted by name). */
export function mergeSpec(merged: MergedSpec, spec: RecipeSpec | undefined, layer: Layer, p?: Provenance): void {
  merged.sorted = true;
  applyLayer(merged, spec ?? {}, layer, p);
}

function applyLayer(merged: MergedSpec, s: RecipeSpec, layer: Layer, p?: Provenance): void {
  for (const c of s.constraints ?? []) {
    merged.constraints.set(c.name, c);
    p?.constraints.set(c.name, layer);
  }
  for (const r of s.componentRefs ?? []) {
    const prior = merged.refs.get(r.name);
    merged.refs.set(r.name, prior ? mergeRef(prior, r) : r);
    noteRef(p, r, layer);
  }
  if (s.validation) {
    if (!merged.validation) merged.validation = { ...s.validation };
    else for (const ph of phaseNames) if (s.validation[ph]) merged.validation[ph] = s.validation[ph];
    if (p) for (const ph of phaseNames) if (s.validation[ph]) p.validation.set(ph, layer);
  }
  for (const m of s.mixins ?? []) if (!merged.mixins.includes(m)) merged.mixins.push(m);
}

export function constraintList(m: MergedSpec): Constraint[] {
  const list = [...m.constraints.values()];
  return m.sorted ? list.sort((a, b) => byteCompare(a.name, b.name)) : list;
}

export function refList(m: MergedSpec): ComponentRef[] {
  const list = [...m.refs.values()];
  return m.sorted ? list.sort((a, b) => byteCompare(a.name, b.name)) : list;
}
