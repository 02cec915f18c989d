/** Where each resolved setting came from: the layer that set it last. */
import type { Origin } from "../catalogue/entry.ts";
import type { PhaseName } from "../schema/validation.ts";

export interface Layer {
  /** Overlay or mixin name, `base`, `registry` or a values-file path. */
  name: string;
  kind: "base" | "overlay" | "mixin" | "registry" | "values-file";
  /** Catalogue-relative file. */
  path?: string;
  origin?: Origin;
}

export interface Provenance {
  /** component -> componentRef field -> layer that set it last. */
  refFields: Map<string, Map<string, Layer>>;
  /** component -> top-level `overrides` key -> layer that set it last. */
  overrideKeys: Map<string, Map<string, Layer>>;
  constraints: Map<string, Layer>;
  validation: Map<PhaseName, Layer>;
}

export function emptyProvenance(): Provenance {
  return { refFields: new Map(), overrideKeys: new Map(), constraints: new Map(), validation: new Map() };
}

export function noteField(p: Provenance, component: string, field: string, layer: Layer): void {
  let m = p.refFields.get(component);
  if (!m) p.refFields.set(component, (m = new Map()));
  m.set(field, layer);
}

export function noteOverrideKey(p: Provenance, component: string, key: string, layer: Layer): void {
  let m = p.overrideKeys.get(component);
  if (!m) p.overrideKeys.set(component, (m = new Map()));
  m.set(key, layer);
}

/** `eks-training (overlays/eks-training.yaml)`, with `[--data]` for external files. */
export function describeLayer(l: Layer): string {
  const label = l.kind === "mixin" ? `mixin ${l.name}` : l.kind === "registry" ? "registry default" : l.name;
  const file = l.path && l.kind !== "values-file" ? ` (${l.path})` : "";
  const ext = l.origin === "external" ? " [--data]" : "";
  return `${label}${file}${ext}`;
}
