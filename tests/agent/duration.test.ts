import { describe, expect, test } from "bun:test";
import { exitCodeFor } from "../../core/errors.ts";
import { parseGoDuration as parseDuration } from "../../core/validate/duration.ts";

describe("--timeout durations (Go syntax)", () => {
  test("units and combinations", () => {
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(parseDuration("1.5m")).toBe(90_000);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("1500us")).toBe(1.5);
    expect(parseDuration(" 10s ")).toBe(10_000);
    expect(parseDuration("0")).toBe(0);
  });

  test("anything else is an invalid request naming the flag", () => {
    for (const bad of ["", "30", "s", "30 s", "1d", "1m-30s", "abc", "--1s"]) {
      let err: unknown;
      try {
        parseDuration(bad, "--timeout");
      } catch (e) {
        err = e;
      }
      expect(exitCodeFor(err)).toBe(2);
      expect((err as Error).message).toContain(`invalid value for --timeout: "${bad}"`);
    }
  });
});
