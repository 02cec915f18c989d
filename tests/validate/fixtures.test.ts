/**
 * The snapshot files of tests/fixtures/snapshots against every leaf recipe: which constraint stops
 * readiness (or none), which constraints are skipped as not measured, and the criteria each file
 * yields for `recipe --snapshot`.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { detectCriteria } from "../../core/recipe/snapshot-criteria.ts";
import { decodeSnapshot } from "../../core/validate/documents.ts";
import { runReadiness } from "../../core/validate/readiness.ts";
import { leafOverlays, resolveLeaf, SNAPSHOTS } from "./helpers.ts";

const load = (file: string) => decodeSnapshot(readFileSync(join(SNAPSHOTS, file), "utf8"), file);

const K8S = "K8s.server.version";
const ID = "OS.release.ID";
const VER = "OS.release.VERSION_ID";
const KERNEL = "OS.sysctl./proc/sys/kernel/osrelease";

/** Leaves grouped by their constraints. */
const ubuntu1324 = ["gb200-eks-ubuntu-training-kubeflow", "h100-aks-ubuntu-training-kubeflow", "h100-eks-ubuntu-training-kubeflow"];
const ubuntu134 = ["gb200-eks-ubuntu-inference-dynamo", "h100-aks-ubuntu-inference-dynamo", "h100-eks-ubuntu-inference-dynamo"];
const k8s132 = ["h100-gke-cos-training-kubeflow"];
const k8s134 = ["h100-gke-cos-inference-dynamo", "h100-kind-inference-dynamo", "h100-kind-training"];
const k8s125 = ["monitoring-hpa"];

type Expect = { fails: Record<string, string | null>; skipped?: string[]; criteria: Record<string, string> };
const groups = (u1324: string | null, u134: string | null, g132: string | null, g134: string | null, g125: string | null) =>
  Object.fromEntries([
    ...ubuntu1324.map((l) => [l, u1324]),
    ...ubuntu134.map((l) => [l, u134]),
    ...k8s132.map((l) => [l, g132]),
    ...k8s134.map((l) => [l, g134]),
    ...k8s125.map((l) => [l, g125]),
  ]);

const table: Record<string, Expect> = {
  "eks-h100-ubuntu.yaml": { fails: groups(null, K8S, null, K8S, null), criteria: { service: "eks", accelerator: "h100", os: "ubuntu" } },
  "eks-h100-ubuntu-1.34.json": { fails: groups(null, null, null, null, null), criteria: { service: "eks", accelerator: "h100", os: "ubuntu" } },
  "eks-old-kubernetes.yaml": { fails: groups(K8S, K8S, K8S, K8S, null), criteria: { service: "eks", accelerator: "h100", os: "ubuntu" } },
  "eks-debian.yaml": { fails: groups(ID, ID, null, null, null), criteria: { service: "eks", accelerator: "h100", os: "any" } },
  "eks-ubuntu-2204.yaml": { fails: groups(VER, VER, null, null, null), criteria: { service: "eks", accelerator: "h100", os: "ubuntu" } },
  "eks-old-kernel.yaml": { fails: groups(KERNEL, KERNEL, null, null, null), criteria: { service: "eks", accelerator: "h100", os: "ubuntu" } },
  "eks-no-os.yaml": { fails: groups(null, null, null, null, null), skipped: [ID, VER, KERNEL], criteria: { service: "eks", accelerator: "gb200", os: "any" } },
  "aks-v1.32.0.yaml": { fails: groups(K8S, K8S, null, K8S, null), criteria: { service: "any", accelerator: "h100", os: "ubuntu" } },
  "gke-cos.yaml": { fails: groups(ID, K8S, null, K8S, null), criteria: { service: "gke", accelerator: "h100", os: "cos" } },
  "kind-h100.yaml": { fails: groups(null, null, null, null, null), skipped: [ID, VER, KERNEL], criteria: { service: "any", accelerator: "h100", os: "any" } },
  "no-kind.yaml": { fails: groups(null, K8S, null, K8S, null), skipped: [KERNEL], criteria: { service: "any", accelerator: "any", os: "ubuntu" } },
};

test("the table covers every leaf", () => {
  for (const e of Object.values(table)) expect(Object.keys(e.fails).sort()).toEqual(leafOverlays());
});

for (const [file, want] of Object.entries(table)) {
  describe(file, () => {
    test("criteria detected", () => expect(detectCriteria(load(file)).criteria).toMatchObject(want.criteria));

    for (const [leaf, failing] of Object.entries(want.fails)) {
      test(`${leaf}: ${failing ? `readiness fails on ${failing}` : "readiness passes"}`, () => {
        const constraints = resolveLeaf(leaf).result.constraints;
        const out = runReadiness(constraints, load(file));
        expect(out.failure?.name ?? null).toBe(failing);
        if (out.failure) {
          expect(out.failure.expected).toBe(constraints.find((c) => c.name === failing)?.value as string);
          expect(out.failure.actual).toBeDefined();
        }
        const skipped = out.results.filter((r) => r.status === "missing").map((r) => r.name);
        if (!failing) expect(skipped).toEqual((want.skipped ?? []).filter((n) => constraints.some((c) => c.name === n)));
      });
    }
  });
}
