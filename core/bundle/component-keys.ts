/**
 * Which component a `--set` / `--dynamic` key names: the component's own name, one of its registry
 * `valueOverrideKeys`, or a nodewright-era alias of the skyhook components.
 */
import { findByOverrideKey, type Registry } from "../catalogue/registry.ts";

/** Names the newer upstream uses for the skyhook components (they kept the skyhook-* names here). */
export const nodewrightAliases: Readonly<Record<string, string>> = {
  "nodewright-operator": "skyhook-operator",
  nodewright: "skyhook-operator",
  "nodewright-customizations": "skyhook-customizations",
  nodewrightcustomizations: "skyhook-customizations",
};

/** The component name a key refers to among `present` (the recipe's components), else undefined. */
export function resolveComponentKey(key: string, present: ReadonlySet<string>, registry: Registry): string | undefined {
  if (present.has(key)) return key;
  const viaRegistry = findByOverrideKey(registry, key)?.name;
  if (viaRegistry !== undefined && present.has(viaRegistry)) return viaRegistry;
  const alias = nodewrightAliases[key];
  if (alias !== undefined && present.has(alias)) return alias;
  return undefined;
}

/** Every key that names `component` (its name, registry aliases, nodewright aliases), name first. */
export function keysOf(component: string, registry: Registry): string[] {
  const entry = registry.components.find((c) => c.name === component);
  const aliases = Object.entries(nodewrightAliases).filter(([, v]) => v === component).map(([k]) => k);
  return [component, ...(entry?.valueOverrideKeys ?? []), ...aliases];
}
