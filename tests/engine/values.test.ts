/** Helm values hydration (values.yaml < variant < overrides) and registry defaults. */
import { describe, expect, test } from "bun:test";
import { deepMerge, valuesFor } from "../../core/recipe/hydrate.ts";
import { hydratedDocument, select } from "../../core/recipe/query.ts";
import { formatSelection } from "../../core/recipe/render.ts";
import { caught, mini, overlay, resolve, storeOf, yaml } from "./helpers.ts";

const hydrated = (files: Record<string, string>, q: Parameters<typeof resolve>[1], component: string) => {
  const store = storeOf(files);
  const { result } = resolve(store, q);
  const ref = result.componentRefs.find((r) => r.name === component);
  if (!ref) throw new Error(`component ${component} not in the recipe`);
  return valuesFor(store, ref);
};

describe("deepMerge", () => {
  test("maps merge key by key; lists, scalars and null replace; type mismatches replace", () => {
    const dst: Record<string, unknown> = { a: { b: 1, c: [1, 2] }, d: "x", e: { f: 1 }, g: 1 };
    deepMerge(dst, { a: { c: [3], h: true }, d: null, e: "flat", g: { i: 2 } });
    expect(dst).toEqual({ a: { b: 1, c: [3], h: true }, d: null, e: "flat", g: { i: 2 } });
    expect("d" in dst).toBe(true);
  });
});

describe("hydration", () => {
  test("overrides merge deep into the values file (unlike across layers)", () => {
    const files = mini({
      "overlays/eks.yaml": overlay("eks", yaml`
        criteria:
          service: eks
        componentRefs:
          - name: alpha
            overrides:
              driver:
                version: "580.1"
      `),
    });
    expect(hydrated(files, { service: "eks" }, "alpha")).toEqual({
      driver: { enabled: true, repository: "nvcr.io/nvidia", version: "580.1" },
      toolkit: { enabled: true },
    });
  });

  test("overrides from two layers: the later top-level key replaces the earlier one whole, then merges into the file", () => {
    const files = mini({
      "overlays/eks.yaml": overlay("eks", yaml`
        criteria:
          service: eks
        componentRefs:
          - name: alpha
            overrides:
              driver:
                rdma:
                  enabled: true
                enabled: false
      `),
      "overlays/eks-training.yaml": overlay("eks-training", yaml`
        base: eks
        criteria:
          service: eks
          intent: training
        componentRefs:
          - name: alpha
            overrides:
              driver:
                version: "580.1"
      `),
    });
    // driver.enabled=false and driver.rdma from eks are lost; the file's driver.enabled=true shows through.
    expect(hydrated(files, { service: "eks", intent: "training" }, "alpha")).toEqual({
      driver: { enabled: true, repository: "nvcr.io/nvidia", version: "580.1" },
      toolkit: { enabled: true },
    });
  });

  test("a null override keeps the key with a null value; query prints null", () => {
    const files = mini({
      "components/alpha/values.yaml": yaml`
        storageSpec:
          emptyDir:
            sizeLimit: 10Gi
      `,
      "overlays/eks.yaml": overlay("eks", yaml`
        criteria:
          service: eks
        componentRefs:
          - name: alpha
            overrides:
              storageSpec:
                emptyDir: null
                volumeClaimTemplate:
                  storageClassName: gp2
      `),
    });
    const store = storeOf(files);
    const { result } = resolve(store, { service: "eks" });
    const doc = hydratedDocument(store, result);
    const selected = select(doc, "components.alpha.values.storageSpec");
    expect(selected).toEqual({ emptyDir: null, volumeClaimTemplate: { storageClassName: "gp2" } });
    expect(formatSelection(select(doc, ".components.alpha.values.storageSpec.emptyDir"), "yaml")).toBe("null\n");
  });

  test("only two file levels: the final variant merges over values.yaml, never over an earlier variant", () => {
    const files = mini({
      "components/alpha/values.yaml": "level: base\nfromBase: 1\n",
      "components/alpha/values-eks.yaml": "level: eks\nfromEksVariant: 2\n",
      "components/alpha/values-eks-training.yaml": "level: eks-training\nfromTrainingVariant: 3\n",
      "overlays/eks.yaml": overlay("eks", yaml`
        criteria:
          service: eks
        componentRefs:
          - name: alpha
            valuesFile: components/alpha/values-eks.yaml
      `),
      "overlays/eks-training.yaml": overlay("eks-training", yaml`
        base: eks
        criteria:
          service: eks
          intent: training
        componentRefs:
          - name: alpha
            valuesFile: components/alpha/values-eks-training.yaml
      `),
    });
    expect(hydrated(files, { service: "eks" }, "alpha")).toEqual({ level: "eks", fromBase: 1, fromEksVariant: 2 });
    expect(hydrated(files, { service: "eks", intent: "training" }, "alpha")).toEqual({
      level: "eks-training",
      fromBase: 1,
      fromTrainingVariant: 3,
    });
  });

  test("a variant without a values.yaml beside it is fine", () => {
    const files = mini({
      "components/gamma/values-eks.yaml": "replicas: 2\n",
      "overlays/eks.yaml": overlay("eks", yaml`
        criteria:
          service: eks
        componentRefs:
          - name: gamma
            valuesFile: components/gamma/values-eks.yaml
      `),
    });
    expect(hydrated(files, { service: "eks" }, "gamma")).toEqual({ replicas: 2 });
  });

  test("a missing values file fails hydration with INTERNAL naming the component and file", () => {
    const files = mini({
      "overlays/eks.yaml": overlay("eks", yaml`
        criteria:
          service: eks
        componentRefs:
          - name: gamma
            valuesFile: components/gamma/values-missing.yaml
      `),
    });
    const err = caught(() => hydrated(files, { service: "eks" }, "gamma"));
    expect(err.code).toBe("INTERNAL");
    expect(err.render()).toBe(
      '[INTERNAL] failed to hydrate values for component "gamma": values file components/gamma/values-missing.yaml not found',
    );
  });

  test("a component with neither valuesFile nor overrides has no values", () => {
    expect(hydrated(mini(), {}, "gamma")).toEqual({});
  });
});

describe("hydrated query document", () => {
  test("empty excludedOverlays print as [] in YAML and null in JSON (upstream's nil lists)", () => {
    const store = storeOf(mini());
    const doc = hydratedDocument(store, resolve(store, { service: "eks" }).result, { nilLists: true });
    expect(formatSelection(select(doc, "metadata.excludedOverlays"), "yaml")).toBe("[]\n");
    expect(formatSelection(select(doc, "metadata.constraintWarnings"), "json")).toBe("null\n");
    expect(formatSelection(select(doc, "metadata"), "json")).toContain('"excludedOverlays": null');
  });
});

describe("registry defaults", () => {
  const withRefs = (refs: string) =>
    mini({
      "overlays/eks.yaml": overlay("eks", `criteria:\n  service: eks\ncomponentRefs:\n${refs}`),
    });

  test("Helm: fill only empty fields; recipe values win; chart is the last segment of defaultChart", () => {
    const store = storeOf(withRefs("  - name: alpha\n    version: v9.9.9\n"));
    const ref = resolve(store, { service: "eks" }).result.componentRefs.find((r) => r.name === "alpha");
    expect(ref).toEqual({
      name: "alpha",
      type: "Helm",
      valuesFile: "components/alpha/values.yaml",
      version: "v9.9.9",
      source: "https://charts.example.com/alpha",
      namespace: "alpha-system",
      chart: "alpha-chart",
    });
  });

  test("an empty type becomes Kustomize when the registry has a kustomize source, and its defaults fill in", () => {
    const store = storeOf(withRefs("  - name: beta\n    tag: v2.1.0\n"));
    const ref = resolve(store, { service: "eks" }).result.componentRefs.find((r) => r.name === "beta");
    expect(ref).toEqual({ name: "beta", type: "Kustomize", tag: "v2.1.0", source: "https://git.example.com/beta", path: "deploy/production" });
  });

  test("an empty type becomes Helm otherwise", () => {
    const store = storeOf(withRefs("  - name: gamma\n"));
    const ref = resolve(store, { service: "eks" }).result.componentRefs.find((r) => r.name === "gamma");
    expect(ref?.type).toBe("Helm");
    expect(ref?.version).toBe("3.0.0");
  });

  test("a type other than exact Helm or Kustomize gets no defaults", () => {
    const store = storeOf(withRefs("  - name: alpha\n    type: helm\n"));
    const ref = resolve(store, { service: "eks" }).result.componentRefs.find((r) => r.name === "alpha");
    expect(ref).toEqual({ name: "alpha", type: "helm", valuesFile: "components/alpha/values.yaml" });
  });

  test("Helm defaults are not applied to a Kustomize ref and vice versa", () => {
    const store = storeOf(withRefs("  - name: alpha\n    type: Kustomize\n  - name: beta\n    type: Helm\n"));
    const refs = resolve(store, { service: "eks" }).result.componentRefs;
    expect(refs.find((r) => r.name === "alpha")).toEqual({ name: "alpha", type: "Kustomize", valuesFile: "components/alpha/values.yaml" });
    expect(refs.find((r) => r.name === "beta")).toEqual({ name: "beta", type: "Helm" });
  });

  test("a component not in the registry is left as written, and its source is still emitted as empty", () => {
    const store = storeOf(withRefs("  - name: delta\n    type: Helm\n"));
    const res = resolve(store, { service: "eks" });
    expect(res.result.componentRefs.find((r) => r.name === "delta")).toEqual({ name: "delta", type: "Helm" });
    expect(select(hydratedDocument(store, res.result), "components.delta")).toEqual({ name: "delta", type: "Helm", source: "" });
  });
});
