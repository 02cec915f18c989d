/** Overlay selection: asymmetric matching, `nodes`, specificity (omitted fields count), name tie-break, chain dedup. */
import { describe, expect, test } from "bun:test";
import { overlayMatches, overlaySpecificity, selectCandidates } from "../../core/recipe/match.ts";
import { criteria, mini, overlay, resolve, storeOf, yaml } from "./helpers.ts";

describe("overlayMatches is asymmetric", () => {
  const q = criteria({ service: "eks", accelerator: "h100", intent: "training" });

  test("an overlay pinning fewer fields than the query matches it", () => {
    expect(overlayMatches({ service: "eks" }, q)).toBe(true);
  });

  test("an overlay pinning a different value does not match", () => {
    expect(overlayMatches({ service: "eks", accelerator: "gb200" }, q)).toBe(false);
  });

  test("a query leaving a field as any never selects an overlay that pins it", () => {
    const generic = criteria({ service: "eks" });
    expect(overlayMatches({ service: "eks", accelerator: "h100" }, generic)).toBe(false);
    // ...but the reverse direction (overlay generic, query specific) matches.
    expect(overlayMatches({ service: "eks" }, q)).toBe(true);
  });

  test("overlay fields that are empty or the literal any are wildcards", () => {
    expect(overlayMatches({ intent: "any" }, q)).toBe(true);
    expect(overlayMatches({ intent: "any" }, criteria({ os: "ubuntu" }))).toBe(true);
    expect(overlayMatches({ service: "", accelerator: "any" }, q)).toBe(true);
  });

  test("overlay criteria are case-sensitive and never normalised", () => {
    expect(overlayMatches({ service: "EKS" }, q)).toBe(false);
    expect(overlayMatches({ os: "al2023" }, criteria({ os: "al2023" }))).toBe(false);
    expect(overlayMatches({ os: "amazonlinux" }, criteria({ os: "al2023" }))).toBe(true);
  });
});

describe("nodes", () => {
  test("an overlay pinning nodes is not selected by a query without nodes", () => {
    expect(overlayMatches({ service: "eks", nodes: 8 }, criteria({ service: "eks" }))).toBe(false);
  });
  test("an overlay without nodes matches a query with nodes", () => {
    expect(overlayMatches({ service: "eks" }, criteria({ service: "eks", nodes: 8 }))).toBe(true);
  });
  test("both set: equal matches, different does not", () => {
    expect(overlayMatches({ nodes: 8 }, criteria({ nodes: 8 }))).toBe(true);
    expect(overlayMatches({ nodes: 8 }, criteria({ nodes: 4 }))).toBe(false);
  });
  test("a query's nodes of 0 or below is ignored (stays unspecified)", () => {
    expect(criteria({ service: "eks", nodes: 0 }).nodes).toBe(0);
    expect(criteria({ service: "eks", nodes: -3 }).nodes).toBe(0);
  });
});

describe("specificity", () => {
  test("omitted overlay fields count as specific; only the literal any does not", () => {
    expect(overlaySpecificity({ service: "eks" })).toBe(5);
    expect(overlaySpecificity({ intent: "any" })).toBe(4);
    expect(overlaySpecificity({ service: "any", accelerator: "any", intent: "any", os: "any", platform: "any" })).toBe(0);
    expect(overlaySpecificity({ service: "eks", nodes: 8 })).toBe(6);
  });

  test("candidates sort by specificity before name", () => {
    const q = criteria({ service: "eks", intent: "training" });
    const got = selectCandidates(
      [
        { name: "a-eks", criteria: { service: "eks" } },
        { name: "z-wild", criteria: { intent: "any" } },
        { name: "m-any", criteria: { service: "any", accelerator: "any", intent: "any", os: "any", platform: "any" } },
        { name: "no-criteria", criteria: undefined },
        { name: "other", criteria: { service: "gke" } },
      ],
      q,
    );
    expect(got).toEqual([
      { name: "m-any", specificity: 0 },
      { name: "z-wild", specificity: 4 },
      { name: "a-eks", specificity: 5 },
    ]);
  });

  test("an overlay with no criteria is never a candidate, even with an empty query", () => {
    expect(selectCandidates([{ name: "x", criteria: undefined }], criteria({}))).toEqual([]);
  });
});

describe("resolution order", () => {
  test("ties are broken by name, and the later overlay wins a conflicting setting", () => {
    const store = storeOf(
      mini({
        "overlays/zeta.yaml": overlay("zeta", yaml`
          criteria:
            service: eks
          constraints:
            - name: K8s.server.version
              value: ">= 1.30"
        `),
        "overlays/alpha-eks.yaml": overlay("alpha-eks", yaml`
          criteria:
            accelerator: h100
          constraints:
            - name: K8s.server.version
              value: ">= 1.28"
        `),
      }),
    );
    const { result } = resolve(store, { service: "eks", accelerator: "h100" });
    expect(result.metadata.appliedOverlays).toEqual(["base", "alpha-eks", "zeta"]);
    expect(result.constraints).toEqual([{ name: "K8s.server.version", value: ">= 1.30" }]);
  });

  test("a wildcard overlay merges first although its name sorts last", () => {
    const store = storeOf(
      mini({
        "overlays/eks.yaml": overlay("eks", "criteria:\n  service: eks\n"),
        "overlays/zz-everywhere.yaml": overlay("zz-everywhere", "criteria:\n  intent: any\n"),
      }),
    );
    expect(resolve(store, { service: "eks" }).result.metadata.appliedOverlays).toEqual(["base", "zz-everywhere", "eks"]);
  });

  test("candidates reached through another candidate's chain are merged once, root to leaf", () => {
    const store = storeOf(
      mini({
        "overlays/eks.yaml": overlay("eks", yaml`
          criteria:
            service: eks
          constraints:
            - name: K8s.server.version
              value: ">= 1.28"
        `),
        "overlays/eks-training.yaml": overlay("eks-training", yaml`
          base: eks
          criteria:
            service: eks
            intent: training
          constraints:
            - name: K8s.server.version
              value: ">= 1.29"
        `),
        // Sorts before both of its ancestors by name: its chain pulls them in first.
        "overlays/a-h100-eks-training.yaml": overlay("a-h100-eks-training", yaml`
          base: eks-training
          criteria:
            service: eks
            accelerator: h100
            intent: training
          constraints:
            - name: K8s.server.version
              value: ">= 1.30"
        `),
      }),
    );
    const { result } = resolve(store, { service: "eks", accelerator: "h100", intent: "training" });
    expect(result.metadata.appliedOverlays).toEqual(["base", "eks", "eks-training", "a-h100-eks-training"]);
    // Had eks or eks-training been merged again after the leaf, their value would have won.
    expect(result.constraints).toEqual([{ name: "K8s.server.version", value: ">= 1.30" }]);
  });

  test("no matching overlay: the base alone, with a warning", () => {
    const store = storeOf(mini({ "overlays/gke.yaml": overlay("gke", "criteria:\n  service: gke\n") }));
    const res = resolve(store, { service: "eks" });
    expect(res.result.metadata.appliedOverlays).toEqual(["base"]);
    expect(res.warnings).toEqual(["no environment-specific overlays matched; the recipe is the base alone"]);
  });

  test("a generic query does not pick up a specific overlay of the same service", () => {
    const store = storeOf(
      mini({
        "overlays/eks.yaml": overlay("eks", "criteria:\n  service: eks\n"),
        "overlays/eks-h100.yaml": overlay("eks-h100", "base: eks\ncriteria:\n  service: eks\n  accelerator: h100\n"),
      }),
    );
    expect(resolve(store, { service: "eks" }).result.metadata.appliedOverlays).toEqual(["base", "eks"]);
    expect(resolve(store, { service: "eks", accelerator: "h100" }).result.metadata.appliedOverlays).toEqual(["base", "eks", "eks-h100"]);
  });
});
