/** Query criteria parsing, and the YAML/JSON reading and writing rules the engine relies on. */
import { describe, expect, test } from "bun:test";
import { anyCriteria, applyCriteria, parseCriterion, querySpecificity } from "../../core/recipe/criteria.ts";
import { byteCompare, byteSorted, InKeyOrder, naturalCompare, parseYaml, stringifyJson, stringifyYaml } from "../../core/yaml.ts";
import { decodeEntries } from "../../core/catalogue/entry.ts";
import { caught } from "./helpers.ts";

describe("query criteria", () => {
  test("values are trimmed, lower-cased and aliases mapped", () => {
    expect(parseCriterion("service", "  EKS ")).toBe("eks");
    expect(parseCriterion("service", "self-managed")).toBe("any");
    expect(parseCriterion("service", "")).toBe("any");
    expect(parseCriterion("os", "AL2")).toBe("amazonlinux");
    expect(parseCriterion("accelerator", "any")).toBe("any");
  });

  test("an unknown value is INVALID_REQUEST listing the allowed values", () => {
    const err = caught(() => parseCriterion("platform", "slurm"));
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toBe('invalid platform type: "slurm" (allowed: dynamo, kubeflow)');
  });

  test("applyCriteria overwrites only the given fields; negative nodes are rejected only on request", () => {
    const base = applyCriteria(anyCriteria(), { service: "eks", nodes: 8 });
    expect(applyCriteria(base, { intent: "training", service: "" })).toEqual({
      service: "eks",
      accelerator: "any",
      intent: "training",
      os: "any",
      platform: "any",
      nodes: 8,
    });
    expect(applyCriteria(base, { nodes: -1 }).nodes).toBe(8);
    expect(caught(() => applyCriteria(base, { nodes: -1 }, { rejectNegativeNodes: true })).message).toBe("invalid nodes: -1 (must be 0 or more)");
    expect(querySpecificity(base)).toBe(2);
  });
});

describe("YAML reading", () => {
  test("typed string fields keep the source text of plain scalars", () => {
    const [entry] = decodeEntries(
      [{ path: "overlays/x.yaml", text: "kind: RecipeMetadata\nmetadata:\n  name: x\nspec:\n  componentRefs:\n    - name: a\n      version: 1.10\n      overrides:\n        replicas: 1.10\n" }],
      "external",
    );
    const ref = entry?.kind === "recipe" ? entry.doc.spec?.componentRefs?.[0] : undefined;
    expect(ref?.version).toBe("1.10");
    // Free-form overrides keep YAML types.
    expect(ref?.overrides).toEqual({ replicas: 1.1 });
  });

  test("syntax errors and duplicate keys carry file:line:col", () => {
    expect(caught(() => parseYaml("a: 1\nb: [\n", "f.yaml")).message).toMatch(/^malformed YAML in f\.yaml:3:1: /);
    expect(caught(() => parseYaml("a:\n  b: 1\n  b: 2\n", "g.yaml")).message).toBe("malformed YAML in g.yaml:3:3: Map keys must be unique");
  });
});

describe("output", () => {
  test("byte order: the default sort gives exactly sort(byteCompare), non-ASCII and astral characters included", () => {
    const alphabet = ["a", "B", "-", "/", "0", "9", "_", "~", "é", "Ω", "\u{1F600}", "\uFFFD", "."];
    let seed = 11;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const words = Array.from({ length: 3000 }, () => {
      let w = "";
      for (let n = next() % 6; n >= 0; n--) w += alphabet[next() % alphabet.length];
      return w;
    });
    expect(byteSorted([...words])).toEqual([...words].sort(byteCompare));
  });

  test("natural key order: digit runs by value, non-letters before letters, k8s- before kai-", () => {
    expect(["a10", "a2", "Zx", "_x", "kai-scheduler", "k8s-metrics"].sort(naturalCompare)).toEqual(["_x", "Zx", "a2", "a10", "k8s-metrics", "kai-scheduler"]);
  });

  test("YAML quoting: ambiguous strings double-quoted, indicator-led strings single-quoted", () => {
    expect(stringifyYaml({ a: ">= 1.32.4", b: "24.04", c: "", d: "yes", e: "< 2.0", f: "plain" })).toBe(
      "a: '>= 1.32.4'\nb: \"24.04\"\nc: \"\"\nd: \"yes\"\ne: < 2.0\nf: plain\n",
    );
  });

  test("multi-line strings: a literal block where one can hold them, else one double-quoted line", () => {
    const value = { block: "one\ntwo\n", "key\nwith break": 1, trailing: "space \nbefore break", crlf: "a\r\nb", tab: "a\tb\nc" };
    const text = stringifyYaml(value, { indent: 4 });
    expect(text).toBe(
      'block: |\n    one\n    two\n"key\\nwith break": 1\ntrailing: "space \\nbefore break"\ncrlf: "a\\r\\nb"\ntab: "a\\tb\\nc"\n',
    );
    expect(parseYaml(text, "t.yaml").value).toEqual(value);
  });

  test("a string repeated as key and value is written for each place (block value, quoted key)", () => {
    const s = "line one\nline two";
    // The same short strings again and again, as keys and as values, in either order.
    for (const value of [{ [s]: s, k: s }, { k: s, [s]: s }, { a: "yes", yes: "a" }]) {
      expect(parseYaml(stringifyYaml(value), "t.yaml").value).toEqual(value);
    }
    // Written as a key first, the string is still a block when it comes again as a value.
    expect(stringifyYaml({ [s]: s, k: s })).toBe('"line one\\nline two": |-\n  line one\n  line two\nk: |-\n  line one\n  line two\n');
  });

  test("YAML sequences are indented under their key; query uses 4 spaces", () => {
    expect(stringifyYaml({ a: { b: [1, 2] } })).toBe("a:\n  b:\n    - 1\n    - 2\n");
    expect(stringifyYaml({ a: { b: [1, 2] } }, { indent: 4 })).toBe("a:\n    b:\n        - 1\n        - 2\n");
  });

  test("key order while writing: every map in natural order, digit-only keys included, lists kept", () => {
    const value = { z: { b: 1, a: [{ q: 1, p: 2 }, "s"] }, "10": "ten", "9b": "nine", a10: [], a2: {} };
    expect(stringifyYaml(value, { order: "natural" })).toBe(
      "9b: nine\n\"10\": ten\na2: {}\na10: []\nz:\n  a:\n    - p: 2\n      q: 1\n    - s\n  b: 1\n",
    );
    expect(stringifyYaml({ b: 1, a: 2 })).toBe("b: 1\na: 2\n");
  });

  test("a part of a document can have its keys ordered while the rest keeps its own order", () => {
    const doc = { kind: "HelmRelease", spec: { timeout: "10m", values: new InKeyOrder({ z: 1, w: { d: 1, c: [{ q: 1, p: 2 }] } }, "natural") } };
    expect(stringifyYaml(doc)).toBe("kind: HelmRelease\nspec:\n  timeout: 10m\n  values:\n    w:\n      c:\n        - p: 2\n          q: 1\n      d: 1\n    z: 1\n");
  });

  test("JSON escapes <, > and & as Go does", () => {
    expect(stringifyJson({ v: ">= 1 & < 2" })).toBe('{\n  "v": "\\u003e= 1 \\u0026 \\u003c 2"\n}\n');
  });
});
