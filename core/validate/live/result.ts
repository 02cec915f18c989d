/**
 * A validator's outcome as a CTRF test (§10.5): exit 0 passed, 1 failed, 2 skipped, anything else
 * (including -1: never ran, timed out, crashed) other. The termination message becomes the test's
 * message (our checks write a JSON result there, whose expected/actual values are kept); the
 * container log becomes `stdout`: its last 1000 lines, each cut to 512 bytes.
 */
import type { ValidatorEntry } from "../../schema/validator-catalog.ts";
import type { LivePhase } from "../phases.ts";
import type { CtrfStatus, CtrfTest } from "../report.ts";
import { decodeCheckResult, EXIT_FAILED, EXIT_PASSED, EXIT_SKIPPED } from "./check-result.ts";
import type { ValidatorOutcome } from "./outcome.ts";

/** Log lines kept per test. */
export const MAX_LOG_LINES = 1000;
/** Longest log line kept, in bytes; longer ones are cut and marked. */
export const MAX_LOG_LINE_BYTES = 512;

export function statusForExitCode(code: number): CtrfStatus {
  if (code === EXIT_PASSED) return "passed";
  if (code === EXIT_FAILED) return "failed";
  if (code === EXIT_SKIPPED) return "skipped";
  return "other";
}

function cutLine(line: string): string {
  const buf = Buffer.from(line, "utf8");
  if (buf.length <= MAX_LOG_LINE_BYTES) return line;
  // Cut on a character boundary at or below the limit.
  let end = MAX_LOG_LINE_BYTES;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  const kept = buf.subarray(0, end).toString("utf8");
  return `${kept}... [truncated ${line.length - kept.length} chars]`;
}

/** The log as CTRF stdout lines: trailing newlines trimmed, split, the last 1000 kept, long lines cut. */
export function logLines(log: string | undefined): string[] {
  const text = (log ?? "").replace(/\n+$/, "");
  if (text === "") return [];
  return text.split("\n").slice(-MAX_LOG_LINES).map((l) => cutLine(l.replace(/\r$/, "")));
}

export function validatorTest(entry: ValidatorEntry, phase: LivePhase, outcome: ValidatorOutcome, log?: string): CtrfTest {
  const status = statusForExitCode(outcome.exitCode);
  const t: CtrfTest = { name: entry.name, status, duration: outcome.durationMs, suite: [phase], extra: { exitCode: outcome.exitCode } };
  const result = decodeCheckResult(outcome.message);
  let message = outcome.message.trim();
  if (result) {
    message = result.message;
    const extra = t.extra!;
    if (result.constraint !== undefined) extra.constraint = result.constraint;
    if (result.expected !== undefined) extra.expected = result.expected;
    if (result.actual !== undefined) extra.actual = result.actual;
  }
  const text = [outcome.note, message].filter((s) => s !== undefined && s !== "").join(": ");
  if (text !== "") t.message = text;
  const lines = logLines(log);
  if (lines.length > 0) t.stdout = lines;
  return t;
}

/** The test of a validator whose Job could not even be created. */
export function deployFailedTest(entry: ValidatorEntry, phase: LivePhase, error: string): CtrfTest {
  return { name: entry.name, status: "other", duration: 0, suite: [phase], message: `failed to deploy Job: ${error}`, extra: { exitCode: -1 } };
}
