/** Component dependencies: deployment order, unknown dependencies, cycles. */
import { describe, expect, test } from "bun:test";
import { embeddedStore } from "../../core/catalogue/embedded.ts";
import { dependencyProblems, deploymentOrder } from "../../core/recipe/dependencies.ts";
import { caught, mini, overlay, resolve, storeOf, yaml } from "./helpers.ts";

describe("deployment order", () => {
  test("the smallest ready name first, in byte order: k8s- before kai-", () => {
    expect(
      deploymentOrder([
        { name: "kai-scheduler" },
        { name: "k8s-ephemeral-storage-metrics" },
        { name: "Zeta" },
        { name: "a-first" },
      ]),
    ).toEqual(["Zeta", "a-first", "k8s-ephemeral-storage-metrics", "kai-scheduler"]);
  });

  test("a component becomes ready once all its dependencies are emitted, then competes by name", () => {
    expect(
      deploymentOrder([
        { name: "gpu-operator", dependencyRefs: ["cert-manager", "kube-prometheus-stack"] },
        { name: "cert-manager" },
        { name: "kube-prometheus-stack" },
        { name: "k8s-ephemeral-storage-metrics", dependencyRefs: ["kube-prometheus-stack"] },
        { name: "zz-independent" },
        { name: "aa-late", dependencyRefs: ["zz-independent"] },
      ]),
    ).toEqual(["cert-manager", "kube-prometheus-stack", "gpu-operator", "k8s-ephemeral-storage-metrics", "zz-independent", "aa-late"]);
  });

  test("the embedded h100-eks-training recipe deploys in upstream's order", () => {
    const { result } = resolve(embeddedStore(), { service: "eks", accelerator: "h100", intent: "training" });
    expect(result.deploymentOrder).toEqual([
      "aws-ebs-csi-driver",
      "aws-efa",
      "cert-manager",
      "kube-prometheus-stack",
      "k8s-ephemeral-storage-metrics",
      "prometheus-adapter",
      "skyhook-operator",
      "skyhook-customizations",
      "gpu-operator",
      "kai-scheduler",
      "nvidia-dra-driver-gpu",
      "nvsentinel",
    ]);
  });
});

describe("dependency problems", () => {
  test("an unknown dependency is named with its component", () => {
    expect(dependencyProblems([{ name: "a", dependencyRefs: ["ghost"] }])).toEqual(['component "a" references unknown dependency "ghost"']);
  });

  test("a cycle is reported with its path", () => {
    expect(
      dependencyProblems([
        { name: "a", dependencyRefs: ["b"] },
        { name: "b", dependencyRefs: ["c"] },
        { name: "c", dependencyRefs: ["a"] },
        { name: "d" },
      ]),
    ).toEqual(["circular dependency detected: a -> b -> c -> a"]);
    expect(dependencyProblems([{ name: "self", dependencyRefs: ["self"] }])).toEqual(["circular dependency detected: self -> self"]);
  });

  test("a cycle entered from outside is reported from its first repeated node", () => {
    expect(
      dependencyProblems([
        { name: "entry", dependencyRefs: ["x"] },
        { name: "x", dependencyRefs: ["y"] },
        { name: "y", dependencyRefs: ["x"] },
      ]),
    ).toEqual(["circular dependency detected: x -> y -> x"]);
  });

  test("resolving a recipe with an unknown dependency fails with INVALID_REQUEST", () => {
    const store = storeOf(
      mini({
        "overlays/eks.yaml": overlay("eks", yaml`
          criteria:
            service: eks
          componentRefs:
            - name: alpha
              dependencyRefs: [ghost]
        `),
      }),
    );
    const err = caught(() => resolve(store, { service: "eks" }));
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.render()).toBe(
      '[INVALID_REQUEST] merged recipe validation failed: [INVALID_REQUEST] component "alpha" references unknown dependency "ghost"',
    );
  });

  test("resolving a recipe whose overlays close a cycle fails naming the cycle", () => {
    const store = storeOf(
      mini({
        "overlays/eks.yaml": overlay("eks", yaml`
          criteria:
            service: eks
          componentRefs:
            - name: alpha
              dependencyRefs: [gamma]
        `),
      }),
    );
    const err = caught(() => resolve(store, { service: "eks" }));
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.render()).toContain("circular dependency detected: alpha -> gamma -> alpha");
    // Other queries, which do not reach the overlay, still resolve.
    expect(resolve(store, { service: "gke" }).result.deploymentOrder).toEqual(["alpha", "gamma"]);
  });

  test("a cycle in the base itself fails the store load", () => {
    const err = caught(() =>
      storeOf(
        mini({
          "overlays/base.yaml": yaml`
            kind: RecipeMetadata
            metadata:
              name: base
            spec:
              componentRefs:
                - name: alpha
                  dependencyRefs: [gamma]
                - name: gamma
                  dependencyRefs: [alpha]
          `,
        }),
      ),
    );
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toBe("base recipe validation failed: circular dependency detected: alpha -> gamma -> alpha");
  });

  test("a missing base is INTERNAL", () => {
    const err = caught(() => storeOf({ "registry.yaml": "components: []\n", "overlays/eks.yaml": overlay("eks", "criteria:\n  service: eks\n") }));
    expect(err.code).toBe("INTERNAL");
    expect(err.message).toContain("base.yaml not found");
  });

  test("a spec.base naming a missing overlay fails only for queries that reach it", () => {
    const store = storeOf(mini({ "overlays/eks.yaml": overlay("eks", "base: ghost\ncriteria:\n  service: eks\n") }));
    const err = caught(() => resolve(store, { service: "eks" }));
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.render()).toBe(
      '[INVALID_REQUEST] failed to resolve inheritance chain: [NOT_FOUND] recipe "ghost" not found (referenced as spec.base of "eks" in the inheritance chain)',
    );
    expect(resolve(store, { service: "gke" }).result.metadata.appliedOverlays).toEqual(["base"]);
  });

  test("an inheritance cycle is reported", () => {
    const store = storeOf(
      mini({
        "overlays/a.yaml": overlay("a", "base: b\ncriteria:\n  service: eks\n"),
        "overlays/b.yaml": overlay("b", "base: a\n"),
      }),
    );
    expect(caught(() => resolve(store, { service: "eks" })).render()).toContain('circular inheritance detected: recipe "a" (chain a -> b -> a)');
  });
});
