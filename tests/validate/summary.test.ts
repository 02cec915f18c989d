/** The human summary: counts per phase, and each failure with expected vs actual and its remediation. */
import { describe, expect, test } from "bun:test";
import type { RecipeResultDocument } from "../../core/schema/recipe-result.ts";
import type { ValidatorCatalog } from "../../core/schema/validator-catalog.ts";
import { selectPhases } from "../../core/validate/phases.ts";
import { readinessError, runReadiness } from "../../core/validate/readiness.ts";
import { phaseRemediation, remediationFor } from "../../core/validate/remediation.ts";
import { runValidation } from "../../core/validate/run.ts";
import type { PhaseRunner } from "../../core/validate/runner.ts";
import { readinessFailureText, summaryText } from "../../core/validate/summary.ts";
import { readingsFor, resolveLeaf, snapshotOf, steppingClock, store } from "./helpers.ts";

const recipe = () => resolveLeaf("h100-eks-ubuntu-training-kubeflow").result as RecipeResultDocument;
const options = { namespace: "aicr-validation", nodeSelector: {}, tolerations: [{ operator: "Exists" as const }], timeoutMs: 1, cleanup: true };

async function runWith(runner: PhaseRunner, phases: string[], noCluster = false) {
  const r = await runValidation({
    recipe: recipe(),
    snapshot: snapshotOf(readingsFor(recipe().constraints ?? [])),
    selection: selectPhases(phases),
    catalog: store().validators as ValidatorCatalog,
    runner,
    noCluster,
    options,
    clock: steppingClock(),
  });
  if (!r.ok) throw new Error("readiness failed");
  return r;
}

describe("summary text", () => {
  test("--no-cluster: readiness line per constraint, counts per phase, and what ran", async () => {
    const r = await runWith({ run: async () => [] }, [], true);
    const text = summaryText(r.readiness, r.phases, "report.json");
    expect(text).toBe(
      [
        "readiness: 4 constraints: 4 passed, 0 failed, 0 not evaluated",
        "  pass  K8s.server.version: expected >= 1.32.4, got v1.32.4-eks-3025e55",
        "  pass  OS.release.ID: expected ubuntu, got ubuntu",
        "  pass  OS.release.VERSION_ID: expected 24.04, got 24.04",
        "  pass  OS.sysctl./proc/sys/kernel/osrelease: expected >= 6.8, got 6.8.0-1025-aws",
        "deployment: skipped (no-cluster mode): 4 tests: 0 passed, 0 failed, 4 skipped, 0 other",
        "performance: skipped (no-cluster mode): 1 test: 0 passed, 0 failed, 1 skipped, 0 other",
        "conformance: skipped (no-cluster mode): 11 tests: 0 passed, 0 failed, 11 skipped, 0 other",
        "readiness passed; no validation phase was run",
        "report written to report.json",
        "",
      ].join("\n"),
    );
  });

  test("failures in each phase show expected vs actual and that phase's remediation", async () => {
    const runner: PhaseRunner = {
      run: async (req) =>
        req.checks.slice(0, 1).map((c) => ({
          name: c.name,
          status: "failed" as const,
          duration: 10,
          message: `${c.name}: not ready`,
          extra: req.phase === "deployment" ? { constraint: "Deployment.gpu-operator.version", expected: ">= v24.6.0", actual: "v24.3.0" } : undefined,
        })),
    };
    for (const phase of ["deployment", "performance", "conformance"] as const) {
      const r = await runWith(runner, [phase]);
      const text = summaryText(r.readiness, r.phases);
      expect(text).toContain(`${phase}: failed: 1 test: 0 passed, 1 failed, 0 skipped, 0 other`);
      expect(text).toContain(`    remediation: ${phaseRemediation[phase]}`);
      expect(text).toContain(`validation failed in: ${phase}`);
      expect(text).toMatch(/failures \(1\):\n {2}\w+\/[\w-]+: \S+ expected .+, got .+/);
    }
    const dep = await runWith(runner, ["deployment"]);
    expect(summaryText(dep.readiness, dep.phases)).toContain("  deployment/operator-health: Deployment.gpu-operator.version expected >= v24.6.0, got v24.3.0\n    message: operator-health: not ready\n");
    const perf = await runWith(runner, ["performance"]);
    expect(summaryText(perf.readiness, perf.phases)).toContain("  performance/nccl-all-reduce-bw: nccl-all-reduce-bw expected >= 300, got nccl-all-reduce-bw: not ready\n");
  });

  test("the seeds' remediation paths: readiness, deployment, conformance", () => {
    expect(phaseRemediation.readiness).toMatch(/upgrade the cluster.*or choose a recipe/);
    expect(phaseRemediation.deployment).toMatch(/operator logs.*nodes are Ready.*resources/);
    expect(phaseRemediation.conformance).toMatch(/DRA.*gang scheduling.*job-level networking/);
    expect(remediationFor("readiness", "raise the node pool to 1.34")).toBe("raise the node pool to 1.34");
    expect(remediationFor("readiness", "  ")).toBe(phaseRemediation.readiness);
  });

  test("phases with `other` are listed as not completed; a clean run says passed", async () => {
    const other = await runWith({ run: async (req) => req.checks.map((c) => ({ name: c.name, status: "other" as const, duration: 0, message: "timeout" })) }, ["performance"]);
    expect(summaryText(other.readiness, other.phases)).toContain("did not complete (1):\n  performance/nccl-all-reduce-bw: timeout\nvalidation finished, but some checks did not complete\n");
    const ok = await runWith({ run: async (req) => req.checks.map((c) => ({ name: c.name, status: "passed" as const, duration: 0 })) }, ["performance"]);
    expect(summaryText(ok.readiness, ok.phases).endsWith("validation passed\n")).toBe(true);
  });
});

describe("readiness failure text", () => {
  test("lists what was evaluated up to the failure; the error carries the remediation", () => {
    const constraints = recipe().constraints ?? [];
    const out = runReadiness(constraints, snapshotOf({ ...readingsFor(constraints), "OS.release.ID": "debian" }));
    expect(readinessFailureText(out)).toBe(
      [
        "readiness: 4 constraints: 1 passed, 1 failed, 0 not evaluated, 2 not reached",
        "  pass  K8s.server.version: expected >= 1.32.4, got v1.32.4-eks-3025e55",
        "  FAIL  OS.release.ID: expected ubuntu, got debian",
        "readiness failed: no phase was run and no report was written",
        "",
      ].join("\n"),
    );
    const err = readinessError(out.failure as never, constraints);
    expect(err.message).toBe("readiness check failed: OS.release.ID expected ubuntu, got debian");
    expect(err.details).toEqual([`remediation: ${phaseRemediation.readiness}`]);
  });

  test("a constraint's own remediation wins", () => {
    const constraints = [{ name: "K8s.server.version", value: ">= 1.34", remediation: "use the 1.34 node image" }];
    const out = runReadiness(constraints, snapshotOf({ "K8s.server.version": "v1.33.0" }));
    expect(readinessError(out.failure as never, constraints).details).toEqual(["remediation: use the 1.34 node image"]);
  });
});
