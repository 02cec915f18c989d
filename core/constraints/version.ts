/**
 * Versions as constraints read them: one lowercase `v` stripped, at most three numeric components,
 * anything after the first `-` or `+` that follows a digit ignored (`v1.33.5-eks-3025e55` is 1.33.5,
 * `6.8.0-1025-aws` is 6.8.0). Precision is the number of components written: `>=`-style comparisons
 * stop at the lower precision of the two sides, equality always compares all three.
 */
import { invalid } from "../errors.ts";

export interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  /** Components written: 1, 2 or 3. */
  precision: 1 | 2 | 3;
  /** What followed the numeric part (`-eks-3025e55`), ignored by every comparison. */
  extras: string;
}

const INT64_MAX = (1n << 63n) - 1n;
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

function component(part: string, raw: string): bigint {
  if (part === "") throw invalid(`invalid version "${raw}": empty component`);
  if (!/^[-+]?[0-9]+$/.test(part)) throw invalid(`invalid version "${raw}": component "${part}" is not a number`);
  const n = BigInt(part);
  if (n < 0n) throw invalid(`invalid version "${raw}": component "${part}" is negative`);
  if (n > INT64_MAX) throw invalid(`invalid version "${raw}": component "${part}" is out of range`);
  return n;
}

export function parseVersion(raw: string): Version {
  if (raw === "") throw invalid("invalid version: empty string");
  let s = raw.startsWith("v") ? raw.slice(1) : raw;
  let extras = "";
  for (let i = 1; i < s.length; i++) {
    if ((s[i] === "-" || s[i] === "+") && isDigit(s[i - 1])) {
      extras = s.slice(i);
      s = s.slice(0, i);
      break;
    }
  }
  const parts = s.split(".");
  if (parts.length > 3) throw invalid(`invalid version "${raw}": more than 3 components`);
  const nums = parts.map((p) => component(p, raw));
  return {
    major: nums[0] ?? 0n,
    minor: nums[1] ?? 0n,
    patch: nums[2] ?? 0n,
    precision: parts.length as 1 | 2 | 3,
    extras,
  };
}

/** The parsed version, or undefined when `raw` is not one. */
export function tryParseVersion(raw: string): Version | undefined {
  try {
    return parseVersion(raw);
  } catch {
    return undefined;
  }
}

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** -1, 0 or 1, comparing only as many components as the less precise side has. */
export function compareVersions(a: Version, b: Version): number {
  const p = Math.min(a.precision, b.precision);
  const major = cmp(a.major, b.major);
  if (major !== 0 || p === 1) return major;
  const minor = cmp(a.minor, b.minor);
  if (minor !== 0 || p === 2) return minor;
  return cmp(a.patch, b.patch);
}

/** Major, minor and patch all equal (missing components count as 0; precision is ignored). */
export function versionsEqual(a: Version, b: Version): boolean {
  return a.major === b.major && a.minor === b.minor && a.patch === b.patch;
}

/** Whether `==`/`!=` compare an operand as a version: after one leading `v`, it has a digit and a dot. */
export function looksLikeVersion(operand: string): boolean {
  const s = operand.startsWith("v") ? operand.slice(1) : operand;
  return s !== "" && /[0-9]/.test(s) && s.includes(".");
}

export function formatVersion(v: Version): string {
  return [v.major, v.minor, v.patch].slice(0, v.precision).join(".");
}
