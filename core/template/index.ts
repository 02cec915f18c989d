/**
 * Go `text/template` for aicr: snapshot report templates (Sprig functions) and bundle manifest
 * templates (upstream's four functions). Parse once, execute with any data:
 *
 *   const t = parseTemplate(text, "snapshot");            // Sprig + Helm extras (default)
 *   const out = t.execute(snapshotTemplateData(doc), { now: () => clock });
 *   renderTemplate(manifest, data, "manifest", { base: "manifest" });
 *
 * Unknown functions are parse errors; every error is INVALID_REQUEST with Go's message shape
 * (`template: name:line:col: …`). See `values.ts` for how JavaScript values stand for Go values.
 */
import { builtinFunctions } from "./builtins.ts";
import { functionMap, Template, usableCompiled, type CompiledTemplate, type ExecuteOptions } from "./engine.ts";
import type { FunctionDef, FunctionMap } from "./functions.ts";
import { helmFunctions } from "./helm.ts";
import { manifestFunctions } from "./manifest-functions.ts";
import { sprigFunctions } from "./sprig/index.ts";

export { def, defWithContext, type CallContext, type FunctionDef, type FunctionMap, type ParamType, type TemplateFunction } from "./functions.ts";
export { GO_MAP_ZERO, GO_TYPE, GO_UNDERLYING, GoStruct, goStruct, withMapZero } from "./values.ts";
export { formatValue, sprintf } from "./format.ts";
export { snapshotTemplateData, SnapshotData, Measurement, MeasurementType, Subtype, Reading } from "./snapshot-data.ts";
export { builtinFunctions, helmFunctions, manifestFunctions, sprigFunctions };

export { Template, type CompiledTemplate, type ExecuteOptions } from "./engine.ts";

/**
 * Which functions a template starts with (the Go built-ins are always there):
 * `sprig` — Sprig v3 plus Helm's `toYaml fromYaml fromYamlArray required include tpl` (snapshot templates);
 * `manifest` — upstream's bundle manifest map (`toYaml nindent toString default`, B2.5);
 * `builtin` — nothing else.
 */
export type FunctionSet = "sprig" | "manifest" | "builtin";

export interface TemplateOptions {
  /** Starting function map (default `sprig`). */
  readonly base?: FunctionSet;
  /** Functions added to (or replacing) the base map. */
  readonly functions?: FunctionMap;
}

const baseFunctions = (base: FunctionSet): Readonly<Record<string, FunctionDef>> =>
  base === "sprig" ? { ...sprigFunctions, ...helmFunctions } : base === "manifest" ? manifestFunctions : {};

/** Parse Go template source; `name` appears in error messages (`template: name:line:col: …`). */
export function parseTemplate(text: string, name: string, opts: TemplateOptions = {}): Template {
  return Template.create(text, name, functionMap(baseFunctions(opts.base ?? "sprig"), opts.functions));
}

/** Parse `text` now so that `renderTemplate` can later execute it without parsing (see `CompiledTemplate`). */
export function compileTemplate(text: string, name: string, base: FunctionSet = "sprig"): CompiledTemplate {
  return parseTemplate(text, name, { base }).compiled(base, text);
}

/**
 * Parse and execute in one step. `compiled`, when it was made from this same text under this name and
 * function set, stands in for the parse (anything else is parsed as usual).
 */
export function renderTemplate(
  text: string,
  data: unknown,
  name: string,
  opts: TemplateOptions & ExecuteOptions & { readonly compiled?: CompiledTemplate } = {},
): string {
  // Text without any action renders as itself (as in Go); large static manifests skip the parser.
  if (!text.includes("{{")) return text;
  const base = opts.base ?? "sprig";
  const c = opts.functions === undefined ? usableCompiled(opts.compiled, text, name, base) : undefined;
  return (c ? Template.fromCompiled(c, functionMap(baseFunctions(base))) : parseTemplate(text, name, opts)).execute(data, opts);
}
