/**
 * Registry defaults, applied after ordering: they fill only empty fields of a component reference,
 * and only for the exact types `Helm` and `Kustomize`. Recipe values always win.
 */
import { findComponent, type Registry } from "../catalogue/registry.ts";
import type { ComponentRef } from "../schema/component-ref.ts";
import { noteField, type Layer, type Provenance } from "./provenance.ts";

export function applyRegistryDefaults(ref: ComponentRef, registry: Registry, p?: Provenance): ComponentRef {
  const entry = findComponent(registry, ref.name);
  if (!entry) return ref;
  const out = { ...ref };
  const layer: Layer = { name: "registry", kind: "registry", path: "registry.yaml", origin: registry.origins[ref.name] };
  const fill = (field: "type" | "source" | "version" | "namespace" | "chart" | "tag" | "path", value: string | undefined) => {
    if ((out[field] ?? "") !== "" || value === undefined || value === "") return;
    out[field] = value;
    if (p) noteField(p, ref.name, field, layer);
  };
  if ((out.type ?? "") === "") fill("type", (entry.kustomize?.defaultSource ?? "") !== "" ? "Kustomize" : "Helm");
  if (out.type === "Helm" && entry.helm) {
    fill("source", entry.helm.defaultRepository);
    fill("version", entry.helm.defaultVersion);
    fill("namespace", entry.helm.defaultNamespace);
    const chart = entry.helm.defaultChart;
    fill("chart", chart ? chart.slice(chart.lastIndexOf("/") + 1) : undefined);
  } else if (out.type === "Kustomize" && entry.kustomize) {
    fill("source", entry.kustomize.defaultSource);
    fill("tag", entry.kustomize.defaultTag);
    fill("path", entry.kustomize.defaultPath);
  }
  return out;
}
