/**
 * Build-time work on the embedded manifests (core/bundle/prepared-manifests.ts): every catalogue
 * manifest is prepared, and what was prepared gives exactly what run-time processing gives.
 */
import { describe, expect, test } from "bun:test";
import { stripSyncHooks } from "../../core/bundle/hook-annotations.ts";
import { preparedManifest, preparedStripped } from "../../core/bundle/prepared-manifests.ts";
import { embeddedStore } from "../../core/catalogue/embedded.ts";
import { compileTemplate, renderTemplate, type CompiledTemplate } from "../../core/template/index.ts";

const store = embeddedStore();
const manifests = [...store.files.values()].filter((f) => /^components\/[^/]+\/manifests\//.test(f.path));

/** Template data with a component's catalogue values (as the bundler passes them). */
function dataFor(path: string): Record<string, unknown> {
  const component = path.split("/")[1] as string;
  const values = (store.files.get(`components/${component}/values.yaml`)?.values ?? {}) as Record<string, unknown>;
  return { Values: { [component]: values }, Release: { Name: component, Namespace: "ns", Service: "Helm" }, Chart: { Name: component, Version: "1.0.0" } };
}

describe("prepared manifests", () => {
  test("every manifest of the embedded catalogue was prepared at build time", () => {
    expect(manifests.length).toBeGreaterThanOrEqual(12);
    for (const m of manifests) expect(preparedManifest(m.path, m.text), m.path).toBeDefined();
  });

  for (const m of manifests) {
    test(`${m.path}: prepared work equals run-time work`, () => {
      const work = preparedManifest(m.path, m.text);
      if (!m.text.includes("{{")) {
        expect(work?.template).toBeUndefined();
        expect(preparedStripped(work ?? {}, m.text)).toEqual(stripSyncHooks(m.text, m.path));
        return;
      }
      const compiled = work?.template as CompiledTemplate;
      expect(compiled.name).toBe(m.path);
      for (const data of [dataFor(m.path), { Values: {}, Release: { Namespace: "ns" }, Chart: { Version: "0.1.0" } }]) {
        const parsed = renderTemplate(m.text, data, m.path, { base: "manifest" });
        expect(renderTemplate(m.text, data, m.path, { base: "manifest", compiled })).toBe(parsed);
      }
    });
  }

  test("a manifest whose text differs (another catalogue, --data) has nothing prepared", () => {
    const m = manifests[0];
    expect(preparedManifest(m?.path ?? "", `${m?.text}\n# edited\n`)).toBeUndefined();
    // Nor does a manifest at another path, whatever its text.
    expect(preparedManifest("components/x/manifests/elsewhere.yaml", m?.text ?? "")).toBeUndefined();
  });
});

describe("compiled templates", () => {
  const text = "a: {{ .x | default \"d\" }}\n{{- define \"t\" }}[{{ . }}]{{ end }}\nb: {{ template \"t\" .y }}\nc: {{ .z.deep }}\n";

  test("survive JSON and render as the parsed template does", () => {
    const compiled = JSON.parse(JSON.stringify(compileTemplate(text, "m.yaml", "manifest"))) as CompiledTemplate;
    const data = { x: "1", y: "2", z: { deep: 3 } };
    expect(renderTemplate(text, data, "m.yaml", { base: "manifest", compiled })).toBe("a: 1\nb: [2]\nc: 3\n");
  });

  test("execution errors point at the same place with or without compilation", () => {
    const compiled = compileTemplate(text, "m.yaml", "manifest");
    const data = { z: "not a map" };
    const message = (f: () => string) => {
      try {
        f();
      } catch (err) {
        return (err as Error).message;
      }
      return "no error";
    };
    const parsed = message(() => renderTemplate(text, data, "m.yaml", { base: "manifest" }));
    expect(parsed).toContain("template: m.yaml:4:");
    expect(message(() => renderTemplate(text, data, "m.yaml", { base: "manifest", compiled }))).toBe(parsed);
  });

  test("are used only for their own text, name and function set", () => {
    const compiled = compileTemplate("{{ .x.y }}", "one.yaml", "manifest");
    expect(renderTemplate("{{ .x.y }}", { x: { y: "a" } }, "one.yaml", { base: "manifest", compiled })).toBe("a");
    // Anything else is parsed as given: its own text, its own name in errors, its own functions.
    expect(renderTemplate("{{ .x.y }}!", { x: { y: "a" } }, "one.yaml", { base: "manifest", compiled })).toBe("a!");
    expect(() => renderTemplate("{{ .x.y }}", { x: "s" }, "two.yaml", { base: "manifest", compiled })).toThrow("template: two.yaml:1:");
    const sprig = { ...compileTemplate("{{ .x | upper }}", "one.yaml", "sprig") };
    expect(() => renderTemplate("{{ .x | upper }}", { x: "a" }, "one.yaml", { base: "manifest", compiled: sprig })).toThrow('"upper" not defined');
  });

});
