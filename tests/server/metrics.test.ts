/**
 * /metrics: Prometheus text exposition; request counters by method, route and status move with
 * traffic (health, readiness and metrics themselves are not counted), as do the duration histogram,
 * cache, bundle and rate-limit counters; unknown paths share one series.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { Counter, Histogram, ServerMetrics } from "../../cli/server/metrics.ts";
import { recipePath } from "../bundle/helpers.ts";
import { metricValue, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
beforeAll(() => {
  s = startTestServer();
});
afterAll(() => s.stop());

const scrape = async () => {
  const r = await fetch(`${s.url}/metrics`);
  expect(r.status).toBe(200);
  expect(r.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return r.text();
};

describe("exposition", () => {
  test("every family has HELP and TYPE; zero-valued counters are present before any traffic", () => {
    const text = new ServerMetrics(1_700_000_000).render();
    for (const name of ["aicr_http_requests_total", "aicr_http_request_duration_seconds", "aicr_http_requests_in_flight", "aicr_rate_limit_rejects_total", "aicr_panic_recoveries_total", "process_resident_memory_bytes"]) {
      expect(text).toContain(`# HELP ${name} `);
      expect(text).toMatch(new RegExp(`# TYPE ${name} (counter|gauge|histogram)\\n`));
    }
    expect(text).toContain("\naicr_rate_limit_rejects_total 0\n");
    expect(text).toContain("\nprocess_start_time_seconds 1700000000\n");
    expect(text.endsWith("\n")).toBe(true);
  });

  test("counters and histograms: labels escaped and sorted, cumulative buckets, +Inf equals count", () => {
    const c = new Counter("x_total", "h", []);
    c.inc({ path: 'a"b\\c\nd' });
    c.inc({ path: "a" }, 2);
    expect(c.render()).toEqual(['x_total{path="a"} 2', 'x_total{path="a\\"b\\\\c\\nd"} 1']);
    const h = new Histogram("d_seconds", "h", [0.1, 1]);
    h.observe({ m: "GET" }, 0.05);
    h.observe({ m: "GET" }, 0.5);
    h.observe({ m: "GET" }, 5);
    expect(h.render()).toEqual([
      'd_seconds_bucket{m="GET",le="0.1"} 1',
      'd_seconds_bucket{m="GET",le="1"} 2',
      'd_seconds_bucket{m="GET",le="+Inf"} 3',
      'd_seconds_sum{m="GET"} 5.55',
      'd_seconds_count{m="GET"} 3',
    ]);
  });
});

describe("counters move with traffic", () => {
  test("requests by method, route and status; duration observations; in-flight back to zero", async () => {
    const before = await scrape();
    const ok = { method: "GET", path: "/v1/recipe", status: "200" };
    for (let i = 0; i < 3; i++) expect((await fetch(`${s.url}/v1/recipe?service=gke`)).status).toBe(200);
    expect((await fetch(`${s.url}/v1/recipe?service=nope`)).status).toBe(400);
    expect((await fetch(`${s.url}/no/such/${Math.random()}`)).status).toBe(404);
    expect((await fetch(`${s.url}/v1/recipe`, { method: "PATCH" })).status).toBe(405);
    await fetch(`${s.url}/health`);
    await fetch(`${s.url}/ready`);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => metricValue(after, name, labels) - metricValue(before, name, labels);
    expect(delta("aicr_http_requests_total", ok)).toBe(3);
    expect(delta("aicr_http_requests_total", { path: "/v1/recipe", status: "400" })).toBe(1);
    expect(delta("aicr_http_requests_total", { method: "PATCH", path: "/v1/recipe", status: "405" })).toBe(1);
    expect(delta("aicr_http_requests_total", { path: "unmatched", status: "404" })).toBe(1);
    expect(delta("aicr_http_requests_total")).toBe(6); // health, ready and metrics are not counted
    expect(after).not.toContain('path="/health"');
    expect(after).not.toContain('path="/no/such');
    expect(delta("aicr_http_request_duration_seconds_count", { method: "GET", path: "/v1/recipe" })).toBe(4);
    expect(metricValue(after, "aicr_http_requests_in_flight")).toBe(0);
    expect(metricValue(after, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  test("recipe cache misses then hits; bundles by deployer and archive", async () => {
    const before = await scrape();
    for (let i = 0; i < 3; i++) await fetch(`${s.url}/v1/recipe?service=aks&intent=inference`);
    const body = readFileSync(recipePath("eks-h100-ubuntu-training-kubeflow.yaml"), "utf8");
    const r = await fetch(`${s.url}/v1/bundle?archive=tar`, { method: "POST", body, headers: { "Content-Type": "application/yaml" } });
    expect(r.status).toBe(200);
    await r.arrayBuffer();
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => metricValue(after, name, labels) - metricValue(before, name, labels);
    expect(delta("aicr_recipe_cache_misses_total")).toBe(1);
    expect(delta("aicr_recipe_cache_hits_total")).toBe(2);
    expect(delta("aicr_recipe_build_duration_seconds_count")).toBe(1);
    expect(delta("aicr_bundles_total", { deployer: "helm", archive: "tar" })).toBe(1);
    expect(metricValue(after, "aicr_http_requests_in_flight")).toBe(0);
  });
});
