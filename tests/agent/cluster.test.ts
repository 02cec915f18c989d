/**
 * The agent against a Kubernetes API (the loopback stand-in): cluster readings in the snapshot, and
 * `-o cm://namespace/name` stored in a ConfigMap that our reader (and kubectl, see tests/kube) reads back.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { readConfigMapDocument } from "../../agent/kube/configmap.ts";
import { ConfigMaps } from "../../agent/kube/paths.ts";
import { VERSION } from "../../core/version.ts";
import { KubeStandin } from "../support/kube-standin.ts";
import { standinClient } from "../support/standin-client.ts";

const REPO = join(import.meta.dir, "..", "..");
const host = (name: string) => join(REPO, "tests", "fixtures", "hosts", name);
let api: KubeStandin;

beforeAll(() => {
  api = KubeStandin.start();
  api.put({ version: "v1", resource: "nodes" }, { apiVersion: "v1", kind: "Node", metadata: { name: "gpu-h100-07", labels: { "nvidia.com/gpu.present": "true" } }, spec: { taints: [{ key: "nvidia.com/gpu", effect: "NoSchedule" }] } });
});
afterAll(() => api.stop());

/** Run the agent without blocking this process (the stand-in serves from it). */
async function agent(args: string[], env: Record<string, string>) {
  const p = Bun.spawn({
    cmd: [process.execPath, "agent/main.ts", ...args],
    cwd: REPO,
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: mkdtempSync(join(tmpdir(), "aicr-home-")), ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

test("the snapshot carries the cluster's server version and node topology", async () => {
  const { kubeconfigPath } = standinClient(api);
  const r = await agent(["snapshot", "--host-root", host("ubuntu-24.04"), "--kubeconfig", kubeconfigPath], { NODE_NAME: "gpu-h100-07" });
  expect(r.code).toBe(0);
  const doc = parse(r.stdout);
  const k8s = doc.measurements.find((m: { type: string }) => m.type === "K8s");
  const server = k8s.subtypes.find((s: { subtype: string }) => s.subtype === "server").data;
  expect(server.version).toBe("v1.31.4");
  const states = Object.fromEntries(doc.status.collectors.map((c: { name: string; state: string }) => [c.name, c.state]));
  expect(states["k8s"]).toBe("ok");
  expect(states["topology"]).toBe("ok");
});

test("-o cm:// stores the snapshot in a ConfigMap labelled with the node and version", async () => {
  const { client, kubeconfigPath } = standinClient(api);
  const r = await agent(
    ["snapshot", "--host-root", host("ubuntu-24.04"), "--kubeconfig", kubeconfigPath, "-o", "cm://aicr/aicr-snapshot-gpu-h100-07"],
    { NODE_NAME: "gpu-h100-07" },
  );
  expect(r.code).toBe(0);
  expect(r.stdout).toBe("");
  expect(r.stderr).toContain("snapshot written to cm://aicr/aicr-snapshot-gpu-h100-07");
  const cm = (await client.get(ConfigMaps, "aicr-snapshot-gpu-h100-07", { namespace: "aicr" })) as unknown as {
    metadata: { labels: Record<string, string> };
    data: Record<string, string>;
  };
  expect(cm.metadata.labels).toMatchObject({
    "app.kubernetes.io/name": "aicr",
    "app.kubernetes.io/component": "snapshot",
    "app.kubernetes.io/version": VERSION,
    "aicr.nvidia.com/source-node": "gpu-h100-07",
  });
  expect(cm.data["format"]).toBe("yaml");
  // ConfigMap payloads use 4-space YAML.
  expect(cm.data["snapshot.yaml"]).toContain("\n    - type: K8s\n");
  const back = await readConfigMapDocument(client, "cm://aicr/aicr-snapshot-gpu-h100-07");
  const doc = parse(back.text);
  expect(doc.kind).toBe("Snapshot");
  expect(doc.metadata["source-node"]).toBe("gpu-h100-07");
});

test("an API server that refuses the agent's identity: one clear line naming it, nothing stored", async () => {
  const { kubeconfigPath } = standinClient(api, { user: "system:serviceaccount:aicr:aicr-agent" });
  api.forbid({ verb: "patch", resource: "configmaps", user: "system:serviceaccount:aicr:aicr-agent" });
  {
    const r = await agent(
      ["snapshot", "--host-root", host("cos"), "--kubeconfig", kubeconfigPath, "-o", "cm://aicr/forbidden-snap"],
      {},
    );
    expect(r.code).toBe(4);
    const errors = r.stderr.split("\n").filter((l) => l.startsWith("error:"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("system:serviceaccount:aicr:aicr-agent");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }
});
