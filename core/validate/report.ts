/**
 * CTRF (Common Test Report Format) reports: one per phase, merged into the combined report that
 * `validate` writes. Field order is emission order; times come from the caller's clock so the same
 * inputs and clock give the same bytes.
 */
import { stringifyJson } from "../yaml.ts";

export type CtrfStatus = "passed" | "failed" | "skipped" | "pending" | "other";

/** What a test carries beyond CTRF's own fields: the constraint behind it and how to fix a failure. */
export interface CtrfTestExtra {
  phase?: string;
  constraint?: string;
  expected?: string;
  actual?: string;
  remediation?: string;
  /** Why a constraint could not be evaluated (a skipped readiness constraint). */
  reason?: string;
  /** Exit code of the validator container (live phases). */
  exitCode?: number;
}

export interface CtrfTest {
  name: string;
  status: CtrfStatus;
  /** Integer milliseconds; 0 for tests that did not run. */
  duration: number;
  suite?: string[];
  message?: string;
  stdout?: string[];
  extra?: CtrfTestExtra;
}

export interface CtrfSummary {
  tests: number;
  passed: number;
  failed: number;
  skipped: number;
  pending: number;
  other: number;
  /** Milliseconds since the epoch. */
  start: number;
  stop: number;
}

export interface CtrfTool {
  name: string;
  version?: string;
}

export interface CtrfReport {
  reportFormat: "CTRF";
  specVersion: string;
  /** RFC 3339, UTC, second precision. */
  timestamp: string;
  generatedBy: string;
  results: {
    tool: CtrfTool;
    summary: CtrfSummary;
    tests: CtrfTest[];
    environment?: Record<string, unknown>;
  };
}

export const CTRF_SPEC_VERSION = "0.0.1";
export const GENERATED_BY = "aicr";

/** RFC 3339 UTC with second precision: `2026-03-21T10:00:05Z`. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const tool = (version: string | undefined): CtrfTool => (version ? { name: GENERATED_BY, version } : { name: GENERATED_BY });

/** A test in emission order of its fields, without empty optional fields, duration a whole number. */
export function normaliseTest(t: CtrfTest): CtrfTest {
  const out: CtrfTest = { name: t.name, status: t.status, duration: Math.max(0, Math.round(t.duration)) };
  if (t.suite && t.suite.length > 0) out.suite = [...t.suite];
  if (t.message) out.message = t.message;
  if (t.stdout && t.stdout.length > 0) out.stdout = [...t.stdout];
  if (t.extra) {
    const e: CtrfTestExtra = {};
    for (const k of ["phase", "constraint", "expected", "actual", "remediation", "reason"] as const) {
      const x = t.extra[k];
      if (x !== undefined) e[k] = x;
    }
    if (t.extra.exitCode !== undefined) e.exitCode = t.extra.exitCode;
    if (Object.keys(e).length > 0) out.extra = e;
  }
  return out;
}

export function summarise(tests: readonly CtrfTest[], start: number, stop: number): CtrfSummary {
  const n = (s: CtrfStatus) => tests.filter((t) => t.status === s).length;
  return {
    tests: tests.length,
    passed: n("passed"),
    failed: n("failed"),
    skipped: n("skipped"),
    pending: n("pending"),
    other: n("other"),
    start,
    stop,
  };
}

/** A report of one phase. `start` is when the phase began, `stop` when the report is built. */
export function phaseReport(tests: readonly CtrfTest[], times: { start: number; stop: number }, version?: string): CtrfReport {
  const list = tests.map(normaliseTest);
  return {
    reportFormat: "CTRF",
    specVersion: CTRF_SPEC_VERSION,
    timestamp: rfc3339(times.stop),
    generatedBy: GENERATED_BY,
    results: { tool: tool(version), summary: summarise(list, times.start, times.stop), tests: list },
  };
}

/**
 * The combined report: one phase report is returned as it is; otherwise tests are concatenated in
 * phase order, counters summed, start the earliest, stop the latest, timestamp the first report's
 * (or `now` when there are none), environment the last one set. An empty run has `tests: []`.
 */
export function mergeReports(reports: readonly CtrfReport[], now: number, version?: string): CtrfReport {
  if (reports.length === 1) return reports[0] as CtrfReport;
  const tests = reports.flatMap((r) => r.results.tests);
  const first = reports[0];
  let start = first?.results.summary.start ?? now;
  let stop = first?.results.summary.stop ?? now;
  let environment: Record<string, unknown> | undefined;
  for (const r of reports) {
    start = Math.min(start, r.results.summary.start);
    stop = Math.max(stop, r.results.summary.stop);
    if (r.results.environment) environment = r.results.environment;
  }
  const summary = summarise(tests, start, stop);
  return {
    reportFormat: "CTRF",
    specVersion: CTRF_SPEC_VERSION,
    timestamp: first?.timestamp ?? rfc3339(now),
    generatedBy: GENERATED_BY,
    results: { tool: tool(version), summary, tests, ...(environment ? { environment } : {}) },
  };
}

/** The report as written: pretty JSON, HTML-escaped like Go's encoder, newline at the end. */
export function reportJson(report: CtrfReport): string {
  return stringifyJson(report);
}
