/**
 * Which validator checks a phase runs: the catalogue entries of that phase, in catalogue order,
 * that the recipe names in `validation.<phase>.checks`. Names the catalogue does not know are
 * ignored; a phase without checks runs nothing.
 */
import type { Validation } from "../schema/validation.ts";
import type { ValidatorCatalog, ValidatorEntry } from "../schema/validator-catalog.ts";
import type { LivePhase, PhaseSelection } from "./phases.ts";

/** Every catalogue entry of a phase, in catalogue order. */
export function catalogEntries(catalog: ValidatorCatalog, phase: LivePhase): ValidatorEntry[] {
  return catalog.validators.filter((e) => e.phase === phase);
}

/** The entries a recipe selects for a phase (catalogue order; recipe order and duplicates do not matter). */
export function selectedChecks(catalog: ValidatorCatalog, phase: LivePhase, validation: Validation | undefined): ValidatorEntry[] {
  const wanted = new Set(validation?.[phase]?.checks ?? []);
  if (wanted.size === 0) return [];
  return catalogEntries(catalog, phase).filter((e) => wanted.has(e.name));
}

/**
 * Warnings for phases named explicitly that the recipe gives nothing to do (never for `all`):
 * one per live phase without checks, or one alone when the recipe has no validation block; readiness
 * named with no top-level constraints.
 */
export function selectionWarnings(selection: PhaseSelection, validation: Validation | undefined, constraintCount: number): string[] {
  if (selection.all) return [];
  const out: string[] = [];
  if (selection.readinessReport && constraintCount === 0) out.push("phase readiness requested, but the recipe has no constraints to check");
  if (selection.phases.length === 0) return out;
  if (!validation) {
    out.push("the recipe has no validation section: the requested phases have no checks to run");
    return out;
  }
  for (const p of selection.phases) {
    if ((validation[p]?.checks ?? []).length === 0) out.push(`phase ${p} requested, but the recipe defines no checks for it`);
  }
  return out;
}
