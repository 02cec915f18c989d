/**
 * The default manifest renderer: Go text/template with upstream's manifest function map (B2.5) and
 * nothing more, so bundling does not load the Sprig set. Compiled templates (prepared at build time)
 * stand in for the parse when they match the text.
 */
import { functionMap, Template, usableCompiled, type CompiledTemplate } from "../template/engine.ts";
import type { FunctionDef } from "../template/functions.ts";
import { manifestFunctions } from "../template/manifest-functions.ts";
import type { TemplateRenderer } from "./manifests.ts";

/** The function set's name, as core/template/index.ts calls the same set. */
const MANIFEST_SET = "manifest";

let functions: Map<string, FunctionDef> | undefined;
const manifestSet = () => (functions ??= functionMap(manifestFunctions));

export const manifestTemplate: TemplateRenderer = (text, data, name, compiled) => {
  // Text without any action renders as itself (as in Go).
  if (!text.includes("{{")) return text;
  const c = usableCompiled(compiled, text, name, MANIFEST_SET);
  return (c ? Template.fromCompiled(c, manifestSet()) : Template.create(text, name, manifestSet())).execute(data);
};

/** Parse a manifest template now, for `manifestTemplate` to execute later without parsing. */
export function compileManifestTemplate(text: string, name: string): CompiledTemplate {
  return Template.create(text, name, manifestSet()).compiled(MANIFEST_SET, text);
}
