/** Content negotiation, body formats, request ids, error bodies, byte sizes and JSON error positions. */
import { describe, expect, test } from "bun:test";
import { ApiError, errorBody, fromError, rfc3339Nano } from "../../cli/server/api-error.ts";
import { parseByteSize } from "../../cli/server/limits.ts";
import { bodyFormat, compactJson, responseFormat } from "../../cli/server/negotiate.ts";
import { requestIdOf } from "../../cli/server/request-id.ts";
import { AicrError, ErrorCode, invalid, notFound } from "../../core/errors.ts";
import { jsonErrorOffset } from "../../core/json-error-offset.ts";
import { parseJson } from "../../core/yaml.ts";

describe("responseFormat", () => {
  test("JSON by default; YAML types win by q-value, then specificity; JSON on a full tie", () => {
    const cases: [string | null, "json" | "yaml"][] = [
      [null, "json"],
      ["", "json"],
      ["application/yaml", "yaml"],
      ["text/yaml", "yaml"],
      ["application/x-yaml; charset=utf-8", "yaml"],
      ["application/json, application/yaml", "json"],
      ["application/yaml, application/json", "json"],
      ["application/yaml, */*;q=0.8", "yaml"],
      ["application/yaml, */*", "yaml"],
      ["application/yaml;q=0.1, application/json;q=0.2", "json"],
      ["application/json;q=0, application/yaml;q=0.1", "yaml"],
      ["application/vnd.nvidia.aicr.v1+json", "json"],
      ["application/xml", "json"],
      ["application/yaml;q=0", "json"],
    ];
    for (const [accept, want] of cases) expect(responseFormat(accept), String(accept)).toBe(want);
  });

  test("bodyFormat: the YAML media types are YAML, everything else JSON", () => {
    expect(bodyFormat("application/x-yaml")).toBe("yaml");
    expect(bodyFormat("Text/YAML; charset=utf-8")).toBe("yaml");
    expect(bodyFormat("application/json")).toBe("json");
    expect(bodyFormat("text/plain")).toBe("json");
    expect(bodyFormat(null)).toBe("json");
  });

  test("compactJson escapes as Go does and ends with a newline", () => {
    expect(compactJson({ v: ">= 1.2 & <2", s: "\u2028" })).toBe('{"v":"\\u003e= 1.2 \\u0026 \\u003c2","s":"\\u2028"}\n');
  });
});

describe("errors", () => {
  test("the body: fields in order, details sorted and left out when empty, Go-style timestamp", () => {
    const t = new Date(Date.UTC(2026, 0, 3, 10, 30, 0, 120));
    expect(JSON.stringify(errorBody(new ApiError(ErrorCode.InvalidRequest, "m", { z: 1, a: 2 }), "id", t))).toBe(
      '{"code":"INVALID_REQUEST","message":"m","details":{"a":2,"z":1},"requestId":"id","timestamp":"2026-01-03T10:30:00.12Z","retryable":false}',
    );
    expect(Object.keys(errorBody(new ApiError(ErrorCode.Internal, "m"), "id", t))).toEqual(["code", "message", "requestId", "timestamp", "retryable"]);
    expect(rfc3339Nano(new Date(Date.UTC(2026, 0, 3)))).toBe("2026-01-03T00:00:00Z");
  });

  test("status and retryable from the code; structured causes in details.error; anything else is a 500", () => {
    expect(fromError(notFound("x"), "f").status).toBe(404);
    const wrapped = fromError(new AicrError(ErrorCode.Timeout, "slow", { cause: invalid("why") }), "f");
    expect([wrapped.status, wrapped.retryable, wrapped.details["error"]]).toEqual([504, true, "[INVALID_REQUEST] why"]);
    const plain = fromError(new Error("boom"), "Fallback");
    expect([plain.status, plain.code, plain.message, plain.details["error"]]).toEqual([500, "INTERNAL", "Fallback", "boom"]);
    expect(new ApiError(ErrorCode.RateLimitExceeded, "r").status).toBe(429);
  });

  test("request ids: UUID forms kept, anything else replaced", () => {
    expect(requestIdOf("550E8400-E29B-41D4-A716-446655440000")).toBe("550E8400-E29B-41D4-A716-446655440000");
    expect(requestIdOf("550e8400-e29b-41d4-a716-44665544000")).not.toBe("550e8400-e29b-41d4-a716-44665544000");
    expect(requestIdOf(null)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("parseByteSize", () => {
  test("plain bytes and unit suffixes; anything else is one clear error", () => {
    expect(parseByteSize("1048576", "--max-body")).toBe(1048576);
    expect(parseByteSize("512KiB", "--max-body")).toBe(524288);
    expect(parseByteSize("8mib", "--max-body")).toBe(8 * 1024 * 1024);
    expect(parseByteSize("10MB", "--max-body")).toBe(10_000_000);
    for (const bad of ["0", "-1", "1.5MiB", "lots", "8 PiB"]) expect(() => parseByteSize(bad, "--max-body")).toThrow(`invalid value for --max-body: "${bad}"`);
  });
});

describe("JSON error positions", () => {
  test("the offset of the first character that breaks the grammar; -1 for valid JSON", () => {
    expect(jsonErrorOffset('{"a": [1, 2,]}')).toBe(12);
    expect(jsonErrorOffset('{"a": tru}')).toBe(6);
    expect(jsonErrorOffset('{"a": 1')).toBe(7);
    expect(jsonErrorOffset('{"a": "x\ny"}')).toBe(8);
    expect(jsonErrorOffset('{"a": "\\q"}')).toBe(8);
    expect(jsonErrorOffset("[1] x")).toBe(4);
    expect(jsonErrorOffset("")).toBe(0);
    expect(jsonErrorOffset('{"a": [1, -2.5e3, "\\u00e9", true, false, null, {}]}')).toBe(-1);
  });

  test("parseJson names file:line:col when the engine's message does not", () => {
    expect(() => parseJson('{\n  "a": 1,\n  "b": }\n', "doc.json")).toThrow(/^malformed JSON in doc\.json:3:8: /);
    expect(() => parseJson("", "doc.json")).toThrow(/^malformed JSON in doc\.json:1:1: /);
  });
});
