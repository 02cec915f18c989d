/** `--data` layering (recipes.md §8): external files over the embedded catalogue. */
import { describe, expect, test } from "bun:test";
import { embeddedStore } from "../../core/catalogue/embedded.ts";
import { walkOrder } from "../../core/catalogue/store.ts";
import { valuesFor } from "../../core/recipe/hydrate.ts";
import { layeredStore, overlay, resolve, yaml } from "./helpers.ts";

const emptyRegistry = "apiVersion: aicr.nvidia.com/v1alpha1\nkind: ComponentRegistry\ncomponents: []\n";
const eksH100Training = { service: "eks", accelerator: "h100", intent: "training" } as const;

describe("--data layering", () => {
  test("an external file at the same path replaces the embedded overlay whole", () => {
    const store = layeredStore({
      "registry.yaml": emptyRegistry,
      "overlays/eks.yaml": overlay("eks", yaml`
        criteria:
          service: eks
        constraints:
          - name: K8s.server.version
            value: ">= 1.99"
      `),
    });
    const { result } = resolve(store, { service: "eks" });
    expect(result.metadata.appliedOverlays).toEqual(["base", "monitoring-hpa", "eks"]);
    expect(result.constraints).toEqual([{ name: "K8s.server.version", value: ">= 1.99" }]);
    const names = result.componentRefs.map((r) => r.name);
    // The embedded eks.yaml added these; the replacement does not.
    expect(names).not.toContain("aws-ebs-csi-driver");
    expect(names).not.toContain("aws-efa");
    // Unchanged embedded overlays still apply.
    expect(resolve(embeddedStore(), { service: "eks" }).result.componentRefs.map((r) => r.name)).toContain("aws-efa");
  });

  test("an external overlay reusing an embedded name at another path loses to the embedded file", () => {
    const store = layeredStore({
      "registry.yaml": emptyRegistry,
      "overlays/custom/eks-copy.yaml": overlay("eks", yaml`
        criteria:
          service: eks
        constraints:
          - name: K8s.server.version
            value: ">= 1.99"
      `),
    });
    const { result } = resolve(store, { service: "eks" });
    expect(result.constraints).toEqual([{ name: "K8s.server.version", value: ">= 1.28" }]);
    expect(result.componentRefs.map((r) => r.name)).toContain("aws-efa");
  });

  test("a new external overlay is added to the catalogue and merges after its embedded chain", () => {
    const store = layeredStore({
      "registry.yaml": emptyRegistry,
      "overlays/acme-eks-h100-training-8.yaml": overlay("acme-eks-h100-training-8", yaml`
        base: h100-eks-training
        criteria:
          service: eks
          accelerator: h100
          intent: training
          nodes: 8
        constraints:
          - name: GPU.smi.driver
            value: ">= 580"
      `),
    });
    const with8 = resolve(store, { ...eksH100Training, nodes: 8 }).result;
    expect(with8.metadata.appliedOverlays).toEqual([
      "base",
      "monitoring-hpa",
      "eks",
      "eks-training",
      "h100-eks-training",
      "acme-eks-h100-training-8",
    ]);
    expect(with8.constraints.map((c) => c.name)).toEqual(["GPU.smi.driver", "K8s.server.version"]);
    // Without --nodes the new overlay is not selected.
    expect(resolve(store, eksH100Training).result.metadata.appliedOverlays).not.toContain("acme-eks-h100-training-8");
  });

  test("registry.yaml merges per component: a same-named entry replaces the embedded one whole; new ones are added", () => {
    const store = layeredStore({
      "registry.yaml": yaml`
        apiVersion: aicr.nvidia.com/v1alpha1
        kind: ComponentRegistry
        components:
          - name: gpu-operator
            displayName: gpu-operator
            helm:
              defaultNamespace: gpu-ext
          - name: acme-operator
            displayName: acme
            helm:
              defaultRepository: https://charts.acme.example
              defaultChart: acme/acme-operator
              defaultVersion: 1.2.3
              defaultNamespace: acme-system
      `,
      "overlays/eks.yaml": overlay("eks", yaml`
        criteria:
          service: eks
        componentRefs:
          - name: acme-operator
            type: Helm
      `),
    });
    const refs = resolve(store, { service: "eks" }).result.componentRefs;
    const gpu = refs.find((r) => r.name === "gpu-operator");
    expect(gpu?.namespace).toBe("gpu-ext");
    // The embedded entry's defaultChart did not survive: the external entry replaced it whole.
    expect(gpu?.chart).toBeUndefined();
    expect(refs.find((r) => r.name === "acme-operator")).toEqual({
      name: "acme-operator",
      type: "Helm",
      source: "https://charts.acme.example",
      version: "1.2.3",
      namespace: "acme-system",
      chart: "acme-operator",
    });
    // Components the external registry does not mention keep their embedded defaults.
    expect(refs.find((r) => r.name === "cert-manager")?.namespace).toBe("cert-manager");
    expect(store.registry.components.at(-1)?.name).toBe("acme-operator");
    expect(store.registry.origins["gpu-operator"]).toBe("external");
    expect(store.registry.origins["cert-manager"]).toBe("embedded");
  });

  test("an external values file changes hydration for every recipe using it, under the variant", () => {
    const store = layeredStore({
      "registry.yaml": emptyRegistry,
      "components/gpu-operator/values.yaml": yaml`
        acmeMarker: from-data
        driver:
          version: "999.1"
      `,
    });
    const { result } = resolve(store, eksH100Training);
    const gpu = result.componentRefs.find((r) => r.name === "gpu-operator");
    expect(gpu?.valuesFile).toBe("components/gpu-operator/values-eks-training.yaml");
    const values = valuesFor(store, gpu!);
    expect(values["acmeMarker"]).toBe("from-data");
    // The embedded values.yaml is gone entirely (replaced, not merged).
    expect(values["fullnameOverride"]).toBeUndefined();
    const embeddedValues = valuesFor(embeddedStore(), resolve(embeddedStore(), eksH100Training).result.componentRefs.find((r) => r.name === "gpu-operator")!);
    expect(embeddedValues["fullnameOverride"]).toBe("gpu-operator");
    expect(embeddedValues["acmeMarker"]).toBeUndefined();
  });

  test("an external overlays/base.yaml replaces the base", () => {
    const store = layeredStore({
      "registry.yaml": emptyRegistry,
      "overlays/base.yaml": yaml`
        kind: RecipeMetadata
        apiVersion: aicr.nvidia.com/v1alpha1
        metadata:
          name: base
        spec:
          componentRefs:
            - name: cert-manager
              type: Helm
      `,
    });
    const names = resolve(store, { service: "kind" }).result.componentRefs.map((r) => r.name);
    expect(names).toContain("cert-manager");
    // Components only the embedded base brings in are gone.
    expect(names).not.toContain("kai-scheduler");
    expect(names).not.toContain("k8s-ephemeral-storage-metrics");
    const embeddedNames = resolve(embeddedStore(), { service: "kind" }).result.componentRefs.map((r) => r.name);
    expect(embeddedNames).toContain("kai-scheduler");
    expect(embeddedNames).toContain("k8s-ephemeral-storage-metrics");
  });
});

describe("walk order", () => {
  const entry = (path: string, origin: "embedded" | "external" = "embedded") => ({ kind: "ignored" as const, path, origin });

  test("entries are walked in path order, external ones first, an embedded path an external one replaces left out", () => {
    const embedded = [entry("b.yaml"), entry("a.yaml"), entry("c.yaml")];
    expect(walkOrder(embedded).map((e) => e.path)).toEqual(["a.yaml", "b.yaml", "c.yaml"]);
    const sorted = [entry("a.yaml"), entry("b.yaml"), entry("c.yaml")];
    expect(walkOrder(sorted).map((e) => e.path)).toEqual(["a.yaml", "b.yaml", "c.yaml"]);
    const walked = walkOrder(sorted, [entry("b.yaml", "external"), entry("0.yaml", "external")]);
    expect(walked.map((e) => `${e.origin}:${e.path}`)).toEqual(["external:0.yaml", "external:b.yaml", "embedded:a.yaml", "embedded:c.yaml"]);
  });
});
