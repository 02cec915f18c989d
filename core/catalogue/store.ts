/**
 * The metadata store: base recipe, overlays, mixins, registry and component files of one catalogue,
 * built from decoded entries. With external data (`--data`), external entries are walked first and
 * replace embedded files at the same path; the registry merges per component.
 */
import { internal, invalid } from "../errors.ts";
import type { RecipeMixin } from "../schema/mixin.ts";
import type { RecipeMetadata } from "../schema/recipe-metadata.ts";
import type { ValidatorCatalog } from "../schema/validator-catalog.ts";
import { dependencyProblems } from "../recipe/dependencies.ts";
import type { CatalogueEntry, Origin } from "./entry.ts";
import { decodeValues } from "./values.ts";
import { mergeRegistries, registryFrom, type Registry } from "./registry.ts";

export interface StoredRecipe {
  name: string;
  path: string;
  origin: Origin;
  doc: RecipeMetadata;
}

export interface StoredMixin {
  name: string;
  path: string;
  origin: Origin;
  doc: RecipeMixin;
}

export interface ComponentFile {
  path: string;
  origin: Origin;
  text: string;
  values?: unknown;
  /** The parsed values as JSON text (embedded files whose values JSON carries exactly). */
  valuesJson?: string;
}

export interface Store {
  base: StoredRecipe;
  /** Overlays by metadata.name, in walk order. */
  overlays: Map<string, StoredRecipe>;
  mixins: Map<string, StoredMixin>;
  registry: Registry;
  /** Files under components/ (values files and manifests) by relative path. */
  files: Map<string, ComponentFile>;
  validators?: ValidatorCatalog;
  /** True when external data took part. */
  layered: boolean;
}

/** Whether entries are in strictly increasing path order. */
function inPathOrder(entries: readonly CatalogueEntry[]): boolean {
  for (let i = 1; i < entries.length; i++) if ((entries[i - 1] as CatalogueEntry).path >= (entries[i] as CatalogueEntry).path) return false;
  return true;
}

/** Walk order: external entries (path order), then embedded entries whose path was not seen. */
export function walkOrder(embedded: readonly CatalogueEntry[], external: readonly CatalogueEntry[] = []): CatalogueEntry[] {
  // The embedded data comes in path order already (recipes/embed.ts): nothing to sort or merge.
  if (external.length === 0 && inPathOrder(embedded)) return [...embedded];
  const byPath = (a: CatalogueEntry, b: CatalogueEntry) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const ext = [...external].sort(byPath);
  const seen = new Set(ext.map((e) => e.path));
  return [...ext, ...[...embedded].sort(byPath).filter((e) => !seen.has(e.path))];
}

/** The recipe side of a store: base, overlays and mixins. */
export type RecipeParts = Pick<Store, "base" | "overlays" | "mixins">;
/** Everything else: component files, validators and registry. */
export type DataParts = Omit<Store, "base" | "overlays" | "mixins" | "layered">;

/** Base, overlays and mixins of the given entries (other kinds are ignored), checked. */
export function recipeParts(embedded: readonly CatalogueEntry[], external: readonly CatalogueEntry[] = []): RecipeParts {
  let base: StoredRecipe | undefined;
  const overlays = new Map<string, StoredRecipe>();
  const mixins = new Map<string, StoredMixin>();
  const problems: string[] = [];
  for (const e of walkOrder(embedded, external)) {
    if (e.kind === "recipe") {
      const stored = { name: e.doc.metadata?.name ?? "", path: e.path, origin: e.origin, doc: e.doc };
      if (e.isBase) base = { ...stored, name: "base" };
      else overlays.set(stored.name, stored);
    } else if (e.kind === "mixin") {
      const name = e.doc.metadata.name;
      const prior = mixins.get(name);
      if (prior) problems.push(`duplicate mixin name "${name}" in ${prior.path} and ${e.path}`);
      else mixins.set(name, { name, path: e.path, origin: e.origin, doc: e.doc });
    }
  }
  if (problems.length > 0) throw invalid(problems[0] ?? "invalid catalogue", undefined, problems);
  if (!base) throw internal("base.yaml not found (expected overlays/base.yaml in the catalogue)");
  const baseProblems = dependencyProblems(base.doc.spec?.componentRefs ?? []);
  if (baseProblems.length > 0) {
    throw invalid(`base recipe validation failed: ${baseProblems[0]}`, undefined, baseProblems.length > 1 ? baseProblems : []);
  }
  return { base, overlays, mixins };
}

/** The registry entry of a catalogue, if any (a loop: see docs/start-up.md). */
function registryEntry(entries: readonly CatalogueEntry[]): CatalogueEntry | undefined {
  for (const e of entries) if (e.kind === "registry") return e;
  return undefined;
}

/** Component files, validators and registry of the given entries (other kinds are ignored). */
export function dataParts(embedded: readonly CatalogueEntry[], external: readonly CatalogueEntry[] = []): DataParts {
  const files = new Map<string, ComponentFile>();
  let validators: ValidatorCatalog | undefined;
  for (const e of walkOrder(embedded, external)) {
    if (e.kind === "component-file") files.set(e.path, e);
    // The validator catalogue always comes from the embedded data.
    else if (e.kind === "validators" && e.origin === "embedded") validators = e.doc;
  }
  const embReg = registryEntry(embedded);
  const extReg = registryEntry(external);
  let registry = registryFrom(embReg?.kind === "registry" ? embReg.doc : undefined, "embedded");
  if (extReg?.kind === "registry") registry = mergeRegistries(registry, registryFrom(extReg.doc, "external"));
  return { registry, files, validators };
}

export function buildStore(embedded: readonly CatalogueEntry[], external: readonly CatalogueEntry[] = []): Store {
  const recipes = recipeParts(embedded, external);
  return { ...recipes, ...dataParts(embedded, external), layered: external.length > 0 };
}

/** A store whose recipe side is built on first use (commands that only bundle never need it). */
export function storeWithLazyRecipes(data: DataParts, recipes: () => RecipeParts): Store {
  let parts: RecipeParts | undefined;
  const get = () => (parts ??= recipes());
  return {
    ...data,
    layered: false,
    get base() {
      return get().base;
    },
    get overlays() {
      return get().overlays;
    },
    get mixins() {
      return get().mixins;
    },
  };
}

/** Parsed values of a component file (cached on the entry, not to be changed). Missing file: undefined. */
export function readValuesFile(store: Store, path: string): Record<string, unknown> | undefined {
  const f = store.files.get(path);
  if (!f) return undefined;
  if (f.values === undefined) f.values = f.valuesJson !== undefined ? JSON.parse(f.valuesJson) : decodeValues(f.text, path);
  return f.values as Record<string, unknown>;
}

/** A new copy of a component file's values, the caller's to change. Missing file: undefined. */
export function copyValuesFile(store: Store, path: string): Record<string, unknown> | undefined {
  const f = store.files.get(path);
  if (f?.valuesJson !== undefined) return JSON.parse(f.valuesJson) as Record<string, unknown>;
  const values = readValuesFile(store, path);
  return values === undefined ? undefined : structuredClone(values);
}
