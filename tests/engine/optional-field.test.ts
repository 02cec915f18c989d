import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { bool, int, opt } from "../../core/schema/fields.ts";

/** What `opt` stands for, built from valibot's own pieces. */
const composed = <T extends v.GenericSchema>(schema: T) => v.optional(v.pipe(v.nullable(schema), v.transform((x) => x ?? undefined)));

/** The outcome a caller sees: success and output, or each issue's path and message. */
function outcome(schema: v.GenericSchema, input: unknown) {
  const r = v.safeParse(schema, input);
  if (r.success) return { ok: true, output: r.output, keys: r.output && typeof r.output === "object" ? Object.keys(r.output) : [] };
  return { ok: false, issues: r.issues.map((i) => ({ path: (i.path ?? []).map((p) => p.key), message: i.message, expected: i.expected })) };
}

describe("opt: an optional field where null means not set", () => {
  const inner = v.object({ name: v.string(), replicas: opt(int), enabled: opt(bool), tags: opt(v.array(v.string())) });
  const field = (schema: v.GenericSchema) => v.object({ spec: schema });
  const inputs: unknown[] = [
    {},
    { spec: null },
    { spec: undefined },
    { spec: { name: "a" } },
    { spec: { name: "a", replicas: null, enabled: null, tags: null } },
    { spec: { name: "a", replicas: "3", enabled: "True", tags: ["x"] } },
    { spec: { name: "a", replicas: "three" } },
    { spec: { name: 5, tags: [1] } },
    { spec: "text" },
    { spec: [] },
  ];

  test("decodes every input as the valibot composition it replaces", () => {
    for (const input of inputs) {
      const ours = outcome(field(opt(inner)), input);
      const theirs = outcome(field(composed(inner)), input);
      expect({ input, result: ours }).toEqual({ input, result: theirs });
    }
  });

  test("absent and null both leave the field unset; a value is decoded by the wrapped schema", () => {
    const s = v.object({ count: opt(int) });
    expect(v.parse(s, {})).toEqual({});
    expect(v.parse(s, { count: null })).toEqual({ count: undefined });
    expect(v.parse(s, { count: "7" })).toEqual({ count: 7 });
    const bad = v.safeParse(s, { count: "seven" });
    expect(bad.success).toBe(false);
    expect(bad.issues?.[0]?.path?.map((p) => p.key)).toEqual(["count"]);
    expect(bad.issues?.[0]?.message).toBe("expected an integer");
  });

  test("is a standard schema like any other valibot schema", async () => {
    const s = opt(v.string());
    const unset = (await s["~standard"].validate(null)) as { value?: unknown; issues?: unknown[] };
    expect(unset.issues).toBeUndefined();
    expect(unset.value).toBeUndefined();
    expect(await s["~standard"].validate("x")).toMatchObject({ value: "x" });
    expect(((await s["~standard"].validate(3)) as { issues?: unknown[] }).issues?.length).toBe(1);
  });
});
