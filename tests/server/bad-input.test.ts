/**
 * Bad input never takes the server down: malformed JSON and YAML bodies, oversized bodies (declared
 * or streamed), stalled bodies past the request deadline, and unexpected handler failures each get
 * one clear error response, and the server answers the next request normally.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { metricValue, rawExchange, startTestServer, type TestServer } from "./helpers.ts";

const LIMIT = 4096;
let s: TestServer;
beforeAll(() => {
  s = startTestServer({ maxBodyBytes: LIMIT, requestTimeoutMs: 400 });
});
afterAll(() => s.stop());

/** The server still answers health and a real request. */
async function stillServing(): Promise<void> {
  expect((await fetch(`${s.url}/health`)).status).toBe(200);
  const r = await fetch(`${s.url}/v1/recipe?service=eks&accelerator=h100`);
  expect(r.status).toBe(200);
  expect(((await r.json()) as { kind: string }).kind).toBe("RecipeResult");
}

async function errorOf(r: Response): Promise<Record<string, any>> {
  expect(r.headers.get("content-type")).toBe("application/json");
  return (await r.json()) as Record<string, any>;
}

describe("malformed bodies", () => {
  const cases: { path: string; type: string; body: string; message: string; error: RegExp }[] = [
    { path: "/v1/recipe", type: "application/json", body: '{"kind": "RecipeCriteria", "spec": {', message: "Invalid recipe criteria", error: /malformed JSON in request body:1:\d+: / },
    { path: "/v1/recipe", type: "application/yaml", body: "spec:\n  service: eks\n   accelerator: [h100\n", message: "Invalid recipe criteria", error: /malformed YAML in request body:\d+:\d+: / },
    { path: "/v1/recipe", type: "application/json", body: "{\n  \"spec\": {\"service\": \"eks\",}\n}", message: "Invalid recipe criteria", error: /malformed JSON in request body:2:\d+: / },
    { path: "/v1/query", type: "application/json", body: "{criteria", message: "Invalid query request body", error: /malformed JSON in request body:1:\d+: / },
    { path: "/v1/query", type: "text/yaml", body: "criteria: {service: eks\n", message: "Invalid query request body", error: /malformed YAML in request body:\d+:\d+: / },
    { path: "/v1/bundle", type: "application/json", body: '{"kind":"RecipeResult",', message: "Invalid request body", error: /malformed JSON in request\.json:1:\d+: / },
    { path: "/v1/bundle", type: "application/yaml", body: "kind: RecipeResult\n  componentRefs: [\n", message: "Invalid request body", error: /malformed YAML in request\.yaml:\d+:\d+: / },
    { path: "/v1/validate", type: "application/json", body: '{"kind":"Snapshot","measurements":[', message: "Invalid snapshot", error: /malformed JSON in request\.json:1:\d+: / },
    { path: "/v1/validate", type: "application/yaml", body: "kind: Snapshot\nmeasurements:\n  - type: [GPU\n", message: "Invalid snapshot", error: /malformed YAML in request\.yaml:\d+:\d+: / },
  ];
  for (const c of cases) {
    test(`${c.path} ${c.type}: 400 ${c.message} with the position of the problem`, async () => {
      const r = await fetch(`${s.url}${c.path}`, { method: "POST", body: c.body, headers: { "Content-Type": c.type } });
      expect(r.status).toBe(400);
      const b = await errorOf(r);
      expect(b["code"]).toBe("INVALID_REQUEST");
      expect(b["message"]).toBe(c.message);
      expect(b["details"]["error"]).toMatch(c.error);
      await stillServing();
    });
  }

  test("a body of the wrong kind is refused with what it is", async () => {
    const r = await fetch(`${s.url}/v1/bundle`, { method: "POST", body: '{"kind":"Snapshot","measurements":[]}' });
    expect(r.status).toBe(400);
    expect((await errorOf(r))["details"]["error"]).toContain("is not a RecipeResult (kind Snapshot)");
    const v = await fetch(`${s.url}/v1/validate`, { method: "POST", body: '{"kind":"RecipeResult","componentRefs":[],"deploymentOrder":[]}' });
    expect(v.status).toBe(400);
    expect((await errorOf(v))["details"]["error"]).toContain("not a Snapshot");
    await stillServing();
  });
});

describe("request size limit", () => {
  test("a declared Content-Length over the limit is 413 before the body is read", async () => {
    const r = await rawExchange(s.port, [`POST /v1/recipe HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${LIMIT + 1}\r\n\r\n{`]);
    expect(r.status).toBe(413);
    const b = JSON.parse(r.body) as Record<string, any>;
    expect(b["message"]).toBe("Request body too large");
    expect(b["details"]).toEqual({ limit: LIMIT });
    await stillServing();
  });

  test("a streamed (chunked) body is cut off with 413 once it passes the limit", async () => {
    const big = `{"spec":{"service":"eks"},"pad":"${"x".repeat(LIMIT)}"}`;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        const bytes = new TextEncoder().encode(big);
        for (let i = 0; i < bytes.length; i += 512) c.enqueue(bytes.slice(i, i + 512));
        c.close();
      },
    });
    const r = await fetch(`${s.url}/v1/recipe`, { method: "POST", body: stream, headers: { "Content-Type": "application/json" } });
    expect(r.status).toBe(413);
    expect((await errorOf(r))["message"]).toBe("Request body too large");
    await stillServing();
  });

  test("every POST endpoint enforces it; a body at the limit is accepted", async () => {
    for (const path of ["/v1/query", "/v1/bundle", "/v1/validate"]) {
      const r = await fetch(`${s.url}${path}`, { method: "POST", body: "x".repeat(LIMIT + 100) });
      expect(r.status).toBe(413);
    }
    const atLimit = JSON.stringify({ spec: { service: "eks" }, pad: "" });
    const padded = atLimit.replace('"pad":""', `"pad":"${"y".repeat(LIMIT - atLimit.length)}"`);
    expect(Buffer.byteLength(padded)).toBe(LIMIT);
    const ok = await fetch(`${s.url}/v1/recipe`, { method: "POST", body: padded, headers: { "Content-Type": "application/json" } });
    expect(ok.status).toBe(200);
    await stillServing();
  });
});

describe("request deadline", () => {
  test("a body that stalls past the deadline gets 504 TIMEOUT, and the server keeps serving", async () => {
    const before = metricValue(await (await fetch(`${s.url}/metrics`)).text(), "aicr_http_request_timeouts_total");
    // Headers and the first byte of a 100-byte body, then nothing: only the deadline can end it.
    const r = await rawExchange(s.port, ["POST /v1/recipe HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"]);
    expect(r.status).toBe(504);
    const b = JSON.parse(r.body) as Record<string, any>;
    expect(b["code"]).toBe("TIMEOUT");
    expect(b["message"]).toBe("Request timed out after 400ms");
    expect(b["retryable"]).toBe(true);
    const after = metricValue(await (await fetch(`${s.url}/metrics`)).text(), "aicr_http_request_timeouts_total");
    expect(after).toBe(before + 1);
    await stillServing();
  });
});

describe("unexpected failures", () => {
  test("a handler that throws something unstructured gets 500 INTERNAL (retryable); the panic counter moves", async () => {
    const broken = startTestServer({}, (c) =>
      Object.defineProperty(c, "version", {
        get() {
          throw new TypeError("boom");
        },
      }),
    );
    try {
      const r = await fetch(`${broken.url}/`);
      expect(r.status).toBe(500);
      const b = (await r.json()) as Record<string, any>;
      expect(b["code"]).toBe("INTERNAL");
      expect(b["message"]).toBe("Internal server error");
      expect(b["details"]).toEqual({ error: "boom" });
      expect(b["retryable"]).toBe(true);
      expect(broken.logs.some((l) => l["msg"] === "unexpected error" && String(l["error"]).includes("boom"))).toBe(true);
      expect(metricValue(await (await fetch(`${broken.url}/metrics`)).text(), "aicr_panic_recoveries_total")).toBe(1);
      expect((await fetch(`${broken.url}/health`)).status).toBe(200);
    } finally {
      await broken.stop();
    }
  });
});
