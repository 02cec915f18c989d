/**
 * POST /v1/validate: readiness of a posted snapshot against the recipe for its criteria (detected,
 * with query parameters on top), as a CTRF report — for several kinds of snapshot, JSON and YAML,
 * passing and failing, with live phases reported as skipped.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { aicr, REPO, removeDir, tempDir } from "../cli/helpers.ts";
import { startTestServer, type TestServer } from "./helpers.ts";

const snapshots = join(REPO, "tests", "fixtures", "snapshots");
const snap = (f: string) => readFileSync(join(snapshots, f), "utf8");
const h100Training = "accelerator=h100&intent=training&os=ubuntu";

let s: TestServer;
beforeAll(() => {
  s = startTestServer();
});
afterAll(() => s.stop());

interface Report {
  reportFormat: string;
  results: { tool: { name: string }; summary: Record<string, number>; tests: { name: string; status: string; suite?: string[]; extra?: Record<string, string> }[]; environment?: Record<string, any> };
}

async function validate(body: string, query = "", type = "application/yaml", accept?: string): Promise<{ r: Response; report: Report }> {
  const headers: Record<string, string> = { "Content-Type": type };
  if (accept) headers["Accept"] = accept;
  const r = await fetch(`${s.url}/v1/validate${query ? `?${query}` : ""}`, { method: "POST", body, headers });
  const text = await r.text();
  return { r, report: (accept?.includes("yaml") ? Bun.YAML.parse(text) : JSON.parse(text)) as Report };
}

describe("readiness of posted snapshots", () => {
  test("a snapshot meeting the recipe: 200, passed, one test per constraint; the same tests `aicr validate --phase readiness` reports", async () => {
    const { r, report } = await validate(snap("eks-h100-ubuntu.yaml"), h100Training);
    expect(r.status).toBe(200);
    expect(r.headers.get("x-validation-result")).toBe("passed");
    expect(report.reportFormat).toBe("CTRF");
    expect(report.results.summary["failed"]).toBe(0);
    expect(report.results.tests.map((t) => [t.name, t.status])).toEqual([
      ["K8s.server.version", "passed"],
      ["OS.release.ID", "passed"],
      ["OS.release.VERSION_ID", "passed"],
      ["OS.sysctl./proc/sys/kernel/osrelease", "passed"],
    ]);
    expect(report.results.environment?.["criteria"]).toMatchObject({ service: "eks", accelerator: "h100", intent: "training", os: "ubuntu" });
    expect(report.results.environment?.["appliedOverlays"]).toContain("h100-eks-ubuntu-training");

    const dir = tempDir("aicr-server-validate-");
    try {
      const recipe = join(dir, "recipe.yaml");
      expect(aicr(["recipe", "--service", "eks", "--accelerator", "h100", "--intent", "training", "--os", "ubuntu", "-o", recipe]).code).toBe(0);
      const cli = aicr(["validate", "--recipe", recipe, "--snapshot", join(snapshots, "eks-h100-ubuntu.yaml"), "--phase", "readiness", "--no-cluster"]);
      expect(cli.code).toBe(0);
      const cliReport = JSON.parse(cli.stdout) as Report;
      expect(report.results.tests).toEqual(cliReport.results.tests);
    } finally {
      removeDir(dir);
    }
  });

  test("a snapshot that misses a constraint: still a report, the failed test says expected, actual and how to fix it", async () => {
    const { r, report } = await validate(snap("eks-old-kernel.yaml"), h100Training);
    expect(r.status).toBe(200);
    expect(r.headers.get("x-validation-result")).toBe("failed");
    const failed = report.results.tests.filter((t) => t.status === "failed");
    expect(failed.map((t) => t.name)).toEqual(["OS.sysctl./proc/sys/kernel/osrelease"]);
    expect(failed[0]?.extra).toMatchObject({ phase: "readiness", constraint: "OS.sysctl./proc/sys/kernel/osrelease" });
    expect(failed[0]?.extra?.["expected"]).toContain("6.8");
    expect(failed[0]?.extra?.["remediation"]).toBeTruthy();
    const old = await validate(snap("eks-old-kubernetes.yaml"), h100Training);
    expect(old.r.headers.get("x-validation-result")).toBe("failed");
    expect(old.report.results.tests.map((t) => [t.name, t.status])).toEqual([["K8s.server.version", "failed"]]);
  });

  test("several kinds of snapshot: JSON, without kind, other services; criteria detected when no parameter is given", async () => {
    for (const [file, type, detected] of [
      ["eks-h100-ubuntu-1.34.json", "application/json", { service: "eks", accelerator: "h100", os: "ubuntu" }],
      ["no-kind.yaml", "application/yaml", undefined],
      ["gke-cos.yaml", "text/yaml", { service: "gke", os: "cos" }],
      ["kind-h100.yaml", "application/x-yaml", { accelerator: "h100" }],
      ["aks-v1.32.0.yaml", "application/yaml", { accelerator: "h100", os: "ubuntu" }],
    ] as const) {
      const { r, report } = await validate(snap(file), "", type);
      expect(r.status, file).toBe(200);
      expect(["passed", "failed"]).toContain(r.headers.get("x-validation-result") as string);
      expect(report.results.tests.length, file).toBeGreaterThan(0);
      if (detected) expect(report.results.environment?.["criteria"], file).toMatchObject(detected);
    }
  });

  test("phases: live phases are reported as skipped (no cluster); YAML when asked for", async () => {
    const { r, report } = await validate(snap("eks-h100-ubuntu.yaml"), `${h100Training}&phase=readiness&phase=conformance`, "application/yaml", "application/yaml");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/yaml");
    const suites = new Set(report.results.tests.map((t) => t.suite?.[0]));
    expect(suites).toEqual(new Set(["readiness", "conformance"]));
    expect(report.results.tests.filter((t) => t.suite?.[0] === "conformance").every((t) => t.status === "skipped")).toBe(true);
    expect(r.headers.get("x-validation-result")).toBe("passed");
  });

  test("bad requests: unknown phase, unknown criteria value, empty body", async () => {
    const phase = await validate(snap("eks-h100-ubuntu.yaml"), "phase=smoke");
    expect(phase.r.status).toBe(400);
    expect(phase.report).toMatchObject({ code: "INVALID_REQUEST", message: "Invalid phase parameter" });
    expect((phase.report as unknown as { details: { allowed: string[] } }).details.allowed).toEqual(["readiness", "deployment", "performance", "conformance", "all"]);
    const crit = await validate(snap("eks-h100-ubuntu.yaml"), "os=windows");
    expect(crit.r.status).toBe(400);
    expect(crit.report).toMatchObject({ message: "Invalid recipe criteria", details: { parameter: "os" } });
    const empty = await validate("");
    expect(empty.r.status).toBe(400);
    expect(empty.report).toMatchObject({ message: "Invalid snapshot", details: { error: "[INVALID_REQUEST] request body is empty" } });
  });
});
