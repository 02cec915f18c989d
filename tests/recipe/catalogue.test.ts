/**
 * Table tests of the embedded v0.11.1 catalogue: every overlay resolved with its own criteria, the
 * no-match resolution, and the per-leaf details (dependencies, manifests, overrides, storage).
 */
import { describe, expect, test } from "bun:test";
import { readValuesFile } from "../../core/catalogue/store.ts";
import { overlaySpecificity } from "../../core/recipe/match.ts";
import { recipeDocument } from "../../core/recipe/render.ts";
import type { RecipeResult } from "../../core/recipe/result.ts";
import { phaseNames } from "../../core/schema/validation.ts";
import {
  alwaysPresentComponents,
  checkSets,
  leafDetails,
  noMatchExpectation,
  overlayExpectations,
  type KubePrometheusStorage,
  type Query,
} from "../fixtures/catalogue-expectations.ts";
import {
  at,
  checksByPhase,
  has,
  hydratedValues,
  overlayQuery,
  phaseConstraints,
  quantity,
  refOf,
  resolveQuery,
  store,
} from "./catalogue-helpers.ts";

const versions = (r: RecipeResult) => Object.fromEntries(r.componentRefs.map((c) => [c.name, c.version ?? null]));
const constraintMap = (r: RecipeResult) => Object.fromEntries(r.constraints.map((c) => [c.name, c.value]));

/** A deployment order must list every component once, each after all of its dependencies. */
function expectTopological(r: RecipeResult): void {
  const names = r.componentRefs.map((c) => c.name);
  expect([...r.deploymentOrder].sort()).toEqual([...names].sort());
  const pos = new Map(r.deploymentOrder.map((n, i) => [n, i]));
  for (const c of r.componentRefs) {
    for (const d of c.dependencyRefs ?? []) {
      expect({ component: c.name, dependency: d, before: (pos.get(d) as number) < (pos.get(c.name) as number) }).toEqual({
        component: c.name,
        dependency: d,
        before: true,
      });
    }
  }
}

test("the fixture covers all 37 overlays of the catalogue", () => {
  const overlays = [...store().overlays.keys()].sort();
  expect(overlays).toHaveLength(37);
  expect(overlayExpectations.map((e) => e.overlay).sort()).toEqual(overlays);
});

for (const e of overlayExpectations) {
  describe(`overlay ${e.overlay} resolved with its own criteria`, () => {
    const resolved = () => resolveQuery(e.query).result;

    test("overlay file: criteria, spec.base, specificity, leaf", () => {
      const o = store().overlays.get(e.overlay);
      expect(o).toBeDefined();
      const spec = o?.doc.spec;
      const criteria = Object.fromEntries(Object.entries(spec?.criteria ?? {}).filter(([, v]) => v !== undefined && v !== "any"));
      expect(criteria).toEqual(e.query as Record<string, string>);
      expect(spec?.base ?? null).toBe(e.specBase);
      expect(overlaySpecificity(spec?.criteria ?? {})).toBe(e.specificity);
      const isBaseOfAnother = [...store().overlays.values()].some((x) => x.doc.spec?.base === e.overlay);
      expect(!isBaseOfAnother).toBe(e.leaf);
    });

    test("overlay file: own constraints, componentRefs touched, validation phases set", () => {
      const spec = store().overlays.get(e.overlay)?.doc.spec;
      expect(Object.fromEntries((spec?.constraints ?? []).map((c) => [c.name, c.value]))).toEqual(e.ownConstraints);
      expect((spec?.componentRefs ?? []).map((c) => c.name)).toEqual(e.componentRefsTouched);
      expect(phaseNames.filter((ph) => spec?.validation?.[ph] !== undefined)).toEqual(e.validationPhasesSet);
    });

    test("applied overlays in merge order", () => {
      expect(resolved().metadata.appliedOverlays).toEqual(e.appliedOverlays);
      expect(resolved().metadata.excludedOverlays).toBeUndefined();
    });

    test(`${e.componentCount} components in name order, with their chart versions`, () => {
      const r = resolved();
      expect(r.componentRefs).toHaveLength(e.componentCount);
      expect(r.componentRefs.map((c) => c.name)).toEqual(Object.keys(e.components));
      expect(versions(r)).toEqual(e.components);
    });

    test("contains the always-present components", () => {
      const names = resolved().componentRefs.map((c) => c.name);
      for (const n of alwaysPresentComponents) expect(names).toContain(n);
    });

    test("gpu-operator values file", () => {
      expect(refOf(resolved(), "gpu-operator").valuesFile).toBe(e.gpuOperatorValuesFile);
    });

    test("merged constraints, sorted by name", () => {
      const r = resolved();
      expect(constraintMap(r)).toEqual(e.constraints);
      expect(r.constraints.map((c) => c.name)).toEqual(Object.keys(e.constraints));
    });

    test("validation checks per phase", () => {
      expect(checksByPhase(resolved())).toEqual(e.validation as Record<string, string[]>);
    });

    test("validation phase constraints", () => {
      expect(phaseConstraints(resolved())).toEqual(e.phaseConstraints);
    });

    test("deployment order respects every dependency", () => {
      expectTopological(resolved());
    });

    if (e.deploymentOrder) {
      const order = e.deploymentOrder;
      test("deployment order", () => {
        expect(resolved().deploymentOrder).toEqual(order);
      });
    }

    test("echoes the query criteria, unset fields as any", () => {
      const c = resolved().criteria;
      expect(c).toEqual({
        service: e.query.service ?? "any",
        accelerator: e.query.accelerator ?? "any",
        intent: e.query.intent ?? "any",
        os: e.query.os ?? "any",
        platform: e.query.platform ?? "any",
        nodes: 0,
      });
    });
  });
}

describe("validation check sets of §11.6 appear as whole phases", () => {
  // Every phase of every overlay's resolution is exactly one of the named check sets.
  for (const e of overlayExpectations) {
    test(e.overlay, () => {
      const checks = checksByPhase(resolveQuery(e.query).result);
      for (const [phase, list] of Object.entries(checks)) {
        const matching = Object.entries(checkSets).filter(([, s]) => s.phase === phase && JSON.stringify(s.checks) === JSON.stringify(list));
        expect({ phase, list, sets: matching.length }).toEqual({ phase, list, sets: 1 });
      }
      const pc = phaseConstraints(resolveQuery(e.query).result);
      if (checks["deployment"]) expect(pc["Deployment.gpu-operator.version"]).toBe(checkSets["D4"]?.phaseConstraint?.value as string);
      if (checks["performance"]) expect(pc["nccl-all-reduce-bw"]).toMatch(/^>= \d+$/);
    });
  }
});

describe("a query that matches no platform overlay", () => {
  const x = noMatchExpectation;
  for (const q of x.queries) {
    const label = JSON.stringify(q);
    const resolved = () => resolveQuery(q as Query).result;

    test(`${label}: base and monitoring-hpa only`, () => {
      expect(resolved().metadata.appliedOverlays).toEqual(x.appliedOverlays);
    });

    test(`${label}: ${x.componentCount} components with versions`, () => {
      const r = resolved();
      expect(r.componentRefs).toHaveLength(x.componentCount);
      expect(r.componentRefs.map((c) => c.name)).toEqual(Object.keys(x.components));
      expect(versions(r)).toEqual(x.components);
    });

    test(`${label}: gpu-operator values file and constraints`, () => {
      const r = resolved();
      expect(refOf(r, "gpu-operator").valuesFile).toBe(x.gpuOperatorValuesFile);
      expect(constraintMap(r)).toEqual(x.constraints);
    });

    test(`${label}: no validation block`, () => {
      const r = resolved();
      expect(r.validation).toBeUndefined();
      expect(Object.keys(recipeDocument(r))).not.toContain("validation");
    });

    test(`${label}: deployment order`, () => {
      expect(resolved().deploymentOrder).toEqual(x.deploymentOrder);
    });
  }

  test("resolves exactly like the monitoring-hpa leaf", () => {
    const hpa = resolveQuery({}).result;
    const oke = resolveQuery({ service: "oke" }).result;
    expect(oke.componentRefs).toEqual(hpa.componentRefs);
    expect(oke.deploymentOrder).toEqual(hpa.deploymentOrder);
    expect(oke.constraints).toEqual(hpa.constraints);
  });
});

function expectStorage(values: Record<string, unknown>, s: KubePrometheusStorage, baseValues: Record<string, unknown>): void {
  const spec = at(values, "prometheus.prometheusSpec");
  if (s.type === "pvc") {
    expect(has(spec, "storageSpec.emptyDir")).toBe(true);
    expect(at(spec, "storageSpec.emptyDir")).toBe(s.emptyDir);
    expect(at(spec, "storageSpec.volumeClaimTemplate.spec.storageClassName")).toBe(s.storageClassName);
    expect(at(spec, "storageSpec.volumeClaimTemplate.spec.resources.requests.storage")).toBe(s.storage);
    expect(at(spec, "storageSpec.volumeClaimTemplate.spec.accessModes")).toEqual(s.accessModes);
    return;
  }
  expect(has(spec, "storageSpec.volumeClaimTemplate")).toBe(false);
  expect(at(spec, "storageSpec.emptyDir.sizeLimit")).toBe(s.sizeLimit);
  expect(at(spec, "retention")).toBe(s.retention);
  // Reduced resources: every request and limit of Prometheus, Grafana and Alertmanager is below the
  // chart defaults of values.yaml.
  for (const p of ["prometheus.prometheusSpec.resources", "grafana.resources", "alertmanager.alertmanagerSpec.resources"]) {
    for (const kind of ["requests", "limits"]) {
      for (const res of ["cpu", "memory"]) {
        const path = `${p}.${kind}.${res}`;
        const got = quantity(at(values, path));
        const dflt = quantity(at(baseValues, path));
        expect({ path, reduced: got < dflt }).toEqual({ path, reduced: true });
      }
    }
  }
}

describe("per-leaf details", () => {
  for (const [leaf, d] of Object.entries(leafDetails)) {
    describe(leaf, () => {
      const resolved = () => resolveQuery(overlayQuery(leaf)).result;

      test(`${d.componentCount} components`, () => {
        expect(resolved().componentRefs).toHaveLength(d.componentCount);
      });

      test("gpu-operator values file, dependencies, manifests and override keys", () => {
        const g = refOf(resolved(), "gpu-operator");
        expect(g.valuesFile).toBe(d.gpuOperator.valuesFile);
        expect(g.dependencyRefs).toEqual(d.gpuOperator.dependencyRefs);
        expect(g.manifestFiles).toEqual(d.gpuOperator.manifestFiles);
        expect(Object.keys(g.overrides ?? {}).sort()).toEqual(d.gpuOperator.overrideKeys);
      });

      test("skyhook-customizations overrides and manifests", () => {
        const names = resolved().componentRefs.map((c) => c.name);
        if (!d.skyhookCustomizations) {
          expect(names).not.toContain("skyhook-customizations");
          return;
        }
        const s = refOf(resolved(), "skyhook-customizations");
        expect(s.overrides).toEqual(d.skyhookCustomizations.overrides);
        expect(s.manifestFiles).toEqual(d.skyhookCustomizations.manifestFiles);
        expect(s.dependencyRefs).toEqual(["skyhook-operator"]);
      });

      test("dynamo-platform dependencies and storage classes", () => {
        const names = resolved().componentRefs.map((c) => c.name);
        if (!d.dynamoPlatform) {
          expect(names).not.toContain("dynamo-platform");
          return;
        }
        const ref = refOf(resolved(), "dynamo-platform");
        expect(ref.dependencyRefs).toEqual(d.dynamoPlatform.dependencyRefs);
        const values = hydratedValues(resolved()).get("dynamo-platform");
        expect(at(values, "etcd.persistence.storageClass")).toBe(d.dynamoPlatform.storageClass);
        expect(at(values, "nats.config.jetstream.fileStore.pvc.storageClassName")).toBe(d.dynamoPlatform.storageClass);
      });

      test("gke-nccl-tcpxo manifests and dependencies", () => {
        const names = resolved().componentRefs.map((c) => c.name);
        if (!d.gkeNcclTcpxo) {
          expect(names).not.toContain("gke-nccl-tcpxo");
          return;
        }
        const ref = refOf(resolved(), "gke-nccl-tcpxo");
        expect(ref.manifestFiles).toEqual(d.gkeNcclTcpxo.manifestFiles);
        expect(ref.dependencyRefs).toEqual(d.gkeNcclTcpxo.dependencyRefs);
      });

      if (d.kubePrometheusStorage) {
        const storage = d.kubePrometheusStorage;
        test(`kube-prometheus-stack storage (${storage.type})`, () => {
          const values = hydratedValues(resolved()).get("kube-prometheus-stack") ?? {};
          const baseValues = readValuesFile(store(), "components/kube-prometheus-stack/values.yaml");
          expect(baseValues).toBeDefined();
          expectStorage(values, storage, baseValues ?? {});
        });
      }

      test("nvidia-dra-driver-gpu overrides", () => {
        const ref = refOf(resolved(), "nvidia-dra-driver-gpu");
        if (d.nvidiaDraDriverGpuOverrides) expect(ref.overrides).toEqual(d.nvidiaDraDriverGpuOverrides);
        else expect(ref.overrides ?? {}).toEqual({});
      });

      test("components carrying overrides and their top-level keys", () => {
        const got: Record<string, string[]> = {};
        for (const c of resolved().componentRefs) {
          const keys = Object.keys(c.overrides ?? {});
          if (keys.length > 0) got[c.name] = keys.sort();
        }
        expect(got).toEqual(d.overrideTopLevelKeys);
      });

      test("every manifest file it names is in the catalogue", () => {
        for (const c of resolved().componentRefs) {
          for (const m of c.manifestFiles ?? []) expect({ component: c.name, manifest: m, present: store().files.has(m) }).toEqual({ component: c.name, manifest: m, present: true });
        }
      });
    });
  }
});
