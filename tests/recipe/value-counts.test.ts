/**
 * Hydrated values of the embedded catalogue against the counts upstream's binary produced
 * (catalogue-values §5): per-component and total value counts under rules L, H and D, the
 * training -> inference comparisons of §5.1, and YAML round trips of every leaf's values.
 */
import { describe, expect, test } from "bun:test";
import { hydratedDocument, select } from "../../core/recipe/query.ts";
import { formatSelection } from "../../core/recipe/render.ts";
import type { RecipeResult } from "../../core/recipe/result.ts";
import { parseYaml, sortKeysDeep, stringifyYaml } from "../../core/yaml.ts";
import { leafDetails, overlayExpectations, trainingInferencePairs, valueCounts, type DiffSide, type Scalar } from "../fixtures/catalogue-expectations.ts";
import {
  countH,
  countL,
  countScalars,
  diffKeys,
  hydratedValues,
  leavesL,
  overlayQuery,
  resolveQuery,
  rowsH,
  store,
} from "./catalogue-helpers.ts";

const resolvedRow = (key: string): RecipeResult => {
  const row = valueCounts[key];
  if (!row) throw new Error(`no value-count row ${key}`);
  return resolveQuery(row.query).result;
};

describe("value counts per recipe (catalogue-values §5)", () => {
  for (const [key, row] of Object.entries(valueCounts)) {
    describe(key, () => {
      const resolved = () => resolveQuery(row.query).result;

      test("is the resolution of its overlay", () => {
        expect(resolved().metadata.appliedOverlays.at(-1)).toBe(row.overlay);
        expect(overlayQuery(row.overlay)).toEqual(row.query);
      });

      test(`${row.components} components, ${row.constraints} constraints`, () => {
        expect(resolved().componentRefs).toHaveLength(row.components);
        expect(resolved().constraints).toHaveLength(row.constraints);
      });

      test(`rule L: ${row.valuesL} values, ${row.totalL} with constraints`, () => {
        let values = 0;
        for (const v of hydratedValues(resolved()).values()) values += countL(v);
        expect(values).toBe(row.valuesL);
        expect(values + resolved().constraints.length).toBe(row.totalL);
      });

      test(`rule H: ${row.totalH} rows with constraints`, () => {
        let rows = 0;
        for (const v of hydratedValues(resolved()).values()) rows += countH(v);
        expect(rows + resolved().constraints.length).toBe(row.totalH);
      });

      test(`rule D: ${row.totalD} scalars in the whole hydrated query document`, () => {
        expect(countScalars(hydratedDocument(store(), resolved()))).toBe(row.totalD);
      });

      if (row.perComponentL) {
        const per = row.perComponentL;
        for (const [component, n] of Object.entries(per)) {
          test(`rule L: ${component} has ${n} values`, () => {
            const v = hydratedValues(resolved()).get(component);
            expect(v).toBeDefined();
            expect(countL(v)).toBe(n);
          });
        }
        test("per-component table lists exactly the recipe's components", () => {
          expect(resolved().componentRefs.map((c) => c.name)).toEqual(Object.keys(per));
        });
      }
    });
  }
});

describe("query document of a values-less component", () => {
  test("gke-nccl-tcpxo hydrates to {} and has no values key in the query document", () => {
    const r = resolveQuery(overlayQuery("h100-gke-cos-training-kubeflow")).result;
    expect(hydratedValues(r).get("gke-nccl-tcpxo")).toEqual({});
    const doc = hydratedDocument(store(), r);
    expect(Object.keys(select(doc, "components.gke-nccl-tcpxo") as object)).not.toContain("values");
  });
});

const valueOf = (m: Map<string, Scalar>, path: string): DiffSide =>
  m.has(path) ? { present: true, value: m.get(path) as Scalar } : { present: false };

describe("training vs inference (catalogue-values §5.1)", () => {
  for (const p of trainingInferencePairs) {
    describe(`${p.training} -> ${p.inference}`, () => {
      const sides = () => {
        const t = resolvedRow(p.training);
        const i = resolvedRow(p.inference);
        return { t, i, tv: hydratedValues(t), iv: hydratedValues(i) };
      };
      const namesOf = (r: RecipeResult) => r.componentRefs.map((c) => c.name);

      test(`components: ${p.componentsRemoved.length} removed, ${p.componentsAdded.length} added (${p.swapped} swapped)`, () => {
        const { t, i } = sides();
        const tn = namesOf(t);
        const inf = namesOf(i);
        const removed = tn.filter((n) => !inf.includes(n));
        const added = inf.filter((n) => !tn.includes(n));
        expect(removed).toEqual(p.componentsRemoved);
        expect(added).toEqual(p.componentsAdded);
        expect(removed.length + added.length).toBe(p.swapped);
      });

      test("shared components keep their chart, version, source and namespace", () => {
        const { t, i } = sides();
        for (const ref of t.componentRefs) {
          const other = i.componentRefs.find((c) => c.name === ref.name);
          if (!other) continue;
          const fields = (c: typeof ref) => ({ name: c.name, chart: c.chart, version: c.version, source: c.source, namespace: c.namespace });
          expect(fields(other)).toEqual(fields(ref));
        }
      });

      test("shared-component value differences", () => {
        const { tv, iv } = sides();
        const got: { component: string; path: string; training: DiffSide; inference: DiffSide }[] = [];
        let changed = 0;
        let added = 0;
        let removed = 0;
        for (const [name, tvals] of tv) {
          const ivals = iv.get(name);
          if (!ivals) continue;
          const a = leavesL(tvals);
          const b = leavesL(ivals);
          const d = diffKeys(a, b);
          changed += d.changed.length;
          added += d.added.length;
          removed += d.removed.length;
          for (const path of [...d.changed, ...d.added, ...d.removed]) {
            got.push({ component: name, path, training: valueOf(a, path), inference: valueOf(b, path) });
          }
        }
        const key = (x: { component: string; path: string }) => `${x.component} ${x.path}`;
        got.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
        expect(got).toEqual(p.valueDifferences);
        expect({ changed, added, removed }).toEqual({ changed: p.sharedChanged, added: p.sharedAdded, removed: p.sharedRemoved });
      });

      test(`values carried out (${p.valuesOut}) and in (${p.valuesIn}) by swapped components`, () => {
        const { tv, iv } = sides();
        const out = p.componentsRemoved.reduce((n, c) => n + countL(tv.get(c)), 0);
        const inn = p.componentsAdded.reduce((n, c) => n + countL(iv.get(c)), 0);
        expect({ out, in: inn }).toEqual({ out: p.valuesOut, in: p.valuesIn });
      });

      test("constraint differences", () => {
        const { t, i } = sides();
        const a = new Map(t.constraints.map((c) => [c.name, c.value]));
        const b = new Map(i.constraints.map((c) => [c.name, c.value]));
        const d = diffKeys(a, b);
        expect(d.added).toEqual([]);
        expect(d.removed).toEqual([]);
        const got = d.changed.map((name) => ({ name, training: a.get(name) as string, inference: b.get(name) as string }));
        expect(got).toEqual(p.constraintDifferences);
        expect(got.length).toBe(p.constraintsChanged);
      });

      test(`totals: ${p.totalL} under rule L, ${p.totalH} under rule H`, () => {
        const { t, i, tv, iv } = sides();
        const total = (flatten: (v: unknown) => Map<string, unknown>, count: (v: unknown) => number) => {
          let n = 0;
          for (const [name, tvals] of tv) {
            const ivals = iv.get(name);
            if (!ivals) n += count(tvals);
            else {
              const d = diffKeys(flatten(tvals), flatten(ivals));
              n += d.changed.length + d.added.length + d.removed.length;
            }
          }
          for (const [name, ivals] of iv) if (!tv.has(name)) n += count(ivals);
          const a = new Map(t.constraints.map((c) => [c.name, c.value]));
          const b = new Map(i.constraints.map((c) => [c.name, c.value]));
          const cd = diffKeys(a, b);
          return n + cd.changed.length + cd.added.length + cd.removed.length;
        };
        expect(total((v) => leavesL(v), countL)).toBe(p.totalL);
        expect(total((v) => rowsH(v), countH)).toBe(p.totalH);
      });
    });
  }
});

describe("hydrated values of every leaf round-trip through our YAML writer and reader", () => {
  test("covers the 11 leaves", () => {
    expect(Object.keys(leafDetails).sort()).toEqual(overlayExpectations.filter((e) => e.leaf).map((e) => e.overlay).sort());
  });
  for (const leaf of Object.keys(leafDetails)) {
    describe(leaf, () => {
      const values = () => hydratedValues(resolveQuery(overlayQuery(leaf)).result);
      const expected = overlayExpectations.find((e) => e.overlay === leaf);
      for (const name of Object.keys(expected?.components ?? {})) {
        test(name, () => {
          const v = values().get(name);
          if (v === undefined) throw new Error(`${name} is not in the resolved ${leaf} recipe`);
          const json = JSON.stringify(v);
          // As written (key order kept).
          const text = stringifyYaml(v);
          const back = parseYaml(text, `${leaf}/${name}.yaml`).value ?? {};
          expect(back).toEqual(v);
          expect(JSON.stringify(back)).toBe(json);
          // As `query` prints it: sorted keys, 4-space indent.
          const sorted = sortKeysDeep(v, "natural");
          const printed = formatSelection(v, "yaml");
          const again = parseYaml(printed, `${leaf}/${name}.query.yaml`).value ?? {};
          expect(again).toEqual(v);
          expect(JSON.stringify(again)).toBe(JSON.stringify(sorted));
          // The text form is stable: writing the re-read document gives the same bytes.
          expect(stringifyYaml(back)).toBe(text);
        });
      }
    });
  }
});
