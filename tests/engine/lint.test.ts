/** Catalogue lint: the embedded catalogue is clean; each authoring mistake is reported with its file. */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { embeddedEntries } from "../../core/catalogue/embedded.ts";
import { lintEntries, lintFiles, renderLint, type LintReport } from "../../core/recipe/lint.ts";
import { asList, FIXTURES, mini, overlay, readTree } from "./helpers.ts";

const lintDir = (name: string, layered = false) => lintFiles(asList(readTree(join(FIXTURES, name))), layered ? embeddedEntries() : []);
const findingsOf = (r: LintReport, file: string) => r.findings.filter((f) => f.file === file).map((f) => `${f.severity}: ${f.message}`);

describe("lint", () => {
  test("the embedded catalogue lints clean", () => {
    const report = lintEntries(embeddedEntries(), []);
    expect(report.findings).toEqual([]);
    expect(report.errors).toBe(0);
    expect(renderLint(report)).toMatch(/^\d+ files checked: 0 errors, 0 warnings\n$/);
  });

  describe("a catalogue with one mistake per file", () => {
    const report = lintDir("lint-broken");

    test("a schema error is reported with file:line:col and the field path", () => {
      expect(findingsOf(report, "overlays/bad-schema.yaml")).toEqual([
        "error: invalid document: overlays/bad-schema.yaml:9:12: spec.criteria.nodes: expected an integer",
      ]);
    });

    test("an unknown dependencyRef", () => {
      expect(findingsOf(report, "overlays/unknown-dep.yaml")).toEqual(['error: component "alpha" references unknown dependency "ghost"']);
    });

    test("a dependency cycle, naming the cycle", () => {
      expect(findingsOf(report, "overlays/cycle.yaml")).toEqual(["error: circular dependency detected: alpha -> beta -> alpha"]);
    });

    test("a missing values file", () => {
      expect(findingsOf(report, "overlays/missing-values.yaml")).toEqual([
        'error: componentRefs "alpha": valuesFile components/alpha/values-missing.yaml does not exist',
      ]);
    });

    test("a missing manifest", () => {
      expect(findingsOf(report, "overlays/missing-manifest.yaml")).toEqual([
        'error: componentRefs "alpha": manifest components/alpha/manifests/nope.yaml does not exist',
      ]);
    });

    test("an overlay made unreachable by a non-canonical criteria value", () => {
      expect(findingsOf(report, "overlays/uppercase.yaml")).toEqual([
        'error: criteria.service "EKS" can never match a query (queries use canonical lower-case values: aks, eks, gke, kind, oke)',
      ]);
    });

    test("an overlay with no criteria that no overlay uses as its base", () => {
      expect(findingsOf(report, "overlays/orphan.yaml")).toEqual(["warning: overlay has no criteria and is no overlay's base: nothing can reach it"]);
    });

    test("two overlays with identical criteria", () => {
      expect(findingsOf(report, "overlays/twin-a.yaml")).toEqual([]);
      expect(findingsOf(report, "overlays/twin-b.yaml")).toEqual(['error: criteria are identical to those of overlay "twin-a"']);
    });

    test("totals and the rendered summary line", () => {
      expect(report.errors).toBe(7);
      expect(report.warnings).toBe(1);
      expect(renderLint(report).trimEnd().split("\n").at(-1)).toBe(`${report.files} files checked: 7 errors, 1 warning`);
    });
  });

  test("a missing base is reported", () => {
    const report = lintDir("lint-no-base");
    expect(report.findings).toEqual([
      { severity: "error", file: "overlays/base.yaml", message: "base.yaml not found (expected overlays/base.yaml in the catalogue)" },
    ]);
  });

  test("an overlay without criteria that another overlay inherits from is not flagged", () => {
    const report = lintFiles(
      asList(
        mini({
          "overlays/common.yaml": overlay("common", "constraints:\n  - name: K8s.server.version\n    value: \">= 1.30\"\n"),
          "overlays/eks.yaml": overlay("eks", "base: common\ncriteria:\n  service: eks\n"),
        }),
      ),
    );
    expect(report.findings).toEqual([]);
  });

  test("a broken spec.base is reported on the overlay", () => {
    const report = lintFiles(asList(mini({ "overlays/eks.yaml": overlay("eks", "base: ghost\ncriteria:\n  service: eks\n") })));
    expect(findingsOf(report, "overlays/eks.yaml")).toEqual([
      'error: recipe "ghost" not found (referenced as spec.base of "eks" in the inheritance chain)',
    ]);
  });

  test("an unknown mixin is reported on the overlay that names it", () => {
    const report = lintFiles(asList(mini({ "overlays/eks.yaml": overlay("eks", "criteria:\n  service: eks\nmixins: [os-ghost]\n") })));
    expect(findingsOf(report, "overlays/eks.yaml")).toEqual(['error: mixin "os-ghost" not found in mixins/ (known: none)']);
  });
});
