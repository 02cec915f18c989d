/**
 * What a user sees when the API server says no (each Status code mapped to an error code and exit
 * status), and which failures are retried: 409 on writes, 429 honouring Retry-After, 5xx, with
 * capped exponential backoff and a bounded number of attempts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AicrError, exitCodeFor } from "../../core/errors.ts";
import { KubeClient } from "../../agent/kube/client.ts";
import { staticCredentials } from "../../agent/kube/connection.ts";
import { ConfigMaps } from "../../agent/kube/paths.ts";
import { KubeStandin } from "../support/kube-standin.ts";
import { standinClient } from "../support/standin-client.ts";

let api: KubeStandin;
beforeAll(() => {
  api = KubeStandin.start();
});
afterAll(() => api.stop());

async function failure(p: Promise<unknown>): Promise<AicrError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AicrError);
    return err as AicrError;
  }
  throw new Error("expected a failure");
}

const cm = (name: string, ns = "errs", data: Record<string, string> = { k: "v" }) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: ns }, data });
const count = (method: string, path: string) => api.requests.filter((r) => r.method === method && r.path === path).length;

describe("Status errors", () => {
  test("404 is NOT_FOUND with the server's message", async () => {
    const { client } = standinClient(api);
    const err = await failure(client.get(ConfigMaps, "nope", { namespace: "errs" }));
    expect(err.code).toBe("NOT_FOUND");
    expect(exitCodeFor(err)).toBe(3);
    expect(err.message).toBe('cannot get configmaps "nope" in namespace "errs": configmaps "nope" not found');
  });

  test("403 is UNAUTHORIZED naming who, which verb and which resource", async () => {
    const { client } = standinClient(api, { user: "system:serviceaccount:errs:aicr" });
    api.forbid({ verb: "patch", resource: "configmaps", namespace: "locked" });
    const err = await failure(client.apply(ConfigMaps, cm("x", "locked")));
    expect(err.code).toBe("UNAUTHORIZED");
    expect(exitCodeFor(err)).toBe(4);
    expect(err.message).toBe('user "tester" (context "standin"), authenticated as "system:serviceaccount:errs:aicr", is not allowed to patch configmaps in namespace "locked"');
    expect(err.details[0]).toBe('configmaps "x" is forbidden: User "system:serviceaccount:errs:aicr" cannot patch resource "configmaps" in API group "" in the namespace "locked"');
  });

  test("403 on a cluster-scoped custom resource names its group", async () => {
    const { client } = standinClient(api, { user: "reader" });
    api.forbid({ verb: "list", resource: "clusterpolicies", user: "reader" });
    const err = await failure(client.list({ group: "nvidia.com", version: "v1", resource: "clusterpolicies", namespaced: false }));
    expect(err.message).toContain('is not allowed to list clusterpolicies.nvidia.com (cluster-wide)');
  });

  test("a stale resourceVersion on update is CONFLICT and is not retried", async () => {
    const { client, waits } = standinClient(api);
    const created = await client.create(ConfigMaps, cm("stale"));
    await client.update(ConfigMaps, { ...created, data: { k: "v2" } });
    const err = await failure(client.update(ConfigMaps, { ...created, data: { k: "v3" } }));
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toContain("the object has been modified");
    expect(waits).toEqual([]);
    expect(api.object(ConfigMaps, "errs", "stale")?.["data"]).toEqual({ k: "v2" });
  });

  test("creating what exists is CONFLICT (AlreadyExists) and is not retried", async () => {
    const { client, waits } = standinClient(api);
    await client.create(ConfigMaps, cm("twice"));
    const err = await failure(client.create(ConfigMaps, cm("twice")));
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toBe('cannot create configmaps in namespace "errs": configmaps "twice" already exists');
    expect(waits).toEqual([]);
  });

  test("422 (a ConfigMap over 1 MiB) is INVALID_REQUEST with the server's reasons", async () => {
    const { client } = standinClient(api);
    const err = await failure(client.create(ConfigMaps, cm("huge", "errs", { big: "x".repeat(1024 * 1024 + 1) })));
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toContain('ConfigMap "huge" is invalid: []: Too long: must have at most 1048576 bytes');
    expect(err.details).toEqual(["[]: Too long: must have at most 1048576 bytes"]);
  });

  test("an injected 422 is INVALID_REQUEST too, and not retried", async () => {
    const { client, waits } = standinClient(api);
    api.inject({ method: "POST", path: "/api/v1/namespaces/errs/configmaps", status: 422, message: 'ConfigMap "y" is invalid: data: bad' });
    const err = await failure(client.create(ConfigMaps, cm("y")));
    expect(err.code).toBe("INVALID_REQUEST");
    expect(waits).toEqual([]);
  });

  test("an unreachable server is SERVICE_UNAVAILABLE naming its URL", async () => {
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const url = `https://127.0.0.1:${closed.port}`;
    closed.stop(true);
    const client = new KubeClient({ server: url, trust: { insecure: true }, credentials: staticCredentials({}), namespace: "default", identity: "me", source: "test" });
    const err = await failure(client.version());
    expect(err.code).toBe("SERVICE_UNAVAILABLE");
    expect(exitCodeFor(err)).toBe(6);
    expect(err.message).toBe(`cannot reach the Kubernetes API server at ${url}: connection refused`);
  });

  test("a server that never answers is TIMEOUT after the call's timeout", async () => {
    let release: () => void = () => {};
    const hung = new Promise<void>((r) => (release = r));
    api.addHandler((_req, url) => (url.pathname === "/api/v1/namespaces/slow/configmaps/x" ? hung.then(() => new Response("{}")) : undefined));
    const { client } = standinClient(api, { timeoutMs: 300 });
    const err = await failure(client.get(ConfigMaps, "x", { namespace: "slow" }));
    release();
    expect(err.code).toBe("TIMEOUT");
    expect(err.message).toBe(`cannot get configmaps "x" in namespace "slow": no answer from the API server ${api.url} within 0.3s`);
  });
});

describe("retries", () => {
  test("a 409 Conflict on server-side apply is retried, then succeeds", async () => {
    const { client, waits } = standinClient(api);
    const path = "/api/v1/namespaces/errs/configmaps/apply-409";
    api.inject({ method: "PATCH", path, status: 409 });
    await client.apply(ConfigMaps, cm("apply-409"));
    expect(count("PATCH", path)).toBe(2);
    expect(waits).toEqual([200]);
    expect(api.object(ConfigMaps, "errs", "apply-409")?.["data"]).toEqual({ k: "v" });
  });

  test("a 429 waits exactly as long as Retry-After says", async () => {
    const { client, waits } = standinClient(api);
    api.put(ConfigMaps, cm("throttled"));
    api.inject({ method: "GET", path: "/api/v1/namespaces/errs/configmaps/throttled", status: 429, retryAfterSeconds: 7 });
    const got = await client.get(ConfigMaps, "throttled", { namespace: "errs" });
    expect(got["data"]).toEqual({ k: "v" });
    expect(waits).toEqual([7000]);
  });

  test("a very long Retry-After is capped", async () => {
    const { client, waits } = standinClient(api, { retry: { retryAfterMaxMs: 10_000 } });
    api.put(ConfigMaps, cm("long-wait"));
    api.inject({ method: "GET", path: "/api/v1/namespaces/errs/configmaps/long-wait", status: 429, retryAfterSeconds: 3600 });
    await client.get(ConfigMaps, "long-wait", { namespace: "errs" });
    expect(waits).toEqual([10_000]);
  });

  test("500s on a write are retried with growing waits, then the write succeeds", async () => {
    const { client, waits } = standinClient(api);
    const path = "/api/v1/namespaces/errs/configmaps";
    api.inject({ method: "POST", path, status: 500, times: 2 });
    await client.create(ConfigMaps, cm("after-500"));
    expect(waits).toEqual([200, 400]);
    expect(api.object(ConfigMaps, "errs", "after-500")).toBeDefined();
  });

  test("backoff is capped and attempts are bounded: a server that keeps failing is SERVICE_UNAVAILABLE", async () => {
    const { client, waits } = standinClient(api, { retry: { attempts: 6, baseDelayMs: 1000, maxDelayMs: 2500 } });
    const path = "/api/v1/namespaces/errs/configmaps/down";
    api.inject({ method: "PATCH", path, status: 503, times: 100 });
    const before = count("PATCH", path);
    const err = await failure(client.apply(ConfigMaps, cm("down")));
    expect(err.code).toBe("SERVICE_UNAVAILABLE");
    expect(err.message).toContain("answered HTTP 503 (after 6 attempts)");
    expect(count("PATCH", path) - before).toBe(6);
    expect(waits).toEqual([1000, 2000, 2500, 2500, 2500]);
  });

  test("throttling that never ends is RATE_LIMIT_EXCEEDED (exit 7)", async () => {
    const { client, waits } = standinClient(api, { retry: { attempts: 3 } });
    api.inject({ method: "GET", path: "/api/v1/namespaces/errs/configmaps/busy", status: 429, retryAfterSeconds: 2, times: 3 });
    const err = await failure(client.get(ConfigMaps, "busy", { namespace: "errs" }));
    expect(err.code).toBe("RATE_LIMIT_EXCEEDED");
    expect(exitCodeFor(err)).toBe(7);
    expect(err.message).toContain("is throttling requests (Retry-After 2s) (after 3 attempts)");
    expect(waits).toEqual([2000, 2000]);
  });

  test("when the call's time runs out while waiting to retry, the server's last answer is reported", async () => {
    const { client } = standinClient(api, { timeoutMs: 300, sleep: undefined });
    api.inject({ method: "GET", path: "/api/v1/namespaces/errs/configmaps/patience", status: 503, retryAfterSeconds: 5 });
    const err = await failure(client.get(ConfigMaps, "patience", { namespace: "errs" }));
    expect(err.code).toBe("SERVICE_UNAVAILABLE");
    expect(err.message).toContain("answered HTTP 503");
  });

  test("reads are retried after a 500 too", async () => {
    const { client, waits } = standinClient(api);
    api.put(ConfigMaps, cm("flaky-read"));
    api.inject({ method: "GET", path: "/api/v1/namespaces/errs/configmaps/flaky-read", status: 500 });
    await client.get(ConfigMaps, "flaky-read", { namespace: "errs" });
    expect(waits).toEqual([200]);
  });
});
