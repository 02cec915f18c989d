/**
 * Manifest rendering: each of a component's `manifestFiles` is a Go text/template executed with the
 * component's final values (`.Values.<component>`), `.Release` and `.Chart`, then cleaned of install/upgrade
 * hook annotations. Files that render to no object are dropped. The result becomes a local chart's
 * `templates/<basename>`.
 */
import { AicrError, ErrorCode, invalid, notFound } from "../errors.ts";
import type { Store } from "../catalogue/store.ts";
import { byteSorted } from "../yaml.ts";
import type { CompiledTemplate } from "../template/engine.ts";
import { stripSyncHooks } from "./hook-annotations.ts";
import { preparedManifest, preparedStripped } from "./prepared-manifests.ts";
import type { PlannedComponent } from "./plan.ts";
import type { Values } from "./value-path.ts";

/**
 * Go text/template execution (core/template): template text, data (dot), template name for messages,
 * and the text's parse trees when they were prepared at build time.
 */
export type TemplateRenderer = (text: string, data: Record<string, unknown>, name: string, compiled?: CompiledTemplate) => string;

export interface RenderedManifest {
  /** Catalogue path of the source file. */
  source: string;
  /** File name under `templates/`. */
  name: string;
  content: string;
}

/** `.Chart.Version`: the component version without a leading `v`; empty means 0.1.0. */
export function chartVersionOf(version: string | undefined): string {
  const v = (version ?? "").trim().replace(/^v/, "");
  return v === "" ? "0.1.0" : v;
}

/** The data a manifest template sees. */
export function templateData(component: PlannedComponent, values: Values): Record<string, unknown> {
  return {
    Values: { [component.name]: values },
    Release: { Name: component.name, Namespace: component.namespace, Service: "Helm" },
    Chart: { Name: component.chart?.name ?? component.name, Version: chartVersionOf(component.ref.version) },
  };
}

const basename = (p: string) => p.slice(p.lastIndexOf("/") + 1);

/**
 * Text that Helm renders again when it installs the local chart: a literal `{{` left in a rendered
 * manifest must reach the cluster as written, so it is escaped for that second pass.
 */
export const escapeForHelm = (text: string): string => text.replace(/\{\{/g, '{{ "{{" }}');

export function renderManifests(store: Store, component: PlannedComponent, values: Values, render: TemplateRenderer): RenderedManifest[] {
  const data = templateData(component, values);
  const byName = new Map<string, string>();
  const out: RenderedManifest[] = [];
  for (const source of byteSorted([...component.manifestFiles])) {
    const name = basename(source);
    const prior = byName.get(name);
    if (prior !== undefined) throw invalid(`manifest basename collision in component "${component.name}": ${prior} and ${source}`);
    byName.set(name, source);
    const file = store.files.get(source);
    if (!file) throw notFound(`manifest file ${source} of component "${component.name}" not found in the catalogue`);
    const prepared = preparedManifest(source, file.text);
    let stripped = prepared && preparedStripped(prepared, file.text);
    if (!stripped) {
      let rendered: string | undefined;
      const hookFree = prepared?.hookFree;
      if (hookFree) {
        try {
          rendered = render(hookFree.text, data, source, hookFree);
        } catch {
          // Reported below by the template as written (parsed now), whose positions the message names.
        }
      }
      if (rendered === undefined) {
        try {
          rendered = render(file.text, data, source, prepared?.template);
        } catch (err) {
          throw new AicrError(ErrorCode.InvalidRequest, `failed to render manifest ${source} of component "${component.name}"`, { cause: err });
        }
      }
      stripped = stripSyncHooks(rendered, source);
    }
    if (!stripped.hasObjects) continue;
    out.push({ source, name, content: stripped.text.endsWith("\n") ? stripped.text : `${stripped.text}\n` });
  }
  return out;
}
