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
import { AicrError, invalid } from "../errors.ts";
import { builtinFunctions } from "./builtins.ts";
import { executeTree, TemplateSet } from "./exec.ts";
import type { ListNode } from "./ast.ts";
import { toFunctionDef, type FunctionDef, type FunctionMap } from "./functions.ts";
import { helmFunctions } from "./helm.ts";
import { manifestFunctions } from "./manifest-functions.ts";
import type { Tree } from "./parser.ts";
import { Source } from "./source.ts";
import { sprigFunctions } from "./sprig/index.ts";

export { def, defWithContext, type CallContext, type FunctionDef, type FunctionMap, type ParamType, type TemplateFunction } from "./functions.ts";
export { GO_MAP_ZERO, GO_TYPE, GO_UNDERLYING, GoStruct, goStruct, withMapZero } from "./values.ts";
export { formatValue, sprintf } from "./format.ts";
export { snapshotTemplateData, SnapshotData, Measurement, MeasurementType, Subtype, Reading } from "./snapshot-data.ts";
export { builtinFunctions, helmFunctions, manifestFunctions, sprigFunctions };

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

export interface ExecuteOptions {
  /** Clock for `now` and `date` (default: the current time). */
  readonly now?: () => Date;
}

function functionMap(opts: TemplateOptions): Map<string, FunctionDef> {
  const base = opts.base ?? "sprig";
  const extra = base === "sprig" ? { ...sprigFunctions, ...helmFunctions } : base === "manifest" ? manifestFunctions : {};
  const map = new Map<string, FunctionDef>(Object.entries({ ...builtinFunctions, ...extra }));
  for (const [name, f] of Object.entries(opts.functions ?? {})) {
    if (!/^[\p{L}_][\p{L}\p{Nd}_]*$/u.test(name)) throw invalid(`template: function name ${JSON.stringify(name)} is not a valid identifier`);
    map.set(name, toFunctionDef(f));
  }
  return map;
}

/** Run `fn`, turning anything but a structured error (e.g. a stack overflow) into one. */
function guarded<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof AicrError) throw err;
    throw invalid(`template: ${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * A template parsed ahead of time, as plain data that survives JSON: the trees of `text` parsed under
 * `name` with the functions of `base` (and no others). Executing it skips the lexer and parser.
 */
export interface CompiledTemplate {
  readonly name: string;
  readonly base: FunctionSet;
  readonly text: string;
  readonly trees: readonly { readonly name: string; readonly root: ListNode }[];
}

/** A parsed template and the templates it defines (`{{define}}`, `{{block}}`). */
export class Template {
  private constructor(
    private readonly set: TemplateSet,
    /** Name of the main template. */
    readonly name: string,
  ) {}

  /** @internal use `parseTemplate` */
  static create(text: string, name: string, opts: TemplateOptions): Template {
    const set = new TemplateSet(functionMap(opts));
    guarded(name, () => set.parse(text, name));
    return new Template(set, name);
  }

  /** @internal use `renderTemplate` with `compiled` */
  static fromCompiled(compiled: CompiledTemplate): Template {
    const set = new TemplateSet(functionMap({ base: compiled.base }));
    const source = new Source(compiled.name, compiled.text);
    set.adopt(compiled.trees.map((t): Tree => ({ name: t.name, root: t.root, source })));
    return new Template(set, compiled.name);
  }

  /** The parse trees as plain data (see `CompiledTemplate`); only for templates parsed without extra functions. */
  compiled(base: FunctionSet, text: string): CompiledTemplate {
    return { name: this.name, base, text, trees: this.set.names().map((n) => ({ name: n, root: (this.set.lookup(n) as Tree).root })) };
  }

  /** Parse more source into this set (like Go's `t.New(name).Parse(text)`): its defines become available. */
  parse(text: string, name: string): this {
    guarded(name, () => this.set.parse(text, name));
    return this;
  }

  /** Names of all templates in the set, main one included. */
  templates(): string[] {
    return this.set.names();
  }

  /** Execute the main template with `data` as `.` and `$`. */
  execute(data: unknown, opts: ExecuteOptions = {}): string {
    return this.executeTemplate(this.name, data, opts);
  }

  /** Execute one named template of the set. */
  executeTemplate(name: string, data: unknown, opts: ExecuteOptions = {}): string {
    return guarded(name, () => executeTree(this.set, name, data, { now: opts.now ?? (() => new Date()) }));
  }
}

/** Parse Go template source; `name` appears in error messages (`template: name:line:col: …`). */
export function parseTemplate(text: string, name: string, opts: TemplateOptions = {}): Template {
  return Template.create(text, name, opts);
}

/** Parse `text` now so that `renderTemplate` can later execute it without parsing (see `CompiledTemplate`). */
export function compileTemplate(text: string, name: string, base: FunctionSet = "sprig"): CompiledTemplate {
  return Template.create(text, name, { base }).compiled(base, text);
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
  const c = opts.compiled;
  const usable = c !== undefined && c.text === text && c.name === name && c.base === (opts.base ?? "sprig") && opts.functions === undefined;
  return (usable ? Template.fromCompiled(c) : parseTemplate(text, name, opts)).execute(data, opts);
}
