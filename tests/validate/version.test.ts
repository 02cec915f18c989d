/** Version parsing and comparison (recipes.md §9.4): every input form, precision, extras, errors. */
import { describe, expect, test } from "bun:test";
import { compareVersions, formatVersion, looksLikeVersion, parseVersion, tryParseVersion, versionsEqual } from "../../core/constraints/version.ts";
import { AicrError } from "../../core/errors.ts";

describe("parseVersion", () => {
  const ok: [string, string, number, string][] = [
    // input, numeric part, precision, extras
    ["v1.32.4-eks-3025e55", "1.32.4", 3, "-eks-3025e55"],
    ["v1.33.5-eks-3025e55", "1.33.5", 3, "-eks-3025e55"],
    ["v1.28.0-gke.1337000", "1.28.0", 3, "-gke.1337000"],
    ["1.29.2-hotfix.20240322", "1.29.2", 3, "-hotfix.20240322"],
    ["6.8.0-1028-aws", "6.8.0", 3, "-1028-aws"],
    ["6.8.0-1025-aws", "6.8.0", 3, "-1025-aws"],
    ["5.15.0-1050-aws", "5.15.0", 3, "-1050-aws"],
    ["580.95.05", "580.95.5", 3, ""],
    ["580.105.08", "580.105.8", 3, ""],
    ["1.30", "1.30", 2, ""],
    ["v2", "2", 1, ""],
    ["24.04", "24.4", 2, ""],
    ["v1.2.3+build.7", "1.2.3", 3, "+build.7"],
    ["1.30+meta", "1.30", 2, "+meta"],
    ["007.01.002", "7.1.2", 3, ""],
    ["+1.2.3", "1.2.3", 3, ""],
    ["v24.6.0", "24.6.0", 3, ""],
    ["v25.10.1", "25.10.1", 3, ""],
  ];
  for (const [input, numeric, precision, extras] of ok) {
    test(`${input} -> ${numeric} (precision ${precision})`, () => {
      const v = parseVersion(input);
      expect(formatVersion(v)).toBe(numeric);
      expect(v.precision).toBe(precision as 1 | 2 | 3);
      expect(v.extras).toBe(extras);
    });
  }

  test("missing minor and patch count as 0", () => {
    const v = parseVersion("v2");
    expect([v.major, v.minor, v.patch]).toEqual([2n, 0n, 0n]);
  });

  const bad: [string, RegExp][] = [
    ["", /empty/],
    ["v", /empty component/],
    ["1.2.3.4", /more than 3 components/],
    ["v1.2.a", /not a number/],
    ["1.2.x-beta", /not a number/],
    ["ubuntu", /not a number/],
    ["-1.2.3", /negative/],
    ["1.-2.3", /negative/],
    ["V1.2.3", /not a number/],
    ["1..2", /empty component/],
    ["1.2.", /empty component/],
    ["vv1.2", /not a number/],
    ["1.2.99999999999999999999", /out of range/],
    ["latest", /not a number/],
  ];
  for (const [input, why] of bad) {
    test(`"${input}" is not a version`, () => {
      let err: unknown;
      try {
        parseVersion(input);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AicrError);
      expect((err as AicrError).code).toBe("INVALID_REQUEST");
      expect((err as Error).message).toMatch(why);
      expect(tryParseVersion(input)).toBeUndefined();
    });
  }

  test("a '-' after a non-digit does not start the extras", () => {
    // 1.2.x-beta: the '-' follows 'x', so the whole 'x-beta' is the patch component (and not a number).
    expect(() => parseVersion("1.2.x-beta")).toThrow(/"x-beta"/);
  });
});

describe("compareVersions: the lower precision decides how far to compare", () => {
  const cases: [string, string, number][] = [
    ["1.30.0", "1.30", 0],
    ["1.30.9", "1.30", 0],
    ["1.31.0", "1.30", 1],
    ["1.29.9", "1.30", -1],
    ["2.0.0", "2.0", 0],
    ["v1.33.5-eks-3025e55", "1.32.4", 1],
    ["v1.32.4-eks-abc", "1.32.4", 0],
    ["v1.32.3-eks-abc", "1.32.4", -1],
    ["6.8.0-1025-aws", "6.8", 0],
    ["5.15.0-1050-aws", "6.8", -1],
    ["580.95.05", "580.105.08", -1],
    ["580.105.08", "580.95.05", 1],
    ["3", "2.9.9", 1],
    ["2", "2.9.9", 0],
    ["1.10", "1.9", 1],
  ];
  for (const [a, b, want] of cases) {
    test(`${a} vs ${b} -> ${want}`, () => {
      expect(compareVersions(parseVersion(a), parseVersion(b))).toBe(want);
      expect(compareVersions(parseVersion(b), parseVersion(a))).toBe(-want || 0);
    });
  }
});

describe("versionsEqual: all three components, precision ignored", () => {
  const cases: [string, string, boolean][] = [
    ["1.30", "1.30.0", true],
    ["1.30", "1.30.2", false],
    ["580.105.08", "580.105.8", true],
    ["v1.32.4-eks-1", "1.32.4", true],
    ["v2", "2.0.0", true],
    ["2", "2.0.1", false],
  ];
  for (const [a, b, want] of cases) {
    test(`${a} == ${b} is ${want}`, () => expect(versionsEqual(parseVersion(a), parseVersion(b))).toBe(want));
  }
});

describe("looksLikeVersion (decides version mode for == and !=)", () => {
  const cases: [string, boolean][] = [
    ["1.30", true],
    ["v1.30", true],
    ["580.105.08", true],
    ["ubuntu22.04", true],
    ["123", false],
    ["a.b", false],
    ["v", false],
    ["ubuntu", false],
    ["24.04", true],
  ];
  for (const [s, want] of cases) test(`${s}: ${want}`, () => expect(looksLikeVersion(s)).toBe(want));
});
