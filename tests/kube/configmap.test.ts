/**
 * Documents in ConfigMaps: `cm://` URIs, what the writer stores (keys, labels, server-side apply),
 * reading back by the §4.6 rules, and documents over the 1 MiB ConfigMap limit stored compressed and
 * read back byte for byte.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { AicrError, exitCodeFor } from "../../core/errors.ts";
import { stringifyJson, stringifyYaml } from "../../core/yaml.ts";
import { VERSION } from "../../core/version.ts";
import { parseConfigMapUri, readConfigMapDocument, writeConfigMapDocument } from "../../agent/kube/configmap.ts";
import { ConfigMaps } from "../../agent/kube/paths.ts";
import { KubeStandin } from "../support/kube-standin.ts";
import { standinClient } from "../support/standin-client.ts";

let api: KubeStandin;
beforeAll(() => {
  api = KubeStandin.start();
});
afterAll(() => api.stop());

async function failure(p: Promise<unknown> | (() => unknown)): Promise<AicrError> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (err) {
    expect(err).toBeInstanceOf(AicrError);
    return err as AicrError;
  }
  throw new Error("expected a failure");
}

const snapshot = (readings: number) => ({
  kind: "Snapshot",
  apiVersion: "aicr.nvidia.com/v1alpha1",
  metadata: { "source-node": "gpu-node-1", timestamp: "2026-01-03T10:30:05Z", version: VERSION },
  measurements: [
    {
      type: "OS",
      subtypes: [{ subtype: "sysctl", data: Object.fromEntries(Array.from({ length: readings }, (_, i) => [`/proc/sys/net/ipv4/conf/eth${i}/rp_filter`, `${i % 3}`])) }],
    },
  ],
});
const now = new Date("2026-01-03T10:30:07.123Z");

describe("cm:// URIs", () => {
  test("namespace and name are trimmed", () => {
    expect(parseConfigMapUri("  cm:// gpu-operator / aicr-snapshot ")).toEqual({ namespace: "gpu-operator", name: "aicr-snapshot" });
  });

  const bad: [string, string][] = [
    ["cm://", 'invalid ConfigMap URI "cm://": missing "/" between namespace and name (expected cm://<namespace>/<name>)'],
    ["cm://ns", 'invalid ConfigMap URI "cm://ns": missing "/" between namespace and name (expected cm://<namespace>/<name>)'],
    ["cm:///name", 'invalid ConfigMap URI "cm:///name": the namespace is empty (expected cm://<namespace>/<name>)'],
    ["cm://ns/  ", 'invalid ConfigMap URI "cm://ns/  ": the name is empty (expected cm://<namespace>/<name>)'],
    ["configmap://ns/x", 'invalid ConfigMap URI "configmap://ns/x": expected cm://<namespace>/<name>'],
    ["cm://ns/a/b", 'invalid ConfigMap URI "cm://ns/a/b": name "a/b" is not a valid ConfigMap name (lower-case letters, digits, "-" and ".", at most 253 characters)'],
    ["cm://GPU/x", 'invalid ConfigMap URI "cm://GPU/x": namespace "GPU" is not a valid namespace name (lower-case letters, digits and "-", at most 63 characters)'],
  ];
  for (const [uri, message] of bad) {
    test(`"${uri}" is INVALID_REQUEST`, async () => {
      const err = await failure(() => parseConfigMapUri(uri));
      expect(err.code).toBe("INVALID_REQUEST");
      expect(exitCodeFor(err)).toBe(2);
      expect(err.message).toBe(message);
    });
  }

  test("a malformed URI fails before any request is sent", async () => {
    const { client } = standinClient(api);
    const before = api.requests.length;
    await failure(writeConfigMapDocument(client, "cm://only-namespace", { content: "x", format: "yaml", kind: "Snapshot", version: VERSION }));
    expect(api.requests.length).toBe(before);
  });
});

describe("writing a document", () => {
  test("YAML: server-side apply of snapshot.yaml, format and timestamp, with real labels", async () => {
    const { client } = standinClient(api);
    const content = stringifyYaml(snapshot(3), { indent: 4 });
    const res = await writeConfigMapDocument(client, "cm://gpu-operator/aicr-snapshot-gpu-node-1", {
      content,
      format: "yaml",
      kind: "Snapshot",
      version: VERSION,
      nodeName: "gpu-node-1",
      now,
    });
    expect(res.compressed).toBe(false);
    const req = api.requests.at(-1)!;
    expect(req.method).toBe("PATCH");
    expect(req.path).toBe("/api/v1/namespaces/gpu-operator/configmaps/aicr-snapshot-gpu-node-1");
    expect(req.contentType).toBe("application/apply-patch+yaml");
    expect(req.query).toEqual({ fieldManager: "aicr", force: "true" });
    const cm = api.object(ConfigMaps, "gpu-operator", "aicr-snapshot-gpu-node-1")!;
    expect(cm["data"]).toEqual({ "snapshot.yaml": content, format: "yaml", timestamp: "2026-01-03T10:30:07Z" });
    expect(cm["metadata"].labels).toEqual({
      "app.kubernetes.io/name": "aicr",
      "app.kubernetes.io/component": "snapshot",
      "app.kubernetes.io/version": VERSION,
      "aicr.nvidia.com/source-node": "gpu-node-1",
    });
    expect(cm["binaryData"]).toBeUndefined();
  });

  test("JSON: snapshot.json, and a recipe is labelled as a recipe", async () => {
    const { client } = standinClient(api);
    const content = stringifyJson({ kind: "RecipeResult", apiVersion: "aicr.nvidia.com/v1alpha1" }, { trailingNewline: false });
    await writeConfigMapDocument(client, "cm://default/my-recipe", { content, format: "json", kind: "RecipeResult", version: VERSION, now });
    const cm = api.object(ConfigMaps, "default", "my-recipe")!;
    expect(cm["data"]).toEqual({ "snapshot.json": content, format: "json", timestamp: "2026-01-03T10:30:07Z" });
    expect(cm["metadata"].labels["app.kubernetes.io/component"]).toBe("recipe");
    expect(cm["metadata"].labels["aicr.nvidia.com/source-node"]).toBeUndefined();
  });

  test("writing into a namespace that does not exist is NOT_FOUND naming the namespace", async () => {
    const strict = KubeStandin.start({ certs: api.certs, strictNamespaces: true });
    try {
      const { client } = standinClient(strict);
      const err = await failure(writeConfigMapDocument(client, "cm://missing-ns/x", { content: "a: b\n", format: "yaml", kind: "Snapshot", version: VERSION }));
      expect(err.code).toBe("NOT_FOUND");
      expect(exitCodeFor(err)).toBe(3);
      expect(err.render()).toBe('[NOT_FOUND] cannot write ConfigMap missing-ns/x: [NOT_FOUND] cannot patch configmaps "x" in namespace "missing-ns": namespaces "missing-ns" not found');
    } finally {
      strict.stop();
    }
  });

  test("a refused write keeps the server's reason and code", async () => {
    const { client } = standinClient(api, { user: "system:serviceaccount:gpu-operator:aicr" });
    api.forbid({ verb: "patch", resource: "configmaps", namespace: "kube-system" });
    const err = await failure(writeConfigMapDocument(client, "cm://kube-system/x", { content: "a: b\n", format: "yaml", kind: "Snapshot", version: VERSION }));
    expect(err.code).toBe("UNAUTHORIZED");
    expect(err.render()).toStartWith("[UNAUTHORIZED] cannot write ConfigMap kube-system/x: [UNAUTHORIZED] ");
    expect(err.render()).toContain('is not allowed to patch configmaps in namespace "kube-system"');
  });
});

describe("reading a document back", () => {
  test("what was written is read back as written", async () => {
    const { client } = standinClient(api);
    const content = stringifyYaml(snapshot(5), { indent: 4 });
    await writeConfigMapDocument(client, "cm://rt/doc", { content, format: "yaml", kind: "Snapshot", version: VERSION });
    const doc = await readConfigMapDocument(client, "cm://rt/doc");
    expect(doc).toEqual({ ref: { namespace: "rt", name: "doc" }, text: content, format: "yaml", compressed: false, source: "cm://rt/doc/snapshot.yaml" });
  });

  test("format comes from data.format; without it YAML is assumed", async () => {
    const { client } = standinClient(api);
    api.put(ConfigMaps, { metadata: { name: "j", namespace: "rt" }, data: { format: "json", "snapshot.json": "{}" } });
    api.put(ConfigMaps, { metadata: { name: "y", namespace: "rt" }, data: { "snapshot.yaml": "a: 1\n", "snapshot.json": "{}" } });
    expect((await readConfigMapDocument(client, "cm://rt/j")).format).toBe("json");
    expect((await readConfigMapDocument(client, "cm://rt/y")).text).toBe("a: 1\n");
  });

  test("when the declared format's key is absent, yaml, json, then txt are tried", async () => {
    const { client } = standinClient(api);
    api.put(ConfigMaps, { metadata: { name: "mismatch", namespace: "rt" }, data: { format: "json", "snapshot.yaml": "b: 2\n" } });
    api.put(ConfigMaps, { metadata: { name: "table", namespace: "rt" }, data: { format: "table", "snapshot.txt": "FIELD  VALUE\n" } });
    expect(await readConfigMapDocument(client, "cm://rt/mismatch")).toMatchObject({ format: "yaml", text: "b: 2\n" });
    expect(await readConfigMapDocument(client, "cm://rt/table")).toMatchObject({ format: "txt" });
  });

  test("a missing ConfigMap is NOT_FOUND", async () => {
    const { client } = standinClient(api);
    const err = await failure(readConfigMapDocument(client, "cm://rt/absent"));
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toBe("ConfigMap rt/absent not found");
  });

  test("a ConfigMap without a document is NOT_FOUND saying so", async () => {
    const { client } = standinClient(api);
    api.put(ConfigMaps, { metadata: { name: "other", namespace: "rt" }, data: { unrelated: "x" } });
    const err = await failure(readConfigMapDocument(client, "cm://rt/other"));
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toBe("ConfigMap rt/other has no snapshot data");
  });
});

describe("documents over 1 MiB", () => {
  test("are stored gzip-compressed in binaryData and read back identical", async () => {
    const { client } = standinClient(api);
    const content = stringifyYaml(snapshot(40_000), { indent: 4 });
    expect(Buffer.byteLength(content)).toBeGreaterThan(1024 * 1024);
    const res = await writeConfigMapDocument(client, "cm://big/snap", { content, format: "yaml", kind: "Snapshot", version: VERSION, nodeName: "gpu-node-1", now });
    expect(res.compressed).toBe(true);
    expect(res.bytes).toBeLessThanOrEqual(1024 * 1024);
    const cm = api.object(ConfigMaps, "big", "snap")!;
    expect(cm["data"]).toEqual({ format: "yaml", timestamp: "2026-01-03T10:30:07Z" });
    expect(Object.keys(cm["binaryData"])).toEqual(["snapshot.yaml.gz"]);
    expect(cm["metadata"].annotations["aicr.nvidia.com/content-encoding"]).toBe("gzip");
    expect(gunzipSync(Buffer.from(cm["binaryData"]["snapshot.yaml.gz"], "base64")).toString("utf8")).toBe(content);

    const doc = await readConfigMapDocument(client, "cm://big/snap");
    expect(doc.compressed).toBe(true);
    expect(doc.format).toBe("yaml");
    expect(doc.text).toBe(content);
  });

  test("a later small write replaces the compressed copy (no stale data left behind)", async () => {
    const { client } = standinClient(api);
    const small = stringifyYaml(snapshot(2), { indent: 4 });
    await writeConfigMapDocument(client, "cm://big/snap", { content: small, format: "yaml", kind: "Snapshot", version: VERSION });
    const cm = api.object(ConfigMaps, "big", "snap")!;
    expect(cm["binaryData"]).toBeUndefined();
    expect(cm["metadata"].annotations?.["aicr.nvidia.com/content-encoding"]).toBeUndefined();
    expect((await readConfigMapDocument(client, "cm://big/snap")).text).toBe(small);
  });

  test("a document too large even compressed is refused, never truncated, and nothing is written", async () => {
    const { client } = standinClient(api);
    const content = `noise: ${randomBytes(2 * 1024 * 1024).toString("base64")}\n`;
    const before = api.requests.length;
    const err = await failure(writeConfigMapDocument(client, "cm://big/noise", { content, format: "yaml", kind: "Snapshot", version: VERSION }));
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toMatch(/^the document is too large for ConfigMap big\/noise: \d+ bytes, still \d+ bytes gzip-compressed \(a ConfigMap holds at most 1048576\); write it to a file instead$/);
    expect(api.requests.length).toBe(before);
    expect(api.object(ConfigMaps, "big", "noise")).toBeUndefined();
  });
});
