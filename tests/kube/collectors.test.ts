/**
 * The K8s and NodeTopology collectors against the stand-in (A2.7, A2.8), and how they degrade
 * without a cluster (A2.2).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubernetesCollector } from "../../agent/collectors/kubernetes.ts";
import { topologyCollector } from "../../agent/collectors/topology.ts";
import { ClusterPolicies, Nodes, Pods } from "../../agent/kube/paths.ts";
import { KubeStandin } from "../support/kube-standin.ts";
import { standinClient } from "../support/standin-client.ts";

let api: KubeStandin;
const ctx = () => ({ signal: new AbortController().signal });
/** A context that records what the collector reports as degraded. */
function recordingCtx() {
  const degraded: [string, string][] = [];
  return { degraded, signal: new AbortController().signal, degrade: (state: string, reason: string) => void degraded.push([state, reason]) };
}
const nowhere = () => {
  const home = mkdtempSync(join(tmpdir(), "aicr-nocluster-"));
  return { env: {}, home, serviceAccountDir: join(home, "sa") };
};

beforeAll(() => {
  api = KubeStandin.start();
  api.put(Pods, {
    metadata: { name: "operator", namespace: "gpu-operator" },
    spec: {
      initContainers: [{ name: "init", image: "nvcr.io/nvidia/cuda-init:1.2@sha256:0123456789abcdef" }],
      containers: [{ name: "op", image: "nvcr.io/nvidia/gpu-operator:v25.3.3@sha256:abcdef0123456789" }],
    },
  });
  api.put(Pods, {
    metadata: { name: "app", namespace: "team" },
    spec: {
      containers: [
        { name: "a", image: "localhost:5000/team/app:1.0" },
        { name: "b", image: "busybox" },
        { name: "p", image: "registry.k8s.io/pause:3.9" },
      ],
      ephemeralContainers: [{ name: "debug", image: "docker.io/library/alpine:3.20" }],
    },
  });
  api.put(Nodes, {
    metadata: { name: "ip-10-0-1-23.ec2.internal", labels: { arch: "amd64", "nvidia.com/gpu.present": "true" } },
    spec: { providerID: "aws:///us-west-2a/i-0abc", taints: [{ key: "nvidia.com/gpu", effect: "NoSchedule" }] },
    status: {
      nodeInfo: {
        containerRuntimeVersion: "containerd://1.7.20",
        kubeletVersion: "v1.30.4-eks-a737599",
        kernelVersion: "6.1.0-aws",
        operatingSystem: "linux",
        osImage: "Ubuntu 22.04.4 LTS",
      },
    },
  });
  api.put(Nodes, {
    metadata: { name: "node-b", labels: { arch: "amd64", "nvidia.com/gpu.present": "true" } },
    spec: {
      taints: [
        { key: "nvidia.com/gpu", effect: "NoSchedule" },
        { key: "dedicated", value: "x", effect: "NoExecute" },
        { key: "dedicated", value: "y", effect: "NoSchedule" },
      ],
    },
  });
  api.put(Nodes, { metadata: { name: "node-c", labels: { arch: "arm64" } }, spec: { providerID: "kind://docker/kind/node-c" } });
  api.put(ClusterPolicies, {
    metadata: { name: "cluster-policy" },
    spec: {
      driver: { enabled: true, version: "580.82.07", repoConfig: { configMapName: null } },
      toolkit: { env: [] },
      devicePlugin: { config: { default: 5, ratio: 1.5 } },
      validator: { plugin: { env: [{ name: "WITH_WORKLOAD", value: "<false>" }] } },
    },
  });
});
afterAll(() => api.stop());

describe("K8s collector", () => {
  test("collects server, images, ClusterPolicy and this node, in that order", async () => {
    const { client } = standinClient(api);
    const m = await kubernetesCollector({ client, nodeName: "ip-10-0-1-23.ec2.internal" }).collect(ctx());
    expect(m).toEqual({
      type: "K8s",
      subtypes: [
        { subtype: "server", data: { goVersion: "go1.22.10", platform: "linux/amd64", version: "v1.31.4" } },
        { subtype: "image", data: { "cuda-init": "1.2", "gpu-operator": "v25.3.3", app: "1.0", busybox: "latest", pause: "3.9", alpine: "3.20" } },
        {
          subtype: "policy",
          data: {
            "driver.enabled": "true",
            "driver.version": "580.82.07",
            "driver.repoConfig.configMapName": "<nil>",
            "devicePlugin.config.default": "5",
            "devicePlugin.config.ratio": "1.5",
            "validator.plugin.env": '[{"name":"WITH_WORKLOAD","value":"\\u003cfalse\\u003e"}]',
          },
        },
        {
          subtype: "node",
          data: {
            "source-node": "ip-10-0-1-23.ec2.internal",
            provider: "eks",
            "provider-id": "aws:///us-west-2a/i-0abc",
            "container-runtime-id": "containerd://1.7.20",
            "container-runtime-name": "containerd",
            "container-runtime-version": "1.7.20",
            "kubelet-version": "v1.30.4-eks-a737599",
            "kernel-version": "6.1.0-aws",
            "operating-system": "linux",
            "os-image": "Ubuntu 22.04.4 LTS",
          },
        },
      ],
    });
    // The pods were listed across all namespaces.
    expect(api.requests.some((r) => r.path === "/api/v1/pods")).toBe(true);
  });

  test("the node name comes from NODE_NAME in the context's environment; an unknown provider prefix is kept", async () => {
    const { client } = standinClient(api);
    const m = await kubernetesCollector({ client }).collect({ ...ctx(), env: { HOSTNAME: "ignored", NODE_NAME: "node-c" } });
    expect(m.subtypes?.[3]).toEqual({ subtype: "node", data: { "source-node": "node-c", provider: "kind", "provider-id": "kind://docker/kind/node-c" } });
  });

  test("each failing step leaves its subtype empty; a failed /version keeps three nulls", async () => {
    const { client } = standinClient(api, { retry: { attempts: 1 } });
    api.inject({ path: "/version", status: 500 });
    api.inject({ path: "/api/v1/pods", status: 403 });
    api.inject({ path: "/apis/nvidia.com/v1/clusterpolicies", status: 500 });
    const warnings: string[] = [];
    const c = recordingCtx();
    const m = await kubernetesCollector({ client, nodeName: "no-such-node", onWarning: (w) => warnings.push(w) }).collect(c);
    expect(m.subtypes).toEqual([
      { subtype: "server", data: { goVersion: null, platform: null, version: null } },
      { subtype: "image", data: {} },
      { subtype: "policy", data: {} },
      { subtype: "node", data: {} },
    ]);
    expect(warnings).toEqual([
      "k8s: failed to collect server - skipping",
      "k8s: failed to collect image - skipping",
      "k8s: failed to collect policy - skipping",
      "k8s: failed to collect node - skipping",
    ]);
    expect(c.degraded.map(([state, reason]) => `${state} ${reason.split(":")[0]}`)).toEqual(["failed server", "failed image", "failed policy", "failed node"]);
    expect(c.degraded[3]![1]).toBe('node: [NOT_FOUND] cannot get nodes "no-such-node": nodes "no-such-node" not found');
  });

  test("a cluster without the ClusterPolicy CRD gives an empty policy without a warning", async () => {
    const { client } = standinClient(api);
    api.inject({ path: "/apis/nvidia.com/v1/clusterpolicies", status: 404 });
    const warnings: string[] = [];
    const m = await kubernetesCollector({ client, nodeName: "node-b", onWarning: (w) => warnings.push(w) }).collect(ctx());
    expect(m.subtypes?.[2]).toEqual({ subtype: "policy", data: {} });
    expect(warnings).toEqual([]);
  });

  test("without any cluster: four empty subtypes", async () => {
    const warnings: string[] = [];
    const c = recordingCtx();
    const m = await kubernetesCollector({ ...nowhere(), onWarning: (w) => warnings.push(w) }).collect(c);
    expect(m).toEqual({
      type: "K8s",
      subtypes: [
        { subtype: "server", data: {} },
        { subtype: "image", data: {} },
        { subtype: "policy", data: {} },
        { subtype: "node", data: {} },
      ],
    });
    expect(warnings).toEqual(["k8s: no Kubernetes client, collecting without a cluster"]);
    expect(c.degraded).toHaveLength(1);
    expect(c.degraded[0]![0]).toBe("skipped");
    expect(c.degraded[0]![1]).toStartWith("no Kubernetes cluster: [NOT_FOUND] no Kubernetes cluster configured");
  });

  test("an already-cancelled context fails the collector", async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(kubernetesCollector(nowhere()).collect({ signal: ac.signal })).rejects.toThrow("k8s collector not started");
  });
});

describe("NodeTopology collector", () => {
  test("summarises taints and labels with the nodes that carry them", async () => {
    const { client } = standinClient(api);
    const m = await topologyCollector({ client }).collect(ctx());
    expect(m).toEqual({
      type: "NodeTopology",
      subtypes: [
        { subtype: "summary", data: { "node-count": 3, "taint-count": 3, "label-count": 3 } },
        {
          subtype: "taint",
          data: {
            "dedicated.NoExecute": "x|node-b",
            "dedicated.NoSchedule": "y|node-b",
            "nvidia.com/gpu": "NoSchedule||ip-10-0-1-23.ec2.internal,node-b",
          },
        },
        {
          subtype: "label",
          data: {
            "arch.amd64": "amd64|ip-10-0-1-23.ec2.internal,node-b",
            "arch.arm64": "arm64|node-c",
            "nvidia.com/gpu.present": "true|ip-10-0-1-23.ec2.internal,node-b",
          },
        },
      ],
    });
  });

  test("nodes are listed page by page and long node lists are shortened", async () => {
    const { client } = standinClient(api);
    const before = api.requests.filter((r) => r.path === "/api/v1/nodes").length;
    const m = await topologyCollector({ client, pageSize: 2, maxNodesPerEntry: 1 }).collect(ctx());
    const lists = api.requests.filter((r) => r.path === "/api/v1/nodes").slice(before);
    expect(lists.map((r) => r.query["limit"])).toEqual(["2", "2"]);
    expect(lists[1]!.query["continue"]).toBeDefined();
    expect(m.subtypes?.[1]?.data?.["nvidia.com/gpu"]).toBe("NoSchedule||ip-10-0-1-23.ec2.internal (+1 more)");
    expect(m.subtypes?.[2]?.data?.["arch.amd64"]).toBe("amd64|ip-10-0-1-23.ec2.internal (+1 more)");
  });

  test("a failed node list fails the collector (the measurement is omitted)", async () => {
    const { client } = standinClient(api, { retry: { attempts: 1 } });
    api.inject({ path: "/api/v1/nodes", status: 500 });
    await expect(topologyCollector({ client }).collect(ctx())).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
  });

  test("without any cluster: a zeroed summary and empty taint and label", async () => {
    const c = recordingCtx();
    const m = await topologyCollector(nowhere()).collect(c);
    expect(c.degraded.map(([state]) => state)).toEqual(["skipped"]);
    expect(m).toEqual({
      type: "NodeTopology",
      subtypes: [
        { subtype: "summary", data: { "node-count": 0, "taint-count": 0, "label-count": 0 } },
        { subtype: "taint", data: {} },
        { subtype: "label", data: {} },
      ],
    });
  });
});
