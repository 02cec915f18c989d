/**
 * Constraint evaluation (recipes.md §9.1–9.6): path syntax, value extraction and its text form, every
 * operator in and out of version mode, the worked examples, and the result for a missing measurement.
 */
import { describe, expect, test } from "bun:test";
import { evaluateAll, evaluateConstraint, extractValue, testExpression, valueText } from "../../core/constraints/evaluate.ts";
import { parseExpression, parseMeasurementPath } from "../../core/constraints/expression.ts";
import type { Snapshot } from "../../core/schema/snapshot.ts";
import { decodeSnapshot } from "../../core/validate/documents.ts";
import { snapshotOf } from "./helpers.ts";

const check = (name: string, value: string, actual: unknown) => evaluateConstraint({ name, value }, snapshotOf({ [name]: actual }));

describe("measurement paths {Type}.{Subtype}.{Key}", () => {
  test("the key keeps every further dot and slash", () => {
    expect(parseMeasurementPath("OS.sysctl./proc/sys/kernel/osrelease")).toEqual({ type: "OS", subtype: "sysctl", key: "/proc/sys/kernel/osrelease" });
    expect(parseMeasurementPath("GPU.smi.gpu.model")).toEqual({ type: "GPU", subtype: "smi", key: "gpu.model" });
    expect(parseMeasurementPath("K8s.helm.gpu-operator.version")).toEqual({ type: "K8s", subtype: "helm", key: "gpu-operator.version" });
  });

  test("subtype and key may be empty", () => {
    expect(parseMeasurementPath("K8s..")).toEqual({ type: "K8s", subtype: "", key: "" });
  });

  for (const [name, why] of [
    ["", /empty/],
    ["K8s", /expected \{Type\}\.\{Subtype\}\.\{Key\}/],
    ["K8s.server", /expected \{Type\}\.\{Subtype\}\.\{Key\}/],
    ["k8s.server.version", /invalid measurement type "k8s"/],
    ["X.y.z", /invalid measurement type "X"/],
    ["Deployment.gpu-operator.version", /invalid measurement type "Deployment"/],
  ] as const) {
    test(`"${name}" is rejected as INVALID_REQUEST`, () => {
      const r = evaluateConstraint({ name, value: ">= 1" }, snapshotOf({}));
      expect(r.status).toBe("error");
      expect(r.error?.code).toBe("INVALID_REQUEST");
      expect(r.reason).toMatch(/^\[INVALID_REQUEST\] invalid constraint path: /);
      expect(r.reason).toMatch(why);
      expect(r.actual).toBeUndefined();
    });
  }
});

describe("value extraction", () => {
  const snap = snapshotOf({ "K8s.server.version": "v1.33.5", "OS.release.ID": "ubuntu" });

  test("first measurement of the type and first subtype of the name win", () => {
    const s: Snapshot = {
      kind: "Snapshot",
      measurements: [
        null,
        { type: "K8s", subtypes: [{ subtype: "server", data: { version: "v1.30.0" } }, { subtype: "server", data: { version: "v9" } }] },
        { type: "K8s", subtypes: [{ subtype: "server", data: { version: "v1.99.0" } }] },
      ],
    };
    expect(extractValue(s, parseMeasurementPath("K8s.server.version"))).toBe("v1.30.0");
  });

  test("a null entry in measurements is skipped, not a crash", () => {
    const s: Snapshot = { kind: "Snapshot", measurements: [null, { type: "OS", subtypes: [{ subtype: "release", data: { ID: "ubuntu" } }] }] };
    expect(evaluateConstraint({ name: "OS.release.ID", value: "ubuntu" }, s).status).toBe("passed");
  });

  const missing: [string, RegExp][] = [
    ["GPU.smi.driver", /measurement type GPU not found in snapshot/],
    ["K8s.helm.version", /subtype "helm" not found in measurement K8s/],
    ["K8s.server.platform", /key "platform" not found in K8s\.server/],
  ];
  for (const [name, why] of missing) {
    test(`${name}: a clear "missing" result, NOT_FOUND, no actual value`, () => {
      const r = evaluateConstraint({ name, value: ">= 1.30" }, snap);
      expect(r.status).toBe("missing");
      expect(r.name).toBe(name);
      expect(r.expected).toBe(">= 1.30");
      expect(r.actual).toBeUndefined();
      expect(r.error?.code).toBe("NOT_FOUND");
      expect(r.reason).toMatch(/^\[NOT_FOUND\] value not found in snapshot: \[NOT_FOUND\] /);
      expect(r.reason).toMatch(why);
    });
  }

  test("a snapshot without measurements: every constraint is missing", () => {
    expect(evaluateConstraint({ name: "K8s.server.version", value: ">= 1.30" }, { kind: "Snapshot" }).status).toBe("missing");
  });

  test("a key present with a null value is found, as <nil>", () => {
    const r = check("K8s.server.version", "== <nil>", null);
    expect(r.actual).toBe("<nil>");
    expect(r.status).toBe("passed");
  });
});

describe("value text (how readings print)", () => {
  const cases: [unknown, string][] = [
    ["v1.33.5", "v1.33.5"],
    ["  spaced  ", "  spaced  "],
    [8, "8"],
    [-3, "-3"],
    [1.3, "1.3"],
    [24.04, "24.04"],
    [22.1, "22.1"],
    [1e21, "1e+21"],
    [1.5e-5, "1.5e-05"],
    [123456789, "123456789"],
    [0.0001, "0.0001"],
    [true, "true"],
    [false, "false"],
    [null, "<nil>"],
    [["a", 1], "[a 1]"],
    [{ b: 2, a: "x" }, "map[a:x b:2]"],
  ];
  for (const [v, want] of cases) test(`${JSON.stringify(v)} -> ${want}`, () => expect(valueText(v)).toBe(want));

  test("YAML readings keep their types: unquoted 22.10 is the float 22.1, quoted stays text", () => {
    const s = decodeSnapshot(
      'kind: Snapshot\nmeasurements:\n  - type: OS\n    subtypes:\n      - subtype: release\n        data:\n          VERSION_ID: 22.10\n          QUOTED: "22.10"\n          COUNT: 8\n          ON: true\n',
      "snap.yaml",
    );
    expect(extractValue(s, parseMeasurementPath("OS.release.VERSION_ID"))).toBe("22.1");
    expect(extractValue(s, parseMeasurementPath("OS.release.QUOTED"))).toBe("22.10");
    expect(extractValue(s, parseMeasurementPath("OS.release.COUNT"))).toBe("8");
    expect(extractValue(s, parseMeasurementPath("OS.release.ON"))).toBe("true");
  });

  test("JSON readings: numbers print without a decimal point when whole", () => {
    const s = decodeSnapshot('{"kind":"Snapshot","measurements":[{"type":"GPU","subtypes":[{"subtype":"smi","data":{"gpu-count":8.0,"mem":80.5}}]}]}', "snap.json");
    expect(extractValue(s, parseMeasurementPath("GPU.smi.gpu-count"))).toBe("8");
    expect(extractValue(s, parseMeasurementPath("GPU.smi.mem"))).toBe("80.5");
  });
});

describe("expression syntax", () => {
  const cases: [string, string, string][] = [
    [">= 1.32.4", ">=", "1.32.4"],
    ["  <=2.0 ", "<=", "2.0"],
    ["!= 1.0", "!=", "1.0"],
    ["== ubuntu", "==", "ubuntu"],
    ["> 1", ">", "1"],
    ["< 1", "<", "1"],
    ["ubuntu", "exact", "ubuntu"],
    ["= 1.0", "exact", "= 1.0"],
    ["~1.0", "exact", "~1.0"],
    [">==1", ">=", "=1"],
    ["=> 1", "exact", "=> 1"],
  ];
  for (const [raw, op, operand] of cases) test(`"${raw}" -> ${op} "${operand}"`, () => expect(parseExpression(raw)).toEqual({ op: op as never, operand }));

  for (const raw of ["", "   ", ">=", "<= ", "!=", "==", ">", "<"]) {
    test(`"${raw}" is an invalid expression`, () => {
      const r = evaluateConstraint({ name: "K8s.server.version", value: raw }, snapshotOf({ "K8s.server.version": "v1.30.0" }));
      expect(r.status).toBe("error");
      expect(r.error?.code).toBe("INVALID_REQUEST");
      expect(r.reason).toMatch(/invalid constraint expression: \[INVALID_REQUEST\] (constraint expression is empty|invalid expression .*value cannot be empty after operator)/);
      // The value was found, so it is recorded even though the expression is bad.
      expect(r.actual).toBe("v1.30.0");
    });
  }
});

describe("every operator (actual trimmed first)", () => {
  // expression, actual, expected outcome: true/false, or "error" with the message it names
  const table: [string, string, boolean | RegExp][] = [
    // exact: plain string equality, case-sensitive, never versions
    ["ubuntu", "ubuntu", true],
    ["ubuntu", "  ubuntu  ", true],
    ["ubuntu", "Ubuntu", false],
    ["24.04", "24.04", true],
    ["24.04", "24.4", false],
    ["1.30", "1.30.0", false],
    ["= 1.0", "= 1.0", true],
    // ==: versions when the operand looks like one and both parse, else strings
    ["== 580.105.08", "580.105.08", true],
    ["== 580.105.08", "580.105.8", true],
    ["== 580.95.05", "580.105.08", false],
    ["== 1.30", "1.30.0", true],
    ["== 1.30", "1.30.2", false],
    ["== v1.32.4", "v1.32.4-eks-3025e55", true],
    ["== ubuntu", "ubuntu", true],
    ["== ubuntu", "Ubuntu", false],
    ["== 123", "0123", false],
    ["== 1.30", "one.thirty", false],
    ["== ubuntu22.04", "ubuntu22.04", true],
    // !=: the negation of ==
    ["!= 1.30", "1.30.0", false],
    ["!= 1.30", "1.30.2", true],
    ["!= 580.105.08", "580.95.05", true],
    ["!= ubuntu", "rhel", true],
    ["!= ubuntu", " ubuntu ", false],
    // >=
    [">= 1.32.4", "v1.33.5-eks-3025e55", true],
    [">= 1.32.4", "v1.32.4-eks-abc", true],
    [">= 1.32.4", "v1.32.3-eks-abc", false],
    [">= 1.34", "v1.33.9", false],
    [">= 1.30", "1.30.0", true],
    [">= 6.8", "6.8.0-1025-aws", true],
    [">= 6.8", "6.8.0-1028-aws", true],
    [">= 6.8", "5.15.0-1050-aws", false],
    [">= 580.95.05", "580.105.08", true],
    [">= 580.105.08", "580.95.05", false],
    [">= v24.6.0", "v25.10.1", true],
    // >
    ["> 1.30", "1.30.9", false],
    ["> 1.30", "1.31.0", true],
    ["> 1.32.4", "v1.32.5-eks-1", true],
    ["> 1.32.4", "v1.32.4-eks-1", false],
    ["> 2", "2.9", false],
    // <=
    ["<= 1.30", "1.30.9", true],
    ["<= 1.30", "1.31", false],
    ["<= 6.8", "6.8.0-1025-aws", true],
    // <
    ["< 2.0", "2.0.0", false],
    ["< 2.0", "1.99.99", true],
    ["< 1.34", "v1.33.5-eks-3025e55", true],
    ["< 580.95.05", "580.95.04", true],
    // errors: the version operators need versions on both sides
    [">= latest", "v1.30.1", /cannot parse expected version "latest"/],
    [">= 1.30", "ubuntu", /cannot parse actual version "ubuntu"/],
    ["< 1.2.3.4", "1.0", /cannot parse expected version/],
    ["> 1.0", "V1.2", /cannot parse actual version "V1.2"/],
  ];
  for (const [expr, actual, want] of table) {
    test(`${expr} vs "${actual}" -> ${want}`, () => {
      const r = check("K8s.server.version", expr, actual);
      expect(r.actual).toBe(actual);
      if (want instanceof RegExp) {
        expect(r.status).toBe("error");
        expect(r.error?.code).toBe("INTERNAL");
        expect(r.reason).toMatch(/^\[INTERNAL\] evaluation failed: /);
        expect(r.reason).toMatch(want);
        expect(() => testExpression(parseExpression(expr), actual)).toThrow(want);
      } else {
        expect(r.status).toBe(want ? "passed" : "failed");
        expect(testExpression(parseExpression(expr), actual)).toBe(want);
        if (!want) expect(r.reason).toBe(`expected ${expr}, got ${actual}`);
      }
    });
  }
});

describe("worked examples (§9.6)", () => {
  test("each result names the constraint, the expected and the actual value", () => {
    const r = check("K8s.server.version", ">= 1.34", "v1.33.9");
    expect(r).toMatchObject({ name: "K8s.server.version", expected: ">= 1.34", actual: "v1.33.9", status: "failed", reason: "expected >= 1.34, got v1.33.9" });
  });

  test("OS.sysctl kernel release compares at the constraint's precision", () => {
    expect(check("OS.sysctl./proc/sys/kernel/osrelease", ">= 6.8", "6.8.0-1025-aws").status).toBe("passed");
    expect(check("OS.sysctl./proc/sys/kernel/osrelease", ">= 6.8", "5.15.0-1050-aws").status).toBe("failed");
  });

  test("the driver 580.95.05 against its own version and a newer one", () => {
    expect(check("GPU.smi.driver", "== 580.95.05", "580.95.05").status).toBe("passed");
    expect(check("GPU.smi.driver", ">= 580.95", "580.95.05").status).toBe("passed");
    expect(check("GPU.smi.driver", ">= 580.105.08", "580.95.05").status).toBe("failed");
  });

  test("evaluateAll reports every constraint in order, without stopping at a failure", () => {
    const snap = snapshotOf({ "K8s.server.version": "v1.29.0", "OS.release.ID": "ubuntu" });
    const rs = evaluateAll(
      [
        { name: "K8s.server.version", value: ">= 1.30" },
        { name: "GPU.smi.driver", value: ">= 580" },
        { name: "OS.release.ID", value: "ubuntu" },
        { name: "Bad.path.x", value: "1" },
      ],
      snap,
    );
    expect(rs.map((r) => r.status)).toEqual(["failed", "missing", "passed", "error"]);
  });
});
