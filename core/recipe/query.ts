/**
 * `query`: the fully hydrated recipe as one plain document, and dot-path selection inside it.
 */
import { notFound } from "../errors.ts";
import type { Store } from "../catalogue/store.ts";
import { byteCompare } from "../yaml.ts";
import { isMap, valuesFor } from "./hydrate.ts";
import type { RecipeResult } from "./result.ts";

/**
 * An absent list (Go's nil slice): written as `[]` in YAML but `null` in JSON, as upstream's encoders do
 * for `metadata.excludedOverlays` and `metadata.constraintWarnings`.
 */
class NilList<T> extends Array<T> {
  toJSON(): null {
    return null;
  }
}

/**
 * The document `query` selects from: components keyed by name with their hydrated values. Lists upstream
 * leaves nil (`excludedOverlays`, `constraintWarnings` when empty) are `null`, or with `nilLists` a list
 * that prints as `[]` in YAML and `null` in JSON, as upstream's `query` output shows them.
 */
export function hydratedDocument(store: Store, result: RecipeResult, opts: { nilLists?: boolean } = {}): Record<string, unknown> {
  const nil = () => (opts.nilLists ? new NilList<never>() : null);
  const components: Record<string, unknown> = {};
  for (const ref of result.componentRefs) {
    const c: Record<string, unknown> = { name: ref.name, type: ref.type ?? "", source: ref.source ?? "" };
    for (const f of ["namespace", "chart", "version", "tag", "path"] as const) if (ref[f]) c[f] = ref[f];
    if (ref.dependencyRefs && ref.dependencyRefs.length > 0) c["dependencyRefs"] = ref.dependencyRefs;
    const values = valuesFor(store, ref);
    if (Object.keys(values).length > 0) c["values"] = values;
    components[ref.name] = c;
  }
  const m = result.metadata;
  const doc: Record<string, unknown> = {
    apiVersion: result.apiVersion,
    kind: result.kind,
    metadata: {
      version: m.version ?? "",
      appliedOverlays: m.appliedOverlays,
      excludedOverlays: m.excludedOverlays ?? nil(),
      constraintWarnings: m.constraintWarnings ?? nil(),
    },
    criteria: { ...result.criteria },
    deploymentOrder: result.deploymentOrder,
    components,
  };
  if (result.constraints.length > 0) doc["constraints"] = result.constraints;
  return doc;
}

/** Split a selector: one optional leading dot, then literal keys separated by dots. */
export function selectorParts(selector: string): string[] {
  const s = selector.startsWith(".") ? selector.slice(1) : selector;
  return s === "" ? [] : s.split(".");
}

export function select(doc: unknown, selector: string): unknown {
  let cur: unknown = doc;
  const walked: string[] = [];
  for (const part of selectorParts(selector)) {
    if (!isMap(cur)) {
      throw notFound(`selector "${selector}": cannot descend into non-map value at "${part}" (${walked.join(".") || "."} is not a map)`);
    }
    if (!(part in cur)) {
      const keys = Object.keys(cur).sort(byteCompare);
      throw notFound(`selector "${selector}": key "${part}" not found, available keys: ${keys.join(", ")}`);
    }
    cur = cur[part];
    walked.push(part);
  }
  return cur;
}
