/** The inheritance chain of an overlay: the root base, then each `spec.base` ancestor down to the overlay. */
import { invalid, notFound } from "../errors.ts";
import type { StoredRecipe, Store } from "../catalogue/store.ts";

/** Ancestors first, the overlay itself last; the root base is not included. */
export function inheritanceChain(store: Store, name: string): StoredRecipe[] {
  const visited: string[] = [];
  const list: StoredRecipe[] = [];
  let cur = name;
  while (cur !== "" && cur !== "base") {
    if (visited.includes(cur)) {
      throw invalid(`circular inheritance detected: recipe "${cur}" (chain ${[...visited, cur].join(" -> ")})`);
    }
    visited.push(cur);
    const r = store.overlays.get(cur);
    if (!r) {
      const child = visited.at(-2);
      throw notFound(`recipe "${cur}" not found (referenced as spec.base${child ? ` of "${child}"` : ""} in the inheritance chain)`);
    }
    list.push(r);
    cur = r.doc.spec?.base ?? "";
  }
  return list.reverse();
}

