/** Provenance: which layer set each component field and each hydrated Helm value. */
import { describe, expect, test } from "bun:test";
import { embeddedStore } from "../../core/catalogue/embedded.ts";
import { explainRecipe, explainSelection, renderExplanation } from "../../core/recipe/explain.ts";
import { layeredStore, mini, overlay, resolve, storeOf, yaml } from "./helpers.ts";
import type { Store } from "../../core/catalogue/store.ts";

const eksH100Training = { service: "eks", accelerator: "h100", intent: "training" } as const;

function explain(store: Store, q: Parameters<typeof resolve>[1]) {
  const res = resolve(store, q);
  return explainRecipe(store, res.result, res.provenance);
}

const component = (e: ReturnType<typeof explain>, name: string) => {
  const c = e.components.find((x) => x.name === name);
  if (!c) throw new Error(`no component ${name}`);
  return c;
};

describe("explainRecipe", () => {
  test("names the overlay that set gpu-operator's valuesFile, and the base for its version", () => {
    const gpu = component(explain(embeddedStore(), eksH100Training), "gpu-operator");
    expect(gpu.fields["valuesFile"]).toEqual({
      value: "components/gpu-operator/values-eks-training.yaml",
      setBy: "eks-training (overlays/eks-training.yaml)",
    });
    expect(gpu.fields["version"]?.setBy).toBe("base (overlays/base.yaml)");
    expect(gpu.fields["namespace"]?.setBy).toBe("registry default (registry.yaml)");
  });

  test("tells a value from the values file, from the variant, and from an overlay's override apart", () => {
    const gpu = component(explain(embeddedStore(), eksH100Training), "gpu-operator");
    expect(gpu.values["dcgm.enabled"]).toEqual({ value: true, setBy: "components/gpu-operator/values.yaml" });
    expect(gpu.values["cdi.enabled"]).toEqual({ value: true, setBy: "overrides from h100-eks-training (overlays/h100-eks-training.yaml)" });
    expect(gpu.values["hostPaths.driverInstallDir"]?.setBy).toBe("components/gpu-operator/values-eks-training.yaml");
  });

  test("marks a values file that came from --data with [--data]", () => {
    const store = layeredStore({
      "registry.yaml": "components: []\n",
      "components/gpu-operator/values.yaml": "acmeMarker: from-data\ndcgm:\n  enabled: false\n",
    });
    const gpu = component(explain(store, eksH100Training), "gpu-operator");
    expect(gpu.values["acmeMarker"]).toEqual({ value: "from-data", setBy: "components/gpu-operator/values.yaml [--data]" });
    expect(gpu.values["dcgm.enabled"]).toEqual({ value: false, setBy: "components/gpu-operator/values.yaml [--data]" });
  });

  test("marks an overlay that came from --data with [--data]", () => {
    const store = layeredStore({
      "registry.yaml": "components: []\n",
      "overlays/acme.yaml": overlay("acme", yaml`
        base: h100-eks-training
        criteria:
          service: eks
          accelerator: h100
          intent: training
          nodes: 4
        componentRefs:
          - name: gpu-operator
            overrides:
              driver:
                version: "580.1"
      `),
    });
    const gpu = component(explain(store, { ...eksH100Training, nodes: 4 }), "gpu-operator");
    expect(gpu.values["driver.version"]).toEqual({ value: "580.1", setBy: "overrides from acme (overlays/acme.yaml) [--data]" });
  });

  test("a value replaced by null is reported once, without the leaves it removed", () => {
    const kps = component(explain(embeddedStore(), { service: "eks" }), "kube-prometheus-stack");
    const prefix = "prometheus.prometheusSpec.storageSpec.emptyDir";
    expect(kps.values[prefix]).toEqual({ value: null, setBy: "overrides from eks (overlays/eks.yaml)" });
    expect(Object.keys(kps.values).filter((k) => k.startsWith(`${prefix}.`))).toEqual([]);
    // The human-readable report renders (the null and every list value included).
    expect(renderExplanation(explain(embeddedStore(), { service: "eks" }))).toContain(`${prefix}  `);
  });

  test("keys that contain dots keep their value", () => {
    const store = storeOf(
      mini({
        "components/alpha/values.yaml": yaml`
          nodeSelector:
            node-role.kubernetes.io/worker: "true"
        `,
        "overlays/eks.yaml": overlay("eks", yaml`
          criteria:
            service: eks
          componentRefs:
            - name: alpha
              overrides:
                limits:
                  nvidia.com/gpu: 1
        `),
      }),
    );
    const alpha = component(explain(store, { service: "eks" }), "alpha");
    expect(alpha.values["nodeSelector.node-role.kubernetes.io/worker"]).toEqual({ value: "true", setBy: "components/alpha/values.yaml [--data]" });
    expect(alpha.values["limits.nvidia.com/gpu"]).toEqual({ value: 1, setBy: "overrides from eks (overlays/eks.yaml) [--data]" });
  });

  test("constraints, mixins and validation phases name their layer", () => {
    const store = storeOf(
      mini({
        "mixins/os-ubuntu.yaml": "kind: RecipeMixin\nmetadata:\n  name: os-ubuntu\nspec:\n  constraints:\n    - name: OS.release.ID\n      value: ubuntu\n",
        "overlays/eks.yaml": overlay("eks", yaml`
          criteria:
            service: eks
          mixins: [os-ubuntu]
          validation:
            deployment:
              checks: [operator-health]
        `),
      }),
    );
    const e = explain(store, { service: "eks" });
    expect(e.constraints).toEqual([
      { name: "K8s.server.version", value: ">= 1.25", setBy: "base (overlays/base.yaml) [--data]" },
      { name: "OS.release.ID", value: "ubuntu", setBy: "mixin os-ubuntu (mixins/os-ubuntu.yaml) [--data]" },
    ]);
    expect(e.validation).toEqual({ deployment: "eks (overlays/eks.yaml) [--data]" });
  });

  test("explainSelection narrows the report to one selector", () => {
    const e = explain(embeddedStore(), eksH100Training);
    expect(explainSelection(e, ".components.gpu-operator.values.cdi")).toEqual([
      { path: "components.gpu-operator.values.cdi.default", value: false, setBy: "components/gpu-operator/values-eks-training.yaml" },
      { path: "components.gpu-operator.values.cdi.enabled", value: true, setBy: "overrides from h100-eks-training (overlays/h100-eks-training.yaml)" },
    ]);
    expect(explainSelection(e, "components.gpu-operator.valuesFile")).toEqual([
      { path: "components.gpu-operator.valuesFile", value: "components/gpu-operator/values-eks-training.yaml", setBy: "eks-training (overlays/eks-training.yaml)" },
    ]);
  });
});
