/**
 * One file of a catalogue, classified by its path the way upstream's loader does (substring tests on
 * the relative path) and decoded. Pure: callers supply the text.
 */
import { AicrError, invalid } from "../errors.ts";
import { decode } from "../schema/decode.ts";
import { RecipeMixinSchema, type RecipeMixin } from "../schema/mixin.ts";
import { RecipeMetadataKind, RecipeMetadataSchema, recipeFreeForm, type RecipeMetadata } from "../schema/recipe-metadata.ts";
import { ComponentRegistrySchema, type ComponentRegistry } from "../schema/registry.ts";
import { ValidatorCatalogSchema, type ValidatorCatalog } from "../schema/validator-catalog.ts";
import { parseYaml } from "../yaml.ts";
import { decodeValues } from "./values.ts";

export { decodeValues };

export type Origin = "embedded" | "external";

export type CatalogueEntry =
  | { kind: "recipe"; path: string; origin: Origin; isBase: boolean; doc: RecipeMetadata }
  | { kind: "mixin"; path: string; origin: Origin; doc: RecipeMixin }
  | { kind: "component-file"; path: string; origin: Origin; text: string; values?: unknown; valuesJson?: string }
  | { kind: "registry"; path: string; origin: Origin; doc: ComponentRegistry }
  | { kind: "validators"; path: string; origin: Origin; doc: ValidatorCatalog }
  | { kind: "ignored"; path: string; origin: Origin };

export const REGISTRY_PATH = "registry.yaml";
export const VALIDATORS_PATH = "validators/catalog.yaml";

const basename = (p: string) => p.slice(p.lastIndexOf("/") + 1);

/**
 * Classify and decode one file. Component files are kept as text; their values are parsed here only
 * when `parseValues` is set (build time), otherwise lazily at hydration.
 */
export function decodeEntry(path: string, text: string, origin: Origin, opts: { parseValues?: boolean } = {}): CatalogueEntry {
  if (path.includes("checks/")) return { kind: "ignored", path, origin };
  if (path.includes("components/")) {
    const entry: CatalogueEntry = { kind: "component-file", path, origin, text };
    if (opts.parseValues && /\.ya?ml$/.test(path) && !path.includes("/manifests/")) {
      try {
        entry.values = decodeValues(text, path);
      } catch {
        // Left unparsed: the problem surfaces when a recipe hydrates this file.
      }
    }
    return entry;
  }
  const base = basename(path);
  if (!base.endsWith(".yaml")) return { kind: "ignored", path, origin };
  if (path === REGISTRY_PATH) {
    return { kind: "registry", path, origin, doc: decode(ComponentRegistrySchema, parseYaml(text, path, () => false), path) };
  }
  if (path === VALIDATORS_PATH) {
    return { kind: "validators", path, origin, doc: decode(ValidatorCatalogSchema, parseYaml(text, path, () => false), path) };
  }
  if (base === "registry.yaml" || base === "data-v1.yaml") return { kind: "ignored", path, origin };
  if (path.startsWith("mixins/")) {
    return { kind: "mixin", path, origin, doc: decode(RecipeMixinSchema, parseYaml(text, path, recipeFreeForm), path) };
  }
  const parsed = parseYaml(text, path, recipeFreeForm);
  const kind = (parsed.value as { kind?: unknown } | null)?.kind;
  if (typeof kind === "string" && kind !== "" && kind !== RecipeMetadataKind) return { kind: "ignored", path, origin };
  const doc = decode(RecipeMetadataSchema, parsed, path);
  return { kind: "recipe", path, origin, isBase: base === "base.yaml" && path.includes("overlays/"), doc };
}

/** Decode many files, collecting every file's problems into one error. */
export function decodeEntries(
  files: readonly { path: string; text: string }[],
  origin: Origin,
  opts: { parseValues?: boolean } = {},
): CatalogueEntry[] {
  const out: CatalogueEntry[] = [];
  const problems: string[] = [];
  for (const f of files) {
    try {
      out.push(decodeEntry(f.path, f.text, origin, opts));
    } catch (err) {
      if (err instanceof AicrError) problems.push(...(err.details.length > 0 ? err.details : [err.message]));
      else throw err;
    }
  }
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
    throw invalid(`failed to load catalogue: ${problems[0]}${more}`, undefined, problems.length > 1 ? problems : []);
  }
  return out;
}
