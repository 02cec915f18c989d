/** The catalogue compiled into the program (decoded at build time by recipes/embed.ts). */
import { embeddedCatalogue } from "../../recipes/embed.ts" with { type: "macro" };
import type { CatalogueEntry } from "./entry.ts";
import { buildStore, type Store } from "./store.ts";

const entries = JSON.parse(embeddedCatalogue()) as CatalogueEntry[];

export function embeddedEntries(): readonly CatalogueEntry[] {
  return entries;
}

let cached: Store | undefined;

/** The store of the embedded catalogue alone (built once per process). */
export function embeddedStore(): Store {
  cached ??= buildStore(entries);
  return cached;
}
