/** Merge rules across layers: constraints, componentRef fields, overrides, lists, cleanup, validation. */
import { describe, expect, test } from "bun:test";
import { mergeRef } from "../../core/recipe/merge.ts";
import { formatRecipe } from "../../core/recipe/render.ts";
import { mini, overlay, resolve, storeOf, yaml } from "./helpers.ts";

const refOf = (res: ReturnType<typeof resolve>, name: string) => res.result.componentRefs.find((r) => r.name === name);

describe("constraints", () => {
  test("merge by name: the later layer replaces the whole constraint; output sorted by name", () => {
    const store = storeOf(
      mini({
        "overlays/base.yaml": yaml`
          kind: RecipeMetadata
          metadata:
            name: base
          spec:
            constraints:
              - name: OS.release.ID
                value: ubuntu
              - name: K8s.server.version
                value: ">= 1.25"
                severity: warning
                remediation: upgrade the control plane
        `,
        "overlays/eks.yaml": overlay("eks", yaml`
          criteria:
            service: eks
          constraints:
            - name: K8s.server.version
              value: ">= 1.30"
            - name: GPU.smi.driver
              value: ">= 570"
        `),
      }),
    );
    const res = resolve(store, { service: "eks" });
    expect(res.result.constraints).toEqual([
      { name: "GPU.smi.driver", value: ">= 570" },
      // severity and remediation are not carried over from the base: the constraint was replaced whole.
      { name: "K8s.server.version", value: ">= 1.30" },
      { name: "OS.release.ID", value: "ubuntu" },
    ]);
  });

  test("two constraints of the same name in one file: the last wins", () => {
    const store = storeOf(
      mini({
        "overlays/eks.yaml": overlay("eks", yaml`
          criteria:
            service: eks
          constraints:
            - name: K8s.server.version
              value: ">= 1.28"
            - name: K8s.server.version
              value: ">= 1.31"
        `),
      }),
    );
    expect(resolve(store, { service: "eks" }).result.constraints).toEqual([{ name: "K8s.server.version", value: ">= 1.31" }]);
  });
});

describe("componentRef fields (mergeRef)", () => {
  test("a non-empty later value wins; an empty or null one never clears", () => {
    const store = storeOf(
      mini({
        "overlays/eks.yaml": overlay("eks", yaml`
          criteria:
            service: eks
          componentRefs:
            - name: alpha
              version: ""
              source: null
              namespace: alpha-eks
              valuesFile: ""
        `),
      }),
    );
    const base = storeOf(mini());
    expect(base.base.doc.spec?.componentRefs?.[0]?.valuesFile).toBe("components/alpha/values.yaml");
    const ref = refOf(resolve(store, { service: "eks" }), "alpha");
    expect(ref?.namespace).toBe("alpha-eks");
    expect(ref?.valuesFile).toBe("components/alpha/values.yaml");
    // version and source were never set by a layer: registry defaults fill them afterwards.
    expect(ref?.version).toBe("v1.0.0");
    expect(ref?.source).toBe("https://charts.example.com/alpha");
  });

  test("overrides merge shallowly: a later top-level key replaces the earlier value whole", () => {
    const merged = mergeRef(
      { name: "gpu-operator", overrides: { driver: { enabled: false, rdma: { enabled: false } }, toolkit: { enabled: false } } },
      { name: "gpu-operator", overrides: { driver: { version: "580.1" } } },
    );
    expect(merged.overrides).toEqual({ driver: { version: "580.1" }, toolkit: { enabled: false } });
  });

  test("an override set to null is kept as a key across layers and in the recipe document", () => {
    const store = storeOf(
      mini({
        "overlays/eks.yaml": overlay("eks", yaml`
          criteria:
            service: eks
          componentRefs:
            - name: alpha
              overrides:
                toolkit: null
                cdi:
                  enabled: true
        `),
      }),
    );
    const res = resolve(store, { service: "eks" });
    const ref = refOf(res, "alpha");
    expect(ref?.overrides).toEqual({ toolkit: null, cdi: { enabled: true } });
    expect(Object.keys(ref?.overrides ?? {})).toContain("toolkit");
    expect(formatRecipe(res.result, "yaml")).toContain("    overrides:\n      cdi:\n        enabled: true\n      toolkit: null\n");
  });

  test("patches, dependencyRefs and expectedResources are replaced wholesale; an empty list inherits", () => {
    const base = {
      name: "x",
      patches: ["p1.yaml", "p2.yaml"],
      dependencyRefs: ["a", "b"],
      expectedResources: [{ kind: "Deployment", name: "x", namespace: "ns" }],
    };
    expect(
      mergeRef(base, { name: "x", patches: ["p3.yaml"], dependencyRefs: ["c"], expectedResources: [{ kind: "DaemonSet", name: "y" }] }),
    ).toEqual({ name: "x", patches: ["p3.yaml"], dependencyRefs: ["c"], expectedResources: [{ kind: "DaemonSet", name: "y" }] });
    expect(mergeRef(base, { name: "x", patches: [], dependencyRefs: [], expectedResources: [] })).toEqual(base);
  });

  test("through overlays: a non-empty dependencyRefs replaces the base's list, an empty one inherits it", () => {
    const replaced = storeOf(
      mini({
        "overlays/eks.yaml": overlay("eks", yaml`
          criteria:
            service: eks
          componentRefs:
            - name: beta
              type: Kustomize
            - name: gamma
              dependencyRefs: [beta]
        `),
      }),
    );
    expect(refOf(resolve(replaced, { service: "eks" }), "gamma")?.dependencyRefs).toEqual(["beta"]);
    const inherited = storeOf(
      mini({
        "overlays/eks.yaml": overlay("eks", yaml`
          criteria:
            service: eks
          componentRefs:
            - name: gamma
              dependencyRefs: []
        `),
      }),
    );
    const res = resolve(inherited, { service: "eks" });
    expect(refOf(res, "gamma")?.dependencyRefs).toEqual(["alpha"]);
    expect(res.result.deploymentOrder).toEqual(["alpha", "gamma"]);
  });

  test("manifestFiles accumulate: earlier list first, new entries appended once, order kept", () => {
    expect(
      mergeRef({ name: "x", manifestFiles: ["m1.yaml", "m2.yaml"] }, { name: "x", manifestFiles: ["m3.yaml", "m2.yaml", "m0.yaml"] })
        .manifestFiles,
    ).toEqual(["m1.yaml", "m2.yaml", "m3.yaml", "m0.yaml"]);
  });

  test("cleanup is sticky: once true, a later false does not reset it", () => {
    expect(mergeRef({ name: "x", cleanup: true }, { name: "x", cleanup: false }).cleanup).toBe(true);
    expect(mergeRef({ name: "x" }, { name: "x", cleanup: true }).cleanup).toBe(true);
    expect(mergeRef({ name: "x", cleanup: false }, { name: "x" }).cleanup).toBe(false);
  });

  test("mergeRef does not change its inputs", () => {
    const base = { name: "x", overrides: { a: { b: 1 } }, manifestFiles: ["m1"] };
    const snapshot = structuredClone(base);
    mergeRef(base, { name: "x", overrides: { c: 2 }, manifestFiles: ["m2"] });
    expect(base).toEqual(snapshot);
  });

  test("componentRefs are emitted sorted by name after a merge", () => {
    const store = storeOf(
      mini({
        "overlays/eks.yaml": overlay("eks", yaml`
          criteria:
            service: eks
          componentRefs:
            - name: beta
            - name: Zulu
        `),
      }),
    );
    expect(resolve(store, { service: "eks" }).result.componentRefs.map((r) => r.name)).toEqual(["Zulu", "alpha", "beta", "gamma"]);
  });
});

describe("validation phases", () => {
  test("a phase set by a later layer replaces the earlier phase whole; other phases are kept", () => {
    const store = storeOf(
      mini({
        "overlays/base.yaml": yaml`
          kind: RecipeMetadata
          metadata:
            name: base
          spec:
            validation:
              deployment:
                timeout: 10m
                checks: [operator-health, expected-resources]
              conformance:
                checks: [platform-health]
        `,
        "overlays/eks.yaml": overlay("eks", yaml`
          criteria:
            service: eks
          validation:
            deployment:
              checks: [gpu-operator-version]
        `),
      }),
    );
    expect(resolve(store, { service: "eks" }).result.validation).toEqual({
      deployment: { checks: ["gpu-operator-version"] },
      conformance: { checks: ["platform-health"] },
    });
  });

  test("an overlay's validation is taken as is when no earlier layer had one", () => {
    const store = storeOf(
      mini({
        "overlays/eks.yaml": overlay("eks", yaml`
          criteria:
            service: eks
          validation:
            performance:
              checks: [nccl-all-reduce-bw]
              constraints:
                - name: nccl-all-reduce-bw
                  value: ">= 100"
                  unit: GB/s
        `),
      }),
    );
    expect(resolve(store, { service: "eks" }).result.validation).toEqual({
      performance: { checks: ["nccl-all-reduce-bw"], constraints: [{ name: "nccl-all-reduce-bw", value: ">= 100", unit: "GB/s" }] },
    });
  });
});
