/**
 * Recipe against recipe: which components were swapped in or out, which versions and component fields
 * changed, which hydrated Helm values changed, and which constraints and criteria differ.
 *
 * Values are hydrated from the catalogue (`valuesFor`: the component's values file, its variant, then
 * overrides) and compared leaf by leaf under the counting rule the catalogue facts call rule L: every
 * scalar (null included) is one value, lists are walked element by element (`path[i]`), empty maps and
 * lists count for nothing, and a value is changed when its type or content differs. A swapped
 * component carries all of its leaves in or out. The headline counts are:
 *
 * - `componentsSwapped` = components added + components removed;
 * - `valuesChanged` = value leaves changed, added or removed (those carried by swapped components
 *   included) + constraints changed, added or removed. For the embedded catalogue's
 *   h100-eks-ubuntu-training-kubeflow against h100-eks-ubuntu-inference-dynamo that is 5 and 44
 *   (43 value leaves + 1 constraint); the articles quote "5 components and 41 values".
 *
 * Paths: `components.<name>` (a component added or removed), `components.<name>.<field>` (version,
 * chart, ...), `components.<name>.values.<leaf>`, `constraints.<name>`, `criteria.<field>`.
 */
import type { Store } from "../catalogue/store.ts";
import { valuesFor } from "../recipe/hydrate.ts";
import type { ComponentRef } from "../schema/component-ref.ts";
import type { RecipeResultDocument } from "../schema/recipe-result.ts";
import { change, countByArea, countChanges, sortByPath, type AreaCounts, type Change, type ChangeCounts } from "./change.ts";

export const recipeAreas = ["components", "versions", "values", "constraints", "criteria"] as const;
const recipeAreaRank = (a: string) => {
  const i = (recipeAreas as readonly string[]).indexOf(a);
  return i < 0 ? recipeAreas.length : i;
};

export interface RecipeDiffSummary extends ChangeCounts {
  componentsAdded: number;
  componentsRemoved: number;
  /** Components added + removed. */
  componentsSwapped: number;
  /** Shared components whose version or tag changed. */
  versionsChanged: number;
  /** Value leaves (rule L) changed, added or removed, swapped components' leaves included. */
  valueLeavesChanged: number;
  constraintsChanged: number;
  /** valueLeavesChanged + constraintsChanged: the "values changed" figure. */
  valuesChanged: number;
}

export interface RecipeDiff {
  baselineSource?: string;
  targetSource?: string;
  changes: Change[];
  summary: RecipeDiffSummary;
  areas: AreaCounts[];
}

type Scalar = string | number | boolean | null;
const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Rule L leaves of a value tree: path -> scalar. */
export function valueLeaves(v: unknown, path = "", out = new Map<string, Scalar>()): Map<string, Scalar> {
  if (Array.isArray(v)) v.forEach((x, i) => valueLeaves(x, `${path}[${i}]`, out));
  else if (isMap(v)) for (const [k, x] of Object.entries(v)) valueLeaves(x, path === "" ? k : `${path}.${k}`, out);
  else out.set(path, (v === undefined ? null : v) as Scalar);
  return out;
}

const sameScalar = (a: Scalar, b: Scalar) => typeof a === typeof b && Object.is(a, b);

/** Fields of a component compared directly (values are compared after hydration). */
const versionFields = ["version", "tag"] as const;
const componentFields = ["namespace", "chart", "type", "source", "path"] as const;

function constraintMap(doc: RecipeResultDocument): Map<string, string> {
  return new Map((doc.constraints ?? []).map((c) => [c.name, c.value]));
}

export function diffRecipes(
  store: Store,
  baseline: RecipeResultDocument,
  target: RecipeResultDocument,
  sources: { baseline?: string; target?: string } = {},
): RecipeDiff {
  const changes: Change[] = [];
  const refsA = new Map(baseline.componentRefs.map((r) => [r.name, r as ComponentRef]));
  const refsB = new Map(target.componentRefs.map((r) => [r.name, r as ComponentRef]));
  let componentsAdded = 0;
  let componentsRemoved = 0;
  let versionsChanged = 0;
  let valueLeavesChanged = 0;

  const leaves = (ref: ComponentRef) => valueLeaves(valuesFor(store, ref));
  const valuePath = (name: string, leaf: string) => `components.${name}.values${leaf === "" ? "" : `.${leaf}`}`;

  for (const [name, a] of refsA) {
    const b = refsB.get(name);
    if (!b) {
      componentsRemoved++;
      changes.push(change("removed", `components.${name}`, "components", a.version ?? "", undefined));
      for (const [leaf, v] of leaves(a)) {
        valueLeavesChanged++;
        changes.push(change("removed", valuePath(name, leaf), "values", v, undefined));
      }
      continue;
    }
    let versionChanged = false;
    for (const f of versionFields) {
      const va = a[f] ?? "";
      const vb = b[f] ?? "";
      if (va === vb) continue;
      versionChanged = true;
      changes.push(change(va === "" ? "added" : vb === "" ? "removed" : "modified", `components.${name}.${f}`, "versions", va, vb));
    }
    if (versionChanged) versionsChanged++;
    for (const f of componentFields) {
      const va = a[f] ?? "";
      const vb = b[f] ?? "";
      if (va !== vb) changes.push(change(va === "" ? "added" : vb === "" ? "removed" : "modified", `components.${name}.${f}`, "components", va, vb));
    }
    const la = leaves(a);
    const lb = leaves(b);
    for (const [leaf, va] of la) {
      if (!lb.has(leaf)) {
        valueLeavesChanged++;
        changes.push(change("removed", valuePath(name, leaf), "values", va, undefined));
      } else if (!sameScalar(va, lb.get(leaf) as Scalar)) {
        valueLeavesChanged++;
        changes.push(change("modified", valuePath(name, leaf), "values", va, lb.get(leaf)));
      }
    }
    for (const [leaf, vb] of lb) {
      if (la.has(leaf)) continue;
      valueLeavesChanged++;
      changes.push(change("added", valuePath(name, leaf), "values", undefined, vb));
    }
  }
  for (const [name, b] of refsB) {
    if (refsA.has(name)) continue;
    componentsAdded++;
    changes.push(change("added", `components.${name}`, "components", undefined, b.version ?? ""));
    for (const [leaf, v] of leaves(b)) {
      valueLeavesChanged++;
      changes.push(change("added", valuePath(name, leaf), "values", undefined, v));
    }
  }

  let constraintsChanged = 0;
  const ca = constraintMap(baseline);
  const cb = constraintMap(target);
  for (const [name, va] of ca) {
    const vb = cb.get(name);
    if (vb === va) continue;
    constraintsChanged++;
    changes.push(change(vb === undefined ? "removed" : "modified", `constraints.${name}`, "constraints", va, vb));
  }
  for (const [name, vb] of cb) {
    if (ca.has(name)) continue;
    constraintsChanged++;
    changes.push(change("added", `constraints.${name}`, "constraints", undefined, vb));
  }

  const critA = (baseline.criteria ?? {}) as Record<string, unknown>;
  const critB = (target.criteria ?? {}) as Record<string, unknown>;
  for (const f of [...new Set([...Object.keys(critA), ...Object.keys(critB)])]) {
    const va = critA[f] === undefined ? "" : String(critA[f]);
    const vb = critB[f] === undefined ? "" : String(critB[f]);
    if (va !== vb) changes.push(change(va === "" ? "added" : vb === "" ? "removed" : "modified", `criteria.${f}`, "criteria", va, vb));
  }

  sortByPath(changes);
  return {
    ...(sources.baseline ? { baselineSource: sources.baseline } : {}),
    ...(sources.target ? { targetSource: sources.target } : {}),
    changes,
    summary: {
      ...countChanges(changes),
      componentsAdded,
      componentsRemoved,
      componentsSwapped: componentsAdded + componentsRemoved,
      versionsChanged,
      valueLeavesChanged,
      constraintsChanged,
      valuesChanged: valueLeavesChanged + constraintsChanged,
    },
    areas: countByArea(changes, recipeAreaRank),
  };
}
