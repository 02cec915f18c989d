/** Phase selection (§10.2 step 4, plus `readiness`), phase status (§10.6) and which checks a phase runs (§10.4). */
import { describe, expect, test } from "bun:test";
import { AicrError } from "../../core/errors.ts";
import { catalogEntries, selectedChecks, selectionWarnings } from "../../core/validate/checks.ts";
import { phaseStatus, selectPhases, type PhaseSelection } from "../../core/validate/phases.ts";
import type { ValidatorCatalog } from "../../core/schema/validator-catalog.ts";
import { resolveLeaf, store } from "./helpers.ts";

const catalog = () => store().validators as ValidatorCatalog;

describe("selectPhases", () => {
  const all: PhaseSelection = { all: true, readinessReport: false, phases: ["deployment", "performance", "conformance"] };
  test("no --phase means all live phases in default order", () => expect(selectPhases([])).toEqual(all));
  test("`all` anywhere wins and the other values are not checked", () => {
    expect(selectPhases(["all"])).toEqual(all);
    expect(selectPhases(["conformance", "all"])).toEqual(all);
    expect(selectPhases(["bogus", "all"])).toEqual(all);
    expect(selectPhases(["readiness", "all"])).toEqual(all);
  });
  test("user order is kept and duplicates dropped", () => {
    expect(selectPhases(["conformance", "deployment", "conformance"])).toEqual({ all: false, readinessReport: false, phases: ["conformance", "deployment"] });
  });
  test("readiness is accepted, always runs first, and asks for a readiness report", () => {
    expect(selectPhases(["readiness"])).toEqual({ all: false, readinessReport: true, phases: [] });
    expect(selectPhases(["conformance", "readiness", "readiness"])).toEqual({ all: false, readinessReport: true, phases: ["conformance"] });
  });
  for (const bad of ["bogus", "Deployment", "ALL", "", "readyness"]) {
    test(`"${bad}" is INVALID_REQUEST naming the allowed values`, () => {
      let err: unknown;
      try {
        selectPhases(["deployment", bad]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AicrError);
      expect((err as AicrError).code).toBe("INVALID_REQUEST");
      expect((err as Error).message).toBe(`invalid phase "${bad}" (allowed: readiness, deployment, performance, conformance, all)`);
    });
  }
});

describe("phaseStatus", () => {
  const cases: [Partial<{ tests: number; failed: number; other: number }>, string][] = [
    [{ tests: 3, failed: 1, other: 1 }, "failed"],
    [{ tests: 3, failed: 0, other: 1 }, "other"],
    [{ tests: 0, failed: 0, other: 0 }, "skipped"],
    [{ tests: 2, failed: 0, other: 0 }, "passed"],
  ];
  for (const [s, want] of cases) test(`${JSON.stringify(s)} -> ${want}`, () => expect(phaseStatus({ tests: 0, failed: 0, other: 0, ...s })).toBe(want as never));
});

describe("which checks a phase runs", () => {
  test("the embedded catalogue: 4 deployment, 1 performance, 11 conformance, in catalogue order", () => {
    expect(catalogEntries(catalog(), "deployment").map((e) => e.name)).toEqual(["operator-health", "expected-resources", "gpu-operator-version", "check-nvidia-smi"]);
    expect(catalogEntries(catalog(), "performance").map((e) => e.name)).toEqual(["nccl-all-reduce-bw"]);
    expect(catalogEntries(catalog(), "conformance")).toHaveLength(11);
  });

  test("catalogue order, not recipe order; unknown names ignored; duplicates run once", () => {
    const v = { conformance: { checks: ["platform-health", "dra-support", "not-a-check", "dra-support", "gang-scheduling"] } };
    expect(selectedChecks(catalog(), "conformance", v).map((e) => e.name)).toEqual(["dra-support", "gang-scheduling", "platform-health"]);
  });

  test("no validation, no phase object, or empty checks: nothing runs", () => {
    expect(selectedChecks(catalog(), "deployment", undefined)).toEqual([]);
    expect(selectedChecks(catalog(), "deployment", { conformance: { checks: ["dra-support"] } })).toEqual([]);
    expect(selectedChecks(catalog(), "deployment", { deployment: { checks: [] } })).toEqual([]);
  });

  test("the h100-eks training leaf runs its recipe's checks", () => {
    const r = resolveLeaf("h100-eks-ubuntu-training-kubeflow").result;
    expect(selectedChecks(catalog(), "deployment", r.validation).map((e) => e.name)).toEqual(["operator-health", "expected-resources", "gpu-operator-version", "check-nvidia-smi"]);
    expect(selectedChecks(catalog(), "performance", r.validation).map((e) => e.name)).toEqual(["nccl-all-reduce-bw"]);
  });

  test("warnings only for phases named explicitly", () => {
    const v = { deployment: { checks: ["operator-health"] } };
    expect(selectionWarnings(selectPhases([]), undefined, 0)).toEqual([]);
    expect(selectionWarnings(selectPhases(["deployment", "conformance"]), v, 1)).toEqual(["phase conformance requested, but the recipe defines no checks for it"]);
    expect(selectionWarnings(selectPhases(["deployment", "performance"]), undefined, 1)).toEqual([
      "the recipe has no validation section: the requested phases have no checks to run",
    ]);
    expect(selectionWarnings(selectPhases(["readiness"]), v, 0)).toEqual(["phase readiness requested, but the recipe has no constraints to check"]);
  });
});
