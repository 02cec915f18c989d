/**
 * The typed helpers against the stand-in: get, list with selectors and limit/continue paging,
 * create, update, delete, server-side apply and pod logs, with the wire details a real API server
 * relies on (content types, field manager, force).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ConfigMaps, Nodes, Pods } from "../../agent/kube/paths.ts";
import { KubeStandin } from "../support/kube-standin.ts";
import { standinClient } from "../support/standin-client.ts";

let api: KubeStandin;
beforeAll(() => {
  api = KubeStandin.start();
});
afterAll(() => api.stop());

describe("typed helpers", () => {
  test("create, get, update and delete a ConfigMap", async () => {
    const { client } = standinClient(api, { namespace: "crud" });
    const created = await client.create(ConfigMaps, { metadata: { name: "c1" }, data: { a: "1" } });
    expect(created.metadata?.namespace).toBe("crud");
    expect(created.metadata?.resourceVersion).toBeDefined();
    const got = await client.get(ConfigMaps, "c1");
    expect(got["data"]).toEqual({ a: "1" });
    const updated = await client.update(ConfigMaps, { ...got, data: { a: "2" } });
    expect(updated["data"]).toEqual({ a: "2" });
    await client.delete(ConfigMaps, "c1");
    expect(api.object(ConfigMaps, "crud", "c1")).toBeUndefined();
  });

  test("list pages through limit and continue until the last page", async () => {
    const { client } = standinClient(api);
    for (let i = 0; i < 7; i++) api.put(Nodes, { metadata: { name: `node-${i}`, labels: { pool: i % 2 ? "odd" : "even" } } });
    const first = await client.list(Nodes, { limit: 3 });
    expect(first.items.map((n) => n.metadata?.name)).toEqual(["node-0", "node-1", "node-2"]);
    expect(first.continue).toBeDefined();
    const all = await client.listAll(Nodes, { limit: 3 });
    expect(all.map((n) => n.metadata?.name)).toEqual(["node-0", "node-1", "node-2", "node-3", "node-4", "node-5", "node-6"]);
    const lists = api.requests.filter((r) => r.path === "/api/v1/nodes");
    expect(lists.slice(-3).map((r) => [r.query["limit"], r.query["continue"] !== undefined])).toEqual([
      ["3", false],
      ["3", true],
      ["3", true],
    ]);
  });

  test("label and field selectors reach the server", async () => {
    const { client } = standinClient(api);
    const odd = await client.listAll(Nodes, { labelSelector: "pool=odd" });
    expect(odd.map((n) => n.metadata?.name)).toEqual(["node-1", "node-3", "node-5"]);
    const one = await client.listAll(Nodes, { fieldSelector: "metadata.name=node-4" });
    expect(one.map((n) => n.metadata?.name)).toEqual(["node-4"]);
  });

  test("pods across all namespaces with namespace \"\"", async () => {
    const { client } = standinClient(api);
    api.put(Pods, { metadata: { name: "p1", namespace: "a" }, spec: { containers: [{ name: "c", image: "x" }] } });
    api.put(Pods, { metadata: { name: "p2", namespace: "b" }, spec: { containers: [{ name: "c", image: "y" }] } });
    const pods = await client.listAll(Pods, { namespace: "" });
    expect(pods.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)).toEqual(["a/p1", "b/p2"]);
    expect(api.requests.at(-1)?.path).toBe("/api/v1/pods");
  });

  test("server-side apply sends an apply patch with the field manager, forced", async () => {
    const { client } = standinClient(api, { namespace: "ssa" });
    await client.apply(ConfigMaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "applied" }, data: { a: "1", b: "2" } });
    const req = api.requests.at(-1)!;
    expect(req.method).toBe("PATCH");
    expect(req.path).toBe("/api/v1/namespaces/ssa/configmaps/applied");
    expect(req.contentType).toBe("application/apply-patch+yaml");
    expect(req.query).toEqual({ fieldManager: "aicr", force: "true" });
    // A second apply without "b" removes it: the manager owned it.
    await client.apply(ConfigMaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "applied" }, data: { a: "3" } });
    expect(api.object(ConfigMaps, "ssa", "applied")?.["data"]).toEqual({ a: "3" });
  });

  test("watch: current objects first, then each change, filtered by field selector", async () => {
    const { client } = standinClient(api, { namespace: "w" });
    api.put(ConfigMaps, { metadata: { name: "target", namespace: "w" }, data: { v: "0" } });
    api.put(ConfigMaps, { metadata: { name: "other", namespace: "w" }, data: { v: "0" } });
    const ac = new AbortController();
    const seen: string[] = [];
    for await (const ev of client.watch(ConfigMaps, { fieldSelector: "metadata.name=target", signal: ac.signal })) {
      seen.push(`${ev.type} ${ev.object.metadata?.name} ${(ev.object["data"] as Record<string, string> | undefined)?.["v"]}`);
      if (seen.length === 1) {
        // Changes made while watching arrive as events; the other ConfigMap's are filtered out.
        await client.apply(ConfigMaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "other" }, data: { v: "x" } });
        await client.apply(ConfigMaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "target" }, data: { v: "1" } });
        await client.delete(ConfigMaps, "target");
      }
      if (ev.type === "DELETED") break;
    }
    ac.abort();
    expect(seen).toEqual(["ADDED target 0", "MODIFIED target 1", "DELETED target 1"]);
  });

  test("watch ends when the server ends it (timeoutSeconds)", async () => {
    const { client } = standinClient(api, { namespace: "w-quiet" });
    const events = [];
    for await (const ev of client.watch(ConfigMaps, { timeoutSeconds: 1 })) events.push(ev);
    expect(events).toEqual([]);
    expect(api.requests.at(-1)?.query).toMatchObject({ watch: "true", timeoutSeconds: "1" });
  });

  test("pod logs come back as text, per container", async () => {
    const { client } = standinClient(api);
    api.setPodLog("a", "p1", "line 1\nline 2\n", "c");
    expect(await client.podLogs("a", "p1", { container: "c", tailLines: 10 })).toBe("line 1\nline 2\n");
    expect(api.requests.at(-1)?.query).toEqual({ container: "c", tailLines: "10" });
  });
});
