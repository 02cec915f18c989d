/**
 * Work done on the embedded catalogue's manifests when the program was built (recipes/embed.ts): the
 * parse trees of templated manifests, and the hook-stripped form of static ones. Looked up by path and
 * used only for the exact embedded text, so a manifest that differs (another catalogue, a `--data`
 * file) is processed at run time.
 */
import { embeddedText } from "../catalogue/embedded.ts";
import type { CompiledTemplate } from "../template/engine.ts";
import { embeddedManifestWork } from "../../recipes/embed.ts" with { type: "macro" };
import type { StrippedManifest } from "./hook-annotations.ts";

export interface PreparedManifest {
  /** A templated manifest, parsed (name: its catalogue path; functions: the manifest set; text left out of the embedded JSON). */
  template?: CompiledTemplate;
  /**
   * Instead of `template`: the template with its install/upgrade hook annotations taken out
   * (core/bundle/template-hooks.ts), parsed, text included. Rendering it gives the stripped result
   * without the stripping's edits; an error is reported by parsing the template as written.
   */
  hookFree?: CompiledTemplate;
  /** A static manifest after stripSyncHooks; `same` when that left the text as it was. */
  stripped?: StrippedManifest | { same: true; hasObjects: boolean };
}

/** Path -> JSON text of the work on that manifest. */
const workJson: Record<string, string> = embeddedManifestWork();
const parsed = new Map<string, PreparedManifest>();

/** What was prepared for the manifest at `path` when its text is exactly `text`, if anything. */
export function preparedManifest(path: string, text: string): PreparedManifest | undefined {
  if (!Object.hasOwn(workJson, path) || embeddedText(path) !== text) return undefined;
  let work = parsed.get(path);
  if (!work) {
    work = JSON.parse(workJson[path] as string) as PreparedManifest;
    if (work.template) work = { ...work, template: { ...work.template, text } };
    parsed.set(path, work);
  }
  return work;
}

/** The stripped form of a prepared static manifest whose text is `text`. */
export function preparedStripped(work: PreparedManifest, text: string): StrippedManifest | undefined {
  const s = work.stripped;
  if (!s) return undefined;
  return "same" in s ? { text, hasObjects: s.hasObjects } : s;
}
