/** The catalogue compiled into the program (decoded at build time by recipes/embed.ts). */
import { embeddedCatalogue, embeddedTexts } from "../../recipes/embed.ts" with { type: "macro" };
import type { CatalogueEntry } from "./entry.ts";
import { buildStore, type Store } from "./store.ts";

const entries = JSON.parse(embeddedCatalogue()) as CatalogueEntry[];
const manifestTextsJson = embeddedTexts(true);
const otherTextsJson = embeddedTexts(false);
let manifestTexts: Record<string, string> | undefined;
let otherTexts: Record<string, string> | undefined;

/** Text of an embedded component file (a manifest or values file); undefined when there is none. */
export function embeddedText(path: string): string | undefined {
  if (path.includes("/manifests/")) return (manifestTexts ??= JSON.parse(manifestTextsJson) as Record<string, string>)[path];
  return (otherTexts ??= JSON.parse(otherTextsJson) as Record<string, string>)[path];
}

// Component-file texts are filled in lazily (see ComponentFile.text).
for (const e of entries) {
  if (e.kind === "component-file") {
    const path = e.path;
    Object.defineProperty(e, "text", { get: () => embeddedText(path) ?? "", enumerable: true, configurable: true });
  }
}

export function embeddedEntries(): readonly CatalogueEntry[] {
  return entries;
}

let cached: Store | undefined;

/** The store of the embedded catalogue alone (built once per process). */
export function embeddedStore(): Store {
  cached ??= buildStore(entries);
  return cached;
}
