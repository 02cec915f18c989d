/** Sprig string functions (Go `strings` semantics; lengths and offsets in bytes where Sprig uses bytes). */
import { goQuote } from "../format.ts";
import { def, type FunctionDef } from "../functions.ts";
import { strslice, strval } from "./convert.ts";

const isWordChar = (c: string) => /^[\p{L}\p{Nd}_]$/u.test(c);

/** Go's `strings.Title`: upper-case the first letter of every word. */
export function goTitle(s: string): string {
  let prev = " ";
  let out = "";
  for (const c of s) {
    const separator = prev.charCodeAt(0) < 0x80 ? !/[0-9A-Za-z_]/.test(prev) : !isWordChar(prev) && /\s/u.test(prev);
    out += separator ? c.toUpperCase() : c;
    prev = c;
  }
  return out;
}

/** `strings.Trim(s, cutset)`. */
export function goTrim(s: string, cutset: string, left = true, right = true): string {
  const cut = new Set([...cutset]);
  const chars = [...s];
  let i = 0;
  let j = chars.length;
  if (left) while (i < j && cut.has(chars[i] as string)) i++;
  if (right) while (j > i && cut.has(chars[j - 1] as string)) j--;
  return chars.slice(i, j).join("");
}

/** `strings.Split`: an empty separator splits into characters. */
export const goSplit = (s: string, sep: string): string[] => (sep === "" ? [...s] : s.split(sep));

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytesOf = (s: string) => encoder.encode(s);

function sliceBytes(s: string, start: number, end?: number): string {
  const b = bytesOf(s);
  const e = end ?? b.length;
  if (start < 0 || e > b.length || start > e) throw new Error(`runtime error: slice bounds out of range [${start}:${e}]`);
  return decoder.decode(b.slice(start, e));
}

/** Sprig `substr start end s` (byte offsets; negative start means from 0, bad end means to the end). */
export function substr(start: number, end: number, s: string): string {
  const len = bytesOf(s).length;
  if (start < 0) return sliceBytes(s, 0, end);
  if (end < 0 || end > len) return sliceBytes(s, start);
  return sliceBytes(s, start, end);
}

/** Sprig `trunc n s`: first n bytes, or the last -n bytes when n is negative. */
export function trunc(c: number, s: string): string {
  const len = bytesOf(s).length;
  if (c < 0 && len + c > 0) return sliceBytes(s, len + c);
  if (c >= 0 && len > c) return sliceBytes(s, 0, c);
  return s;
}

/** Sprig `indent`: every line (empty ones too) prefixed with n spaces. */
export function indent(spaces: number, v: string): string {
  const pad = " ".repeat(Math.max(0, spaces));
  return pad + v.replace(/\n/g, `\n${pad}`);
}

function repeat(count: number, s: string): string {
  if (count < 0) throw new Error("strings: negative Repeat count");
  return s.repeat(count);
}

function abbrev(width: number, s: string): string {
  if (width < 4) return s;
  const chars = [...s];
  return chars.length <= width ? s : `${chars.slice(0, width - 3).join("")}...`;
}

function splitMap(parts: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  parts.forEach((p, i) => {
    out[`_${i}`] = p;
  });
  return out;
}

function splitN(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  if (n < 0) return goSplit(s, sep);
  const parts = goSplit(s, sep);
  if (parts.length <= n) return parts;
  if (sep === "") return [...parts.slice(0, n - 1), parts.slice(n - 1).join("")];
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

/** `strings.Replace(s, old, new, -1)`; an empty `old` matches before every character and at the end. */
function replaceAll(old: string, repl: string, s: string): string {
  if (old !== "") return s.split(old).join(repl);
  return repl + [...s].map((c) => c + repl).join("");
}

const nonNil = (a: unknown[]) => a.filter((x) => x !== null && x !== undefined);

export const stringFunctions: Readonly<Record<string, FunctionDef>> = {
  upper: def(["string"], (s: string) => s.toUpperCase()),
  lower: def(["string"], (s: string) => s.toLowerCase()),
  title: def(["string"], goTitle),
  untitle: def(["string"], (s: string) => s.replace(/(^|[^\p{L}\p{Nd}_])(\p{L})/gu, (_m, a: string, b: string) => a + b.toLowerCase())),
  trim: def(["string"], (s: string) => s.trim()),
  trimAll: def(["string", "string"], (cut: string, s: string) => goTrim(s, cut)),
  trimPrefix: def(["string", "string"], (p: string, s: string) => (s.startsWith(p) ? s.slice(p.length) : s)),
  trimSuffix: def(["string", "string"], (p: string, s: string) => (p !== "" && s.endsWith(p) ? s.slice(0, s.length - p.length) : s)),
  replace: def(["string", "string", "string"], replaceAll),
  contains: def(["string", "string"], (sub: string, s: string) => s.includes(sub)),
  hasPrefix: def(["string", "string"], (p: string, s: string) => s.startsWith(p)),
  hasSuffix: def(["string", "string"], (p: string, s: string) => s.endsWith(p)),
  split: def(["string", "string"], (sep: string, s: string) => splitMap(goSplit(s, sep))),
  splitList: def(["string", "string"], (sep: string, s: string) => goSplit(s, sep)),
  splitn: def(["string", "int", "string"], (sep: string, n: number, s: string) => splitMap(splitN(s, sep, n))),
  join: def(["string", "any"], (sep: string, v: unknown) => strslice(v).join(sep)),
  quote: def([], (...a: unknown[]) => nonNil(a).map((x) => goQuote(strval(x))).join(" "), "any"),
  squote: def([], (...a: unknown[]) => nonNil(a).map((x) => `'${strval(x)}'`).join(" "), "any"),
  cat: def([], (...a: unknown[]) => nonNil(a).map(strval).join(" "), "any"),
  indent: def(["int", "string"], indent),
  nindent: def(["int", "string"], (n: number, s: string) => `\n${indent(n, s)}`),
  repeat: def(["int", "string"], repeat),
  substr: def(["int", "int", "string"], substr),
  trunc: def(["int", "string"], trunc),
  abbrev: def(["int", "string"], abbrev),
  nospace: def(["string"], (s: string) => s.replace(/\s/gu, "")),
  plural: def(["string", "string", "int"], (one: string, many: string, n: number) => (n === 1 ? one : many)),
  toString: def(["any"], strval),
  toStrings: def(["any"], strslice),
};
