/**
 * Install/upgrade hooks taken out of a manifest template before rendering (build time): only where the
 * result is certain to equal rendering first and stripping after, as the bundle would.
 */
import { describe, expect, test } from "bun:test";
import { stripSyncHooks } from "../../core/bundle/hook-annotations.ts";
import { templateWithoutSyncHooks } from "../../core/bundle/template-hooks.ts";
import { renderTemplate } from "../../core/template/index.ts";

const doc = (annotations: string, after = "  name: x\n") =>
  `{{- $v := .Values.c }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n${annotations}${after}data:\n  k: {{ $v.k | default "d" }}\n`;

const hooks = "    helm.sh/hook: post-install,post-upgrade\n    helm.sh/hook-weight: \"5\"\n    helm.sh/hook-delete-policy: before-hook-creation\n";

/** Rendering the prepared template equals rendering the original and stripping, for a few data sets. */
function agrees(template: string, prepared: string): void {
  for (const data of [{ Values: { c: { k: "v" } } }, { Values: { c: {} } }]) {
    const rendered = renderTemplate(template, data, "m.yaml", { base: "manifest" });
    expect(renderTemplate(prepared, data, "m.yaml", { base: "manifest" })).toBe(stripSyncHooks(rendered, "m.yaml").text);
  }
}

describe("hook annotations taken out of a template", () => {
  test("the hook, its weight and policy go, and the annotations key when nothing else is under it", () => {
    const t = doc(hooks);
    const out = templateWithoutSyncHooks(t) as string;
    expect(out).not.toContain("helm.sh/hook");
    expect(out).not.toContain("annotations:");
    agrees(t, out);
  });

  test("other annotations, comments and every document of the file stay", () => {
    const t = `${doc(`    keep: me\n${hooks}    # a note\n`)}---\n${doc(hooks)}`;
    const out = templateWithoutSyncHooks(t) as string;
    expect(out).toContain("  annotations:\n    keep: me\n    # a note\n");
    expect(out.match(/helm\.sh\/hook/g)).toBeNull();
    agrees(t, out);
  });

  test("a template without hooks, or with a delete-time hook, is left to run time", () => {
    expect(templateWithoutSyncHooks(doc("    keep: me\n"))).toBeUndefined();
    expect(templateWithoutSyncHooks(doc("    helm.sh/hook: pre-delete\n"))).toBeUndefined();
    expect(templateWithoutSyncHooks(doc("    helm.sh/hook: post-install,pre-delete\n"))).toBeUndefined();
  });

  test("a template action in or right after the annotations block leaves it to run time", () => {
    expect(templateWithoutSyncHooks(doc(`${hooks}    extra: {{ .Values.c.k }}\n`))).toBeUndefined();
    expect(templateWithoutSyncHooks(doc(hooks, "{{- with .Values.c.extra }}{{ toYaml . | nindent 4 }}{{ end }}\n  name: x\n"))).toBeUndefined();
    expect(templateWithoutSyncHooks(doc(`    helm.sh/hook: {{ .Values.c.phase }}\n`))).toBeUndefined();
  });

  test("hooks outside the object's own metadata, or written across lines, are left to run time", () => {
    const podTemplate = "apiVersion: v1\nkind: Pod\nspec:\n  template:\n    metadata:\n      annotations:\n        helm.sh/hook: post-install\n";
    expect(templateWithoutSyncHooks(`{{- /* c */}}\n${podTemplate}`)).toBeUndefined();
    expect(templateWithoutSyncHooks(doc("    helm.sh/hook: post-install,\n      post-upgrade\n"))).toBeUndefined();
    expect(templateWithoutSyncHooks(doc("    helm.sh/hook: post-install,\n\n      post-upgrade\n"))).toBeUndefined();
    expect(templateWithoutSyncHooks(doc('    helm.sh/hook: "post-install\n'))).toBeUndefined();
  });
});
