/** The catalogue compiled into the program (decoded at build time by recipes/embed.ts). */
import { embeddedCatalogue, embeddedTexts, embeddedTextsJson } from "../../recipes/embed.ts" with { type: "macro" };
import type { CatalogueEntry } from "./entry.ts";
import { dataParts, recipeParts, storeWithLazyRecipes, type Store } from "./store.ts";

const dataEntries = JSON.parse(embeddedCatalogue("data")) as CatalogueEntry[];
const recipesJson = embeddedCatalogue("recipes");
const orderJson = embeddedCatalogue("order");
let recipeEntries: CatalogueEntry[] | undefined;
/** Base, overlays and mixins: parsed on first use. */
const recipeSide = () => (recipeEntries ??= JSON.parse(recipesJson) as CatalogueEntry[]);
const manifestTexts: Record<string, string> = embeddedTexts(true);
const otherTextsJson = embeddedTextsJson(false);
let otherTexts: Record<string, string> | undefined;

/** Text of an embedded component file (a manifest or values file); undefined when there is none. */
export function embeddedText(path: string): string | undefined {
  if (path.includes("/manifests/")) return Object.hasOwn(manifestTexts, path) ? manifestTexts[path] : undefined;
  return (otherTexts ??= JSON.parse(otherTextsJson) as Record<string, string>)[path];
}

// Component-file texts are filled in lazily (see ComponentFile.text).
for (const e of dataEntries) {
  if (e.kind === "component-file") {
    const path = e.path;
    Object.defineProperty(e, "text", { get: () => embeddedText(path) ?? "", enumerable: true, configurable: true });
  }
}

let all: CatalogueEntry[] | undefined;

/** Every embedded entry, in catalogue order. */
export function embeddedEntries(): readonly CatalogueEntry[] {
  if (!all) {
    const rank = new Map((JSON.parse(orderJson) as string[]).map((p, i) => [p, i]));
    all = [...recipeSide(), ...dataEntries].sort((a, b) => (rank.get(a.path) ?? 0) - (rank.get(b.path) ?? 0));
  }
  return all;
}

let cached: Store | undefined;

/** The store of the embedded catalogue alone (built once per process; its recipe side when first used). */
export function embeddedStore(): Store {
  cached ??= storeWithLazyRecipes(dataParts(dataEntries), () => recipeParts(recipeSide()));
  return cached;
}
