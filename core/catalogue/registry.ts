/** The component registry: merging an external registry over the embedded one, and lookups. */
import type { ComponentRegistry, RegistryComponent } from "../schema/registry.ts";

export interface Registry {
  apiVersion?: string;
  kind?: string;
  components: RegistryComponent[];
  /** Where each component's entry came from (`registry.yaml` embedded or external). */
  origins: Record<string, "embedded" | "external">;
}

/** Each component's origin, by name (a loop rather than fromEntries/map: see docs/start-up.md). */
function originsOf(components: readonly RegistryComponent[], origin: "embedded" | "external"): Record<string, "embedded" | "external"> {
  const out: Record<string, "embedded" | "external"> = {};
  for (const c of components) out[c.name] = origin;
  return out;
}

export function registryFrom(doc: ComponentRegistry | undefined, origin: "embedded" | "external"): Registry {
  const components = doc?.components ?? [];
  return {
    apiVersion: doc?.apiVersion,
    kind: doc?.kind,
    components,
    origins: originsOf(components, origin),
  };
}

/**
 * External entries replace embedded ones of the same name whole (no field merge), in embedded order;
 * new external components are appended in their own order. The embedded header is kept.
 */
export function mergeRegistries(embedded: Registry, external: Registry): Registry {
  const ext = new Map(external.components.map((c) => [c.name, c]));
  const out: RegistryComponent[] = [];
  const origins: Record<string, "embedded" | "external"> = {};
  const seen = new Set<string>();
  for (const c of embedded.components) {
    const replacement = ext.get(c.name);
    out.push(replacement ?? c);
    origins[c.name] = replacement ? "external" : "embedded";
    seen.add(c.name);
  }
  for (const c of external.components) {
    if (seen.has(c.name)) continue;
    out.push(c);
    origins[c.name] = "external";
    seen.add(c.name);
  }
  return { apiVersion: embedded.apiVersion, kind: embedded.kind, components: out, origins };
}

export function findComponent(reg: Registry, name: string): RegistryComponent | undefined {
  return reg.components.find((c) => c.name === name);
}

/** Component by name or by one of its `valueOverrideKeys`, first match in registry order. */
export function findByOverrideKey(reg: Registry, key: string): RegistryComponent | undefined {
  return reg.components.find((c) => c.name === key || (c.valueOverrideKeys ?? []).includes(key));
}
