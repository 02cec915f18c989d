/**
 * The CTRF report `validate` writes, as a valibot schema: exactly the fields we emit (strict objects),
 * summary counters that agree with the tests, and every failed test naming its constraint, expected
 * and actual value in `extra`.
 */
import * as v from "valibot";

export const ctrfStatuses = ["passed", "failed", "skipped", "pending", "other"] as const;

const count = v.pipe(v.number(), v.integer("expected an integer"), v.minValue(0, "expected 0 or more"));
const millis = v.pipe(v.number(), v.integer("expected integer milliseconds"), v.minValue(0, "expected 0 or more"));

export const CtrfTestExtraSchema = v.strictObject({
  phase: v.optional(v.string()),
  constraint: v.optional(v.string()),
  expected: v.optional(v.string()),
  actual: v.optional(v.string()),
  remediation: v.optional(v.string()),
  reason: v.optional(v.string()),
  exitCode: v.optional(v.pipe(v.number(), v.integer())),
});

export const CtrfTestSchema = v.pipe(
  v.strictObject({
    name: v.pipe(v.string(), v.minLength(1, "a test needs a name")),
    status: v.picklist(ctrfStatuses, `status must be one of ${ctrfStatuses.join(", ")}`),
    duration: millis,
    suite: v.optional(v.pipe(v.array(v.string()), v.minLength(1, "suite needs at least one entry"))),
    message: v.optional(v.pipe(v.string(), v.minLength(1, "an empty message is omitted, not written"))),
    stdout: v.optional(v.pipe(v.array(v.string()), v.minLength(1, "empty stdout is omitted, not written"))),
    extra: v.optional(CtrfTestExtraSchema),
  }),
  v.check(
    (t) => t.status !== "failed" || (t.extra?.constraint !== undefined && t.extra.expected !== undefined && t.extra.actual !== undefined),
    "a failed test must name the constraint, the expected and the actual value (extra.constraint, extra.expected, extra.actual)",
  ),
);

export const CtrfSummarySchema = v.strictObject({
  tests: count,
  passed: count,
  failed: count,
  skipped: count,
  pending: count,
  other: count,
  start: millis,
  stop: millis,
});

export const CtrfReportSchema = v.pipe(
  v.strictObject({
    reportFormat: v.literal("CTRF"),
    specVersion: v.pipe(v.string(), v.regex(/^\d+\.\d+\.\d+$/, "specVersion must be MAJOR.MINOR.PATCH")),
    timestamp: v.pipe(v.string(), v.regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, "timestamp must be RFC 3339 UTC with second precision")),
    generatedBy: v.string(),
    results: v.strictObject({
      tool: v.strictObject({ name: v.pipe(v.string(), v.minLength(1)), version: v.optional(v.pipe(v.string(), v.minLength(1))) }),
      summary: CtrfSummarySchema,
      tests: v.array(CtrfTestSchema),
      environment: v.optional(v.record(v.string(), v.unknown())),
    }),
  }),
  v.check((r) => r.results.summary.start <= r.results.summary.stop, "summary.start must not be after summary.stop"),
  v.check((r) => {
    const s = r.results.summary;
    const t = r.results.tests;
    const n = (st: string) => t.filter((x) => x.status === st).length;
    return (
      s.tests === t.length && s.passed === n("passed") && s.failed === n("failed") && s.skipped === n("skipped") && s.pending === n("pending") && s.other === n("other")
    );
  }, "summary counters must match the tests"),
);

export type CtrfReportDocument = v.InferOutput<typeof CtrfReportSchema>;
