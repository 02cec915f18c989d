/**
 * CTRF reports (§10.6–10.8): one report for every phase selection, with and without a cluster runner,
 * skip-on-failure, `other` that does not stop later phases, merge rules, and every report checked by
 * the `ctrf` package and by our valibot schema.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { validate as ctrfValidate } from "ctrf";
import * as v from "valibot";
import { CtrfReportSchema } from "../../core/schema/ctrf.ts";
import type { RecipeResultDocument } from "../../core/schema/recipe-result.ts";
import type { ValidatorCatalog } from "../../core/schema/validator-catalog.ts";
import { selectPhases, type LivePhase } from "../../core/validate/phases.ts";
import { mergeReports, phaseReport, reportJson, rfc3339, type CtrfTest } from "../../core/validate/report.ts";
import { runValidation, type ValidationRun } from "../../core/validate/run.ts";
import { NO_CLUSTER_MESSAGE, PREVIOUS_FAILURE_MESSAGE, type PhaseRunner, type PhaseRunRequest } from "../../core/validate/runner.ts";
import { REPO } from "../cli/helpers.ts";
import { expectValidReport, readingsFor, resolveLeaf, snapshotOf, steppingClock, store } from "./helpers.ts";

const LEAF = "h100-eks-ubuntu-training-kubeflow";
const recipe = () => resolveLeaf(LEAF).result as RecipeResultDocument;
const snapshot = () => snapshotOf(readingsFor(recipe().constraints ?? []));
const catalog = () => store().validators as ValidatorCatalog;
const options = { namespace: "aicr-validation", nodeSelector: {}, tolerations: [{ operator: "Exists" as const }], timeoutMs: 300_000, cleanup: true };

/** A runner that gives each check the status `statusOf` says, records its calls. */
function fakeRunner(statusOf: (phase: LivePhase, check: string) => CtrfTest["status"] = () => "passed") {
  const calls: PhaseRunRequest[] = [];
  const events: string[] = [];
  const runner: PhaseRunner = {
    begin: async () => void events.push("begin"),
    end: async () => void events.push("end"),
    run: async (req) => {
      calls.push(req);
      events.push(`run ${req.phase}`);
      return req.checks.map((c) => {
        const status = statusOf(req.phase, c.name);
        return { name: c.name, status, duration: 1500, ...(status === "failed" ? { message: `${c.name} broke` } : {}), ...(status === "passed" ? { stdout: [`${c.name} ok`] } : {}) };
      });
    },
  };
  return { runner, calls, events };
}

async function run(phases: string[], opts: { noCluster?: boolean; runner?: PhaseRunner; recipe?: RecipeResultDocument } = {}): Promise<Extract<ValidationRun, { ok: true }>> {
  const r = await runValidation({
    recipe: opts.recipe ?? recipe(),
    snapshot: snapshot(),
    selection: selectPhases(phases),
    catalog: catalog(),
    runner: opts.runner ?? fakeRunner().runner,
    noCluster: opts.noCluster ?? false,
    options,
    clock: steppingClock(),
    version: "0.11.1",
  });
  if (!r.ok) throw new Error("readiness failed unexpectedly");
  return r;
}

const suites = (r: { report: { results: { tests: CtrfTest[] } } }) => [...new Set(r.report.results.tests.map((t) => t.suite?.[0]))];

describe("a report for every phase selection", () => {
  const selections: [string[], string[], number][] = [
    // --phase values, suites in the report, tests with --no-cluster
    [[], ["deployment", "performance", "conformance"], 16],
    [["all"], ["deployment", "performance", "conformance"], 16],
    [["bogus", "all"], ["deployment", "performance", "conformance"], 16],
    [["readiness"], ["readiness"], 4],
    [["deployment"], ["deployment"], 4],
    [["performance"], ["performance"], 1],
    [["conformance"], ["conformance"], 11],
    [["readiness", "deployment"], ["readiness", "deployment"], 8],
    [["conformance", "deployment"], ["conformance", "deployment"], 15],
    [["performance", "readiness", "conformance"], ["readiness", "performance", "conformance"], 16],
  ];
  for (const [phases, want, n] of selections) {
    test(`--phase ${phases.join(",") || "(none)"} with --no-cluster: suites ${want.join(", ")}, ${n} tests`, async () => {
      const r = await run(phases, { noCluster: true });
      expect(suites(r)).toEqual(want);
      expect(r.report.results.summary.tests).toBe(n);
      expect(r.failed).toBe(false);
      for (const t of r.report.results.tests) {
        if (t.suite?.[0] === "readiness") expect(t.status).toBe("passed");
        else expect(t).toEqual({ name: t.name, status: "skipped", duration: 0, suite: t.suite as string[], message: NO_CLUSTER_MESSAGE });
      }
      for (const p of r.phases) if (p.phase !== "readiness") expect(p).toMatchObject({ status: "skipped", executed: false, skippedBecause: "no-cluster mode" });
      expectValidReport(r.report);
      expectValidReport(JSON.parse(reportJson(r.report)));
    });

    test(`--phase ${phases.join(",") || "(none)"} with a passing cluster runner`, async () => {
      const fake = fakeRunner();
      const r = await run(phases, { runner: fake.runner });
      expect(suites(r)).toEqual(want);
      expect(r.report.results.summary.failed).toBe(0);
      expect(r.phases.every((p) => p.status === "passed")).toBe(true);
      const live = want.filter((p) => p !== "readiness");
      expect(fake.events).toEqual(live.length > 0 ? ["begin", ...live.map((p) => `run ${p}`), "end"] : []);
      expectValidReport(r.report);
    });
  }

  test("--no-cluster never calls the runner", async () => {
    const fake = fakeRunner();
    await run([], { noCluster: true, runner: fake.runner });
    expect(fake.events).toEqual([]);
  });

  test("the runner gets the recipe's checks, every catalogue entry and the phase constraints", async () => {
    const fake = fakeRunner();
    await run(["performance", "deployment"], { runner: fake.runner });
    const [perf, dep] = fake.calls;
    expect(perf?.phase).toBe("performance");
    expect(perf?.checks.map((c) => c.name)).toEqual(["nccl-all-reduce-bw"]);
    expect(perf?.constraints).toEqual([{ name: "nccl-all-reduce-bw", value: ">= 300" }]);
    expect(dep?.catalogEntries.map((c) => c.name)).toEqual(["operator-health", "expected-resources", "gpu-operator-version", "check-nvidia-smi"]);
    expect(dep?.options).toEqual(options);
  });
});

describe("phase status and skip-on-failure (§10.6)", () => {
  test("after a failed phase, later phases list every catalogue entry as skipped and are not run", async () => {
    const fake = fakeRunner((phase, check) => (phase === "deployment" && check === "expected-resources" ? "failed" : "passed"));
    const recipeFewChecks = { ...recipe(), validation: { ...recipe().validation, conformance: { checks: ["dra-support"] } } };
    const r = await run([], { runner: fake.runner, recipe: recipeFewChecks });
    expect(fake.events).toEqual(["begin", "run deployment", "end"]);
    expect(r.phases.map((p) => [p.phase, p.status, p.executed])).toEqual([
      ["deployment", "failed", true],
      ["performance", "skipped", false],
      ["conformance", "skipped", false],
    ]);
    const conformance = r.report.results.tests.filter((t) => t.suite?.[0] === "conformance");
    expect(conformance).toHaveLength(11);
    expect(conformance.every((t) => t.status === "skipped" && t.message === PREVIOUS_FAILURE_MESSAGE && t.duration === 0)).toBe(true);
    expect(r.failed).toBe(true);
    expect(r.report.results.summary).toMatchObject({ tests: 16, passed: 3, failed: 1, skipped: 12 });
    expectValidReport(r.report);
  });

  test("every failure in the report names the constraint, expected and actual value, and a remediation", async () => {
    const fake = fakeRunner((phase) => (phase === "performance" ? "failed" : "passed"));
    const r = await run(["performance", "deployment", "conformance"], { runner: fake.runner });
    const failed = r.report.results.tests.filter((t) => t.status === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.extra).toEqual({
      phase: "performance",
      constraint: "nccl-all-reduce-bw",
      expected: ">= 300",
      actual: "nccl-all-reduce-bw broke",
      remediation: expect.stringContaining("interconnect"),
    });
    // performance ran first (user order), its failure skipped the two later phases
    expect(r.phases.map((p) => p.status)).toEqual(["failed", "skipped", "skipped"]);
    expectValidReport(r.report);
  });

  test("a failing check without a phase constraint of its name still names one (the check) and what was expected", async () => {
    const fake = fakeRunner((phase, check) => (check === "dra-support" ? "failed" : "passed"));
    const r = await run(["conformance"], { runner: fake.runner });
    const t = r.report.results.tests.find((x) => x.name === "dra-support");
    expect(t?.extra).toMatchObject({ constraint: "dra-support", expected: "check passes (exit code 0)", actual: "dra-support broke" });
    expect(t?.extra?.remediation).toMatch(/DRA.*gang scheduling.*networking/);
    expectValidReport(r.report);
  });

  test("`other` does not stop later phases and does not make the run failed", async () => {
    const fake = fakeRunner((phase) => (phase === "deployment" ? "other" : "passed"));
    const r = await run([], { runner: fake.runner });
    expect(r.phases.map((p) => p.status)).toEqual(["other", "passed", "passed"]);
    expect(fake.events).toEqual(["begin", "run deployment", "run performance", "run conformance", "end"]);
    expect(r.failed).toBe(false);
    expectValidReport(r.report);
  });

  test("a phase whose tests were all skipped is `passed`; a phase with no tests is `skipped`", async () => {
    const fake = fakeRunner(() => "skipped");
    const noChecks = { ...recipe(), validation: { deployment: { checks: ["operator-health"] } } };
    const r = await run(["deployment", "performance"], { runner: fake.runner, recipe: noChecks });
    expect(r.phases.map((p) => [p.phase, p.status, p.report.results.summary.tests])).toEqual([
      ["deployment", "passed", 1],
      ["performance", "skipped", 0],
    ]);
    expectValidReport(r.report);
  });

  test("a runner error propagates and the runner's end() still runs", async () => {
    const events: string[] = [];
    const runner: PhaseRunner = {
      begin: async () => void events.push("begin"),
      run: async () => {
        throw new Error("cluster went away");
      },
      end: async () => void events.push("end"),
    };
    await expect(run([], { runner })).rejects.toThrow("cluster went away");
    expect(events).toEqual(["begin", "end"]);
  });
});

describe("readiness inside the run", () => {
  test("a constraint not met stops the run: no phase runs, no report", async () => {
    const fake = fakeRunner();
    const r = await runValidation({
      recipe: recipe(),
      snapshot: snapshotOf({ ...readingsFor(recipe().constraints ?? []), "K8s.server.version": "v1.31.0-eks-1" }),
      selection: selectPhases(["readiness", "deployment"]),
      catalog: catalog(),
      runner: fake.runner,
      noCluster: false,
      options,
      clock: steppingClock(),
    });
    expect(r.ok).toBe(false);
    expect(r.readiness.failure).toMatchObject({ name: "K8s.server.version", expected: ">= 1.32.4", actual: "v1.31.0-eks-1" });
    expect("report" in r).toBe(false);
    expect(fake.events).toEqual([]);
  });

  test("a missing measurement is skipped in the readiness suite with the reason", async () => {
    const readings = readingsFor(recipe().constraints ?? []);
    delete readings["OS.release.VERSION_ID"];
    const r = await runValidation({
      recipe: recipe(),
      snapshot: snapshotOf(readings),
      selection: selectPhases(["readiness"]),
      catalog: catalog(),
      runner: fakeRunner().runner,
      noCluster: true,
      options,
      clock: steppingClock(),
    });
    if (!r.ok) throw new Error("unexpected failure");
    const t = r.report.results.tests.find((x) => x.name === "OS.release.VERSION_ID");
    expect(t).toMatchObject({ status: "skipped", suite: ["readiness"], extra: { constraint: "OS.release.VERSION_ID", expected: "24.04" } });
    expect(t?.message).toMatch(/^not evaluated: \[NOT_FOUND\] value not found in snapshot/);
    expect(r.phases[0]?.status).toBe("passed");
    expectValidReport(r.report);
  });

  test("a recipe without constraints: readiness is empty and the phases still run", async () => {
    const r = await run(["readiness", "deployment"], { recipe: { ...recipe(), constraints: [] }, noCluster: true });
    expect(r.readiness.results).toEqual([]);
    expect(r.phases.map((p) => [p.phase, p.status])).toEqual([
      ["readiness", "skipped"],
      ["deployment", "skipped"],
    ]);
    expectValidReport(r.report);
  });
});

describe("report fields and merge rules (§10.7)", () => {
  const t0 = Date.UTC(2026, 2, 21, 10, 0, 0);

  test("a single phase report is printed as it is; timestamps are RFC 3339 UTC to the second", () => {
    const rep = phaseReport([{ name: "a", status: "passed", duration: 12.6 }], { start: t0, stop: t0 + 5_400 }, "0.11.1");
    expect(rep).toEqual({
      reportFormat: "CTRF",
      specVersion: "0.0.1",
      timestamp: "2026-03-21T10:00:05Z",
      generatedBy: "aicr",
      results: {
        tool: { name: "aicr", version: "0.11.1" },
        summary: { tests: 1, passed: 1, failed: 0, skipped: 0, pending: 0, other: 0, start: t0, stop: t0 + 5_400 },
        tests: [{ name: "a", status: "passed", duration: 13 }],
      },
    });
    expect(mergeReports([rep], t0 + 9_999, "0.11.1")).toBe(rep);
    expect(rfc3339(t0 + 999)).toBe("2026-03-21T10:00:00Z");
  });

  test("tool.version is omitted when empty; empty message and stdout are omitted", () => {
    const rep = phaseReport([{ name: "a", status: "skipped", duration: 0, message: "", stdout: [] }], { start: t0, stop: t0 }, "");
    expect(rep.results.tool).toEqual({ name: "aicr" });
    expect(rep.results.tests[0]).toEqual({ name: "a", status: "skipped", duration: 0 });
    expectValidReport(rep);
  });

  test("merging: tests concatenated, counters summed, start min, stop max, first timestamp, last environment", () => {
    const a = phaseReport([{ name: "a", status: "failed", duration: 1, extra: { constraint: "a", expected: "x", actual: "y" } }], { start: t0 + 1000, stop: t0 + 3000 }, "0.11.1");
    const b = phaseReport([{ name: "b", status: "passed", duration: 1 }], { start: t0, stop: t0 + 2000 }, "0.11.1");
    b.results.environment = { osPlatform: "linux" };
    const m = mergeReports([a, b], t0 + 10_000, "0.11.1");
    expect(m.timestamp).toBe(a.timestamp);
    expect(m.results.tests.map((t) => t.name)).toEqual(["a", "b"]);
    expect(m.results.summary).toEqual({ tests: 2, passed: 1, failed: 1, skipped: 0, pending: 0, other: 0, start: t0, stop: t0 + 3000 });
    expect(m.results.environment).toEqual({ osPlatform: "linux" });
    expectValidReport(m);
  });

  test("merging reports that have no tests gives `tests: []` (CTRF requires an array), and no reports at all uses now", () => {
    const e1 = phaseReport([], { start: t0, stop: t0 }, "0.11.1");
    const e2 = phaseReport([], { start: t0 + 1, stop: t0 + 2 }, "0.11.1");
    const m = mergeReports([e1, e2], t0 + 10_000, "0.11.1");
    expect(m.results.tests).toEqual([]);
    expectValidReport(m);
    const none = mergeReports([], t0 + 10_000, "0.11.1");
    expect(none.timestamp).toBe("2026-03-21T10:00:10Z");
    expect(none.results.summary).toMatchObject({ tests: 0, start: t0 + 10_000, stop: t0 + 10_000 });
    expectValidReport(none);
  });

  test("JSON text: 2-space indent, field order, HTML escaping like Go, newline at the end, same bytes for the same clock", async () => {
    const a = reportJson((await run(["readiness"], { noCluster: true })).report);
    const b = reportJson((await run(["readiness"], { noCluster: true })).report);
    expect(a).toBe(b);
    expect(a.endsWith("}\n")).toBe(true);
    expect(a).toContain('"expected": "\\u003e= 1.32.4"');
    expect(a.indexOf('"reportFormat"')).toBeLessThan(a.indexOf('"specVersion"'));
    expect(a.indexOf('"specVersion"')).toBeLessThan(a.indexOf('"timestamp"'));
    expect(a.indexOf('"timestamp"')).toBeLessThan(a.indexOf('"generatedBy"'));
    expect(a.indexOf('"tool"')).toBeLessThan(a.indexOf('"summary"'));
    expect(a.indexOf('"summary"')).toBeLessThan(a.indexOf('"tests": ['));
    expect(a.split("\n")[1]).toBe('  "reportFormat": "CTRF",');
  });
});

test("shipped code does not import the ctrf package (a devDependency for these tests only)", async () => {
  const { Glob } = await import("bun");
  const offenders: string[] = [];
  for (const dir of ["core", "cli"]) {
    for await (const f of new Glob("**/*.ts").scan({ cwd: join(REPO, dir) })) {
      const text = readFileSync(join(REPO, dir, f), "utf8");
      if (/from\s+["']ctrf["']|import\(\s*["']ctrf["']\s*\)|require\(\s*["']ctrf["']\s*\)/.test(text)) offenders.push(`${dir}/${f}`);
    }
  }
  expect(offenders).toEqual([]);
});

describe("our schema is at least as strict as the ctrf package", () => {
  const good = () => phaseReport([{ name: "x", status: "passed", duration: 0, suite: ["deployment"] }], { start: 1000, stop: 2000 }, "0.11.1");
  const ours = (r: unknown) => v.safeParse(CtrfReportSchema, r).success;

  test("a report we build is valid for both", () => {
    expect(ours(good())).toBe(true);
    expect(ctrfValidate(good()).valid).toBe(true);
  });

  const broken: [string, (r: ReturnType<typeof good>) => void, boolean][] = [
    // what is broken, how, whether the ctrf package also rejects it
    ["tests: null", (r) => ((r.results as { tests: unknown }).tests = null), true],
    ["a bad status", (r) => ((r.results.tests[0] as { status: string }).status = "broken"), true],
    ["a fractional duration", (r) => ((r.results.tests[0] as { duration: number }).duration = 1.5), true],
    ["a missing summary counter", (r) => delete (r.results.summary as { pending?: number }).pending, true],
    ["an unknown top-level field", (r) => ((r as unknown as Record<string, unknown>)["bogus"] = 1), true],
    ["reportFormat not CTRF", (r) => ((r as { reportFormat: string }).reportFormat = "JUnit"), true],
    ["counters that disagree with the tests", (r) => (r.results.summary.passed = 5), false],
    ["a failure without constraint/expected/actual", (r) => (r.results.tests[0] = { name: "x", status: "failed", duration: 0 }), false],
    ["a timestamp with milliseconds", (r) => (r.timestamp = "2026-03-21T10:00:05.123Z"), false],
    ["stop before start", (r) => (r.results.summary.stop = 0), false],
  ];
  for (const [what, mutate, ctrfRejects] of broken) {
    test(`rejects ${what}`, () => {
      const r = good();
      mutate(r);
      expect(ours(r)).toBe(false);
      expect(ctrfValidate(r).valid).toBe(!ctrfRejects);
    });
  }
});
