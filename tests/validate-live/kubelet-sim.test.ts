/**
 * The kubelet simulation itself (tests/support/kubelet-sim.ts), as later users of it rely on it:
 * scheduling decisions, DaemonSets (one pod per eligible node, init containers first, status
 * counts, pods removed with their DaemonSet), Jobs whose container image cannot run, and the
 * FallbackToLogsOnError termination-message policy.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { types } from "../../core/validate/live/objects.ts";
import type { KubeStandin } from "../support/kube-standin.ts";
import { agentExecutor, DaemonSets, Jobs, KubeletSim, Pods, schedule } from "../support/kubelet-sim.ts";
import { standinClient } from "../support/standin-client.ts";
import { BUN, node, Nodes, removeSharedCerts, REPO, startStandin } from "./helpers.ts";

type Obj = Record<string, any>;

/** Poll until `fn` returns a value (a stuck simulation fails the test at the test timeout). */
async function until<T>(fn: () => T | undefined | false): Promise<T> {
  for (;;) {
    const v = fn();
    if (v) return v;
    await Bun.sleep(20);
  }
}

let api: KubeStandin | undefined;
let sim: KubeletSim | undefined;
afterEach(async () => {
  await sim?.stop();
  api?.stop();
  api = sim = undefined;
});
afterAll(() => removeSharedCerts());

describe("scheduling", () => {
  const nodes = [
    node("cpu-1"),
    node("gpu-1", { gpus: 8, taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }] }),
    node("gpu-2", { gpus: 8, labels: { pool: "b" }, taints: [{ key: "nvidia.com/gpu", effect: "NoSchedule" }] }),
    node("old-1", { ready: false }),
  ];

  test("taints need tolerations; preferred affinity picks among the nodes that fit", () => {
    expect(schedule({}, nodes)).toEqual({ node: "cpu-1" });
    const tolerateAll = { tolerations: [{ operator: "Exists" }] };
    const preferGpu = { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: "nvidia.com/gpu.present", operator: "Exists" }] } }] } } };
    expect(schedule({ ...tolerateAll, ...preferGpu }, nodes)).toEqual({ node: "gpu-1" });
    expect(schedule({ tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }], nodeSelector: { pool: "b" } }, nodes)).toEqual({ node: "gpu-2" });
  });

  test("nothing fits: the scheduler's message counts the reasons", () => {
    const r = schedule({ nodeSelector: { pool: "none" } }, nodes);
    expect(r).toEqual({ message: "0/4 nodes are available: 3 node(s) didn't match Pod's node affinity/selector, 1 node(s) were not ready. preemption: 0/4 nodes are available." });
    const required = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["gpu-1"] }] }] } } } };
    expect(schedule(required, nodes)).toMatchObject({ message: expect.stringContaining("1 node(s) had untolerated taint {nvidia.com/gpu: present}") });
  });
});

describe("workloads", () => {
  test("a DaemonSet: one pod per eligible node, init containers run first, status counted, pods removed with it", async () => {
    api = startStandin();
    api.put(Nodes, node("gpu-1", { gpus: 8, labels: { pool: "gpu" } }));
    api.put(Nodes, node("gpu-2", { gpus: 8, labels: { pool: "gpu" } }));
    api.put(Nodes, node("cpu-1"));
    sim = new KubeletSim(api, {
      execute: agentExecutor({
        repo: REPO,
        bun: BUN,
        override: (_pod, c) => (c["name"] === "pause" ? { argv: [BUN, "-e", "await Bun.sleep(60000)"], env: { PATH: process.env["PATH"] ?? "" } } : undefined),
      }),
    }).start();
    const { client } = standinClient(api);
    await client.create(types.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name: "aicr" } });
    await client.create(
      { group: "apps", version: "v1", resource: "daemonsets", namespaced: true },
      {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: "aicr-fleet", namespace: "aicr" },
        spec: {
          template: {
            metadata: { labels: { app: "aicr-fleet" } },
            spec: {
              nodeSelector: { pool: "gpu" },
              initContainers: [{ name: "agent", image: "ghcr.io/nvidia/aicr:v0.11.1", command: ["aicr-agent"], args: ["--version"] }],
              containers: [{ name: "pause", image: "registry.k8s.io/pause:3.10" }],
            },
          },
        },
      },
    );
    const ds = await until(() => {
      const d = api!.object(DaemonSets, "aicr", "aicr-fleet");
      return d?.["status"]?.["numberReady"] === 2 ? d : undefined;
    });
    expect(ds["status"]).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2 });
    const pods = api.objects(Pods).sort((a, b) => a["metadata"]["name"].localeCompare(b["metadata"]["name"]));
    expect(pods.map((p) => [p["metadata"]["name"], p["spec"]["nodeName"], p["status"]["phase"]])).toEqual([
      ["aicr-fleet-gpu-1", "gpu-1", "Running"],
      ["aicr-fleet-gpu-2", "gpu-2", "Running"],
    ]);
    expect(pods[0]!["status"]["initContainerStatuses"][0]["state"]["terminated"]).toMatchObject({ exitCode: 0, reason: "Completed" });
    const init = sim.runs.filter((r) => r.container === "agent");
    expect(init.map((r) => r.log)).toEqual(["aicr-agent version 0.11.1\n", "aicr-agent version 0.11.1\n"]);
    expect(await client.podLogs("aicr", "aicr-fleet-gpu-1", { container: "agent" })).toBe("aicr-agent version 0.11.1\n");

    await client.delete({ group: "apps", version: "v1", resource: "daemonsets", namespaced: true }, "aicr-fleet", { namespace: "aicr" });
    await until(() => api!.objects(Pods).length === 0);
    expect(sim.runs.filter((r) => r.container === "pause").every((r) => r.signal === "SIGTERM" || r.signal === "SIGKILL")).toBe(true);
  }, 60_000);

  test("a Job whose image the simulation cannot run waits in ErrImagePull; FallbackToLogsOnError takes the log as message", async () => {
    api = startStandin();
    api.put(Nodes, node("cpu-1"));
    sim = new KubeletSim(api, {
      execute: agentExecutor({
        repo: REPO,
        bun: BUN,
        override: (_pod, c) => (c["image"] === "crash:1" ? { argv: [BUN, "-e", "console.error('boom: out of cheese'); process.exit(3)"], env: { PATH: process.env["PATH"] ?? "" } } : undefined),
      }),
    }).start();
    const job = (name: string, image: string): Obj => ({
      metadata: { name, namespace: "default" },
      spec: { backoffLimit: 0, template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image, terminationMessagePolicy: "FallbackToLogsOnError" }] } } },
    });
    api.put(Jobs, job("pull", "example.com/other:1"));
    api.put(Jobs, job("crash", "crash:1"));
    const waiting = await until(() => api!.objects(Pods).find((p) => p["metadata"]["labels"]["job-name"] === "pull" && p["status"]?.["containerStatuses"]));
    expect(waiting["status"]["containerStatuses"][0]["state"]["waiting"]).toMatchObject({ reason: "ErrImagePull" });
    const failed = await until(() => {
      const j = api!.object(Jobs, "default", "crash");
      return j?.["status"]?.["conditions"]?.[0] ? j : undefined;
    });
    expect(failed["status"]["conditions"][0]).toMatchObject({ type: "Failed", status: "True", reason: "BackoffLimitExceeded" });
    const crashPod = api.objects(Pods).find((p) => p["metadata"]["labels"]["job-name"] === "crash")!;
    expect(crashPod["status"]["phase"]).toBe("Failed");
    expect(crashPod["status"]["containerStatuses"][0]["state"]["terminated"]).toMatchObject({ exitCode: 3, reason: "Error", message: "boom: out of cheese\n" });
  }, 60_000);
});
