/**
 * The template engine without any function set: a parsed template (and the templates it defines), its
 * compiled plain-data form, and error shaping. index.ts gives it the Sprig, Helm and manifest function
 * sets; core/bundle/manifest-template.ts only the manifest set (so bundling loads nothing more).
 */
import { AicrError, invalid } from "../errors.ts";
import type { ListNode } from "./ast.ts";
import { builtinFunctions } from "./builtins.ts";
import { executeTree, TemplateSet } from "./exec.ts";
import { toFunctionDef, type FunctionDef, type FunctionMap } from "./functions.ts";
import type { Tree } from "./parser.ts";
import { Source } from "./source.ts";

export interface ExecuteOptions {
  /** Clock for `now` and `date` (default: the current time). */
  readonly now?: () => Date;
}

/** The Go built-ins, then `base`, then `extra` (which may replace any of them). */
export function functionMap(base: Readonly<Record<string, FunctionDef>>, extra: FunctionMap = {}): Map<string, FunctionDef> {
  const map = new Map<string, FunctionDef>(Object.entries({ ...builtinFunctions, ...base }));
  for (const [name, f] of Object.entries(extra)) {
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
 * `name` with the function set called `base` (and no others). Executing it skips the lexer and parser.
 */
export interface CompiledTemplate {
  readonly name: string;
  readonly base: string;
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

  /** Parse `text` as template `name` with the functions `funcs`. */
  static create(text: string, name: string, funcs: Map<string, FunctionDef>): Template {
    const set = new TemplateSet(funcs);
    guarded(name, () => set.parse(text, name));
    return new Template(set, name);
  }

  /** A compiled template, with the functions of the set it was compiled with. */
  static fromCompiled(compiled: CompiledTemplate, funcs: Map<string, FunctionDef>): Template {
    const set = new TemplateSet(funcs);
    const source = new Source(compiled.name, compiled.text);
    set.adopt(compiled.trees.map((t): Tree => ({ name: t.name, root: t.root, source })));
    return new Template(set, compiled.name);
  }

  /** The parse trees as plain data (see `CompiledTemplate`); `base` names the function set it was parsed with. */
  compiled(base: string, text: string): CompiledTemplate {
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

/** `compiled` when it was made from exactly this text, name and function set (else undefined: parse). */
export function usableCompiled(compiled: CompiledTemplate | undefined, text: string, name: string, base: string): CompiledTemplate | undefined {
  return compiled !== undefined && compiled.text === text && compiled.name === name && compiled.base === base ? compiled : undefined;
}
