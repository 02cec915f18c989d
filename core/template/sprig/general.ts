/** Sprig defaults, type tests, encodings, hashes, dates, regular expressions and semantic versions. */
import { decodeJson, goJson } from "../codec.ts";
import { def, defWithContext, type CallContext, type FunctionDef } from "../functions.ts";
import { formatGoTime } from "../gotime.ts";
import { goFindAll, goRegExp, goReplaceAll, goSplit } from "../goregexp.ts";
import { isIntNumber, kindName, typeName, underlying } from "../values.ts";
import { deepEqual, isEmpty } from "./convert.ts";

const encoder = new TextEncoder();

/** node-semver, loaded on the first semver function call (building its patterns costs milliseconds at start-up). */
const semverLib = (): typeof import("semver") => require("semver") as typeof import("semver");

function b64enc(s: string): string {
  let bin = "";
  for (const b of encoder.encode(s)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Sprig `b64dec`: on malformed input the Go error text is returned instead of failing. */
function b64dec(s: string): string {
  const bad = /[^A-Za-z0-9+/=]/.exec(s);
  if (bad) return `illegal base64 data at input byte ${bad.index}`;
  if (s.length % 4 !== 0 || /=[^=]/.test(s)) return `illegal base64 data at input byte ${Math.max(0, s.length - (s.length % 4 || 4))}`;
  const bin = atob(s);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

// Bun's native hasher (node:crypto would load Node's stream machinery when this module loads).
const hash = (algo: string) => (s: string) => new Bun.CryptoHasher(algo as Bun.SupportedCryptoAlgorithms).update(s, "utf8").digest("hex");

/** Sprig's date argument: a time, or unix seconds; anything else means "now". */
function timeOf(ctx: CallContext, v: unknown): Date {
  const u = underlying(v);
  if (u instanceof Date) return u;
  if (typeof u === "number" && isIntNumber(u)) return new Date(u * 1000);
  if (typeof u === "bigint") return new Date(Number(u) * 1000);
  return ctx.now();
}

/** Masterminds `semverCompare constraint version`, on top of node-semver. */
export function semverCompare(constraint: string, version: string): boolean {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(version.trim());
  if (!m) throw new Error("Invalid Semantic Version");
  const v = semverLib().parse(`${m[1]}.${m[2] ?? 0}.${m[3] ?? 0}${m[4] ?? ""}${m[5] ?? ""}`);
  if (!v) throw new Error("Invalid Semantic Version");
  if (constraint.includes("!=")) throw new Error(`improper constraint: ${constraint} (!= is not supported)`);
  const range = constraint
    .split("||")
    .map((group) =>
      group
        .replace(/,/g, " ")
        .replace(/=</g, "<=")
        .replace(/=>/g, ">=")
        .replace(/~>/g, "~")
        // `1.30-0` is 1.30.0-0 for Masterminds; node-semver wants all three parts before a prerelease.
        .replace(/(?<![\w.])v?(\d+)(?:\.(\d+))?(-[0-9A-Za-z.-]+)/g, (_m, maj: string, min: string | undefined, pre: string) => `${maj}.${min ?? 0}.0${pre}`)
        .trim(),
    )
    .join(" || ");
  if (semverLib().validRange(range) === null) throw new Error(`improper constraint: ${constraint}`);
  // Masterminds lets prerelease versions match only constraints that carry a prerelease themselves.
  return semverLib().satisfies(v, range, { includePrerelease: /\d-[0-9A-Za-z]/.test(range) });
}

function regexMatch(re: string, s: string): boolean {
  try {
    return goRegExp(re).test(s);
  } catch {
    return false;
  }
}

function regexFind(re: string, s: string): string {
  return goRegExp(re).exec(s)?.[0] ?? "";
}

export const generalFunctions: Readonly<Record<string, FunctionDef>> = {
  // defaults and flow
  default: def(["any"], (d: unknown, ...given: unknown[]) => (given.length === 0 || isEmpty(given[0]) ? d : given[0]), "any"),
  empty: def(["any"], isEmpty),
  coalesce: def([], (...a: unknown[]) => a.find((x) => !isEmpty(x)) ?? null, "any"),
  all: def([], (...a: unknown[]) => a.every((x) => !isEmpty(x)), "any"),
  any: def([], (...a: unknown[]) => a.some((x) => !isEmpty(x)), "any"),
  ternary: def(["any", "any", "bool"], (t: unknown, f: unknown, c: boolean) => (c ? t : f)),
  fail: def(["string"], (msg: string) => {
    throw new Error(msg);
  }),

  // types
  kindOf: def(["any"], kindName),
  kindIs: def(["string", "any"], (k: string, v: unknown) => kindName(v) === k),
  typeOf: def(["any"], typeName),
  typeIs: def(["string", "any"], (t: string, v: unknown) => typeName(v) === t),
  deepEqual: def(["any", "any"], deepEqual),

  // encodings and hashes
  b64enc: def(["string"], b64enc),
  b64dec: def(["string"], b64dec),
  sha256sum: def(["string"], hash("sha256")),
  sha1sum: def(["string"], hash("sha1")),
  toJson: def(["any"], (v: unknown) => {
    try {
      return goJson(v);
    } catch {
      return "";
    }
  }),
  mustToJson: def(["any"], (v: unknown) => goJson(v)),
  toPrettyJson: def(["any"], (v: unknown) => {
    try {
      return goJson(v, { indent: "  " });
    } catch {
      return "";
    }
  }),
  toRawJson: def(["any"], (v: unknown) => {
    try {
      return goJson(v, { escapeHtml: false });
    } catch {
      return "";
    }
  }),
  fromJson: def(["string"], (s: string) => {
    try {
      return decodeJson(s);
    } catch {
      return null;
    }
  }),
  mustFromJson: def(["string"], (s: string) => decodeJson(s)),

  // dates (always shown in UTC)
  now: defWithContext([], (ctx) => ctx.now()),
  date: defWithContext(["string", "any"], (ctx, layout, d) => formatGoTime(timeOf(ctx, d), layout as string)),
  dateInZone: defWithContext(["string", "any", "string"], (ctx, layout, d) => formatGoTime(timeOf(ctx, d), layout as string)),
  htmlDate: defWithContext(["any"], (ctx, d) => formatGoTime(timeOf(ctx, d), "2006-01-02")),
  unixEpoch: def(["any"], (d: unknown) => {
    const u = underlying(d);
    if (!(u instanceof Date)) throw new Error(`wrong type for value; expected time.Time; got ${typeName(d)}`);
    return String(Math.floor(u.getTime() / 1000));
  }),

  // regular expressions
  regexMatch: def(["string", "string"], regexMatch),
  mustRegexMatch: def(["string", "string"], (re: string, s: string) => goRegExp(re).test(s)),
  regexFind: def(["string", "string"], regexFind),
  regexFindAll: def(["string", "string", "int"], (re: string, s: string, n: number) => goFindAll(re, s, n)),
  regexReplaceAll: def(["string", "string", "string"], (re: string, s: string, repl: string) => goReplaceAll(re, s, repl, false)),
  regexReplaceAllLiteral: def(["string", "string", "string"], (re: string, s: string, repl: string) => goReplaceAll(re, s, repl, true)),
  regexSplit: def(["string", "string", "int"], (re: string, s: string, n: number) => goSplit(re, s, n)),
  regexQuoteMeta: def(["string"], (s: string) => s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&")),

  // semantic versions
  semverCompare: def(["string", "string"], semverCompare),
  semver: def(["string"], (s: string) => {
    const v = semverLib().coerce(s, { includePrerelease: true });
    if (!v) throw new Error("Invalid Semantic Version");
    return { Major: v.major, Minor: v.minor, Patch: v.patch, Prerelease: v.prerelease.join("."), Original: s };
  }),
};
