/**
 * Recipe from a snapshot (recipes.md §5): criteria detection, flag overrides, and constraint-aware
 * overlay filtering, including the quirk that an excluded overlay still merges as an ancestor.
 */
import { describe, expect, test } from "bun:test";
import { acceleratorFromModel, detectCriteria, serviceFromVersion, snapshotJudge } from "../../core/recipe/snapshot-criteria.ts";
import { applyCriteria } from "../../core/recipe/criteria.ts";
import { resolveRecipe } from "../../core/recipe/resolve.ts";
import type { Snapshot } from "../../core/schema/snapshot.ts";
import { snapshotOf, store } from "./helpers.ts";

const detect = (s: Snapshot) => detectCriteria(s).criteria;

describe("criteria detection", () => {
  test("an empty snapshot detects nothing: all any, nodes 0", () => {
    expect(detect({ kind: "Snapshot" })).toEqual({ service: "any", accelerator: "any", intent: "any", os: "any", platform: "any", nodes: 0 });
  });

  const services: [string, string][] = [
    ["v1.33.5-eks-3025e55", "eks"],
    ["v1.28.0-gke.1337000", "gke"],
    ["v1.30.3-gke1", "gke"],
    ["v1.32.0-aks", "aks"],
    ["v1.34.1-aks-99", "aks"],
    ["v1.33.0", "any"],
    ["v1.33.0+k3s1", "any"],
    ["v1.33.0-eks", "any"],
    ["v1.31.1-oke", "any"],
  ];
  for (const [version, want] of services) {
    test(`K8s.server.version ${version} -> service ${want}`, () => {
      expect(detect(snapshotOf({ "K8s.server.version": version })).service).toBe(want);
      expect(serviceFromVersion(version) ?? "any").toBe(want);
    });
  }

  test("K8s.server.service is parsed like the --service flag; the version is evaluated after it and wins", () => {
    expect(detect(snapshotOf({ "K8s.server.service": "EKS" })).service).toBe("eks");
    expect(detect(snapshotOf({ "K8s.server.service": "self-managed" })).service).toBe("any");
    expect(detect(snapshotOf({ "K8s.server.service": "openshift" })).service).toBe("any");
    expect(detect(snapshotOf({ "K8s.server.service": "gke", "K8s.server.version": "v1.33.5-eks-3025e55" })).service).toBe("eks");
    expect(detect(snapshotOf({ "K8s.server.service": "kind", "K8s.server.version": "v1.33.0" })).service).toBe("kind");
  });

  const models: [string, string][] = [
    ["NVIDIA H100 80GB HBM3", "h100"],
    ["NVIDIA GB200", "gb200"],
    ["NVIDIA B200", "b200"],
    ["NVIDIA A100-SXM4-80GB", "a100"],
    ["NVIDIA L40S", "l40"],
    ["Tesla T4", "any"],
  ];
  for (const [model, want] of models) {
    test(`GPU model "${model}" -> accelerator ${want}`, () => {
      expect(detect(snapshotOf({ "GPU.smi.gpu.model": model })).accelerator).toBe(want);
      expect(detect(snapshotOf({ "GPU.device.gpu.model": model })).accelerator).toBe(want);
      expect(acceleratorFromModel(model) ?? "any").toBe(want);
    });
  }

  test("GPU 'model' is consulted only while the accelerator is still any; other subtypes are ignored", () => {
    expect(detect(snapshotOf({ "GPU.smi.model": "NVIDIA H100" })).accelerator).toBe("h100");
    expect(detect(snapshotOf({ "GPU.smi.gpu.model": "NVIDIA A100", "GPU.smi.model": "NVIDIA H100" })).accelerator).toBe("a100");
    expect(detect(snapshotOf({ "GPU.nvml.gpu.model": "NVIDIA H100" })).accelerator).toBe("any");
  });

  test("later readings overwrite earlier ones (smi, then device)", () => {
    const s: Snapshot = {
      kind: "Snapshot",
      measurements: [{ type: "GPU", subtypes: [{ subtype: "smi", data: { "gpu.model": "NVIDIA A100" } }, { subtype: "device", data: { "gpu.model": "NVIDIA H100" } }] }],
    };
    expect(detect(s).accelerator).toBe("h100");
  });

  const oses: [string, string][] = [
    ["ubuntu", "ubuntu"],
    ["rhel", "rhel"],
    ["cos", "cos"],
    ["al2023", "amazonlinux"],
    ["amzn", "any"],
    ["debian", "any"],
  ];
  for (const [id, want] of oses) {
    test(`OS.release.ID ${id} -> os ${want}`, () => expect(detect(snapshotOf({ "OS.release.ID": id })).os).toBe(want));
  }

  test("intent, platform and nodes are never detected; SystemD and NodeTopology are ignored", () => {
    const c = detect(
      snapshotOf({
        "K8s.server.version": "v1.33.5-eks-3025e55",
        "GPU.smi.gpu.model": "NVIDIA H100 80GB HBM3",
        "OS.release.ID": "ubuntu",
        "SystemD.kubelet.intent": "training",
        "NodeTopology.summary.nodes": 8,
      }),
    );
    expect(c).toEqual({ service: "eks", accelerator: "h100", intent: "any", os: "ubuntu", platform: "any", nodes: 0 });
  });

  test("detections say where each value came from", () => {
    const d = detectCriteria(snapshotOf({ "K8s.server.version": "v1.33.5-eks-3025e55", "OS.release.ID": "ubuntu" })).detections;
    expect(d).toEqual([
      { field: "service", value: "eks", from: "K8s.server.version" },
      { field: "os", value: "ubuntu", from: "OS.release.ID" },
    ]);
  });

  test("flags override detected values; --nodes only when > 0", () => {
    const detected = detect(snapshotOf({ "K8s.server.version": "v1.33.5-eks-3025e55", "GPU.smi.gpu.model": "NVIDIA H100" }));
    expect(applyCriteria(detected, { accelerator: "gb200", intent: "training", nodes: 0 })).toMatchObject({
      service: "eks",
      accelerator: "gb200",
      intent: "training",
      nodes: 0,
    });
  });
});

describe("constraint-aware overlay filtering (§5.4)", () => {
  const resolveWithSnapshot = (s: Snapshot, q: Parameters<typeof applyCriteria>[1]) =>
    resolveRecipe(store(), applyCriteria(detectCriteria(s).criteria, q), { judgeCandidate: snapshotJudge(s) }).result;

  test("the aks v1.32.0 quirk: aks is excluded yet merged as aks-training's ancestor", () => {
    const r = resolveWithSnapshot(snapshotOf({ "K8s.server.version": "v1.32.0" }), { service: "aks", intent: "training" });
    expect(r.metadata.appliedOverlays).toEqual(["base", "monitoring-hpa", "aks", "aks-training"]);
    expect(r.metadata.excludedOverlays).toEqual(["aks"]);
    expect(r.metadata.constraintWarnings).toEqual([
      { overlay: "aks", constraint: "K8s.server.version", expected: ">= 1.34", actual: "v1.32.0", reason: "expected >= 1.34, got v1.32.0" },
    ]);
  });

  test("a snapshot meeting every candidate's constraints excludes nothing and matches flags mode", () => {
    const s = snapshotOf({ "K8s.server.version": "v1.34.2-aks-1", "OS.release.ID": "ubuntu", "OS.release.VERSION_ID": "24.04", "OS.sysctl./proc/sys/kernel/osrelease": "6.8.0-1025-azure", "GPU.smi.gpu.model": "NVIDIA H100" });
    const r = resolveWithSnapshot(s, { intent: "training" });
    expect(r.criteria).toMatchObject({ service: "aks", accelerator: "h100", os: "ubuntu", intent: "training" });
    expect(r.metadata.excludedOverlays).toBeUndefined();
    expect(r.metadata.constraintWarnings).toBeUndefined();
    const flags = resolveRecipe(store(), r.criteria).result;
    expect(r.metadata.appliedOverlays).toEqual(flags.metadata.appliedOverlays);
    expect(r.constraints).toEqual(flags.constraints);
  });

  test("a missing measurement excludes the overlay, with the rendered NOT_FOUND error as reason and no actual", () => {
    const r = resolveWithSnapshot(snapshotOf({ "GPU.smi.gpu.model": "NVIDIA H100" }), { service: "eks", intent: "training" });
    expect(r.metadata.excludedOverlays).toEqual(["eks", "eks-training", "h100-eks-training"]);
    const w = r.metadata.constraintWarnings?.[0];
    expect(w?.overlay).toBe("eks");
    expect(w?.actual).toBeUndefined();
    expect(w?.reason).toMatch(/^\[NOT_FOUND\] value not found in snapshot: \[NOT_FOUND\] measurement type K8s not found in snapshot$/);
    // Everything matching was excluded: the recipe is the base plus the all-any overlay.
    expect(r.metadata.appliedOverlays).toEqual(["base", "monitoring-hpa"]);
  });

  test("every failing constraint of an overlay is reported (no short-circuit), in constraint order", () => {
    const s = snapshotOf({ "K8s.server.version": "v1.31.0-eks-1", "OS.release.ID": "debian", "OS.release.VERSION_ID": "12", "OS.sysctl./proc/sys/kernel/osrelease": "6.1.0" });
    const judge = snapshotJudge(s);
    const overlay = store().overlays.get("h100-eks-ubuntu-training");
    if (!overlay) throw new Error("overlay missing");
    const ws = judge(overlay);
    expect(ws.map((w) => [w.constraint, w.actual, w.reason])).toEqual([
      ["K8s.server.version", "v1.31.0-eks-1", "expected >= 1.32.4, got v1.31.0-eks-1"],
      ["OS.release.ID", "debian", "expected ubuntu, got debian"],
      ["OS.release.VERSION_ID", "12", "expected 24.04, got 12"],
      ["OS.sysctl./proc/sys/kernel/osrelease", "6.1.0", "expected >= 6.8, got 6.1.0"],
    ]);
  });

  test("only an overlay's own constraints are judged: an overlay without constraints always passes", () => {
    const judge = snapshotJudge({ kind: "Snapshot" });
    const hpa = store().overlays.get("monitoring-hpa");
    const h100kind = store().overlays.get("h100-kind-inference");
    if (!hpa || !h100kind) throw new Error("overlay missing");
    expect(judge(hpa)).toEqual([]);
    expect(judge(h100kind)).toEqual([]);
  });

  test("without a judge (flags mode) the two metadata fields are absent", () => {
    const r = resolveRecipe(store(), applyCriteria(detect({ kind: "Snapshot" }), { service: "aks", intent: "training" })).result;
    expect(r.metadata.excludedOverlays).toBeUndefined();
    expect(r.metadata.constraintWarnings).toBeUndefined();
  });
});
