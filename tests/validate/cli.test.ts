/**
 * `aicr validate` as a user runs it (spawned CLI): report to stdout or a file, the human summary on
 * stderr, exit codes (§12.2), and bad input: one stderr line, the documented exit code, nothing on
 * stdout and no report file left behind.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatRecipe } from "../../core/recipe/render.ts";
import { aicr, expectFailure, REPO, removeDir, tempDir, type Run } from "../cli/helpers.ts";
import { expectValidReport, resolveLeaf, SNAPSHOTS } from "./helpers.ts";

/** Tests that spawn the CLI get a generous ceiling (bun's default is 5 s per test). */
const spawnTest = (name: string, fn: () => unknown) => test(name, fn as () => void, 60_000);

const tmp = tempDir("aicr-validate-");
afterAll(() => removeDir(tmp));

const write = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};
const RECIPE = write("recipe.yaml", formatRecipe(resolveLeaf("h100-eks-ubuntu-training-kubeflow").result, "yaml"));
const RECIPE_JSON = write("recipe.json", formatRecipe(resolveLeaf("h100-eks-ubuntu-training-kubeflow").result, "json"));
const snap = (name: string) => join(SNAPSHOTS, name);
const GOOD = snap("eks-h100-ubuntu.yaml");

let outputs = 0;
const outPath = () => join(tmp, `report-${++outputs}.json`);

/** Stderr lines without blanks. */
const lines = (r: Run) => r.stderr.split("\n").filter((l) => l.trim() !== "");

describe("successful runs", () => {
  spawnTest("--no-cluster, report on stdout: 16 skipped checks, valid CTRF, summary on stderr, exit 0", () => {
    const r = aicr(["validate", "-r", RECIPE, "-s", GOOD, "--no-cluster"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expectValidReport(report);
    expect(report.results.summary).toMatchObject({ tests: 16, skipped: 16, passed: 0, failed: 0, pending: 0, other: 0 });
    expect(report.results.tool).toEqual({ name: "aicr", version: "0.11.1" });
    expect(report.results.tests.map((t: { suite: string[] }) => t.suite[0])).toEqual([
      ...Array(4).fill("deployment"),
      "performance",
      ...Array(11).fill("conformance"),
    ]);
    expect(lines(r)).toEqual([
      "readiness: 4 constraints: 4 passed, 0 failed, 0 not evaluated",
      "  pass  K8s.server.version: expected >= 1.32.4, got v1.33.5-eks-3025e55",
      "  pass  OS.release.ID: expected ubuntu, got ubuntu",
      "  pass  OS.release.VERSION_ID: expected 24.04, got 24.04",
      "  pass  OS.sysctl./proc/sys/kernel/osrelease: expected >= 6.8, got 6.8.0-1025-aws",
      "deployment: skipped (no-cluster mode): 4 tests: 0 passed, 0 failed, 4 skipped, 0 other",
      "performance: skipped (no-cluster mode): 1 test: 0 passed, 0 failed, 1 skipped, 0 other",
      "conformance: skipped (no-cluster mode): 11 tests: 0 passed, 0 failed, 11 skipped, 0 other",
      "readiness passed; no validation phase was run",
    ]);
  });

  spawnTest("-o FILE: the report goes to the file (and nothing to stdout), the summary names it", () => {
    const out = outPath();
    const r = aicr(["validate", "--recipe", RECIPE_JSON, "--snapshot", snap("eks-h100-ubuntu-1.34.json"), "--no-cluster", "--phase", "conformance", "--phase", "deployment", "-o", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    const report = JSON.parse(readFileSync(out, "utf8"));
    expectValidReport(report);
    expect(report.results.tests.map((t: { suite: string[] }) => t.suite[0])).toEqual([...Array(11).fill("conformance"), ...Array(4).fill("deployment")]);
    expect(lines(r).at(-1)).toBe(`report written to ${out}`);
    expect(readdirSync(tmp).filter((f) => f.includes("aicr-tmp"))).toEqual([]);
  });

  spawnTest("--phase readiness: the constraints as tests of a readiness suite; no cluster needed", () => {
    const r = aicr(["validate", "-r", RECIPE, "-s", snap("eks-no-os.yaml"), "--phase", "readiness", "-o", "-"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expectValidReport(report);
    expect(report.results.tests.map((t: { name: string; status: string }) => [t.name, t.status])).toEqual([
      ["K8s.server.version", "passed"],
      ["OS.release.ID", "skipped"],
      ["OS.release.VERSION_ID", "skipped"],
      ["OS.sysctl./proc/sys/kernel/osrelease", "skipped"],
    ]);
    expect(report.results.tests[0].extra).toEqual({ phase: "readiness", constraint: "K8s.server.version", expected: ">= 1.32.4", actual: "v1.34.1-eks-3025e55" });
    // Unmeasured constraints are warnings, not failures.
    expect(r.stderr).toContain("warning: readiness: OS.release.ID not evaluated: [NOT_FOUND] value not found in snapshot: [NOT_FOUND] measurement type OS not found in snapshot");
  });

  spawnTest("comma-separated phases, `all` winning over everything else, a snapshot without kind", () => {
    const a = aicr(["validate", "-r", RECIPE, "-s", GOOD, "--no-cluster", "--phase", "performance,deployment"]);
    expect(a.code, a.stderr).toBe(0);
    expectValidReport(JSON.parse(a.stdout));
    expect(JSON.parse(a.stdout).results.tests.map((t: { name: string }) => t.name)).toEqual(["nccl-all-reduce-bw", "operator-health", "expected-resources", "gpu-operator-version", "check-nvidia-smi"]);
    const b = aicr(["validate", "-r", RECIPE, "-s", snap("no-kind.yaml"), "--no-cluster", "--phase", "bogus", "--phase", "all"]);
    expect(b.code, b.stderr).toBe(0);
    expectValidReport(JSON.parse(b.stdout));
    expect(JSON.parse(b.stdout).results.summary.tests).toBe(16);
  });

  spawnTest("--log-json: structured per-phase summary instead of the text block", () => {
    const r = aicr(["--log-json", "validate", "-r", RECIPE, "-s", GOOD, "--no-cluster", "--phase", "deployment"]);
    expect(r.code, r.stderr).toBe(0);
    expectValidReport(JSON.parse(r.stdout));
    const records = lines(r).map((l) => JSON.parse(l));
    expect(records).toContainEqual(expect.objectContaining({ level: "INFO", msg: "phase deployment: skipped", phase: "deployment", status: "skipped", tests: 4, skipped: 4 }));
    expect(records).toContainEqual(expect.objectContaining({ msg: "report written", output: "stdout", tests: 4 }));
  });
});

describe("failures that are not bad input", () => {
  spawnTest("readiness not met: exit 8, no report, the failure with expected vs actual and the remediation", () => {
    const out = outPath();
    const r = aicr(["validate", "-r", RECIPE, "-s", snap("eks-old-kubernetes.yaml"), "--no-cluster", "-o", out]);
    expect(r.code).toBe(8);
    expect(r.stdout).toBe("");
    expect(existsSync(out)).toBe(false);
    expect(lines(r)).toEqual([
      "readiness: 4 constraints: 0 passed, 1 failed, 0 not evaluated, 3 not reached",
      "  FAIL  K8s.server.version: expected >= 1.32.4, got v1.31.12-eks-1a2b3c4",
      "readiness failed: no phase was run and no report was written",
      "error: [INTERNAL] validation failed: [INVALID_REQUEST] readiness check failed: K8s.server.version expected >= 1.32.4, got v1.31.12-eks-1a2b3c4",
      "error:   remediation: the cluster does not meet this recipe's requirements: upgrade the cluster (Kubernetes, OS, kernel, GPU) to satisfy the constraint, or choose a recipe that matches the cluster",
    ]);
  });

  spawnTest("readiness fails on the OS and on the kernel too, with their own expected and actual values", () => {
    const os = aicr(["validate", "-r", RECIPE, "-s", snap("eks-debian.yaml"), "--no-cluster"]);
    expect(os.code).toBe(8);
    expect(os.stderr).toContain("readiness check failed: OS.release.ID expected ubuntu, got debian");
    const kernel = aicr(["validate", "-r", RECIPE, "-s", snap("eks-old-kernel.yaml"), "--phase", "readiness"]);
    expect(kernel.code).toBe(8);
    expect(kernel.stderr).toContain("readiness check failed: OS.sysctl./proc/sys/kernel/osrelease expected >= 6.8, got 5.15.0-1050-aws");
  });

  spawnTest("live phases without --no-cluster and without a cluster: exit 8 after readiness, no report", () => {
    const out = outPath();
    const r = aicr(["validate", "-r", RECIPE, "-s", GOOD, "-o", out]);
    expectFailure(r, 8, "[INTERNAL] validation failed: [INTERNAL] cannot connect to the cluster to run the validation phases: [NOT_FOUND] no Kubernetes cluster configured");
    expect(existsSync(out)).toBe(false);
  });
});

describe("bad input: one line, documented exit code, no report", () => {
  const overlay = join(REPO, "recipes", "overlays", "h100-eks-ubuntu-training.yaml");
  const malformedSnap = write("malformed.yaml", "kind: Snapshot\nmeasurements:\n  - type: \"K8s\n");
  const malformedRecipe = write("malformed-recipe.yaml", "kind: RecipeResult\ncomponentRefs: [\n");
  const textSnap = write("snap.txt", "K8s.server.version v1.33.5\n");
  const cases: [string, string[], number, string | RegExp][] = [
    ["unknown phase", ["-r", RECIPE, "-s", GOOD, "--phase", "deployment", "--phase", "bogus"], 2, 'error: [INVALID_REQUEST] invalid phase "bogus" (allowed: readiness, deployment, performance, conformance, all)'],
    ["an empty phase", ["-r", RECIPE, "-s", GOOD, "--phase", ""], 2, 'invalid phase ""'],
    ["phase in the wrong case", ["-r", RECIPE, "-s", GOOD, "--phase", "Deployment"], 2, 'invalid phase "Deployment"'],
    ["missing --recipe", ["-s", GOOD, "--no-cluster"], 2, 'error: [INVALID_REQUEST] --recipe is required: pass the resolved recipe written by "aicr recipe -o recipe.yaml"'],
    ["recipe file not found", ["-r", join(tmp, "nope.yaml"), "-s", GOOD], 8, /^error: \[INTERNAL\] failed to load recipe from .*nope\.yaml: \[NOT_FOUND\] recipe file not found: .*nope\.yaml$/],
    ["missing --snapshot and no cluster to run the agent Job on", ["-r", RECIPE, "--no-cluster"], 8, /^error: \[INTERNAL\] failed to capture a snapshot with the agent Job .*no Kubernetes cluster configured/],
    ["snapshot file not found", ["-r", RECIPE, "-s", join(tmp, "gone.yaml"), "--no-cluster"], 8, /failed to load snapshot from .*gone\.yaml: \[NOT_FOUND\] snapshot file not found/],
    ["a recipe given as the snapshot", ["-r", RECIPE, "-s", RECIPE, "--no-cluster"], 8, /failed to load snapshot from .*recipe\.yaml: \[INVALID_REQUEST\] .*recipe\.yaml is a resolved recipe \(kind RecipeResult\), not a Snapshot/],
    ["a snapshot given as the recipe", ["-r", GOOD, "-s", GOOD, "--no-cluster"], 8, /failed to load recipe from .*: \[INVALID_REQUEST\] .*eks-h100-ubuntu\.yaml is a snapshot \(kind Snapshot\), not a resolved recipe/],
    ["an overlay given as --recipe", ["-r", overlay, "-s", GOOD, "--no-cluster"], 8, /is a recipe overlay \(kind RecipeMetadata\), not a resolved recipe \(kind RecipeResult\): generate one with "aicr recipe \.\.\. -o recipe\.yaml" and pass that file$/],
    ["malformed YAML snapshot (file:line:col)", ["-r", RECIPE, "-s", malformedSnap, "--no-cluster"], 8, /failed to load snapshot from .*malformed\.yaml: \[INVALID_REQUEST\] malformed YAML in .*malformed\.yaml:\d+:\d+: /],
    ["malformed YAML recipe (file:line:col)", ["-r", malformedRecipe, "-s", GOOD, "--no-cluster"], 8, /failed to load recipe from .*: \[INVALID_REQUEST\] malformed YAML in .*malformed-recipe\.yaml:\d+:\d+: /],
    ["a .txt snapshot", ["-r", RECIPE, "-s", textSnap, "--no-cluster"], 8, /snap\.txt: table\/text output cannot be read back/],
    ["a cm:// snapshot with no cluster configured", ["-r", RECIPE, "-s", "cm://gpu-operator/aicr-snapshot", "--no-cluster"], 8, /failed to load snapshot from cm:\/\/gpu-operator\/aicr-snapshot: .*no Kubernetes cluster configured/],
    ["a cm:// recipe with no cluster configured", ["-r", "cm://ns/recipe", "-s", GOOD, "--no-cluster"], 8, /failed to load recipe from cm:\/\/ns\/recipe: .*no Kubernetes cluster configured/],
    ["a cm:// output with no cluster configured", ["-r", RECIPE, "-s", GOOD, "--no-cluster", "-o", "cm://ns/report"], 3, "no Kubernetes cluster configured"],
    ["a malformed cm:// output", ["-r", RECIPE, "-s", GOOD, "--no-cluster", "-o", "cm://ns"], 2, "cm://ns"],
    ["a bad toleration", ["-r", RECIPE, "-s", GOOD, "--no-cluster", "--toleration", "gpu=yes"], 2, 'invalid --toleration "gpu=yes": expected key=value:Effect or key:Effect'],
    ["a bad node selector", ["-r", RECIPE, "-s", GOOD, "--no-cluster", "--node-selector", "gpu"], 2, 'invalid --node-selector "gpu": expected key=value'],
    ["a bad timeout", ["-r", RECIPE, "-s", GOOD, "--timeout", "5 minutes"], 2, 'invalid value for --timeout: "5 minutes"'],
    ["a bad namespace", ["-r", RECIPE, "-s", GOOD, "-n", "Not_A_Namespace"], 2, 'invalid --namespace "Not_A_Namespace"'],
    ["a repeated --recipe", ["-r", RECIPE, "-r", RECIPE, "-s", GOOD], 2, "flag --recipe can only be specified once"],
    ["an unknown flag", ["-r", RECIPE, "-s", GOOD, "--format", "json"], 1, /unknown flag: --format \(run "aicr validate --help" for usage\)/],
  ];
  for (const [what, args, code, message] of cases) {
    spawnTest(`${what}: exit ${code}`, () => {
      const out = outPath();
      const r = aicr(["validate", ...args, ...(args.includes("-o") ? [] : ["-o", out])]);
      expectFailure(r, code, message);
      expect(existsSync(out)).toBe(false);
    });
  }
});

spawnTest("--help lists the flags", () => {
  const r = aicr(["validate", "--help"]);
  expect(r.code).toBe(0);
  for (const f of ["--recipe", "--snapshot", "--phase", "--output", "--no-cluster", "--fail-on-error", "--namespace", "--node-selector", "--toleration", "--timeout", "--no-cleanup"]) {
    expect(r.stdout).toContain(f);
  }
});
