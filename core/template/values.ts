/**
 * How JavaScript values stand for Go values inside templates.
 *
 * - `undefined` is Go's "no value" (a missing map key); `null` is a nil interface. Both print `<no value>`
 *   at the end of a pipeline, but a field access through `null` is an error and through `undefined` is not.
 * - Integral numbers are Go `int`, other numbers `float64`, bigints `int64`/`uint64`.
 * - Arrays are `[]interface {}`; plain objects (prototype `Object.prototype` or `null`) are
 *   `map[string]interface {}`.
 * - Any other object is a struct: its own properties are fields and its functions are methods, both
 *   reachable only by capitalised ("exported") names, as in Go. An object can say what it stands for with
 *   `GO_TYPE` (type name in messages) and `GO_UNDERLYING` (the basic value of a named type such as
 *   `type Type string`, used by comparisons, truth and `len`). A `String()` method makes it a Stringer.
 * - `Date` is `time.Time`.
 */

/** Name of the Go type an object stands for, shown in error messages. */
export const GO_TYPE: unique symbol = Symbol.for("aicr.template.goType");
/** The basic value (string, number, bool) of a named Go type. */
export const GO_UNDERLYING: unique symbol = Symbol.for("aicr.template.underlying");

/**
 * The zero value of a map's element type, which `index` returns for a missing key (a map standing for
 * `map[string]string` has zero ""). Maps without it stand for `map[string]interface{}` (zero nil).
 */
export const GO_MAP_ZERO: unique symbol = Symbol.for("aicr.template.mapZero");

export type GoMap = Record<string, unknown>;

/** What `index` yields for a key the map lacks. */
export function mapZero(m: GoMap): unknown {
  const z = (m as { [GO_MAP_ZERO]?: unknown })[GO_MAP_ZERO];
  return z === undefined ? null : z;
}

/** Mark a map as having a typed element whose zero value is `zero` (e.g. "" for `map[string]string`). */
export function withMapZero<T extends GoMap>(m: T, zero: unknown): T {
  Object.defineProperty(m, GO_MAP_ZERO, { value: zero, enumerable: false });
  return m;
}

export function isMap(v: unknown): v is GoMap {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A struct-like object (class instance), not a map, list or time. */
export function isStruct(v: unknown): v is object {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !isMap(v) && !(v instanceof Date);
}

/** A number that stands for a Go int: integral and exactly representable. */
export const isIntNumber = (v: number): boolean => Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER;

/** The basic value behind a named type, or the value itself. */
export function underlying(v: unknown): unknown {
  if (v !== null && typeof v === "object" && GO_UNDERLYING in v) return (v as { [GO_UNDERLYING]: unknown })[GO_UNDERLYING];
  return v;
}

/** The Go type name of a value, as error messages print it. */
export function typeName(v: unknown): string {
  if (v === undefined || v === null) return "<nil>";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return v > 9223372036854775807n ? "uint64" : "int64";
  if (typeof v === "number") return isIntNumber(v) ? "int" : "float64";
  if (typeof v === "function") return "func";
  if (Array.isArray(v)) return "[]interface {}";
  if (v instanceof Date) return "time.Time";
  if (isMap(v)) return "map[string]interface {}";
  const named = (v as { [GO_TYPE]?: unknown })[GO_TYPE];
  if (typeof named === "string") return named;
  const ctor = (v as object).constructor?.name;
  return ctor && ctor !== "Object" ? ctor : "struct";
}

/** Go's `reflect.Kind` name, as Sprig's `kindOf` reports it. */
export function kindName(v: unknown): string {
  const u = underlying(v);
  if (u === undefined || u === null) return "invalid";
  if (typeof u === "string") return "string";
  if (typeof u === "boolean") return "bool";
  if (typeof u === "bigint") return u > 9223372036854775807n ? "uint64" : "int64";
  if (typeof u === "number") return isIntNumber(u) ? "int" : "float64";
  if (typeof u === "function") return "func";
  if (Array.isArray(u)) return "slice";
  if (isMap(u)) return "map";
  return "struct";
}

/** UTF-8 byte length, which is what Go's `len` counts for strings. */
export const byteLength = (s: string): number => new TextEncoder().encode(s).length;

/** Go's truth of a value for `if`, `with`, `and`, `or`, `not`. */
export function truth(v: unknown): boolean {
  const u = underlying(v);
  if (u === undefined || u === null) return false;
  switch (typeof u) {
    case "boolean":
      return u;
    case "number":
      return u !== 0;
    case "bigint":
      return u !== 0n;
    case "string":
      return u.length > 0;
    case "function":
      return true;
    default:
      if (Array.isArray(u)) return u.length > 0;
      if (isMap(u)) return Object.keys(u).length > 0;
      return true;
  }
}

/** Field names of a struct-like object: own enumerable string keys. */
export function structFields(v: object): string[] {
  return Object.keys(v);
}

/** A struct member reachable from templates (capitalised own field or method); undefined when absent. */
export function structMember(v: object, name: string): { found: boolean; value: unknown; method: boolean } {
  if (Object.hasOwn(v, name)) {
    const value = (v as Record<string, unknown>)[name];
    return { found: true, value, method: false };
  }
  let proto: object | null = Object.getPrototypeOf(v);
  while (proto && proto !== Object.prototype) {
    if (Object.hasOwn(proto, name) && name !== "constructor") {
      const desc = Object.getOwnPropertyDescriptor(proto, name);
      if (desc && typeof desc.value === "function") return { found: true, value: desc.value, method: true };
      if (desc?.get) return { found: true, value: desc.get.call(v), method: false };
    }
    proto = Object.getPrototypeOf(proto);
  }
  return { found: false, value: undefined, method: false };
}

/** Keys of a map in Go's printing / range order (sorted byte-wise, as `fmt` and `range` sort string keys). */
export function sortedKeys(m: GoMap): string[] {
  return Object.keys(m).sort(byteOrder);
}

const surrogate = /[\ud800-\udfff]/;

/** Byte-wise (UTF-8) string order, which is how Go sorts string map keys. */
export const byteOrder = (a: string, b: string): number => {
  if (a === b) return 0;
  // UTF-16 order equals UTF-8 byte order unless an astral character meets U+E000–U+FFFF.
  if (!surrogate.test(a) && !surrogate.test(b)) return a < b ? -1 : 1;
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  const n = Math.min(ea.length, eb.length);
  for (let i = 0; i < n; i++) if (ea[i] !== eb[i]) return (ea[i] as number) - (eb[i] as number);
  return ea.length - eb.length;
};

/**
 * A struct value built from a plain record: its keys are the (capitalised) field names, function-valued
 * fields are methods (called with the struct as `this`). `typeName` is what error messages call it.
 */
export class GoStruct {
  constructor(typeName: string, fields: Readonly<Record<string, unknown>>) {
    Object.defineProperty(this, GO_TYPE, { value: typeName, enumerable: false });
    Object.assign(this, fields);
  }
}

export const goStruct = (typeName: string, fields: Readonly<Record<string, unknown>>): GoStruct => new GoStruct(typeName, fields);
