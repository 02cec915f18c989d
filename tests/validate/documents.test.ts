/**
 * Reading back snapshots and recipes (§4.6) and the validate flags' value syntax: format by suffix,
 * documents of another kind refused with a clear message, tolerations, node selectors, durations.
 */
import { describe, expect, test } from "bun:test";
import { AicrError } from "../../core/errors.ts";
import { formatRecipe } from "../../core/recipe/render.ts";
import { decodeRecipeResult, decodeSnapshot, documentFormat } from "../../core/validate/documents.ts";
import { formatGoDuration, parseGoDuration } from "../../core/validate/duration.ts";
import { parseNodeSelectors, parseTolerations } from "../../core/validate/scheduling.ts";
import { resolveLeaf, snapshotYaml } from "./helpers.ts";

function caught(fn: () => unknown): AicrError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AicrError) return e;
    throw e;
  }
  throw new Error("expected an AicrError");
}

describe("format by suffix", () => {
  const cases: [string, string, boolean][] = [
    ["snap.json", "json", false],
    ["SNAP.JSON", "json", false],
    ["snap.yaml", "yaml", false],
    ["snap.YML", "yaml", false],
    ["https://example.test/s/snap.yaml?token=1#x", "yaml", false],
    ["snapshot", "json", true],
    ["snap.conf", "json", true],
  ];
  for (const [name, format, guessed] of cases) test(`${name} -> ${format}${guessed ? " (guessed)" : ""}`, () => expect(documentFormat(name)).toEqual({ format: format as never, guessed }));
  for (const name of ["snap.txt", "snap.table", "r.TABLE"]) {
    test(`${name} cannot be read back`, () => expect(caught(() => documentFormat(name)).message).toMatch(/table\/text output cannot be read back/));
  }
});

describe("decodeSnapshot", () => {
  test("a Snapshot in YAML and in JSON", () => {
    const y = decodeSnapshot(snapshotYaml({ "K8s.server.version": "v1.33.5-eks-3025e55" }), "s.yaml");
    expect(y.measurements?.[0]?.subtypes?.[0]?.data).toEqual({ version: "v1.33.5-eks-3025e55" });
    const j = decodeSnapshot(JSON.stringify(y), "s.json");
    expect(j).toEqual(y);
  });

  test("no kind but a measurements list is read as a snapshot (hand-written and older snapshots omit it)", () => {
    const s = decodeSnapshot(snapshotYaml({ "OS.release.ID": "ubuntu" }, { kind: null }), "s.yaml");
    expect(s.kind).toBe("Snapshot");
    expect(s.measurements).toHaveLength(1);
  });

  const refused: [string, string, RegExp][] = [
    ["a resolved recipe", "kind: RecipeResult\ncomponentRefs: []\ndeploymentOrder: []\n", /s\.yaml is a resolved recipe \(kind RecipeResult\), not a Snapshot/],
    ["an overlay", "kind: RecipeMetadata\nmetadata: {name: x}\n", /is a recipe overlay \(kind RecipeMetadata\), not a Snapshot/],
    ["an odd kind", "kind: Pod\n", /is a document of kind "Pod", not a Snapshot/],
    ["no kind, no measurements", "apiVersion: v1\n", /has neither kind: Snapshot nor a measurements list/],
    ["a list", "- a\n- b\n", /is not a Snapshot document/],
    ["an empty file", "", /is not a Snapshot document/],
  ];
  for (const [what, text, why] of refused) test(`${what} is refused`, () => expect(caught(() => decodeSnapshot(text, "s.yaml")).message).toMatch(why));

  test("malformed YAML names file:line:col", () => {
    expect(caught(() => decodeSnapshot("kind: Snapshot\nmeasurements: [\n", "s.yaml")).message).toMatch(/^malformed YAML in s\.yaml:\d+:\d+: /);
  });

  test("a schema error names file:line:col and the field", () => {
    expect(caught(() => decodeSnapshot("kind: Snapshot\nmeasurements:\n  - type: K8s\n    subtypes: 5\n", "s.yaml")).message).toMatch(/s\.yaml:4:15: measurements\[0\]\.subtypes: expected Array/);
  });
});

describe("decodeRecipeResult", () => {
  const recipeText = () => formatRecipe(resolveLeaf("h100-kind-training").result, "yaml");

  test("a recipe written by `aicr recipe` reads back, YAML and JSON", () => {
    const r = decodeRecipeResult(recipeText(), "r.yaml");
    expect(r.kind).toBe("RecipeResult");
    expect(r.constraints).toEqual([{ name: "K8s.server.version", value: ">= 1.34" }]);
    const j = decodeRecipeResult(formatRecipe(resolveLeaf("h100-kind-training").result, "json"), "r.json");
    expect(j.constraints).toEqual(r.constraints);
    expect(j.validation).toEqual(r.validation);
  });

  const refused: [string, string, RegExp][] = [
    ["an overlay", "kind: RecipeMetadata\napiVersion: aicr.nvidia.com/v1alpha1\nmetadata: {name: eks}\nspec: {}\n", /r\.yaml is a recipe overlay \(kind RecipeMetadata\), not a resolved recipe \(kind RecipeResult\): generate one with "aicr recipe/],
    ["a mixin", "kind: RecipeMixin\n", /is a recipe mixin \(kind RecipeMixin\), not a resolved recipe/],
    ["a snapshot", "kind: Snapshot\nmeasurements: []\n", /is a snapshot \(kind Snapshot\), not a resolved recipe/],
    ["a criteria file", "kind: RecipeCriteria\nspec: {service: eks}\n", /is a criteria file \(kind RecipeCriteria\), not a resolved recipe/],
    ["no kind", "componentRefs: []\ndeploymentOrder: []\n", /r\.yaml has no kind: --recipe takes a resolved recipe \(kind RecipeResult\)/],
    ["a scalar", "hello\n", /r\.yaml is not a resolved recipe/],
  ];
  for (const [what, text, why] of refused) test(`${what} is refused`, () => expect(caught(() => decodeRecipeResult(text, "r.yaml")).message).toMatch(why));

  test("a RecipeResult missing required fields names them", () => {
    expect(caught(() => decodeRecipeResult("kind: RecipeResult\n", "r.yaml")).message).toMatch(/componentRefs: required field is missing/);
  });
});

describe("tolerations", () => {
  const cases: [string[], object[]][] = [
    [[], [{ operator: "Exists" }]],
    [["dedicated=sys:NoSchedule"], [{ operator: "Equal", effect: "NoSchedule", key: "dedicated", value: "sys" }]],
    [["onlykey:NoExecute"], [{ operator: "Exists", effect: "NoExecute", key: "onlykey" }]],
    [[":NoSchedule"], [{ operator: "Exists", effect: "NoSchedule" }]],
    [["k=:PreferNoSchedule"], [{ operator: "Exists", effect: "PreferNoSchedule", key: "k" }]],
    [["a=1:NoSchedule,b:NoExecute"], [{ operator: "Equal", effect: "NoSchedule", key: "a", value: "1" }, { operator: "Exists", effect: "NoExecute", key: "b" }]],
    [["nvidia.com/gpu=present:NoSchedule"], [{ operator: "Equal", effect: "NoSchedule", key: "nvidia.com/gpu", value: "present" }]],
  ];
  for (const [input, want] of cases) test(`${JSON.stringify(input)}`, () => expect(parseTolerations(input)).toEqual(want as never));
  for (const bad of ["nocolon", "k=v:Sometimes", "k=v:", "=v:NoSchedule"]) {
    test(`"${bad}" is INVALID_REQUEST`, () => {
      const e = caught(() => parseTolerations([bad]));
      expect(e.code).toBe("INVALID_REQUEST");
      expect(e.message).toContain(`invalid --toleration "${bad}"`);
    });
  }
});

describe("node selectors", () => {
  test("key=value, empty value, value with '=', commas, last repeat wins", () => {
    expect(parseNodeSelectors(["nodeGroup=gpu", "a=", "b=c=d", "x=1,x=2"])).toEqual({ nodeGroup: "gpu", a: "", b: "c=d", x: "2" });
  });
  for (const bad of ["novalue", "=v"]) test(`"${bad}" is INVALID_REQUEST`, () => expect(caught(() => parseNodeSelectors([bad])).message).toContain(`invalid --node-selector "${bad}": expected key=value`));
});

describe("Go durations", () => {
  const ok: [string, number][] = [
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["90s", 90_000],
    ["1.5m", 90_000],
    ["500ms", 500],
    ["0", 0],
    ["2m30s", 150_000],
  ];
  for (const [s, ms] of ok) test(`${s} = ${ms} ms`, () => expect(parseGoDuration(s)).toBe(ms));
  for (const bad of ["5", "five minutes", "5 m", "", "m", "1d"]) test(`"${bad}" is rejected`, () => expect(caught(() => parseGoDuration(bad)).message).toContain("invalid value for --timeout"));

  const text: [number, string][] = [
    [0, "0s"],
    [300_000, "5m0s"],
    [120_000, "2m0s"],
    [5_400_000, "1h30m0s"],
    [1_500, "1.5s"],
    [250, "250ms"],
    [3_600_000, "1h0m0s"],
  ];
  for (const [ms, s] of text) test(`${ms} ms prints as ${s}`, () => expect(formatGoDuration(ms)).toBe(s));
});
