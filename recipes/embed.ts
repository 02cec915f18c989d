/**
 * Build-time loader of the embedded catalogue and of the other files the program carries (the helm
 * deployer's scripts, the agent's manifests, the version). Imported with `{ type: "macro" }`, so Bun runs
 * it while bundling: the decoded catalogue is inlined into the program as data and no YAML is parsed at
 * run time, and files are constants rather than text imports (which the compiled CLI loaded slowly, about
 * 0.3 ms per file).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { PreparedManifest } from "../core/bundle/prepared-manifests.ts";
import { stripSyncHooks } from "../core/bundle/hook-annotations.ts";
import { templateWithoutSyncHooks } from "../core/bundle/template-hooks.ts";
import { decodeEntries, type CatalogueEntry } from "../core/catalogue/entry.ts";
import { compileManifestTemplate } from "../core/bundle/manifest-template.ts";
import type { CompiledTemplate } from "../core/template/engine.ts";

/** The files of a catalogue that are embedded: YAML under the catalogue layout, nothing else. */
export const embeddedPattern =
  /^(?:overlays\/[^/]+\.yaml|mixins\/[^/]+\.yaml|registry\.yaml|validators\/catalog\.yaml|components\/[^/]+\/[^/]+\.yaml|components\/[^/]+\/manifests\/[^/]+\.yaml|checks\/[^/]+\/[^/]+\.yaml)$/;

export function catalogueFiles(root: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const rel = relative(root, full).split(sep).join("/");
        if (embeddedPattern.test(rel)) out.push({ path: rel, text: readFileSync(full, "utf8") });
      }
    }
  };
  walk(root);
  return out;
}

const isRecipeSide = (e: CatalogueEntry) => e.kind === "recipe" || e.kind === "mixin";

/**
 * Macro entry point: the embedded files, decoded, as JSON text (the program parses it with JSON.parse,
 * which starts faster than evaluating the equivalent object literal): `recipes` (base, overlays, mixins,
 * parsed only when a command resolves recipes), `data` (everything else), or `order` (every path, in
 * catalogue order).
 */
export function embeddedCatalogue(part: "recipes" | "data" | "order"): string {
  const entries: CatalogueEntry[] = decodeEntries(catalogueFiles(import.meta.dir), "embedded", { parseValues: true });
  if (part === "order") return JSON.stringify(entries.map((e) => e.path));
  // Texts of parsed values files are not needed at run time; manifest texts come separately (below).
  // Values go as JSON text when JSON carries them exactly: copies are then parsed, not cloned.
  const slim = entries
    .filter((e) => isRecipeSide(e) === (part === "recipes"))
    .map((e) => {
      if (e.kind !== "component-file") return e;
      const json = e.values === undefined ? undefined : JSON.stringify(e.values);
      if (json === undefined || !Bun.deepEquals(JSON.parse(json), e.values, true)) return { ...e, text: "" };
      const { values: _parsed, ...rest } = e;
      return { ...rest, text: "", valuesJson: json };
    });
  // Data in path order, the order a store walks it in (core/catalogue/store.ts walkOrder).
  if (part === "data") slim.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return JSON.stringify(slim);
}

/**
 * Macro entry point: path -> text of the component files that are manifests (`manifests: true`) or the
 * other ones (values files, whose parsed form is embedded already). Manifests come as an object literal:
 * a bundle reads a few of them, and string constants cost less than parsing their JSON.
 */
export function embeddedTexts(manifests: boolean): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const f of catalogueFiles(import.meta.dir)) {
    if (f.path.includes("components/") && f.path.includes("/manifests/") === manifests) texts[f.path] = f.text;
  }
  return texts;
}

/** Macro entry point: `embeddedTexts` as JSON text, parsed only when a command needs one of them. */
export function embeddedTextsJson(manifests: boolean): string {
  return JSON.stringify(embeddedTexts(manifests));
}

/** Macro entry point: name -> text of every example template under templates/ (`builtin:NAME` sources). */
export function embeddedTemplates(): string {
  const dir = join(import.meta.dir, "templates");
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith(".tmpl")) out[name] = readFileSync(join(dir, name), "utf8");
  }
  return JSON.stringify(out);
}

/**
 * Macro entry point: build-time work on every component manifest, by path (see
 * core/bundle/prepared-manifests.ts): parse trees of the templated ones, the hook-stripped form of the
 * static ones, each as its own JSON text (a bundle parses only the ones it uses). A manifest this step
 * cannot handle is left out and processed at run time as before.
 */
export function embeddedManifestWork(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of catalogueFiles(import.meta.dir)) {
    if (!/^components\/[^/]+\/manifests\//.test(f.path)) continue;
    try {
      if (f.text.includes("{{")) {
        // The template without its install/upgrade hooks when taking them out before rendering gives the
        // same result (core/bundle/template-hooks.ts), text included; otherwise the template itself, its
        // text left out (the program has it: prepared-manifests.ts puts it back).
        const hookFreeText = templateWithoutSyncHooks(f.text);
        const work: PreparedManifest =
          hookFreeText !== undefined
            ? { hookFree: compileManifestTemplate(hookFreeText, f.path) }
            : { template: { ...compileManifestTemplate(f.text, f.path), text: "" } satisfies CompiledTemplate };
        // Only trees that survive JSON unchanged (a bigint constant would not).
        if (Bun.deepEquals(JSON.parse(JSON.stringify(work)), work)) out[f.path] = JSON.stringify(work);
      } else {
        const s = stripSyncHooks(f.text, f.path);
        const work: PreparedManifest = { stripped: s.text === f.text ? { same: true, hasObjects: s.hasObjects } : s };
        out[f.path] = JSON.stringify(work);
      }
    } catch {
      // Invalid here means invalid at run time too: the error is reported there, with its context.
    }
  }
  return out;
}

/** The repository root (this file sits in recipes/). */
const repoRoot = join(import.meta.dir, "..");

/** Macro entry point: the text of a file of the repository, by its path from the root. */
export function embeddedFile(path: string): string {
  return readFileSync(join(repoRoot, path), "utf8");
}

/** Macro entry point: `version` of package.json. */
export function embeddedVersion(): string {
  return (JSON.parse(embeddedFile("package.json")) as { version: string }).version;
}
