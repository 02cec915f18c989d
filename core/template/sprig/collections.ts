/** Sprig list and dictionary functions. Dictionaries are plain objects; functions that Go documents as
 * returning keys in random order return them sorted, so output is deterministic. */
import { def, type FunctionDef } from "../functions.ts";
import { byteOrder, isMap, underlying, type GoMap } from "../values.ts";
import { deepEqual, isEmpty, kindForMessage, listOf, strslice, strval } from "./convert.ts";

function dict(...kv: unknown[]): GoMap {
  const out: GoMap = {};
  for (let i = 0; i < kv.length; i += 2) out[strval(kv[i])] = i + 1 < kv.length ? kv[i + 1] : "";
  return out;
}

const isNilMap = (m: unknown): m is null => m === null || m === undefined;

/** mergo's deep merge: `dst` keeps its non-empty values unless `overwrite`; nested maps merge. */
function deepMerge(dst: GoMap, src: GoMap, overwrite: boolean): GoMap {
  for (const [k, sv] of Object.entries(src)) {
    if (sv === undefined) continue;
    const dv = dst[k];
    if (isMap(sv) && isMap(dv)) {
      deepMerge(dv, sv, overwrite);
      continue;
    }
    if (sv === null) {
      if (overwrite) dst[k] = sv;
      continue;
    }
    const dstEmpty = !Object.hasOwn(dst, k) || isEmpty(dv);
    // A map never replaces a non-empty value; anything else does when overwriting.
    if (isMap(sv)) {
      if (dstEmpty) dst[k] = deepCopy(sv);
    } else if (dstEmpty || overwrite) dst[k] = sv;
  }
  return dst;
}

function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isMap(v)) {
    const out: GoMap = {};
    for (const [k, x] of Object.entries(v)) out[k] = deepCopy(x);
    return out;
  }
  return v;
}

function uniq(list: unknown): unknown[] {
  const out: unknown[] = [];
  for (const e of listOf(list, "Cannot find uniq on type")) if (!out.some((x) => deepEqual(x, e))) out.push(e);
  return out;
}

function has(needle: unknown, haystack: unknown): boolean {
  if (haystack === null || haystack === undefined) return false;
  return listOf(haystack, "Cannot find has on type").some((e) => deepEqual(e, needle));
}

function concat(...lists: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const l of lists) {
    const u = underlying(l);
    if (!Array.isArray(u)) throw new Error(`Cannot concat type ${kindForMessage(l)} as list`);
    out.push(...u);
  }
  return out;
}

function until(count: number): number[] {
  const step = count < 0 ? -1 : 1;
  const out: number[] = [];
  for (let i = 0; step > 0 ? i < count : i > count; i += step) out.push(i);
  return out;
}

/** `dig "a" "b" default dict`: a nested lookup with a fallback. */
function dig(...args: unknown[]): unknown {
  if (args.length < 3) throw new Error("dig needs at least three arguments");
  const m = args[args.length - 1];
  const fallback = args[args.length - 2];
  let cur: unknown = m;
  for (const k of args.slice(0, -2)) {
    if (!isMap(cur) || !Object.hasOwn(cur, strval(k))) return fallback;
    cur = cur[strval(k)];
  }
  return cur;
}

const sortedKeysOf = (m: GoMap) => Object.keys(m).sort(byteOrder);

export const collectionFunctions: Readonly<Record<string, FunctionDef>> = {
  list: def([], (...a: unknown[]) => a, "any"),
  first: def(["any"], (l: unknown) => listOf(l, "Cannot find first on type")[0] ?? null),
  last: def(["any"], (l: unknown) => listOf(l, "Cannot find last on type").at(-1) ?? null),
  rest: def(["any"], (l: unknown) => listOf(l, "Cannot find rest on type").slice(1)),
  initial: def(["any"], (l: unknown) => listOf(l, "Cannot find initial on type").slice(0, -1)),
  append: def(["any", "any"], (l: unknown, v: unknown) => [...listOf(l, "Cannot push on type"), v]),
  push: def(["any", "any"], (l: unknown, v: unknown) => [...listOf(l, "Cannot push on type"), v]),
  prepend: def(["any", "any"], (l: unknown, v: unknown) => [v, ...listOf(l, "Cannot prepend on type")]),
  concat: def([], concat, "any"),
  uniq: def(["any"], uniq),
  has: def(["any", "any"], has),
  without: def(["any"], (l: unknown, ...omit: unknown[]) => listOf(l, "Cannot find without on type").filter((e) => !omit.some((o) => deepEqual(o, e))), "any"),
  compact: def(["any"], (l: unknown) => listOf(l, "Cannot compact on type").filter((e) => !isEmpty(e))),
  reverse: def(["any"], (l: unknown) => [...listOf(l, "Cannot find reverse on type")].reverse()),
  sortAlpha: def(["any"], (l: unknown) => (Array.isArray(underlying(l)) ? strslice(l).sort(byteOrder) : [strval(l)])),
  until: def(["int"], until),
  dict: def([], dict, "any"),
  get: def(["map", "string"], (m: GoMap | null, k: string) => (m && Object.hasOwn(m, k) ? m[k] : "")),
  set: def(["map", "string", "any"], (m: GoMap | null, k: string, v: unknown) => {
    if (isNilMap(m)) throw new Error("assignment to entry in nil map");
    m[k] = v;
    return m;
  }),
  unset: def(["map", "string"], (m: GoMap | null, k: string) => {
    if (m) delete m[k];
    return m;
  }),
  hasKey: def(["map", "string"], (m: GoMap | null, k: string) => !!m && Object.hasOwn(m, k)),
  keys: def([], (...maps: (GoMap | null)[]) => maps.flatMap((m) => (m ? sortedKeysOf(m) : [])), "map"),
  values: def(["map"], (m: GoMap | null) => (m ? sortedKeysOf(m).map((k) => m[k]) : [])),
  pluck: def(["string"], (k: string, ...maps: (GoMap | null)[]) => maps.filter((m) => m && Object.hasOwn(m, k)).map((m) => (m as GoMap)[k]), "map"),
  pick: def(["map"], (m: GoMap | null, ...ks: unknown[]) => {
    const out: GoMap = {};
    for (const k of ks.map(strval)) if (m && Object.hasOwn(m, k)) out[k] = m[k];
    return out;
  }, "string"),
  omit: def(["map"], (m: GoMap | null, ...ks: unknown[]) => {
    const drop = new Set(ks.map(strval));
    const out: GoMap = {};
    for (const k of m ? Object.keys(m) : []) if (!drop.has(k)) out[k] = (m as GoMap)[k];
    return out;
  }, "string"),
  merge: def(["map"], (dst: GoMap | null, ...srcs: (GoMap | null)[]) => {
    const d = dst ?? {};
    for (const s of srcs) if (s) deepMerge(d, s, false);
    return d;
  }, "map"),
  mergeOverwrite: def(["map"], (dst: GoMap | null, ...srcs: (GoMap | null)[]) => {
    const d = dst ?? {};
    for (const s of srcs) if (s) deepMerge(d, s, true);
    return d;
  }, "map"),
  dig: def([], dig, "any"),
  deepCopy: def(["any"], deepCopy),
};
