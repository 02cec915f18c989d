/**
 * Constraint evaluation against a snapshot: extract the measured value at `{Type}.{Subtype}.{Key}`,
 * render it as text the way the snapshot's producer prints readings, and test it against the
 * expression. Every outcome names the constraint, the expected value and (when one was found) the
 * actual value; a missing measurement is an outcome of its own, not a failure.
 */
import { AicrError, ErrorCode, invalid, notFound, renderError } from "../errors.ts";
import type { Constraint } from "../schema/constraint.ts";
import type { Snapshot } from "../schema/snapshot.ts";
import { parseExpression, parseMeasurementPath, type Expression, type MeasurementPath } from "./expression.ts";
import { compareVersions, looksLikeVersion, tryParseVersion, versionsEqual } from "./version.ts";

/**
 * - `passed` / `failed`: the expression was evaluated.
 * - `missing`: the measurement type, subtype or key is not in the snapshot.
 * - `error`: the constraint itself cannot be evaluated (bad path, bad expression, a value that is not a version).
 */
export type ConstraintStatus = "passed" | "failed" | "missing" | "error";

export interface ConstraintResult {
  /** The constraint's name (its measurement path). */
  name: string;
  /** The constraint's expression as written, e.g. `>= 1.32.4`. */
  expected: string;
  /** The measured value as text, when it was found (trimmed before comparison). */
  actual?: string;
  status: ConstraintStatus;
  /** Why it did not pass: "expected >= 1.34, got v1.33.9", or the rendered error. */
  reason?: string;
  /** The structured error behind `missing` and `error`. */
  error?: AicrError;
}

// ---------------------------------------------------------------------------------------------
// Value text

/** Go's shortest `%v` text of a float64 (exponent form below 1e-4 and from 1e21). */
function goFloat(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "+Inf" : "-Inf";
  if (Object.is(x, -0)) return "-0";
  const [mant, expText] = x.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 21) return `${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return String(x);
}

/** A reading as text: strings verbatim, numbers and booleans as Go prints them, null as `<nil>`. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 1e21 ? String(v) : goFloat(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return `[${v.map(valueText).join(" ")}]`;
  if (typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, x]) => `${k}:${valueText(x)}`).join(" ")}]`;
  }
  return String(v);
}

// ---------------------------------------------------------------------------------------------
// Extraction

/** The measured value at `path` as text; NOT_FOUND naming the first part that is missing. */
export function extractValue(snapshot: Snapshot, path: MeasurementPath): string {
  const m = (snapshot.measurements ?? []).find((x) => x !== null && x !== undefined && x.type === path.type);
  if (!m) throw notFound(`measurement type ${path.type} not found in snapshot`);
  const sub = (m.subtypes ?? []).find((s) => s !== null && s !== undefined && (s.subtype ?? "") === path.subtype);
  if (!sub) throw notFound(`subtype "${path.subtype}" not found in measurement ${path.type}`);
  const data = sub.data ?? {};
  if (!Object.hasOwn(data, path.key)) throw notFound(`key "${path.key}" not found in ${path.type}.${path.subtype}`);
  return valueText(data[path.key]);
}

// ---------------------------------------------------------------------------------------------
// Expressions

const versionOperators = new Set([">=", "<=", ">", "<"]);

/** Test `actual` (trimmed) against a parsed expression. Throws when a version cannot be parsed. */
export function testExpression(expr: Expression, actualRaw: string): boolean {
  const actual = actualRaw.trim();
  const { op, operand } = expr;
  if (op === "exact") return actual === operand;
  if (op === "==" || op === "!=") {
    let equal = actual === operand;
    if (looksLikeVersion(operand)) {
      const a = tryParseVersion(actual);
      const e = tryParseVersion(operand);
      if (a && e) equal = versionsEqual(a, e);
    }
    return op === "==" ? equal : !equal;
  }
  if (!versionOperators.has(op)) throw invalid(`unknown operator ${op}`);
  const e = tryParseVersion(operand);
  if (!e) throw invalid(`cannot parse expected version "${operand}"`);
  const a = tryParseVersion(actual);
  if (!a) throw invalid(`cannot parse actual version "${actual}"`);
  const c = compareVersions(a, e);
  switch (op) {
    case ">=":
      return c >= 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    default:
      return c < 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

function outcome(c: Constraint, status: ConstraintStatus, actual: string | undefined, error?: AicrError): ConstraintResult {
  const r: ConstraintResult = { name: c.name, expected: c.value, status };
  if (actual !== undefined) r.actual = actual;
  if (error) {
    r.error = error;
    r.reason = renderError(error);
  }
  return r;
}

/** Evaluate one constraint. Never throws: every problem becomes a `missing` or `error` result. */
export function evaluateConstraint(c: Constraint, snapshot: Snapshot): ConstraintResult {
  let path: MeasurementPath;
  try {
    path = parseMeasurementPath(c.name);
  } catch (err) {
    return outcome(c, "error", undefined, new AicrError(ErrorCode.InvalidRequest, "invalid constraint path", { cause: err }));
  }
  let actual: string;
  try {
    actual = extractValue(snapshot, path);
  } catch (err) {
    return outcome(c, "missing", undefined, new AicrError(ErrorCode.NotFound, "value not found in snapshot", { cause: err }));
  }
  let expr: Expression;
  try {
    expr = parseExpression(c.value);
  } catch (err) {
    return outcome(c, "error", actual, new AicrError(ErrorCode.InvalidRequest, "invalid constraint expression", { cause: err }));
  }
  let ok: boolean;
  try {
    ok = testExpression(expr, actual);
  } catch (err) {
    return outcome(c, "error", actual, new AicrError(ErrorCode.Internal, "evaluation failed", { cause: err }));
  }
  if (ok) return outcome(c, "passed", actual);
  const r = outcome(c, "failed", actual);
  r.reason = `expected ${c.value}, got ${actual}`;
  return r;
}

/** Evaluate every constraint (no short-circuit), in order. */
export function evaluateAll(constraints: readonly Constraint[], snapshot: Snapshot): ConstraintResult[] {
  return constraints.map((c) => evaluateConstraint(c, snapshot));
}
