/**
 * `--set component:path=value` and `--dynamic component:path`: parsing, path validation and the type
 * conversion of `--set` values (Go-style: bool, int64, float64, else string).
 */
import { invalid } from "../errors.ts";

/** One `--set`: the component key as given (name or alias), the dot path, and the converted value. */
export interface SetOverride {
  key: string;
  path: string[];
  value: unknown;
  /** The flag text, for messages. */
  text: string;
}

/** One `--dynamic` declaration. */
export interface DynamicPath {
  key: string;
  path: string[];
  text: string;
}

/** A dot-path segment: starts with a letter or digit, then letters, digits, `_` or `-`. */
const segmentPattern = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** The path key that toggles a component instead of setting a Helm value. */
export const ENABLED_KEY = "enabled";

function splitPath(path: string, flag: string, text: string): string[] {
  const segs = path.split(".");
  const bad = segs.find((s) => !segmentPattern.test(s));
  if (bad !== undefined) {
    throw invalid(
      `invalid ${flag} "${text}": path segment "${bad}" must start with a letter or digit and contain only letters, digits, "_" and "-"`,
    );
  }
  return segs;
}

function splitKey(text: string, flag: string, shape: string): [string, string] {
  const colon = text.indexOf(":");
  if (colon <= 0 || colon === text.length - 1) throw invalid(`invalid ${flag} "${text}": expected ${shape}`);
  return [text.slice(0, colon).trim(), text.slice(colon + 1)];
}

export function parseSetFlag(text: string): SetOverride {
  const [key, rest] = splitKey(text, "--set", "component:path=value");
  const eq = rest.indexOf("=");
  if (eq <= 0 || eq === rest.length - 1) throw invalid(`invalid --set "${text}": expected component:path=value (path and value cannot be empty)`);
  const path = splitPath(rest.slice(0, eq), "--set", text);
  const raw = rest.slice(eq + 1);
  if (path.length === 1 && path[0] === ENABLED_KEY) return { key, path, value: parseEnabled(raw, text), text };
  return { key, path, value: convertSetValue(raw), text };
}

export function parseDynamicFlag(text: string): DynamicPath {
  const [key, rest] = splitKey(text, "--dynamic", "component:path");
  if (rest.includes("=")) throw invalid(`invalid --dynamic "${text}": a dynamic declaration does not accept '=value'`);
  return { key, path: splitPath(rest, "--dynamic", text), text };
}

const goTrue = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const goFalse = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** `enabled` takes Go's boolean spellings; anything else is an error rather than a silent no-op. */
function parseEnabled(raw: string, text: string): boolean {
  if (goTrue.has(raw)) return true;
  if (goFalse.has(raw)) return false;
  throw invalid(`invalid --set "${text}": enabled must be true or false`);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The typed value of a `--set` text: exactly `true`/`false` -> boolean; a base-10 int64 -> integer
 * (BigInt beyond 2^53); a Go float64 literal (`1.5`, `1e3`, `.5`, `5.`, `1_000`, `0x1p-2`, `Inf`, `NaN`)
 * -> number; anything else (including out-of-range floats) -> the string itself.
 */
export function convertSetValue(raw: string): unknown {
  if (raw === "true") return true;
  if (raw === "false") return false;
  if (/^[+-]?\d+$/.test(raw)) {
    const big = BigInt(raw);
    if (big >= INT64_MIN && big <= INT64_MAX) {
      const n = Number(big);
      if (Number.isSafeInteger(n)) return n === 0 ? 0 : n;
      return big;
    }
  }
  const f = parseGoFloat(raw);
  return f === undefined ? raw : f;
}

/** Underscores only between digits (or right after a base prefix), as Go's literal syntax allows. */
function underscoresOk(s: string): boolean {
  if (!s.includes("_")) return true;
  let body = s.replace(/^[+-]/, "");
  let prefixed = false;
  if (/^0[xX]/.test(body)) {
    body = body.slice(2);
    prefixed = true;
  }
  const isDigit = (c: string | undefined) => c !== undefined && /[0-9a-fA-F]/.test(c);
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== "_") continue;
    const before = i === 0 ? (prefixed ? "0" : undefined) : body[i - 1];
    if (!isDigit(before) || !isDigit(body[i + 1])) return false;
  }
  return true;
}

/** Go's strconv.ParseFloat(s, 64) for the forms it accepts; undefined when it would fail (or overflow). */
export function parseGoFloat(s: string): number | undefined {
  const special = /^([+-]?)(inf|infinity)$/i.exec(s);
  if (special) return special[1] === "-" ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (!underscoresOk(s)) return undefined;
  const clean = s.replace(/_/g, "");
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(clean);
  if (hex) {
    const [, sign, int = "", frac = "", exp = "0"] = hex;
    if (int === "" && frac === "") return undefined;
    let mant = 0;
    for (const c of int + frac) mant = mant * 16 + parseInt(c, 16);
    const value = mant * 2 ** (Number(exp) - 4 * frac.length);
    if (!Number.isFinite(value)) return undefined;
    return sign === "-" ? -value : value;
  }
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(clean)) return undefined;
  const value = Number(clean);
  return Number.isFinite(value) ? value : undefined;
}
