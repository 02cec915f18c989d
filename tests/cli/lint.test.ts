/** `aicr recipe lint`. */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { aicr, FIXTURES } from "./helpers.ts";

describe("aicr recipe lint", () => {
  test("the embedded catalogue lints clean", () => {
    const r = aicr(["recipe", "lint"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+ files checked: 0 errors, 0 warnings\n$/);
    expect(r.stderr).toBe("");
  });

  test("--data DIR --standalone reports every problem with its file and exits non-zero", () => {
    const r = aicr(["recipe", "lint", "--data", join(FIXTURES, "lint-broken"), "--standalone"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(
      [
        "overlays/bad-schema.yaml: error: invalid document: overlays/bad-schema.yaml:9:12: spec.criteria.nodes: expected an integer",
        "overlays/cycle.yaml: error: circular dependency detected: alpha -> beta -> alpha",
        'overlays/missing-manifest.yaml: error: componentRefs "alpha": manifest components/alpha/manifests/nope.yaml does not exist',
        'overlays/missing-values.yaml: error: componentRefs "alpha": valuesFile components/alpha/values-missing.yaml does not exist',
        "overlays/orphan.yaml: warning: overlay has no criteria and is no overlay's base: nothing can reach it",
        'overlays/twin-b.yaml: error: criteria are identical to those of overlay "twin-a"',
        'overlays/unknown-dep.yaml: error: component "alpha" references unknown dependency "ghost"',
        'overlays/uppercase.yaml: error: criteria.service "EKS" can never match a query (queries use canonical lower-case values: aks, eks, gke, kind, oke)',
        "12 files checked: 7 errors, 1 warning",
        "",
      ].join("\n"),
    );
    expect(r.stderr.trim()).toBe("error: [INVALID_REQUEST] catalogue lint found 7 errors");
  });

  test("a catalogue without a base fails lint", () => {
    const r = aicr(["recipe", "lint", "--data", join(FIXTURES, "lint-no-base"), "--standalone"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("overlays/base.yaml: error: base.yaml not found");
  });

  test("--format json gives the findings as data", () => {
    const r = aicr(["recipe", "lint", "--data", join(FIXTURES, "lint-broken"), "--standalone", "-t", "json"]);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.errors).toBe(7);
    expect(report.warnings).toBe(1);
    expect(report.findings).toContainEqual({ severity: "error", file: "overlays/cycle.yaml", message: "circular dependency detected: alpha -> beta -> alpha" });
  });

  test("upstream-format external data layered over the embedded catalogue lints clean", () => {
    const r = aicr(["recipe", "lint", "--data", join(FIXTURES, "upstream-v0.11.1")]);
    expect(r).toEqual({ code: 0, stdout: "6 files checked: 0 errors, 0 warnings\n", stderr: "" });
  });

  test("--help", () => {
    const r = aicr(["recipe", "lint", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--standalone");
    expect(r.stdout).toContain("--data");
  });
});
