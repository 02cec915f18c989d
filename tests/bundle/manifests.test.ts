/** Manifest post-processing: hook annotations, empty renders, Helm's second rendering pass. */
import { describe, expect, test } from "bun:test";
import { stripSyncHooks } from "../../core/bundle/hook-annotations.ts";
import { chartVersionOf, escapeForHelm } from "../../core/bundle/manifests.ts";
import { renderTemplate } from "../../core/template/index.ts";

const obj = (annotations: string) =>
  `# leading comment\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n${annotations}  labels:\n    a: b\ndata:\n  k: v # kept\n`;

describe("install/upgrade hook annotations", () => {
  test("are removed with their weight and delete policy; other annotations and comments stay", () => {
    const src = obj(
      '    helm.sh/hook: post-install,post-upgrade\n    helm.sh/hook-weight: "10"\n    keep.me/too: "yes"\n    helm.sh/hook-delete-policy: before-hook-creation\n',
    );
    const out = stripSyncHooks(src, "x.yaml");
    expect(out.hasObjects).toBe(true);
    expect(out.text).toBe(obj('    keep.me/too: "yes"\n'));
  });

  test("an annotations map left empty goes too", () => {
    const out = stripSyncHooks(obj("    helm.sh/hook: pre-install\n"), "x.yaml");
    expect(out.text).toBe("# leading comment\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    a: b\ndata:\n  k: v # kept\n");
  });

  test("delete-time phases stay, and so do weight and policy", () => {
    const src = obj('    helm.sh/hook: post-install,pre-delete\n    helm.sh/hook-weight: "5"\n');
    expect(stripSyncHooks(src, "x.yaml").text).toBe(obj('    helm.sh/hook: pre-delete\n    helm.sh/hook-weight: "5"\n'));
    const del = obj("    helm.sh/hook: post-delete\n");
    expect(stripSyncHooks(del, "x.yaml").text).toBe(del);
  });

  test("every document of a multi-document file is handled", () => {
    const doc = (n: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${n}\n  annotations:\n    helm.sh/hook: pre-upgrade\n`;
    expect(stripSyncHooks(`${doc("a")}---\n${doc("b")}`, "x.yaml").text).toBe("apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n");
  });

  test("files with only comments, blanks and separators hold no objects", () => {
    expect(stripSyncHooks("# nothing here\n\n---\n# still nothing\n", "x.yaml").hasObjects).toBe(false);
    expect(stripSyncHooks("", "x.yaml").hasObjects).toBe(false);
  });

  test("a rendered file that is not Kubernetes YAML is an error naming it", () => {
    expect(() => stripSyncHooks("a: [1,\n", "bad.yaml")).toThrow("rendered manifest bad.yaml is not valid YAML");
    expect(() => stripSyncHooks("- a\n- b\n", "list.yaml")).toThrow("rendered manifest list.yaml: document 1 is not a Kubernetes object");
    expect(() => stripSyncHooks("name: x\n", "nokind.yaml")).toThrow("document 1 has no apiVersion or kind");
    expect(() => stripSyncHooks("apiVersion: v1\nkind: X\nmetadata: {annotations: {helm.sh/hook: post-install}}\n", "flow.yaml")).toThrow(
      "flow-style map",
    );
  });
});

describe("local chart templates", () => {
  test("a literal {{ survives Helm's rendering of the local chart", () => {
    const rendered = 'data:\n  greeting: "{{ not a template }}"\n';
    const escaped = escapeForHelm(rendered);
    expect(escaped).not.toBe(rendered);
    expect(renderTemplate(escaped, {}, "helm-pass", { base: "manifest" })).toBe(rendered);
  });

  test("nindent starts a new line and indents every line but the empty ones (upstream's manifest nindent)", () => {
    const text = '{{ nindent 4 "a: 1\\n\\nb:\\n  c: 2\\n" }}';
    expect(renderTemplate(text, {}, "nindent", { base: "manifest" })).toBe("\n    a: 1\n\n    b:\n      c: 2\n");
    expect(renderTemplate('{{ nindent 2 "" }}|{{ nindent 0 "x" }}', {}, "nindent", { base: "manifest" })).toBe("\n|\nx");
  });

  test(".Chart.Version drops a leading v and defaults to 0.1.0", () => {
    expect(chartVersionOf("v25.10.1")).toBe("25.10.1");
    expect(chartVersionOf("2.1.0")).toBe("2.1.0");
    expect(chartVersionOf("")).toBe("0.1.0");
    expect(chartVersionOf(undefined)).toBe("0.1.0");
  });
});
