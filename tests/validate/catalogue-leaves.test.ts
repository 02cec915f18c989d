/**
 * Every leaf recipe of the embedded catalogue, resolved by the engine, against snapshots written to
 * meet and to break each of its constraints: readiness passes on the first, stops at exactly the
 * broken constraint on the second (naming expected and actual), skips a missing measurement, and a
 * snapshot-mode resolution keeps or excludes the leaf overlay accordingly.
 */
import { describe, expect, test } from "bun:test";
import { evaluateConstraint } from "../../core/constraints/evaluate.ts";
import { snapshotJudge } from "../../core/recipe/snapshot-criteria.ts";
import { resolveRecipe } from "../../core/recipe/resolve.ts";
import { selectPhases } from "../../core/validate/phases.ts";
import { readinessError, runReadiness } from "../../core/validate/readiness.ts";
import { runValidation } from "../../core/validate/run.ts";
import { noClusterRunner } from "../../core/validate/runner.ts";
import { expectValidReport, leafOverlays, overlayCriteria, readingsFor, resolveLeaf, satisfying, snapshotOf, steppingClock, store, violating } from "./helpers.ts";

const leaves = leafOverlays();

test("the embedded catalogue has the eleven leaves this file covers", () => {
  expect(leaves).toEqual([
    "gb200-eks-ubuntu-inference-dynamo",
    "gb200-eks-ubuntu-training-kubeflow",
    "h100-aks-ubuntu-inference-dynamo",
    "h100-aks-ubuntu-training-kubeflow",
    "h100-eks-ubuntu-inference-dynamo",
    "h100-eks-ubuntu-training-kubeflow",
    "h100-gke-cos-inference-dynamo",
    "h100-gke-cos-training-kubeflow",
    "h100-kind-inference-dynamo",
    "h100-kind-training",
    "monitoring-hpa",
  ]);
});

const options = { namespace: "aicr-validation", nodeSelector: {}, tolerations: [{ operator: "Exists" as const }], timeoutMs: 300_000, cleanup: true };

for (const leaf of leaves) {
  describe(leaf, () => {
    const recipe = () => resolveLeaf(leaf).result;
    const constraints = () => recipe().constraints;

    test("has top-level constraints, each a valid measurement path", () => {
      expect(constraints().length).toBeGreaterThan(0);
      for (const c of constraints()) expect(evaluateConstraint(c, snapshotOf({})).status).toBe("missing");
    });

    test("a snapshot meeting every constraint passes readiness, and --no-cluster reports 16 skipped checks", async () => {
      const snap = snapshotOf(readingsFor(constraints()));
      const out = runReadiness(constraints(), snap);
      expect(out.failure).toBeUndefined();
      expect(out.results.map((r) => r.status)).toEqual(constraints().map(() => "passed"));
      const run = await runValidation({
        recipe: recipe(),
        snapshot: snap,
        selection: selectPhases([]),
        catalog: store().validators as never,
        runner: noClusterRunner,
        noCluster: true,
        options,
        clock: steppingClock(),
        version: "0.11.1",
      });
      expect(run.ok).toBe(true);
      if (!run.ok) return;
      expect(run.report.results.summary).toMatchObject({ tests: 16, skipped: 16, failed: 0 });
      expectValidReport(run.report);
    });

    describe("each constraint broken on its own", () => {
      for (const c of resolveLeaf(leaf).result.constraints) {
        test(`${c.name} ${c.value}: readiness stops there, naming expected and actual`, () => {
          const bad = violating(c);
          const snap = snapshotOf({ ...readingsFor(constraints()), [c.name]: bad });
          const out = runReadiness(constraints(), snap);
          expect(out.failure).toMatchObject({ name: c.name, expected: c.value, actual: bad, status: "failed" });
          expect(out.results.at(-1)?.name).toBe(c.name);
          expect(out.results.slice(0, -1).every((r) => r.status === "passed")).toBe(true);
          expect(readinessError(out.failure as never).message).toBe(`readiness check failed: ${c.name} expected ${c.value}, got ${bad}`);
        });

        test(`${c.name}: the boundary value ${satisfying(c)} passes`, () => {
          expect(evaluateConstraint(c, snapshotOf({ [c.name]: satisfying(c) })).status).toBe("passed");
        });

        test(`${c.name}: not measured -> skipped with a warning, readiness does not fail`, () => {
          const readings = readingsFor(constraints());
          delete readings[c.name];
          const out = runReadiness(constraints(), snapshotOf(readings));
          expect(out.failure).toBeUndefined();
          const r = out.results.find((x) => x.name === c.name);
          expect(r?.status).toBe("missing");
          expect(r?.reason).toMatch(/value not found in snapshot/);
        });
      }
    });

    test("snapshot mode: the leaf overlay is kept when its own constraints are met, excluded when one is broken", () => {
      const own = store().overlays.get(leaf)?.doc.spec?.constraints ?? [];
      // Meet every candidate's own constraints (the strictest K8s version among them wins).
      const candidates = resolveLeaf(leaf).result.metadata.appliedOverlays.filter((n) => n !== "base");
      const all = candidates.flatMap((n) => store().overlays.get(n)?.doc.spec?.constraints ?? []);
      const readings: Record<string, unknown> = {};
      for (const c of all) {
        const v = satisfying(c);
        const prev = readings[c.name];
        if (prev === undefined || evaluateConstraint(c, snapshotOf({ [c.name]: prev })).status !== "passed") readings[c.name] = v;
      }
      for (const c of all) expect(evaluateConstraint(c, snapshotOf(readings)).status).toBe("passed");
      const good = resolveRecipe(store(), overlayCriteria(leaf), { judgeCandidate: snapshotJudge(snapshotOf(readings)) }).result;
      expect(good.metadata.excludedOverlays).toBeUndefined();
      expect(good.metadata.appliedOverlays).toEqual(resolveLeaf(leaf).result.metadata.appliedOverlays);

      for (const c of own) {
        const broken = resolveRecipe(store(), overlayCriteria(leaf), {
          judgeCandidate: snapshotJudge(snapshotOf({ ...readings, [c.name]: violating(c) })),
        }).result;
        expect(broken.metadata.excludedOverlays).toContain(leaf);
        expect(broken.metadata.constraintWarnings).toContainEqual({
          overlay: leaf,
          constraint: c.name,
          expected: c.value,
          actual: violating(c),
          reason: `expected ${c.value}, got ${violating(c)}`,
        });
      }
    });
  });
}
