/**
 * Duplicate keys are always reported, whichever way a document is checked: the native key count that
 * lets most documents skip the line scanner must never let a repeated key through. Every YAML file of
 * the catalogue, a generated recipe and hand-written edge cases are read as they are (no error) and with
 * one key line repeated (an error naming the repeat).
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { embeddedStore } from "../../core/catalogue/embedded.ts";
import { resolveRecipe } from "../../core/recipe/resolve.ts";
import { formatRecipe } from "../../core/recipe/render.ts";
import { certainlyNoDuplicateKeys, parseYaml } from "../../core/yaml.ts";

const catalogue = join(import.meta.dir, "..", "..", "recipes");

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return yamlFiles(full);
      return name.endsWith(".yaml") ? [full] : [];
    });
}

/** A catalogue manifest may hold several documents; the reader takes one, so only single documents count. */
const singleDocument = (text: string) => !/^---/m.test(text.replace(/^(?:\s*#.*\n|\s*\n)*---[^\n]*\n/, ""));

/** Lines holding `key: scalar` (a value on the line, so a copy right after it repeats the key in the same map). */
function scalarEntryLines(text: string): number[] {
  const lines = text.split("\n");
  const out: number[] = [];
  let blockIndent = -1;
  lines.forEach((line, i) => {
    const indent = line.length - line.trimStart().length;
    if (blockIndent >= 0) {
      if (line.trim() === "" || indent > blockIndent) return;
      blockIndent = -1;
    }
    const m = /^(\s*)(?:- +)?([A-Za-z0-9_.\/"'-][^:#]*):\s+(\S.*)$/.exec(line);
    if (!m) return;
    if (/^[|>]/.test(m[3] as string)) {
      blockIndent = indent;
      return;
    }
    // A sequence item's first key would be copied as a new item, not a repeat: skip those lines.
    if (!line.trimStart().startsWith("- ")) out.push(i);
  });
  return out;
}

const repeatLine = (text: string, i: number) => {
  const lines = text.split("\n");
  lines.splice(i + 1, 0, lines[i] as string);
  return lines.join("\n");
};

const throwsDuplicate = (text: string, name: string) => expect(() => parseYaml(text, name)).toThrow("Map keys must be unique");

describe("duplicate keys", () => {
  const files = yamlFiles(catalogue)
    .map((f) => ({ name: f.slice(catalogue.length + 1), text: readFileSync(f, "utf8") }))
    // Templates are YAML only once rendered.
    .filter((f) => singleDocument(f.text) && !f.text.includes("{{"));
  const store = embeddedStore();
  const recipe = formatRecipe(
    resolveRecipe(store, { service: "eks", accelerator: "gb200", os: "ubuntu", intent: "inference", platform: "dynamo", nodes: 0 }).result,
    "yaml",
  );
  const documents = [...files, { name: "recipe.yaml", text: recipe }];

  test("the catalogue and a generated recipe read without error; the recipe takes the native count", () => {
    expect(files.length).toBeGreaterThan(40);
    for (const d of documents) expect(() => parseYaml(d.text, d.name), d.name).not.toThrow();
    expect(certainlyNoDuplicateKeys(recipe, Bun.YAML.parse(recipe))).toBe(true);
  });

  test("any one repeated key line of any of them is an error", () => {
    let mutants = 0;
    for (const d of documents) {
      const lines = scalarEntryLines(d.text);
      // Every line of small files; an even spread over large ones.
      const step = Math.max(1, Math.floor(lines.length / 40));
      for (let k = 0; k < lines.length; k += step) {
        throwsDuplicate(repeatLine(d.text, lines[k] as number), `${d.name} line ${(lines[k] as number) + 1}`);
        mutants++;
      }
    }
    expect(mutants).toBeGreaterThan(500);
  });

  test("edge cases of key syntax are counted, or sent to the line scanner", () => {
    const cases = [
      "a#b: 1\na#b: 2\n",
      '"a\\"b": 1\n"a\\"b": 2\n',
      "'it''s': 1\n'it''s': 2\n",
      "a: 1\r\nb: 2\r\na: 3\r\n",
      "l:\n-\tk: 1\n \tk: 2\n",
      "l:\n  - k: 1\n    k: 2\n",
      "a: |\n  x: 1\n  y: 2\nb: 1\nb: 2\n",
      "-x: 1\n-x: 2\n",
      "a: {}\nb: []\nb: 1\n",
      "a: http://x\nc: 1\nc: 2\n",
      "a: 'quoted: colon'\na: 2\n",
    ];
    for (const text of cases) {
      let value: unknown;
      try {
        value = Bun.YAML.parse(text);
      } catch {
        continue; // not read natively at all: the full parser decides
      }
      expect(certainlyNoDuplicateKeys(text, value), JSON.stringify(text)).toBe(false);
      throwsDuplicate(text, JSON.stringify(text));
    }
  });
});
