/**
 * Go `text/template`'s predefined functions: `and or not len index slice print printf println html js
 * urlquery call eq ne lt le gt ge`, with Go's comparison rules and error messages.
 */
import { formatValue, sprint, sprintf, sprintln } from "./format.ts";
import { def, type FunctionDef } from "./functions.ts";
import { byteLength, byteOrder, isIntNumber, isMap, mapZero, truth as truthOf, typeName, underlying } from "./values.ts";

const isNil = (v: unknown) => v === undefined || v === null;

type BasicKind = "bool" | "int" | "float" | "string" | "none";

function basicKind(v: unknown): BasicKind {
  const u = underlying(v);
  switch (typeof u) {
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return isIntNumber(u) ? "int" : "float";
    case "string":
      return "string";
    default:
      return "none";
  }
}

const numeric = (k: BasicKind) => k === "int" || k === "float";
const errBadComparison = "incompatible types for comparison";
const errBadComparisonType = "invalid type for comparison";

const nonComparable = (v: unknown) => Array.isArray(v) || isMap(v) || typeof v === "function";

/** Go's `eq arg1 arg2...`: true when arg1 equals any of the others. */
export function goEq(arg1: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new Error("missing argument for comparison");
  const a = underlying(arg1);
  const k1 = basicKind(a);
  for (const arg of rest) {
    const b = underlying(arg);
    const k2 = basicKind(b);
    let truth = false;
    if (k1 !== k2) {
      // JavaScript does not keep int and float64 apart, so numbers compare by value.
      if (numeric(k1) && numeric(k2)) truth = Number(a) === Number(b);
      else if (!isNil(a) && !isNil(b)) throw new Error(errBadComparison);
    } else if (k1 === "none") {
      if (isNil(a) || isNil(b)) truth = isNil(a) === isNil(b);
      else if (nonComparable(b) || nonComparable(a)) throw new Error(`non-comparable type ${formatValue(b)}: ${typeName(b)}`);
      else truth = a === b;
    } else {
      // eslint-disable-next-line eqeqeq
      truth = k1 === "int" ? a == b : a === b;
    }
    if (truth) return true;
  }
  return false;
}

/** Go's `lt`: basic kinds only, same kind on both sides; strings compare byte-wise. */
export function goLt(arg1: unknown, arg2: unknown): boolean {
  const a = underlying(arg1);
  const b = underlying(arg2);
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === "none" || k2 === "none") throw new Error(errBadComparisonType);
  if (k1 !== k2) {
    if (numeric(k1) && numeric(k2)) return Number(a) < Number(b);
    throw new Error(errBadComparison);
  }
  switch (k1) {
    case "bool":
      throw new Error(errBadComparisonType);
    case "string":
      return byteOrder(a as string, b as string) < 0;
    default:
      return (a as number | bigint) < (b as number | bigint);
  }
}

const goLe = (a: unknown, b: unknown) => goLt(a, b) || goEq(a, b);

function indexArg(index: unknown, cap: number, what = "slice/array"): number {
  const i = underlying(index);
  if (isNil(i)) throw new Error(`cannot index ${what} with nil`);
  if (!(typeof i === "bigint" || (typeof i === "number" && isIntNumber(i)))) throw new Error(`cannot index ${what} with type ${typeName(i)}`);
  const x = Number(i);
  if (x < 0 || x > cap) throw new Error(`index out of range: ${x}`);
  return x;
}

/** Go's `index item i j …`: lists and strings by int, maps by string key (missing key → the element's zero value). */
export function goIndex(item: unknown, ...indexes: unknown[]): unknown {
  let v = underlying(item);
  if (v === undefined) throw new Error("index of untyped nil");
  for (const index of indexes) {
    v = underlying(v);
    if (isNil(v)) throw new Error("index of nil pointer");
    if (Array.isArray(v)) {
      const x = indexArg(index, v.length);
      if (x === v.length) throw new Error(`index out of range: ${x}`);
      v = v[x];
    } else if (typeof v === "string") {
      const bytes = new TextEncoder().encode(v);
      const x = indexArg(index, bytes.length);
      if (x === bytes.length) throw new Error(`index out of range: ${x}`);
      v = bytes[x];
    } else if (isMap(v)) {
      const k = underlying(index);
      if (k === undefined || k === null) throw new Error("value is nil; should be of type string");
      if (typeof k !== "string") throw new Error(`value has type ${typeName(k)}; should be string`);
      v = Object.hasOwn(v, k) && v[k] !== undefined ? v[k] : mapZero(v);
    } else {
      throw new Error(`can't index item of type ${typeName(v)}`);
    }
  }
  return v;
}

/** Go's `slice item [i [j [k]]]` on lists and strings (byte offsets). */
export function goSlice(item: unknown, ...indexes: unknown[]): unknown {
  const v = underlying(item);
  if (isNil(v)) throw new Error("slice of untyped nil");
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let len: number;
  let bytes: Uint8Array | undefined;
  if (typeof v === "string") {
    if (indexes.length === 3) throw new Error("cannot 3-index slice a string");
    bytes = new TextEncoder().encode(v);
    len = bytes.length;
  } else if (Array.isArray(v)) len = v.length;
  else throw new Error(`can't slice item of type ${typeName(v)}`);
  const idx = [0, len, len];
  indexes.forEach((index, i) => {
    idx[i] = indexArg(index, len);
  });
  const [i, j, k] = idx as [number, number, number];
  if (i > j) throw new Error(`invalid slice index: ${i} > ${j}`);
  if (indexes.length === 3 && j > k) throw new Error(`invalid slice index: ${j} > ${k}`);
  if (bytes) return new TextDecoder().decode(bytes.slice(i, j));
  return (v as unknown[]).slice(i, j);
}

/** Go's `len`: bytes of a string, elements of a list, keys of a map. */
export function goLen(item: unknown): number {
  const v = underlying(item);
  if (isNil(v)) throw new Error("len of nil pointer");
  if (typeof v === "string") return byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (isMap(v)) return Object.keys(v).length;
  throw new Error(`len of type ${typeName(v)}`);
}

/** The text the escaping functions work on: one string as is, otherwise `Sprint` of the arguments. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  return sprint(args.map((a) => (isNil(a) ? "<no value>" : a)));
}

export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) =>
    c === "\0" ? "\uFFFD" : c === '"' ? "&#34;" : c === "'" ? "&#39;" : c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;",
  );
}

export function jsEscape(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    switch (ch) {
      case "\\":
        out += "\\\\";
        break;
      case "'":
        out += "\\'";
        break;
      case '"':
        out += '\\"';
        break;
      case "<":
        out += "\\u003C";
        break;
      case ">":
        out += "\\u003E";
        break;
      case "&":
        out += "\\u0026";
        break;
      case "=":
        out += "\\u003D";
        break;
      default:
        if (c < 0x20) out += `\\u${c.toString(16).toUpperCase().padStart(4, "0")}`;
        else if (c >= 0x80 && !/^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) out += `\\u${c.toString(16).toUpperCase().padStart(4, "0")}`;
        else out += ch;
    }
  }
  return out;
}

/** Go's `url.QueryEscape`. */
export function queryEscape(s: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function goCall(fn: unknown, ...args: unknown[]): unknown {
  if (isNil(fn)) throw new Error("call of nil");
  if (typeof fn !== "function") throw new Error(`non-function of type ${typeName(fn)}`);
  const out = (fn as (...a: unknown[]) => unknown)(...args);
  return out;
}

export const builtinFunctions: Readonly<Record<string, FunctionDef>> = {
  and: { params: ["value"], variadic: "value", shortCircuit: "and", call: (a) => a[a.length - 1] },
  or: { params: ["value"], variadic: "value", shortCircuit: "or", call: (a) => a[a.length - 1] },
  not: def(["value"], (v: unknown) => !truthOf(v)),
  len: def(["value"], goLen),
  index: def(["value"], goIndex, "value"),
  slice: def(["value"], goSlice, "value"),
  print: def([], (...a: unknown[]) => sprint(a), "any"),
  printf: def(["string"], (f: string, ...a: unknown[]) => sprintf(f, a), "any"),
  println: def([], (...a: unknown[]) => sprintln(a), "any"),
  html: def([], (...a: unknown[]) => htmlEscape(evalArgs(a)), "any"),
  js: def([], (...a: unknown[]) => jsEscape(evalArgs(a)), "any"),
  urlquery: def([], (...a: unknown[]) => queryEscape(evalArgs(a)), "any"),
  call: def(["value"], goCall, "value"),
  eq: def(["value"], goEq, "value"),
  ne: def(["value", "value"], (a: unknown, b: unknown) => !goEq(a, b)),
  lt: def(["value", "value"], goLt),
  le: def(["value", "value"], goLe),
  gt: def(["value", "value"], (a: unknown, b: unknown) => !goLe(a, b)),
  ge: def(["value", "value"], (a: unknown, b: unknown) => !goLt(a, b)),
};

