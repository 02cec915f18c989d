/**
 * Recipe against recipe on the embedded catalogue: h100-eks-ubuntu-training-kubeflow against
 * h100-eks-ubuntu-inference-dynamo swaps 5 components and changes 44 values under rule L (43 value
 * leaves + 1 constraint; the articles say 41), checked against the hydrated documents and the
 * catalogue facts; the other direction; a version change; an identical pair.
 */
import { describe, expect, test } from "bun:test";
import { embeddedStore } from "../../core/catalogue/embedded.ts";
import { diffRecipes, valueLeaves, type RecipeDiff } from "../../core/diff/recipe.ts";
import { recipeDiffTable } from "../../core/diff/table.ts";
import { hydratedDocument } from "../../core/recipe/query.ts";
import { formatRecipe } from "../../core/recipe/render.ts";
import type { RecipeResultDocument } from "../../core/schema/recipe-result.ts";
import { decodeRecipeResult } from "../../core/validate/documents.ts";
import { trainingInferencePairs } from "../fixtures/catalogue-expectations.ts";
import { resolveLeaf } from "../validate/helpers.ts";

const TRAINING = "h100-eks-ubuntu-training-kubeflow";
const INFERENCE = "h100-eks-ubuntu-inference-dynamo";
const store = embeddedStore();

/** The recipe as `aicr recipe -o` writes it and `aicr diff` reads it back. */
const documentOf = (leaf: string): RecipeResultDocument => decodeRecipeResult(formatRecipe(resolveLeaf(leaf).result, "yaml"), `${leaf}.yaml`);

const training = documentOf(TRAINING);
const inference = documentOf(INFERENCE);
const forward = diffRecipes(store, training, inference, { baseline: "training.yaml", target: "inference.yaml" });
const pair = trainingInferencePairs.find((p) => p.training === TRAINING && p.inference === INFERENCE);

/** Independently: every value leaf of the hydrated query document, `component -> leaf -> JSON of the value`. */
function hydratedLeaves(leaf: string): Map<string, Map<string, string>> {
  const doc = hydratedDocument(store, resolveLeaf(leaf).result) as { components: Record<string, { values?: unknown }> };
  const out = new Map<string, Map<string, string>>();
  for (const [name, c] of Object.entries(doc.components)) {
    const leaves = new Map<string, string>();
    const walk = (v: unknown, path: string) => {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
      else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, path === "" ? k : `${path}.${k}`);
      else leaves.set(path, JSON.stringify(v));
    };
    walk(c.values ?? {}, "");
    out.set(name, leaves);
  }
  return out;
}

const valueChanges = (d: RecipeDiff) => d.changes.filter((c) => c.area === "values");

describe(`${TRAINING} -> ${INFERENCE}`, () => {
  test("the catalogue facts describe this pair", () => {
    expect(pair).toBeDefined();
  });

  test("5 components swapped: kubeflow-trainer out; dynamo-crds, dynamo-platform, kgateway, kgateway-crds in", () => {
    const s = forward.summary;
    expect({ added: s.componentsAdded, removed: s.componentsRemoved, swapped: s.componentsSwapped }).toEqual({ added: 4, removed: 1, swapped: 5 });
    const names = (kind: string) => forward.changes.filter((c) => c.area === "components" && c.kind === kind).map((c) => c.path.replace(/^components\./, ""));
    expect(names("removed")).toEqual(pair?.componentsRemoved ?? []);
    expect(names("added")).toEqual(pair?.componentsAdded ?? []);
    expect(s.componentsSwapped).toBe(pair?.swapped ?? -1);
  });

  test("44 values changed under rule L: 43 value leaves + 1 constraint (the catalogue facts' total)", () => {
    const s = forward.summary;
    expect({ leaves: s.valueLeavesChanged, constraints: s.constraintsChanged, values: s.valuesChanged }).toEqual({ leaves: 43, constraints: 1, values: 44 });
    expect(s.valuesChanged).toBe(pair?.totalL ?? -1);
    expect(s.valueLeavesChanged).toBe((pair?.valuesOut ?? 0) + (pair?.valuesIn ?? 0) + (pair?.sharedChanged ?? 0) + (pair?.sharedAdded ?? 0) + (pair?.sharedRemoved ?? 0));
    expect(s.versionsChanged).toBe(0);
  });

  test("every value change matches the hydrated documents, and nothing else differs", () => {
    const a = hydratedLeaves(TRAINING);
    const b = hydratedLeaves(INFERENCE);
    const expected: string[] = [];
    for (const name of new Set([...a.keys(), ...b.keys()])) {
      const la = a.get(name) ?? new Map<string, string>();
      const lb = b.get(name) ?? new Map<string, string>();
      for (const leaf of new Set([...la.keys(), ...lb.keys()])) {
        const va = la.get(leaf);
        const vb = lb.get(leaf);
        if (va === vb) continue;
        const path = `components.${name}.values.${leaf}`;
        if (va === undefined) expected.push(`added ${path} ${vb}`);
        else if (vb === undefined) expected.push(`removed ${path} ${va}`);
        else expected.push(`modified ${path} ${va} -> ${vb}`);
      }
    }
    const got = valueChanges(forward).map((c) =>
      c.kind === "added" ? `added ${c.path} ${JSON.stringify(c.target)}` : c.kind === "removed" ? `removed ${c.path} ${JSON.stringify(c.baseline)}` : `modified ${c.path} ${JSON.stringify(c.baseline)} -> ${JSON.stringify(c.target)}`,
    );
    expect(got.sort()).toEqual(expected.sort());
  });

  test("the shared components' differences are the catalogue facts' four", () => {
    const swapped = new Set([...(pair?.componentsAdded ?? []), ...(pair?.componentsRemoved ?? [])]);
    const shared = valueChanges(forward)
      .map((c) => ({ c, m: /^components\.([^.]+)\.values\.(.+)$/.exec(c.path) }))
      .filter(({ m }) => m && !swapped.has(m[1] as string))
      .map(({ c, m }) => ({
        component: m?.[1],
        path: m?.[2],
        training: c.kind === "added" ? { present: false } : { present: true, value: c.baseline },
        inference: c.kind === "removed" ? { present: false } : { present: true, value: c.target },
      }));
    expect(shared).toEqual(pair?.valueDifferences ?? []);
  });

  test("the constraint change and the criteria changes", () => {
    expect(forward.changes.filter((c) => c.area === "constraints")).toEqual([
      { kind: "modified", severity: "info", path: "constraints.K8s.server.version", area: "constraints", baseline: ">= 1.32.4", target: ">= 1.34" },
    ]);
    expect(forward.changes.filter((c) => c.area === "criteria").map((c) => [c.path, c.baseline, c.target])).toEqual([
      ["criteria.intent", "training", "inference"],
      ["criteria.platform", "kubeflow", "dynamo"],
    ]);
  });

  test("values keep their YAML types (a boolean stays a boolean)", () => {
    const cdi = forward.changes.find((c) => c.path === "components.gpu-operator.values.cdi.enabled");
    expect(cdi).toEqual({ kind: "removed", severity: "info", path: "components.gpu-operator.values.cdi.enabled", area: "values", baseline: true });
  });

  test("the other direction: the same counts, additions and removals swapped", () => {
    const back = diffRecipes(store, inference, training);
    const s = back.summary;
    expect({ added: s.componentsAdded, removed: s.componentsRemoved, swapped: s.componentsSwapped, values: s.valuesChanged, leaves: s.valueLeavesChanged }).toEqual({
      added: 1,
      removed: 4,
      swapped: 5,
      values: 44,
      leaves: 43,
    });
    expect({ added: s.added, removed: s.removed, modified: s.modified }).toEqual({
      added: forward.summary.removed,
      removed: forward.summary.added,
      modified: forward.summary.modified,
    });
    expect(back.changes.map((c) => c.path)).toEqual(forward.changes.map((c) => c.path));
  });

  test("the table states the headline counts", () => {
    const text = recipeDiffTable(forward);
    expect(text.split("\n")[1]).toBe(
      "5 components swapped (in: dynamo-crds, dynamo-platform, kgateway, kgateway-crds; out: kubeflow-trainer), 44 values changed (43 value leaves, 1 constraint), 0 versions changed",
    );
    expect(text).toContain("REMOVED   components.kubeflow-trainer ");
    expect(text.trimEnd().endsWith("DRIFT DETECTED")).toBe(true);
  });
});

describe("other recipe pairs", () => {
  test("a recipe against itself: no changes", () => {
    const d = diffRecipes(store, training, documentOf(TRAINING));
    expect(d.changes).toEqual([]);
    expect(d.summary.valuesChanged).toBe(0);
    expect(recipeDiffTable(d)).toBe("NO CHANGES\n");
  });

  test("a component version bump is one version change; an override is one value change", () => {
    const bumped = structuredClone(training);
    const gpu = bumped.componentRefs.find((r) => r.name === "gpu-operator");
    if (!gpu) throw new Error("no gpu-operator in the training recipe");
    gpu.version = "v99.0.0";
    gpu.overrides = { ...(gpu.overrides ?? {}), driver: { ...((gpu.overrides?.["driver"] as object) ?? {}), version: "999.1" } };
    const d = diffRecipes(store, training, bumped);
    expect(d.summary.versionsChanged).toBe(1);
    expect(d.changes.find((c) => c.area === "versions")).toMatchObject({ kind: "modified", path: "components.gpu-operator.version", target: "v99.0.0" });
    expect(valueChanges(d).map((c) => [c.kind, c.path, c.target])).toEqual([["modified", "components.gpu-operator.values.driver.version", "999.1"]]);
    expect(d.summary.componentsSwapped).toBe(0);
  });

  test("rule L leaves: list elements one by one, empty maps and lists nothing, null one value", () => {
    const leaves = valueLeaves({ a: [{ x: 1, y: 2 }, { x: 3 }], e: {}, l: [], n: null, s: "v" });
    expect([...leaves.keys()]).toEqual(["a[0].x", "a[0].y", "a[1].x", "n", "s"]);
  });
});
