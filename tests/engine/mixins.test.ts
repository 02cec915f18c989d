/** Recipe mixins (newer-upstream.md §10): `kind: RecipeMixin` under mixins/, pulled in by `spec.mixins`. */
import { describe, expect, test } from "bun:test";
import { decodeEntries } from "../../core/catalogue/entry.ts";
import { asList, caught, mini, overlay, resolve, storeOf, yaml } from "./helpers.ts";

const osUbuntu = yaml`
  kind: RecipeMixin
  apiVersion: aicr.nvidia.com/v1alpha1
  metadata:
    name: os-ubuntu
  spec:
    constraints:
      - name: OS.release.ID
        value: ubuntu
    componentRefs:
      - name: delta
        type: Helm
        source: https://charts.example.com/delta
        version: 0.1.0
        dependencyRefs: [alpha]
`;

const withMixin = (mixinFiles: Record<string, string>, mixinsLine = "mixins: [os-ubuntu]") =>
  mini({
    ...mixinFiles,
    "overlays/eks.yaml": overlay("eks", `criteria:\n  service: eks\n${mixinsLine}\n`),
  });

describe("mixins", () => {
  test("an overlay's spec.mixins adds the mixin's constraints and components", () => {
    const store = storeOf(withMixin({ "mixins/os-ubuntu.yaml": osUbuntu }));
    const { result } = resolve(store, { service: "eks" });
    expect(result.constraints).toEqual([
      { name: "K8s.server.version", value: ">= 1.25" },
      { name: "OS.release.ID", value: "ubuntu" },
    ]);
    expect(result.componentRefs.find((r) => r.name === "delta")).toEqual({
      name: "delta",
      type: "Helm",
      source: "https://charts.example.com/delta",
      version: "0.1.0",
      dependencyRefs: ["alpha"],
    });
    expect(result.deploymentOrder).toEqual(["alpha", "delta", "gamma"]);
    // Mixins are not overlays: appliedOverlays lists overlays only.
    expect(result.metadata.appliedOverlays).toEqual(["base", "eks"]);
  });

  test("a mixin named by an intermediate overlay reaches the leaf", () => {
    const store = storeOf(
      mini({
        "mixins/os-ubuntu.yaml": osUbuntu,
        "overlays/eks.yaml": overlay("eks", "criteria:\n  service: eks\nmixins: [os-ubuntu]\n"),
        "overlays/eks-training.yaml": overlay("eks-training", "base: eks\ncriteria:\n  service: eks\n  intent: training\n"),
      }),
    );
    const { result } = resolve(store, { service: "eks", intent: "training" });
    expect(result.constraints.map((c) => c.name)).toContain("OS.release.ID");
    // A query that does not reach the overlay naming the mixin does not get it.
    expect(resolve(store, { service: "gke" }).result.constraints.map((c) => c.name)).not.toContain("OS.release.ID");
  });

  test("an unknown mixin is NOT_FOUND and names the known ones", () => {
    const store = storeOf(withMixin({ "mixins/os-ubuntu.yaml": osUbuntu }, "mixins: [os-talos]"));
    const err = caught(() => resolve(store, { service: "eks" }));
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toBe('mixin "os-talos" not found in mixins/ (known: os-ubuntu)');
  });

  test("a mixin constraint whose name the chain already has is an error", () => {
    const store = storeOf(
      withMixin({
        "mixins/os-ubuntu.yaml": yaml`
          kind: RecipeMixin
          metadata:
            name: os-ubuntu
          spec:
            constraints:
              - name: K8s.server.version
                value: ">= 1.30"
        `,
      }),
    );
    const err = caught(() => resolve(store, { service: "eks" }));
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toContain('constraint "K8s.server.version" conflicts');
  });

  test("a mixin may add a namespace and manifests to a component the chain already has", () => {
    const store = storeOf(
      withMixin({
        "mixins/os-ubuntu.yaml": yaml`
          kind: RecipeMixin
          metadata:
            name: os-ubuntu
          spec:
            componentRefs:
              - name: alpha
                namespace: privileged-alpha
                manifestFiles: [components/alpha/manifests/namespace.yaml]
        `,
        "components/alpha/manifests/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: privileged-alpha\n",
      }),
    );
    const alpha = resolve(store, { service: "eks" }).result.componentRefs.find((r) => r.name === "alpha");
    expect(alpha).toEqual({
      name: "alpha",
      type: "Helm",
      valuesFile: "components/alpha/values.yaml",
      namespace: "privileged-alpha",
      manifestFiles: ["components/alpha/manifests/namespace.yaml"],
      source: "https://charts.example.com/alpha",
      version: "v1.0.0",
      chart: "alpha-chart",
    });
  });

  test("a mixin setting any other field (e.g. version) on an existing component is rejected, naming the field", () => {
    const store = storeOf(
      withMixin({
        "mixins/os-ubuntu.yaml": yaml`
          kind: RecipeMixin
          metadata:
            name: os-ubuntu
          spec:
            componentRefs:
              - name: alpha
                namespace: privileged-alpha
                version: v9.9.9
        `,
      }),
    );
    const err = caught(() => resolve(store, { service: "eks" }));
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toContain('mixin "os-ubuntu" sets "version" on component "alpha"');
  });

  test("two mixins adding the same constraint conflict", () => {
    const second = yaml`
      kind: RecipeMixin
      metadata:
        name: os-ubuntu-again
      spec:
        constraints:
          - name: OS.release.ID
            value: ubuntu
    `;
    const store = storeOf(withMixin({ "mixins/os-ubuntu.yaml": osUbuntu, "mixins/again.yaml": second }, "mixins: [os-ubuntu, os-ubuntu-again]"));
    expect(caught(() => resolve(store, { service: "eks" })).message).toContain('mixin "os-ubuntu-again" constraint "OS.release.ID" conflicts');
  });

  describe("strict decoding", () => {
    const decodeMixin = (text: string) => caught(() => decodeEntries(asList({ "mixins/bad.yaml": text }), "external"));

    test("an unknown field in a mixin's spec is rejected with the file, line and path", () => {
      const err = decodeMixin(yaml`
        kind: RecipeMixin
        metadata:
          name: bad
        spec:
          criteria:
            service: eks
      `);
      expect(err.code).toBe("INVALID_REQUEST");
      expect(err.message).toMatch(/mixins\/bad\.yaml:\d+:\d+: spec\.criteria: unknown field/);
    });

    test("an unknown top-level field is rejected", () => {
      expect(decodeMixin("kind: RecipeMixin\nmetadata:\n  name: bad\nspec: {}\nbase: eks\n").message).toMatch(
        /mixins\/bad\.yaml:5:\d+: base: unknown field/,
      );
    });

    test("an unknown field inside a mixin's componentRef is rejected", () => {
      const err = decodeMixin(yaml`
        kind: RecipeMixin
        metadata:
          name: bad
        spec:
          componentRefs:
            - name: alpha
              valueFile: components/alpha/values.yaml
      `);
      expect(err.message).toMatch(/mixins\/bad\.yaml:\d+:\d+: spec\.componentRefs\[0\]\.valueFile: unknown field/);
    });

    test("a wrong kind is rejected", () => {
      expect(decodeMixin("kind: RecipeMetadata\nmetadata:\n  name: bad\nspec: {}\n").message).toContain("kind must be RecipeMixin");
    });

    test("a duplicate mixin name across files is a load error", () => {
      const err = caught(() =>
        storeOf(mini({ "mixins/a.yaml": osUbuntu, "mixins/b.yaml": osUbuntu })),
      );
      expect(err.message).toBe('duplicate mixin name "os-ubuntu" in mixins/a.yaml and mixins/b.yaml');
    });
  });
});
