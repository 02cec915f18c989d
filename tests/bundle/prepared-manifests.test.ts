/**
 * Build-time work on the embedded manifests (core/bundle/prepared-manifests.ts): every catalogue
 * manifest is prepared, and what was prepared gives exactly what run-time processing gives.
 */
import { describe, expect, test } from "bun:test";
import { stripSyncHooks } from "../../core/bundle/hook-annotations.ts";
import { manifestTemplate } from "../../core/bundle/manifest-template.ts";
import { renderManifests, templateData } from "../../core/bundle/manifests.ts";
import type { PlannedComponent } from "../../core/bundle/plan.ts";
import { preparedManifest, preparedStripped } from "../../core/bundle/prepared-manifests.ts";
import type { Values } from "../../core/bundle/value-path.ts";
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

/** Data a manifest template may see: the catalogue values, none at all, and scheduling values filled in. */
function dataVariants(path: string): Record<string, unknown>[] {
  const base = dataFor(path);
  const component = path.split("/")[1] as string;
  const values = (base["Values"] as Record<string, Record<string, unknown>>)[component] ?? {};
  const scheduling = { nodeSelector: { role: "system" }, tolerations: [{ key: "dedicated", operator: "Exists" }] };
  return [
    base,
    { Values: {}, Release: { Namespace: "ns" }, Chart: { Version: "0.1.0" } },
    { ...base, Values: { [component]: { ...values, ...scheduling, enabled: true, acceleratedTolerations: scheduling.tolerations, acceleratedNodeSelector: scheduling.nodeSelector } } },
  ];
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
      const hookFree = work?.hookFree;
      const compiled = work?.template as CompiledTemplate;
      expect((hookFree ?? compiled).name).toBe(m.path);
      for (const data of dataVariants(m.path)) {
        const parsed = renderTemplate(m.text, data, m.path, { base: "manifest" });
        // The hook-free template renders what stripping the rendered template gives.
        if (hookFree) expect(renderTemplate(hookFree.text, data, m.path, { base: "manifest", compiled: hookFree })).toBe(stripSyncHooks(parsed, m.path).text);
        else expect(renderTemplate(m.text, data, m.path, { base: "manifest", compiled })).toBe(parsed);
      }
    });
  }

  test("a render error of a manifest prepared without its hooks names the line of the manifest as written", () => {
    const path = "components/kgateway/manifests/inference-gateway.yaml";
    const m = manifests.find((x) => x.path === path) as (typeof manifests)[number];
    expect(preparedManifest(m.path, m.text)?.hookFree).toBeDefined();
    const component = { name: "kgateway", namespace: "ns", manifestFiles: [path], ref: { version: "1.0.0" } } as unknown as PlannedComponent;
    const notAMap = "not a map" as unknown as Values;
    let cause = "";
    try {
      renderManifests(store, component, notAMap, manifestTemplate);
    } catch (err) {
      cause = ((err as Error).cause as Error).message;
    }
    expect(cause).toContain(`template: ${path}:20:`);
    expect(() => renderTemplate(m.text, templateData(component, notAMap), path, { base: "manifest" })).toThrow(cause);
  });

  test("the templated manifests with install/upgrade hooks were prepared without them", () => {
    const withHooks = manifests.filter((m) => m.text.includes("{{") && /helm\.sh\/hook: *(pre|post)-(install|upgrade)/.test(m.text));
    expect(withHooks.length).toBeGreaterThanOrEqual(2);
    for (const m of withHooks) expect(preparedManifest(m.path, m.text)?.hookFree, m.path).toBeDefined();
  });

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
