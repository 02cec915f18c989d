/**
 * The contract between `aicr-agent check` and the orchestrator. A check exits 0 (passed), 1 (failed)
 * or 2 (skipped); any other status means it could not decide (reported as `other`). Its verdict is
 * also written as one compact JSON object to the container's termination-message file, which the
 * kubelet keeps (at most 4096 bytes) after the container ends: the orchestrator turns it into the
 * CTRF test's message and expected/actual values. Lines printed by the check are its evidence.
 */

export type CheckStatus = "passed" | "failed" | "skipped" | "error";

export interface CheckResult {
  check: string;
  status: CheckStatus;
  /** One line: why it passed, failed or was skipped. */
  message: string;
  /** For checks of a phase constraint: its name, expression and the measured value. */
  constraint?: string;
  expected?: string;
  actual?: string;
  /** Every finding, one line each (dropped first when the message limit is reached). */
  details?: string[];
}

export const EXIT_PASSED = 0;
export const EXIT_FAILED = 1;
export const EXIT_SKIPPED = 2;

/** The kubelet keeps at most this many bytes of a termination message. */
export const TERMINATION_MESSAGE_LIMIT = 4096;
/** Where a container's termination message is written unless the pod spec says otherwise. */
export const DEFAULT_TERMINATION_MESSAGE_PATH = "/dev/termination-log";

export const exitCodeOf = (status: Exclude<CheckStatus, "error">): number =>
  status === "passed" ? EXIT_PASSED : status === "failed" ? EXIT_FAILED : EXIT_SKIPPED;

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

function cut(s: string, max: number): string {
  if (bytes(s) <= max) return s;
  let out = s.slice(0, max);
  while (bytes(out) > max - 3) out = out.slice(0, -1);
  return `${out}...`;
}

/**
 * Compact JSON within `limit` bytes: details are dropped from the end (a final line says how many),
 * then the message and values are shortened.
 */
export function encodeCheckResult(r: CheckResult, limit = TERMINATION_MESSAGE_LIMIT): string {
  const base: CheckResult = { check: r.check, status: r.status, message: r.message };
  for (const k of ["constraint", "expected", "actual"] as const) if (r[k] !== undefined) base[k] = r[k];
  const details = [...(r.details ?? [])];
  const text = (d: string[]) => JSON.stringify(d.length > 0 ? { ...base, details: d } : base);
  let kept = details.length;
  while (kept > 0 && bytes(text(details.slice(0, kept))) > limit) kept--;
  const shown = kept < details.length ? [...details.slice(0, kept), `... ${details.length - kept} more`] : details;
  let out = text(shown);
  if (bytes(out) <= limit) return out;
  const small: CheckResult = { ...base, message: cut(base.message, Math.floor(limit / 2)) };
  for (const k of ["constraint", "expected", "actual"] as const) if (small[k] !== undefined) small[k] = cut(small[k] as string, 256);
  out = JSON.stringify(small);
  return bytes(out) <= limit ? out : JSON.stringify({ check: cut(r.check, 128), status: r.status, message: cut(r.message, limit - 256) });
}

const statuses: readonly string[] = ["passed", "failed", "skipped", "error"];

/** The result in a termination message, or undefined when the text is not one (another validator's plain text). */
export function decodeCheckResult(text: string): CheckResult | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text.trim());
  } catch {
    return undefined;
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o["check"] !== "string" || typeof o["message"] !== "string" || !statuses.includes(String(o["status"]))) return undefined;
  const r: CheckResult = { check: o["check"], status: o["status"] as CheckStatus, message: o["message"] };
  for (const k of ["constraint", "expected", "actual"] as const) if (typeof o[k] === "string") r[k] = o[k] as string;
  if (Array.isArray(o["details"])) r.details = o["details"].map(String);
  return r;
}
