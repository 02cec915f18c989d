/**
 * `aicr validate --snapshot FLEET`: readiness on every node, reported per node (summary lines and CTRF
 * tests named `node/constraint` in suite `[readiness, node]`); the first failing node stops validation
 * naming the node; nodes without a snapshot are reported, not validated.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildFleetSnapshot } from "../../core/fleet/build.ts";
import { serializeFleetSnapshot } from "../../core/fleet/format.ts";
import { formatRecipe } from "../../core/recipe/render.ts";
import type { FleetSnapshot } from "../../core/schema/fleet-snapshot.ts";
import { fleetNodes, runFleetReadiness } from "../../core/validate/fleet.ts";
import { decodeSnapshot } from "../../core/validate/documents.ts";
import { aicr, removeDir, REPO, tempDir } from "../cli/helpers.ts";
import { resolveLeaf, SNAPSHOTS } from "../validate/helpers.ts";

const tmp = tempDir("aicr-validate-fleet-");
const RECIPE = join(tmp, "recipe.yaml");
const PLANTED = join(REPO, "tests", "fixtures", "fleet", "h100-fleet.yaml");
const READY = join(tmp, "ready-fleet.yaml");
const good = () => decodeSnapshot(readFileSync(join(SNAPSHOTS, "eks-h100-ubuntu.yaml"), "utf8"), "eks-h100-ubuntu.yaml");
const old = () => decodeSnapshot(readFileSync(join(SNAPSHOTS, "eks-old-kernel.yaml"), "utf8"), "eks-old-kernel.yaml");

beforeAll(() => {
  writeFileSync(RECIPE, formatRecipe(resolveLeaf("h100-eks-ubuntu-training-kubeflow").result, "yaml"));
  const fleet = buildFleetSnapshot({
    timestamp: "2026-03-21T10:00:00Z",
    snapshots: ["gpu-b", "gpu-a", "gpu-c"].map((node) => ({ node, snapshot: good() })),
    failures: [{ node: "gpu-d", state: "timeout", reason: "no snapshot within 5m" }],
  });
  writeFileSync(READY, serializeFleetSnapshot(fleet, "yaml"));
});
afterAll(() => removeDir(tmp));

describe("a fleet whose nodes all meet the recipe", () => {
  test("the readiness report has one test per node and constraint, suite [readiness, node]", () => {
    const r = aicr(["validate", "-r", RECIPE, "-s", READY, "--phase", "readiness", "--no-cluster"]);
    expect(r.code).toBe(0);
    const tests = JSON.parse(r.stdout).results.tests as { name: string; status: string; suite: string[] }[];
    expect(tests.length).toBe(12);
    expect(tests.every((t) => t.status === "passed")).toBe(true);
    expect(tests.slice(0, 4).map((t) => t.name)).toEqual([
      "gpu-a/K8s.server.version",
      "gpu-a/OS.release.ID",
      "gpu-a/OS.release.VERSION_ID",
      "gpu-a/OS.sysctl./proc/sys/kernel/osrelease",
    ]);
    expect(tests[4]?.suite).toEqual(["readiness", "gpu-b"]);
    expect(r.stderr).toContain("warning: gpu-d has no snapshot (timeout: no snapshot within 5m): not validated\n");
    expect(r.stderr).toContain("readiness: 12 constraints: 12 passed, 0 failed, 0 not evaluated\n");
    expect(r.stderr).toContain("  pass  gpu-c/OS.release.ID: expected ubuntu, got ubuntu\n");
  });

  test("with the live phases (skipped without a cluster) the readiness suite comes first", () => {
    const r = aicr(["validate", "-r", RECIPE, "-s", READY, "--phase", "readiness", "--phase", "deployment", "--no-cluster"]);
    expect(r.code).toBe(0);
    const tests = JSON.parse(r.stdout).results.tests as { suite: string[]; status: string }[];
    expect(tests[0]?.suite).toEqual(["readiness", "gpu-a"]);
    expect(tests.at(-1)?.suite).toEqual(["deployment"]);
  });
});

describe("a fleet with a node that does not meet the recipe", () => {
  test("every node is listed; the failing node stops validation, named; no report", () => {
    const r = aicr(["validate", "-r", RECIPE, "-s", PLANTED, "--no-cluster"]);
    expect(r.code).toBe(8);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("  FAIL  gpu-node-3/OS.sysctl./proc/sys/kernel/osrelease: expected >= 6.8, got 5.15.0-1050-aws\n");
    expect(r.stderr).toContain("  pass  gpu-node-4/OS.sysctl./proc/sys/kernel/osrelease: expected >= 6.8, got 6.8.0-1025-aws\n");
    expect(r.stderr).toContain(
      "error: [INTERNAL] validation failed: [INVALID_REQUEST] readiness check failed: gpu-node-3/OS.sysctl./proc/sys/kernel/osrelease expected >= 6.8, got 5.15.0-1050-aws\n",
    );
    expect(r.stderr).toContain("warning: gpu-node-5 has no snapshot (unreachable");
  });
});

describe("per-node readiness", () => {
  const recipe = resolveLeaf("h100-eks-ubuntu-training-kubeflow").result;

  test("each node stops at its own failure; the first failing node by name is the fleet's failure", () => {
    const nodes = [
      { node: "a", snapshot: good() },
      { node: "b", snapshot: old() },
      { node: "c", snapshot: old() },
    ];
    const fr = runFleetReadiness(recipe.constraints, nodes);
    expect(fr.nodes.map((n) => [n.node, n.outcome.failure?.name])).toEqual([
      ["a", undefined],
      ["b", "OS.sysctl./proc/sys/kernel/osrelease"],
      ["c", "OS.sysctl./proc/sys/kernel/osrelease"],
    ]);
    expect(fr.combined.failure?.name).toBe("b/OS.sysctl./proc/sys/kernel/osrelease");
    expect(fr.combined.results.length).toBe(12);
  });

  test("a fleet without any node snapshot cannot be validated", () => {
    const empty: FleetSnapshot = buildFleetSnapshot({ timestamp: "t", snapshots: [], failures: [{ node: "x", state: "unreachable", reason: "refused" }] });
    expect(() => fleetNodes(empty)).toThrow("the fleet snapshot has no node snapshots to validate (1 node failed to deliver one)");
  });
});
