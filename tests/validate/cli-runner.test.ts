/**
 * The validate command with a phase runner plugged in (as the cluster runner will be): a failed phase
 * writes the report first and then exits 8 under --fail-on-error; `other` alone exits 0; the summary
 * shows each failure with expected vs actual and the remediation.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import validateCommand, { runValidate } from "../../cli/commands/validate.ts";
import { globalArgs } from "../../cli/args.ts";
import { createLogger, log, setLogger } from "../../cli/logger.ts";
import { argsOf, parseArgv } from "../../cli/runner.ts";
import { AicrError, exitCodeFor, renderError } from "../../core/errors.ts";
import { formatRecipe } from "../../core/recipe/render.ts";
import type { CtrfTest } from "../../core/validate/report.ts";
import type { PhaseRunner } from "../../core/validate/runner.ts";
import { removeDir, tempDir } from "../cli/helpers.ts";
import { expectValidReport, resolveLeaf, SNAPSHOTS, steppingClock } from "./helpers.ts";

const tmp = tempDir("aicr-validate-runner-");
const RECIPE = join(tmp, "recipe.yaml");
const GOOD = join(SNAPSHOTS, "eks-h100-ubuntu.yaml");
const logged: string[] = [];
const original = log;

beforeAll(() => {
  writeFileSync(RECIPE, formatRecipe(resolveLeaf("h100-eks-ubuntu-training-kubeflow").result, "yaml"));
  setLogger(createLogger("cli", (line) => void logged.push(line)));
});
afterAll(() => {
  setLogger(original);
  removeDir(tmp);
});

function runner(statusOf: (phase: string, check: string) => CtrfTest["status"]): PhaseRunner & { ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    run: async (req) => {
      ran.push(req.phase);
      return req.checks.map((c) => {
        const status = statusOf(req.phase, c.name);
        const t: CtrfTest = { name: c.name, status, duration: 2000 };
        if (status === "failed" && c.name === "gpu-operator-version") {
          t.message = "gpu-operator v24.3.0 is older than required";
          t.extra = { constraint: "Deployment.gpu-operator.version", expected: ">= v24.6.0", actual: "v24.3.0", exitCode: 1 };
        } else if (status === "failed") t.message = `${c.name} did not pass`;
        return t;
      });
    },
  };
}

let n = 0;
async function validate(extra: string[], r: PhaseRunner) {
  const out = join(tmp, `report-${++n}.json`);
  const { args, given } = parseArgv(["-r", RECIPE, "-s", GOOD, "-o", out, ...extra], { ...globalArgs, ...(await argsOf(validateCommand)) }, "aicr validate");
  let summary = "";
  let error: unknown;
  try {
    await runValidate({ args, rawArgs: [], given }, { runner: r, clock: steppingClock(), writeSummary: (t) => void (summary += t) });
  } catch (e) {
    error = e;
  }
  const report = existsSync(out) ? JSON.parse(readFileSync(out, "utf8")) : undefined;
  return { summary, error, report, code: error === undefined ? 0 : exitCodeFor(error) };
}

describe("with a live phase runner", () => {
  test("a failed phase: report written first, later phases skipped, then exit 8", async () => {
    const r = runner((phase, check) => (phase === "deployment" && check === "gpu-operator-version" ? "failed" : "passed"));
    const res = await validate([], r);
    expect(r.ran).toEqual(["deployment"]);
    expect(res.code).toBe(8);
    expect(renderError(res.error)).toBe("[INTERNAL] validation failed: one or more phases did not pass");
    expectValidReport(res.report);
    expect(res.report.results.summary).toMatchObject({ tests: 16, passed: 3, failed: 1, skipped: 12 });
    const failed = res.report.results.tests.find((t: CtrfTest) => t.status === "failed");
    expect(failed.extra).toEqual({
      phase: "deployment",
      constraint: "Deployment.gpu-operator.version",
      expected: ">= v24.6.0",
      actual: "v24.3.0",
      remediation: expect.stringContaining("operator logs"),
      exitCode: 1,
    });
    expect(res.summary).toContain("deployment: failed: 4 tests: 3 passed, 1 failed, 0 skipped, 0 other");
    expect(res.summary).toContain("performance: skipped (a previous phase failed): 1 test: 0 passed, 0 failed, 1 skipped, 0 other");
    expect(res.summary).toContain(
      "  deployment/gpu-operator-version: Deployment.gpu-operator.version expected >= v24.6.0, got v24.3.0\n    message: gpu-operator v24.3.0 is older than required\n    remediation: a component is not healthy after installation: check the operator logs",
    );
    expect(res.summary).toContain("validation failed in: deployment");
  });

  test("--fail-on-error=false: the same failure exits 0", async () => {
    const res = await validate(["--fail-on-error=false"], runner((phase) => (phase === "conformance" ? "failed" : "passed")));
    expect(res.code).toBe(0);
    expectValidReport(res.report);
    expect(res.report.results.summary.failed).toBe(10); // the recipe selects 10 of the 11 conformance checks
    expect(res.summary).toContain("remediation: the cluster has a gap against the CNCF AI Conformance requirements: check DRA (dynamic resource allocation), gang scheduling and job-level networking");
  });

  test("`other` only (timeouts, crashes): exit 0 and every phase runs", async () => {
    const r = runner((phase) => (phase === "performance" ? "other" : "passed"));
    const res = await validate([], r);
    expect(res.code).toBe(0);
    expect(r.ran).toEqual(["deployment", "performance", "conformance"]);
    expectValidReport(res.report);
  });

  test("a runner that throws: INTERNAL validation failed, exit 8, no report", async () => {
    const res = await validate(["--phase", "deployment"], {
      run: async () => {
        throw new AicrError("TIMEOUT", "cluster did not answer");
      },
    });
    expect(res.code).toBe(8);
    expect(renderError(res.error)).toBe("[INTERNAL] validation failed: [TIMEOUT] cluster did not answer");
    expect(res.report).toBeUndefined();
  });

  test("--no-cluster never calls the runner; the runner's options carry the scheduling flags", async () => {
    let seen: unknown;
    const spy: PhaseRunner = {
      run: async (req) => {
        seen = req.options;
        return [];
      },
    };
    const skipped = await validate(["--no-cluster"], spy);
    expect(seen).toBeUndefined();
    expect(skipped.code).toBe(0);
    expectValidReport(skipped.report);
    await validate(["--phase", "deployment", "-n", "gpu-validation", "--toleration", "dedicated=gpu:NoSchedule", "--node-selector", "pool=gpu", "--timeout", "90s", "--no-cleanup"], spy);
    expect(seen).toEqual({
      namespace: "gpu-validation",
      nodeSelector: { pool: "gpu" },
      tolerations: [{ operator: "Equal", effect: "NoSchedule", key: "dedicated", value: "gpu" }],
      timeoutMs: 90_000,
      cleanup: false,
    });
    expect(logged.some((l) => l.includes("--no-cleanup: validator Jobs, ConfigMaps and RBAC (ServiceAccount, Role, RoleBinding aicr-validator) stay in namespace gpu-validation"))).toBe(true);
  });
});
