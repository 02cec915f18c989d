/**
 * Work done on the embedded catalogue's manifests when the program was built (recipes/embed.ts): the
 * parse trees of templated manifests, and the hook-stripped form of static ones. Looked up by exact
 * text, so a manifest that differs (another catalogue, a `--data` file) is processed at run time.
 */
import { embeddedText } from "../catalogue/embedded.ts";
import type { CompiledTemplate } from "../template/engine.ts";
import { embeddedManifestWork } from "../../recipes/embed.ts" with { type: "macro" };
import type { StrippedManifest } from "./hook-annotations.ts";

export interface PreparedManifest {
  /** A templated manifest, parsed (name: its catalogue path; functions: the manifest set; text left out of the embedded JSON). */
  template?: CompiledTemplate;
  /** A static manifest after stripSyncHooks; `same` when that left the text as it was. */
  stripped?: StrippedManifest | { same: true; hasObjects: boolean };
}

const workJson = embeddedManifestWork();
let byText: Map<string, PreparedManifest> | undefined;

/** What was prepared for a manifest with exactly this text, if anything. */
export function preparedManifest(text: string): PreparedManifest | undefined {
  if (!byText) {
    byText = new Map();
    for (const [path, work] of Object.entries(JSON.parse(workJson) as Record<string, PreparedManifest>)) {
      const text = embeddedText(path);
      if (text === undefined) continue;
      byText.set(text, work.template ? { ...work, template: { ...work.template, text } } : work);
    }
  }
  return byText.get(text);
}

/** The stripped form of a prepared static manifest whose text is `text`. */
export function preparedStripped(work: PreparedManifest, text: string): StrippedManifest | undefined {
  const s = work.stripped;
  if (!s) return undefined;
  return "same" in s ? { text, hasObjects: s.hasObjects } : s;
}
