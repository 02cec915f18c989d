/**
 * The conversions Sprig functions share: `strval` (text of any value), `cast`-style numbers,
 * `empty`, deep equality and `strslice` (any value as a list of strings).
 */
import { formatValue } from "../format.ts";
import { isIntNumber, isMap, isStruct, underlying } from "../values.ts";

/** Sprig's `strval`: strings as they are, Stringers through `String()`, everything else `%v`. */
export function strval(v: unknown): string {
  const u = underlying(v);
  if (typeof u === "string" && !isStruct(v)) return u;
  return formatValue(v);
}

const intText = /^[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)$/;

/** `strconv.ParseInt(s, 0, 64)`; undefined when the text is not an integer. */
export function parseGoInt(s: string): number | undefined {
  if (!intText.test(s)) return undefined;
  const neg = s.startsWith("-");
  let t = s.replace(/^[+-]/, "").replace(/_/g, "");
  if (/^0[0-7]+$/.test(t)) t = `0o${t.slice(1)}`;
  const n = Number(BigInt(t));
  return neg ? -n : n;
}

/** `cast.ToInt64`: numbers truncated, numeric strings parsed (`"0x10"`, `"12.0"`), bools 0/1, anything else 0. */
export function toInt64(v: unknown): number {
  const u = underlying(v);
  switch (typeof u) {
    case "number":
      return Number.isFinite(u) ? Math.trunc(u) : 0;
    case "bigint":
      return Number(u);
    case "boolean":
      return u ? 1 : 0;
    case "string":
      return parseGoInt(u.replace(/\.0*$/, "")) ?? 0;
    default:
      return 0;
  }
}

/** `cast.ToFloat64`. */
export function toFloat64(v: unknown): number {
  const u = underlying(v);
  switch (typeof u) {
    case "number":
      return u;
    case "bigint":
      return Number(u);
    case "boolean":
      return u ? 1 : 0;
    case "string": {
      const t = u.trim() === u ? u : "";
      if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) return Number(t);
      if (/^[+-]?(?:inf|infinity)$/i.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
      if (/^nan$/i.test(t)) return NaN;
      return 0;
    }
    default:
      return 0;
  }
}

/** Sprig's `empty`: nil, zero numbers, false, empty strings, lists and maps. Structs are never empty. */
export function isEmpty(v: unknown): boolean {
  const u = underlying(v);
  if (u === undefined || u === null) return true;
  switch (typeof u) {
    case "string":
      return u.length === 0;
    case "boolean":
      return !u;
    case "number":
      return u === 0;
    case "bigint":
      return u === 0n;
    case "function":
      return false;
  }
  if (Array.isArray(u)) return u.length === 0;
  if (isMap(u)) return Object.keys(u).length === 0;
  return false;
}

/** `reflect.DeepEqual` on template values (numbers compare by value). */
export function deepEqual(a: unknown, b: unknown): boolean {
  const x = underlying(a);
  const y = underlying(b);
  if (x === y) return true;
  if ((typeof x === "number" || typeof x === "bigint") && (typeof y === "number" || typeof y === "bigint")) {
    // eslint-disable-next-line eqeqeq
    return x == y && (typeof x !== "number" || typeof y !== "number" || isIntNumber(x) === isIntNumber(y));
  }
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((e, i) => deepEqual(e, y[i]));
  if (isMap(x) && isMap(y)) {
    const kx = Object.keys(x);
    return kx.length === Object.keys(y).length && kx.every((k) => Object.hasOwn(y, k) && deepEqual(x[k], y[k]));
  }
  if (x instanceof Date && y instanceof Date) return x.getTime() === y.getTime();
  return false;
}

/** Sprig's `strslice`: a list as strings (nil elements dropped), nil as `[]`, anything else as one string. */
export function strslice(v: unknown): string[] {
  const u = underlying(v);
  if (u === undefined || u === null) return [];
  if (Array.isArray(u)) return u.filter((e) => e !== null && e !== undefined).map(strval);
  return [strval(v)];
}

/** Go's `reflect.Kind` name used in Sprig's "Cannot … on type X" messages. */
export function kindForMessage(v: unknown): string {
  const u = underlying(v);
  if (u === undefined || u === null) return "invalid";
  if (Array.isArray(u)) return "slice";
  if (isMap(u)) return "map";
  if (typeof u === "number") return isIntNumber(u) ? "int" : "float64";
  if (typeof u === "boolean") return "bool";
  if (typeof u === "bigint") return "int64";
  if (typeof u === "function") return "func";
  if (typeof u === "string") return "string";
  return "struct";
}

/** The elements of a list argument, or an error naming the operation (`Cannot find first on type int`). */
export function listOf(v: unknown, what: string): unknown[] {
  const u = underlying(v);
  if (Array.isArray(u)) return u;
  throw new Error(`${what} ${kindForMessage(v)}`);
}
