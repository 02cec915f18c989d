/**
 * aicrd endpoints: service information, health, readiness, metrics, recipe and query (GET and POST,
 * JSON and YAML by content negotiation), allow-lists, unknown paths and wrong methods.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parse as parseYamlText } from "yaml";
import { allowlistsFromEnv } from "../../cli/server/allowlist.ts";
import { renderError } from "../../core/errors.ts";
import { VERSION } from "../../core/version.ts";
import { aicr } from "../cli/helpers.ts";
import { startTestServer, type TestServer } from "./helpers.ts";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const eksH100 = "service=eks&accelerator=h100&intent=training";

let s: TestServer;
beforeAll(() => {
  s = startTestServer();
});
afterAll(() => s.stop());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${s.url}${path}`, { headers });
const post = (path: string, body: string, headers: Record<string, string> = {}) => fetch(`${s.url}${path}`, { method: "POST", body, headers });

describe("service information, health, readiness", () => {
  test("GET / names the service, its version and the API routes; chain headers are set", async () => {
    const r = await get("/");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/json");
    expect(r.headers.get("x-api-version")).toBe("v1");
    expect(r.headers.get("x-request-id")).toMatch(uuid);
    expect(r.headers.get("x-ratelimit-limit")).toBe("100");
    expect(await r.text()).toBe(`{"routes":["/v1/bundle","/v1/query","/v1/recipe","/v1/validate"],"service":"aicrd","version":"${VERSION}"}\n`);
  });

  test("a UUID X-Request-Id is echoed in any accepted form; anything else is replaced by a new one", async () => {
    for (const id of ["550e8400-e29b-41d4-a716-446655440000", "urn:uuid:550e8400-e29b-41d4-a716-446655440000", "{550e8400-e29b-41d4-a716-446655440000}", "550e8400e29b41d4a716446655440000"]) {
      expect((await get("/", { "X-Request-Id": id })).headers.get("x-request-id")).toBe(id);
    }
    const r = await get("/v1/recipe?service=windows", { "X-Request-Id": "not-a-uuid" });
    const id = r.headers.get("x-request-id") as string;
    expect(id).toMatch(uuid);
    expect(((await r.json()) as { requestId: string }).requestId).toBe(id);
  });

  test("GET /health and /ready answer 200 JSON without chain headers; other methods get a plain-text 405", async () => {
    const h = await get("/health");
    expect(h.status).toBe(200);
    const hb = (await h.json()) as Record<string, string>;
    expect(hb["status"]).toBe("healthy");
    expect(Date.parse(hb["timestamp"] as string)).toBeGreaterThan(0);
    expect(h.headers.get("x-api-version")).toBeNull();
    expect(h.headers.get("x-ratelimit-limit")).toBeNull();
    const rd = await get("/ready");
    expect(rd.status).toBe(200);
    expect(((await rd.json()) as Record<string, string>)["status"]).toBe("ready");
    for (const path of ["/health", "/ready"]) {
      const r = await post(path, "");
      expect(r.status).toBe(405);
      expect(r.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(await r.text()).toBe("Method not allowed\n");
    }
  });

  test("once shutdown has begun, /ready is 503 not_ready and answers say Connection: close", async () => {
    const { createApp } = await import("../../cli/server/app.ts");
    const { testConfig } = await import("./helpers.ts");
    const app = createApp(testConfig());
    expect((await app.fetch(new Request("http://aicrd/ready"))).status).toBe(200);
    app.ready = false;
    const r = await app.fetch(new Request("http://aicrd/ready"));
    expect(r.status).toBe(503);
    expect(await r.json()).toMatchObject({ status: "not_ready", reason: "service is shutting down" });
    const info = await app.fetch(new Request("http://aicrd/"));
    expect(info.status).toBe(200);
    expect(info.headers.get("connection")).toBe("close");
    expect((await app.fetch(new Request("http://aicrd/health"))).status).toBe(200);
  });

  test("an unknown path is 404 NOT_FOUND listing the routes; a wrong method is 405 with Allow", async () => {
    for (const path of ["/foo", "/v1/recipe/", "/v2/recipe"]) {
      const r = await get(path);
      expect(r.status).toBe(404);
      const body = (await r.json()) as Record<string, any>;
      expect(body["code"]).toBe("NOT_FOUND");
      expect(body["details"]).toEqual({ path, routes: ["/", "/v1/bundle", "/v1/query", "/v1/recipe", "/v1/validate"] });
      expect(body["retryable"]).toBe(false);
    }
    const cases: [string, string, string][] = [
      ["PUT", "/v1/recipe", "GET, POST"],
      ["DELETE", "/v1/query", "GET, POST"],
      ["GET", "/v1/bundle", "POST"],
      ["GET", "/v1/validate", "POST"],
      ["POST", "/", "GET"],
    ];
    for (const [method, path, allow] of cases) {
      const r = await fetch(`${s.url}${path}`, { method });
      expect(r.status).toBe(405);
      expect(r.headers.get("allow")).toBe(allow);
      const body = (await r.json()) as Record<string, any>;
      expect(body["code"]).toBe("METHOD_NOT_ALLOWED");
      expect(body["message"]).toBe("Method not allowed");
      expect(body["details"]).toEqual({ allowed: allow.split(", "), method });
      expect(Object.keys(body)).toEqual(["code", "message", "details", "requestId", "timestamp", "retryable"]);
    }
  });
});

describe("/v1/recipe", () => {
  test("GET: JSON RecipeResult with public caching; the same recipe as `aicr recipe --format json`", async () => {
    const r = await get(`/v1/recipe?${eksH100}`);
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("public, max-age=600");
    expect(r.headers.get("vary")).toBe("Accept");
    const text = await r.text();
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).not.toContain("\n  ");
    const cli = aicr(["recipe", "--service", "eks", "--accelerator", "h100", "--intent", "training", "--format", "json"]);
    expect(cli.code).toBe(0);
    expect(JSON.parse(text)).toEqual(JSON.parse(cli.stdout));
  });

  test("Accept: application/yaml gives YAML, byte for byte what `aicr recipe` prints", async () => {
    const r = await get(`/v1/recipe?${eksH100}&os=ubuntu&platform=kubeflow`, { Accept: "application/yaml" });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/yaml");
    const cli = aicr(["recipe", "--service", "eks", "--accelerator", "h100", "--intent", "training", "--os", "ubuntu", "--platform", "kubeflow"]);
    expect(await r.text()).toBe(cli.stdout);
  });

  test("negotiation honours q-values and specificity; unknown types fall back to JSON", async () => {
    const ct = async (accept: string) => (await get(`/v1/recipe?${eksH100}`, { Accept: accept })).headers.get("content-type");
    expect(await ct("application/json;q=0.5, application/yaml")).toBe("application/yaml");
    expect(await ct("application/yaml;q=0.2, application/json;q=0.9")).toBe("application/json");
    expect(await ct("text/yaml, */*")).toBe("application/yaml");
    expect(await ct("application/x-yaml")).toBe("application/yaml");
    expect(await ct("application/xml")).toBe("application/json");
    expect(await ct("*/*")).toBe("application/json");
  });

  test("gpu is an alias of accelerator; values are trimmed and case-insensitive; no criteria gives the base recipe", async () => {
    const a = (await (await get(`/v1/recipe?service=eks&gpu=H100&intent=%20training`)).json()) as Record<string, any>;
    expect(a["criteria"]).toMatchObject({ service: "eks", accelerator: "h100", intent: "training" });
    const b = (await (await get(`/v1/recipe?accelerator=gb200&gpu=h100`)).json()) as Record<string, any>;
    expect(b["criteria"]["accelerator"]).toBe("gb200");
    const base = (await (await get(`/v1/recipe`)).json()) as Record<string, any>;
    expect(base["metadata"]["appliedOverlays"][0]).toBe("base");
    expect(base["criteria"]).toEqual({ service: "any", accelerator: "any", intent: "any", os: "any", platform: "any" });
  });

  test("nodes: a leading integer is read (5abc is 5); non-numeric or negative is 400", async () => {
    const r = (await (await get(`/v1/recipe?service=eks&nodes=5abc`)).json()) as Record<string, any>;
    expect(r["criteria"]["nodes"]).toBe(5);
    for (const [v, error] of [
      ["abc", "invalid nodes value: abc"],
      ["-1", "invalid nodes count: -1 (must be \u003e= 0)"],
    ]) {
      const bad = await get(`/v1/recipe?nodes=${v}`);
      expect(bad.status).toBe(400);
      const body = (await bad.json()) as Record<string, any>;
      expect(body["message"]).toBe("Invalid recipe criteria");
      expect(body["details"]["error"]).toBe(`[INVALID_REQUEST] ${error}`);
    }
  });

  test("an unknown criteria value is 400 naming the parameter and listing the allowed values", async () => {
    for (const [param, value, allowed] of [
      ["service", "windows", ["aks", "eks", "gke", "kind", "oke", "any"]],
      ["accelerator", "v100", ["a100", "b200", "gb200", "h100", "l40", "any"]],
      ["intent", "gaming", ["inference", "training", "any"]],
      ["os", "windows", ["amazonlinux", "cos", "rhel", "ubuntu", "any"]],
      ["platform", "slurm", ["dynamo", "kubeflow", "any"]],
    ] as const) {
      const r = await get(`/v1/recipe?${param}=${value}`);
      expect(r.status).toBe(400);
      const body = (await r.json()) as Record<string, any>;
      expect(body["code"]).toBe("INVALID_REQUEST");
      expect(body["message"]).toBe("Invalid recipe criteria");
      expect(body["details"]["parameter"]).toBe(param);
      expect(body["details"]["requested"]).toBe(value);
      expect(body["details"]["allowed"]).toEqual([...allowed]);
      expect(body["details"]["error"]).toContain(`"${value}" (allowed: `);
      expect(body["retryable"]).toBe(false);
      expect(body["timestamp"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    }
  });

  test("POST: a RecipeCriteria document as JSON or YAML gives the same recipe as GET", async () => {
    const viaGet = await (await get(`/v1/recipe?${eksH100}`)).text();
    const doc = { kind: "RecipeCriteria", apiVersion: "aicr.nvidia.com/v1alpha1", metadata: { name: "x" }, spec: { service: "eks", accelerator: "h100", intent: "training" } };
    const json = await post("/v1/recipe", JSON.stringify(doc), { "Content-Type": "application/json" });
    expect(json.status).toBe(200);
    expect(await json.text()).toBe(viaGet);
    const yamlBody = "kind: RecipeCriteria\napiVersion: aicr.nvidia.com/v1alpha1\nspec:\n  service: eks\n  accelerator: h100\n  intent: training\n";
    for (const type of ["application/x-yaml", "application/yaml; charset=utf-8", "text/yaml"]) {
      const y = await post("/v1/recipe", yamlBody, { "Content-Type": type });
      expect(y.status).toBe(200);
      expect(await y.text()).toBe(viaGet);
    }
    // No Content-Type, or text/plain: read as JSON.
    expect(await (await post("/v1/recipe", JSON.stringify(doc))).text()).toBe(viaGet);
    expect(await (await post("/v1/recipe", JSON.stringify(doc), { "Content-Type": "text/plain" })).text()).toBe(viaGet);
  });

  test("POST: wrong kind, wrong apiVersion, negative nodes, empty body are 400 Invalid recipe criteria", async () => {
    const cases: [string, RegExp][] = [
      ['{"kind":"Other","spec":{}}', /kind must be RecipeCriteria/],
      ['{"apiVersion":"v2","spec":{}}', /invalid apiVersion "v2", expected "aicr\.nvidia\.com\/v1alpha1"/],
      ['{"spec":{"nodes":-1}}', /invalid nodes: -1/],
      ["", /request body is empty/],
      ['{"spec":{"service":"windows"}}', /invalid service type: "windows"/],
    ];
    for (const [body, error] of cases) {
      const r = await post("/v1/recipe", body, { "Content-Type": "application/json" });
      expect(r.status).toBe(400);
      const b = (await r.json()) as Record<string, any>;
      expect(b["message"]).toBe("Invalid recipe criteria");
      expect(b["details"]["error"]).toMatch(error);
    }
  });

  test("an error answer is YAML when YAML was asked for", async () => {
    const r = await get("/v1/recipe?service=windows", { Accept: "application/yaml" });
    expect(r.status).toBe(400);
    expect(r.headers.get("content-type")).toBe("application/yaml");
    const body = parseYamlText(await r.text()) as Record<string, any>;
    expect(body["code"]).toBe("INVALID_REQUEST");
    expect(body["details"]["parameter"]).toBe("service");
  });
});

describe("/v1/query", () => {
  test("GET with a selector answers the value as JSON (a scalar is a bare JSON scalar)", async () => {
    const r = await get(`/v1/query?${eksH100}&selector=components.gpu-operator.chart`);
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("public, max-age=600");
    expect(await r.text()).toBe('"gpu-operator"\n');
    const lead = await get(`/v1/query?${eksH100}&selector=.criteria`);
    expect(await lead.text()).toBe('{"accelerator":"h100","intent":"training","nodes":0,"os":"any","platform":"any","service":"eks"}\n');
  });

  test("no selector answers the whole hydrated document, keys sorted at every level", async () => {
    const doc = (await (await get(`/v1/query?${eksH100}`)).json()) as Record<string, any>;
    expect(Object.keys(doc)).toEqual(["apiVersion", "components", "constraints", "criteria", "deploymentOrder", "kind", "metadata"]);
    expect(doc["metadata"]["excludedOverlays"]).toBeNull();
    const comps = Object.keys(doc["components"]);
    expect(comps).toEqual([...comps].sort());
    expect(doc["components"]["gpu-operator"]["values"]).toBeDefined();
  });

  test("YAML of a map selection is what `aicr query` prints", async () => {
    const r = await get(`/v1/query?${eksH100}&selector=components.cert-manager`, { Accept: "application/yaml" });
    expect(r.status).toBe(200);
    const cli = aicr(["query", "--service", "eks", "--accelerator", "h100", "--intent", "training", "--selector", "components.cert-manager"]);
    expect(cli.code).toBe(0);
    expect(await r.text()).toBe(cli.stdout);
  });

  test("a selector that does not resolve is 404 Selector path not found, naming the available keys", async () => {
    const r = await get(`/v1/query?${eksH100}&selector=components.nope`);
    expect(r.status).toBe(404);
    const b = (await r.json()) as Record<string, any>;
    expect(b["code"]).toBe("NOT_FOUND");
    expect(b["message"]).toBe("Selector path not found");
    expect(b["details"]["selector"]).toBe("components.nope");
    expect(b["details"]["error"]).toContain('key "nope" not found, available keys: aws-ebs-csi-driver, aws-efa, cert-manager');
    const scalar = await get(`/v1/query?${eksH100}&selector=kind.x`);
    expect(scalar.status).toBe(404);
    expect(((await scalar.json()) as Record<string, any>)["details"]["error"]).toContain("cannot descend into non-map value");
  });

  test("POST: criteria fields left out stay empty (not any); JSON and YAML bodies", async () => {
    const body = { criteria: { service: "eks", accelerator: "h100" }, selector: "criteria" };
    const expected = { accelerator: "h100", intent: "", nodes: 0, os: "", platform: "", service: "eks" };
    const j = await post("/v1/query", JSON.stringify(body), { "Content-Type": "application/json" });
    expect(j.status).toBe(200);
    expect(await j.json()).toEqual(expected);
    const y = await post("/v1/query", "criteria:\n  service: eks\n  accelerator: H100\nselector: criteria\n", { "Content-Type": "application/x-yaml" });
    expect(await y.json()).toEqual(expected);
  });

  test("POST errors: empty body, no criteria, bad criteria, a selector that is not a string", async () => {
    const cases: [string, string, string | undefined][] = [
      ["", "Invalid query request body", "[INVALID_REQUEST] request body cannot be empty"],
      ['{"selector":"criteria"}', "Query criteria cannot be empty", undefined],
      ['{"criteria":{"service":"windows"}}', "Invalid criteria in request body", '[INVALID_REQUEST] invalid service type: "windows" (allowed: aks, eks, gke, kind, oke)'],
      ['{"criteria":{},"selector":3}', "Invalid query request body", "[INVALID_REQUEST] selector must be a string"],
      ["[1, 2]", "Invalid query request body", "[INVALID_REQUEST] request body must be a map with criteria and selector"],
    ];
    for (const [body, message, error] of cases) {
      const r = await post("/v1/query", body, { "Content-Type": "application/json" });
      expect(r.status).toBe(400);
      const b = (await r.json()) as Record<string, any>;
      expect(b["message"]).toBe(message);
      expect(b["details"]?.["error"]).toBe(error);
    }
  });
});

describe("allow-lists", () => {
  test("parsed from the environment with the criteria parsers: aliases mapped, any dropped, sorted", () => {
    expect(allowlistsFromEnv({ AICR_ALLOWED_ACCELERATORS: " l40, H100 ,,any", AICR_ALLOWED_OS: "al2,ubuntu", AICR_ALLOWED_SERVICES: "" })).toEqual({
      accelerator: ["h100", "l40"],
      os: ["amazonlinux", "ubuntu"],
    });
    expect(allowlistsFromEnv({})).toEqual({});
    let err: unknown;
    try {
      allowlistsFromEnv({ AICR_ALLOWED_ACCELERATORS: "h100,v100" });
    } catch (e) {
      err = e;
    }
    expect(renderError(err)).toBe(
      '[INTERNAL] failed to parse allowlists from environment: [INVALID_REQUEST] invalid AICR_ALLOWED_ACCELERATORS: invalid accelerator type: "v100" (allowed: a100, b200, gb200, h100, l40)',
    );
  });

  test("a value outside a list is 400 naming the list; any and listed values pass", async () => {
    const a = startTestServer({ allowlists: { accelerator: ["h100", "l40"], service: ["eks"] } });
    try {
      const r = await fetch(`${a.url}/v1/recipe?accelerator=gb200`);
      expect(r.status).toBe(400);
      const b = (await r.json()) as Record<string, any>;
      expect(b["message"]).toBe("accelerator type not allowed");
      expect(b["details"]).toEqual({ allowed: ["h100", "l40"], requested: "gb200" });
      const svc = (await (await fetch(`${a.url}/v1/query?service=gke&selector=criteria`)).json()) as Record<string, any>;
      expect(svc["message"]).toBe("service type not allowed");
      expect((await fetch(`${a.url}/v1/recipe?accelerator=h100&service=eks`)).status).toBe(200);
      expect((await fetch(`${a.url}/v1/recipe?intent=training`)).status).toBe(200);
    } finally {
      await a.stop();
    }
  });
});
