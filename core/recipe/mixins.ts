/**
 * Mixins: reusable fragments (`kind: RecipeMixin` under mixins/) that overlays name in `spec.mixins`.
 * They are applied after every overlay chain is merged, in accumulated order. A mixin may add new
 * constraints and components; on a component the chain already has it may only add a namespace or
 * manifests, so an overlay's settings are never silently overwritten.
 */
import { invalid, notFound } from "../errors.ts";
import type { StoredMixin } from "../catalogue/store.ts";
import { mergeRef, type MergedSpec } from "./merge.ts";
import { noteField, noteOverrideKey, type Layer, type Provenance } from "./provenance.ts";

const additiveFields = new Set(["name", "namespace", "manifestFiles"]);

export function mixinLayer(m: StoredMixin): Layer {
  return { name: m.name, kind: "mixin", path: m.path, origin: m.origin };
}

export function applyMixins(merged: MergedSpec, mixins: ReadonlyMap<string, StoredMixin>, p?: Provenance): void {
  for (const name of merged.mixins) {
    const mixin = mixins.get(name);
    if (!mixin) {
      const known = [...mixins.keys()].sort();
      throw notFound(`mixin "${name}" not found in mixins/ (known: ${known.length ? known.join(", ") : "none"})`);
    }
    const layer = mixinLayer(mixin);
    const spec = mixin.doc.spec;
    for (const c of spec.constraints ?? []) {
      if (merged.constraints.has(c.name)) {
        throw invalid(`mixin "${name}" constraint "${c.name}" conflicts with the inheritance chain or another mixin`);
      }
      merged.constraints.set(c.name, c);
      p?.constraints.set(c.name, layer);
    }
    for (const r of spec.componentRefs ?? []) {
      const prior = merged.refs.get(r.name);
      if (prior) {
        const offending = Object.entries(r).find(([k, v]) => !additiveFields.has(k) && v !== undefined);
        if (offending) {
          throw invalid(
            `mixin "${name}" sets "${offending[0]}" on component "${r.name}" which the inheritance chain already defines (a mixin may only add namespace or manifestFiles to an existing component)`,
          );
        }
        merged.refs.set(r.name, mergeRef(prior, r));
      } else {
        merged.refs.set(r.name, r);
      }
      if (p) {
        for (const [k, v] of Object.entries(r)) {
          if (k === "name" || v === undefined) continue;
          if (k === "overrides") for (const ok of Object.keys(v as object)) noteOverrideKey(p, r.name, ok, layer);
          else noteField(p, r.name, k, layer);
        }
      }
    }
    merged.sorted = true;
  }
}
