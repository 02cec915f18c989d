/**
 * The shape of template functions: a parameter list with Go-like types (arguments are checked and
 * converted the way Go's reflection-based calls do) and an implementation. Callers extend a function
 * map with either full definitions or plain JavaScript functions (variadic, untyped).
 */

/**
 * Parameter types: `any` is `interface{}` (a missing value arrives as `null`); `value` is
 * `reflect.Value` (the raw value, `undefined` when missing); the others must match.
 */
export type ParamType = "any" | "value" | "string" | "int" | "float" | "bool" | "list" | "map";

/** What a function can ask of the running template. */
export interface CallContext {
  /** The clock (`now`, `date`), injectable for deterministic output. */
  now(): Date;
  /** Execute a named template into a string (Helm `include`). */
  include(name: string, data: unknown): string;
  /** Parse and execute template text with the current functions and templates (Helm `tpl`). */
  tpl(text: string, data: unknown): string;
}

export interface FunctionDef {
  readonly params: readonly ParamType[];
  /** Type of the arguments after `params`; absent when the function takes exactly `params`. */
  readonly variadic?: ParamType;
  readonly call: (args: unknown[], ctx: CallContext) => unknown;
  /** Go's lazy `and`/`or`: arguments are evaluated only until the result is known. */
  readonly shortCircuit?: "and" | "or";
}

/** A function map entry: a definition, or a plain function (variadic `interface{}` arguments). */
export type TemplateFunction = FunctionDef | ((...args: unknown[]) => unknown);
export type FunctionMap = Readonly<Record<string, TemplateFunction>>;

/** Define a function with typed parameters. */
export function def<A extends unknown[]>(
  params: readonly ParamType[],
  impl: (...args: A) => unknown,
  variadic?: ParamType,
): FunctionDef {
  return { params, variadic, call: (args) => impl(...(args as A)) };
}

/** Define a function that needs the call context (clock, templates). */
export function defWithContext(
  params: readonly ParamType[],
  impl: (ctx: CallContext, ...args: unknown[]) => unknown,
  variadic?: ParamType,
): FunctionDef {
  return { params, variadic, call: (args, ctx) => impl(ctx, ...args) };
}

export function toFunctionDef(f: TemplateFunction): FunctionDef {
  if (typeof f === "function") return { params: [], variadic: "any", call: (args) => f(...args) };
  return f;
}

/** Go type name of a parameter type, for messages. */
export function paramTypeName(t: ParamType): string {
  switch (t) {
    case "any":
      return "interface {}";
    case "value":
      return "reflect.Value";
    case "float":
      return "float64";
    case "list":
      return "[]interface {}";
    case "map":
      return "map[string]interface {}";
    default:
      return t;
  }
}
