/**
 * The documents `aicr diff` compares, recognised by kind: a Snapshot, a resolved recipe (RecipeResult)
 * or a FleetSnapshot. A document without a kind but with measurements is a Snapshot (as everywhere
 * snapshots are read); any other kind is refused, naming what it is.
 */
import { invalid } from "../errors.ts";
import { decodeFleetSnapshot, documentKind } from "../fleet/document.ts";
import type { RecipeResultDocument } from "../schema/recipe-result.ts";
import type { FleetSnapshot } from "../schema/fleet-snapshot.ts";
import type { Snapshot } from "../schema/snapshot.ts";
import { decodeRecipeResult, decodeSnapshot } from "../validate/documents.ts";

export type DiffInput =
  | { kind: "Snapshot"; source: string; snapshot: Snapshot }
  | { kind: "RecipeResult"; source: string; recipe: RecipeResultDocument }
  | { kind: "FleetSnapshot"; source: string; fleet: FleetSnapshot };

export const diffableKinds = ["Snapshot", "RecipeResult", "FleetSnapshot"] as const;

/** Decode `text` (named `name` for its format and messages) as one of the diffable kinds. */
export function decodeDiffInput(text: string, name: string, source = name): DiffInput {
  const kind = documentKind(text, name);
  switch (kind) {
    case "FleetSnapshot":
      return { kind, source, fleet: decodeFleetSnapshot(text, name) };
    case "RecipeResult":
      return { kind, source, recipe: decodeRecipeResult(text, name) };
    case undefined:
    case "Snapshot":
      return { kind: "Snapshot", source, snapshot: decodeSnapshot(text, name) };
    default:
      throw invalid(`${source} is a document of kind ${kind}: aicr diff compares ${diffableKinds.join(", ")} documents`);
  }
}
