/**
 * Resolution: query criteria -> matching overlays (sorted) -> inheritance chains merged onto the base
 * -> mixins -> dependency validation -> deployment order -> registry defaults -> RecipeResult.
 */
import { ErrorCode, wrap } from "../errors.ts";
import type { Store, StoredRecipe } from "../catalogue/store.ts";
import type { ComponentRef } from "../schema/component-ref.ts";
import type { ConstraintWarning } from "../schema/recipe-result.ts";
import { inheritanceChain } from "./chain.ts";
import type { Criteria } from "./criteria.ts";
import { applyRegistryDefaults } from "./defaults.ts";
import { deploymentOrder, validateDependencies } from "./dependencies.ts";
import { selectCandidates } from "./match.ts";
import { constraintList, mergeSpec, refList, startFromBase } from "./merge.ts";
import { applyMixins } from "./mixins.ts";
import { emptyProvenance, type Layer, type Provenance } from "./provenance.ts";
import { API_VERSION, RECIPE_RESULT_KIND, type RecipeResult } from "./result.ts";

export interface ResolveOptions {
  /** Version string recorded in metadata.version (omitted when empty). */
  version?: string;
  /**
   * Snapshot mode: judge a candidate overlay by its own constraints. A non-empty list of warnings
   * excludes it (it may still be merged as an ancestor of a passing candidate).
   */
  judgeCandidate?: (overlay: StoredRecipe) => ConstraintWarning[];
}

export interface Resolution {
  result: RecipeResult;
  provenance: Provenance;
  /** Non-fatal findings (e.g. no environment-specific overlay matched). */
  warnings: string[];
}

export const layerOf = (r: StoredRecipe): Layer => ({
  name: r.name,
  kind: r.name === "base" ? "base" : "overlay",
  path: r.path,
  origin: r.origin,
});

/** A component reference that shares nothing mutable with the store. */
function detachRef(ref: ComponentRef): ComponentRef {
  const out: ComponentRef = { ...ref };
  if (ref.overrides) out.overrides = structuredClone(ref.overrides);
  if (ref.patches) out.patches = [...ref.patches];
  if (ref.dependencyRefs) out.dependencyRefs = [...ref.dependencyRefs];
  if (ref.manifestFiles) out.manifestFiles = [...ref.manifestFiles];
  if (ref.expectedResources) out.expectedResources = ref.expectedResources.map((e) => ({ ...e }));
  return out;
}

export function resolveRecipe(store: Store, criteria: Criteria, opts: ResolveOptions = {}): Resolution {
  const provenance = emptyProvenance();
  const warnings: string[] = [];
  const overlays = [...store.overlays.values()].map((o) => ({ name: o.name, criteria: o.doc.spec?.criteria }));
  let candidates = selectCandidates(overlays, criteria);

  const excluded: string[] = [];
  const constraintWarnings: ConstraintWarning[] = [];
  if (opts.judgeCandidate) {
    candidates = candidates.filter((c) => {
      const found = opts.judgeCandidate?.(store.overlays.get(c.name) as StoredRecipe) ?? [];
      if (found.length === 0) return true;
      excluded.push(c.name);
      constraintWarnings.push(...found);
      return false;
    });
  }

  const merged = startFromBase(store.base.doc.spec, layerOf(store.base), provenance);
  const applied = ["base"];
  for (const c of candidates) {
    const chain = wrap(ErrorCode.InvalidRequest, "failed to resolve inheritance chain", () => inheritanceChain(store, c.name));
    for (const r of chain) {
      if (applied.includes(r.name)) continue;
      mergeSpec(merged, r.doc.spec, layerOf(r), provenance);
      applied.push(r.name);
    }
  }
  applyMixins(merged, store.mixins, provenance);
  if (applied.length <= 1) warnings.push("no environment-specific overlays matched; the recipe is the base alone");

  const refs = refList(merged);
  wrap(ErrorCode.InvalidRequest, "merged recipe validation failed", () => validateDependencies(refs));
  const order = deploymentOrder(refs);
  const componentRefs = refs.map((r) => applyRegistryDefaults(r, store.registry, provenance));

  const result: RecipeResult = {
    kind: RECIPE_RESULT_KIND,
    apiVersion: API_VERSION,
    metadata: {
      ...(opts.version ? { version: opts.version } : {}),
      appliedOverlays: applied,
      ...(excluded.length > 0 ? { excludedOverlays: excluded } : {}),
      ...(constraintWarnings.length > 0 ? { constraintWarnings } : {}),
    },
    criteria: { ...criteria },
    // Copies at the end: the result never shares mutable objects with the (cached) store.
    constraints: constraintList(merged).map((c) => ({ ...c })),
    componentRefs: componentRefs.map(detachRef),
    deploymentOrder: order,
    ...(merged.validation ? { validation: structuredClone(merged.validation) } : {}),
  };
  return { result, provenance, warnings };
}
