/**
 * Reading back the documents `validate` and `recipe --snapshot` consume: a Snapshot and a resolved
 * recipe (RecipeResult). The format comes from the name's suffix; a document of another kind is
 * refused with a message that says what it is and what was expected.
 */
import { invalid } from "../errors.ts";
import { decode } from "../schema/decode.ts";
import { RecipeResultKind, RecipeResultSchema, recipeResultFreeForm, type RecipeResultDocument } from "../schema/recipe-result.ts";
import { SnapshotKind, SnapshotSchema, snapshotFreeForm, type Snapshot } from "../schema/snapshot.ts";
import { parseJson, parseYaml, type FreeFormPredicate, type ParsedYaml } from "../yaml.ts";

export type DocumentFormat = "json" | "yaml";

/**
 * Format by suffix (case-insensitive, query and fragment of a URL ignored): `.json` JSON, `.yaml`/`.yml`
 * YAML, `.table`/`.txt` cannot be read back; anything else is read as JSON (`guessed` is then true).
 */
export function documentFormat(source: string): { format: DocumentFormat; guessed: boolean } {
  const name = (source.split(/[?#]/)[0] ?? source).toLowerCase();
  if (name.endsWith(".json")) return { format: "json", guessed: false };
  if (name.endsWith(".yaml") || name.endsWith(".yml")) return { format: "yaml", guessed: false };
  if (name.endsWith(".table") || name.endsWith(".txt")) {
    throw invalid(`${source}: table/text output cannot be read back; write the document as YAML or JSON (--format yaml)`);
  }
  return { format: "json", guessed: true };
}

function parse(text: string, source: string, free: FreeFormPredicate): ParsedYaml {
  return documentFormat(source).format === "json" ? parseJson(text, source) : parseYaml(text, source, free);
}

const kindOf = (value: unknown): unknown =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>)["kind"] : undefined;

const isMap = (value: unknown) => value !== null && typeof value === "object" && !Array.isArray(value);

const kindName: Record<string, string> = {
  RecipeMetadata: "a recipe overlay (kind RecipeMetadata)",
  RecipeMixin: "a recipe mixin (kind RecipeMixin)",
  RecipeCriteria: "a criteria file (kind RecipeCriteria)",
  RecipeResult: "a resolved recipe (kind RecipeResult)",
  Snapshot: "a snapshot (kind Snapshot)",
  FleetSnapshot: "a fleet snapshot (kind FleetSnapshot)",
  AICRConfig: "a config file (kind AICRConfig)",
  ComponentRegistry: "a component registry (kind ComponentRegistry)",
  ValidatorCatalog: "a validator catalogue (kind ValidatorCatalog)",
};
const describeKind = (kind: unknown) => (typeof kind === "string" && kindName[kind]) || `a document of kind ${JSON.stringify(kind)}`;

/**
 * A Snapshot. A document without `kind` is accepted when it has `measurements` (snapshots written by
 * hand or by older tools often omit it); any other kind is refused.
 */
export function decodeSnapshot(text: string, source: string): Snapshot {
  const parsed = parse(text, source, snapshotFreeForm);
  const value = parsed.value;
  if (!isMap(value)) throw invalid(`${source} is not a Snapshot document (expected a map with kind: ${SnapshotKind} and measurements)`);
  const kind = kindOf(value);
  if (kind === undefined || kind === null) {
    if (!Array.isArray((value as Record<string, unknown>)["measurements"])) {
      throw invalid(`${source} is not a Snapshot: it has neither kind: ${SnapshotKind} nor a measurements list`);
    }
    return decode(SnapshotSchema, { value: { ...(value as object), kind: SnapshotKind }, position: parsed.position }, source);
  }
  if (kind !== SnapshotKind) {
    throw invalid(`${source} is ${describeKind(kind)}, not a Snapshot (capture one with "aicr snapshot")`);
  }
  return decode(SnapshotSchema, parsed, source);
}

/** A resolved recipe; overlays, mixins, criteria files and anything else are refused. */
export function decodeRecipeResult(text: string, source: string): RecipeResultDocument {
  const parsed = parse(text, source, recipeResultFreeForm);
  const value = parsed.value;
  const hint = `generate one with "aicr recipe ... -o recipe.yaml" and pass that file`;
  if (!isMap(value)) throw invalid(`${source} is not a resolved recipe (kind ${RecipeResultKind}): ${hint}`);
  const kind = kindOf(value);
  if (kind === undefined || kind === null) throw invalid(`${source} has no kind: --recipe takes a resolved recipe (kind ${RecipeResultKind}); ${hint}`);
  if (kind !== RecipeResultKind) throw invalid(`${source} is ${describeKind(kind)}, not a resolved recipe (kind ${RecipeResultKind}): ${hint}`);
  return decode(RecipeResultSchema, parsed, source);
}
