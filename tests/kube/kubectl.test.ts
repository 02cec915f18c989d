/**
 * The real kubectl against the stand-in, with a kubeconfig we generate: it reads back exactly what
 * our ConfigMap writer stored (plain and compressed), and what kubectl writes our reader reads. This
 * checks the stored objects are ordinary Kubernetes objects, not something only our client accepts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import { VERSION } from "../../core/version.ts";
import { stringifyYaml } from "../../core/yaml.ts";
import { readConfigMapDocument, writeConfigMapDocument } from "../../agent/kube/configmap.ts";
import { KubeStandin } from "../support/kube-standin.ts";
import { standinClient } from "../support/standin-client.ts";

let api: KubeStandin;
let dir: string;

beforeAll(() => {
  api = KubeStandin.start();
  dir = mkdtempSync(join(tmpdir(), "aicr-kubectl-"));
});
afterAll(() => api.stop());

/** Run kubectl asynchronously (the stand-in lives in this process: a blocking spawn would starve it). */
async function kubectl(kubeconfig: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = Bun.spawn({
    cmd: ["kubectl", "--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), "--request-timeout", "20s", ...args],
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: dir },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

const doc = (n: number) =>
  stringifyYaml(
    {
      kind: "Snapshot",
      apiVersion: "aicr.nvidia.com/v1alpha1",
      metadata: { "source-node": "gpu-node-1", timestamp: "2026-01-03T10:30:05Z", version: VERSION },
      measurements: [{ type: "GPU", subtypes: [{ subtype: "smi", data: Object.fromEntries(Array.from({ length: n }, (_, i) => [`gpu.${i}.model`, "NVIDIA H100 80GB HBM3"])) }] }],
    },
    { indent: 4 },
  );

describe("kubectl reads what we wrote", () => {
  test("get configmap -o yaml shows our document, keys and labels", async () => {
    const { client, kubeconfigPath } = standinClient(api);
    const content = doc(8);
    await writeConfigMapDocument(client, "cm://gpu-operator/aicr-snapshot-gpu-node-1", {
      content,
      format: "yaml",
      kind: "Snapshot",
      version: VERSION,
      nodeName: "gpu-node-1",
    });
    const r = await kubectl(kubeconfigPath, ["get", "configmap", "aicr-snapshot-gpu-node-1", "-n", "gpu-operator", "-o", "yaml"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const cm = parse(r.stdout);
    expect(cm.kind).toBe("ConfigMap");
    expect(cm.data["snapshot.yaml"]).toBe(content);
    expect(cm.data.format).toBe("yaml");
    expect(cm.data.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(cm.metadata.labels).toEqual({
      "app.kubernetes.io/name": "aicr",
      "app.kubernetes.io/component": "snapshot",
      "app.kubernetes.io/version": VERSION,
      "aicr.nvidia.com/source-node": "gpu-node-1",
    });
  });

  test("jsonpath extracts the document byte for byte", async () => {
    const { client, kubeconfigPath } = standinClient(api);
    const content = doc(3);
    await writeConfigMapDocument(client, "cm://default/jp", { content, format: "yaml", kind: "Snapshot", version: VERSION });
    const r = await kubectl(kubeconfigPath, ["get", "configmap", "jp", "-n", "default", "-o", "jsonpath={.data.snapshot\\.yaml}"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(content);
  });

  test("a compressed document comes out of kubectl as binaryData that gunzips to the original", async () => {
    const { client, kubeconfigPath } = standinClient(api);
    const content = doc(30_000);
    expect(Buffer.byteLength(content)).toBeGreaterThan(1024 * 1024);
    const res = await writeConfigMapDocument(client, "cm://gpu-operator/big", { content, format: "yaml", kind: "Snapshot", version: VERSION });
    expect(res.compressed).toBe(true);
    const r = await kubectl(kubeconfigPath, ["get", "configmap", "big", "-n", "gpu-operator", "-o", "yaml"]);
    expect(r.code).toBe(0);
    const cm = parse(r.stdout, { maxAliasCount: -1 });
    expect(cm.metadata.annotations["aicr.nvidia.com/content-encoding"]).toBe("gzip");
    expect(gunzipSync(Buffer.from(cm.binaryData["snapshot.yaml.gz"], "base64")).toString("utf8")).toBe(content);
  });

  test("kubectl authenticates to the stand-in with a client certificate too", async () => {
    const { client } = standinClient(api);
    await writeConfigMapDocument(client, "cm://default/by-cert", { content: "a: 1\n", format: "yaml", kind: "Snapshot", version: VERSION });
    const kc = join(dir, "cert-kubeconfig");
    writeFileSync(kc, api.kubeconfig({ mtls: true, user: { "client-certificate": api.certs.clientCertFile, "client-key": api.certs.clientKeyFile } }));
    const r = await kubectl(kc, ["get", "configmap", "by-cert", "-n", "default", "-o", "jsonpath={.data.snapshot\\.yaml}"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("a: 1\n");
    expect(api.requests.at(-1)?.user).toBe(api.certs.clientUser);
  });
});

describe("we read what kubectl wrote", () => {
  test("kubectl create configmap --from-file, then our reader", async () => {
    const { client, kubeconfigPath } = standinClient(api);
    const content = doc(2);
    const file = join(dir, "snap.yaml");
    writeFileSync(file, content);
    const r = await kubectl(kubeconfigPath, ["create", "configmap", "from-kubectl", "-n", "team", `--from-file=snapshot.yaml=${file}`, "--from-literal=format=yaml"]);
    expect(r.stdout.trim()).toBe("configmap/from-kubectl created");
    const got = await readConfigMapDocument(client, "cm://team/from-kubectl");
    expect(got.text).toBe(content);
  });

  test("kubectl apply --server-side (without client-side schema validation) and then our writer take turns on one ConfigMap", async () => {
    const { client, kubeconfigPath } = standinClient(api);
    const file = join(dir, "cm.yaml");
    writeFileSync(file, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n  namespace: team\n  labels:\n    owner: ops\ndata:\n  note: kept\n");
    const r = await kubectl(kubeconfigPath, ["apply", "--server-side", "--validate=false", "-f", file]);
    expect(r.stdout.trim()).toBe("configmap/shared serverside-applied");
    await writeConfigMapDocument(client, "cm://team/shared", { content: "b: 2\n", format: "yaml", kind: "Snapshot", version: VERSION });
    const out = await kubectl(kubeconfigPath, ["get", "configmap", "shared", "-n", "team", "-o", "yaml"]);
    const cm = parse(out.stdout);
    // Fields another manager owns stay; ours are added next to them.
    expect(cm.data.note).toBe("kept");
    expect(cm.data["snapshot.yaml"]).toBe("b: 2\n");
    expect(cm.metadata.labels.owner).toBe("ops");
    expect(cm.metadata.labels["app.kubernetes.io/name"]).toBe("aicr");
  });
});
