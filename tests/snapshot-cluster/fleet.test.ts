/**
 * `aicr snapshot --fleet` against a simulated fleet of 50 GPU nodes and a CPU node: the kubelet
 * simulation runs the DaemonSet the CLI applied (manifests/daemonset.yaml) on every GPU node; each pod's
 * agent container runs a small stand-in for the agent (fake-agent.ts, the real ConfigMap layout and the
 * pod's service-account credentials) so the run stays fast. On gpu-07 the agent hangs, on gpu-13 it
 * fails. The CLI must not wait for gpu-07 past --timeout, and writes a FleetSnapshot with 48 nodes and
 * the two failures marked, then exits non-zero.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parse as parseYamlLib } from "yaml";
import { removeSharedCerts } from "../validate-live/helpers.ts";
import { aicr, BUN, type Cluster, HOSTS, leftovers, node, nothingLeft, R, readIf, removeTmp, snapshotExecutor, startCluster, stopCluster, tmp } from "./helpers.ts";

type Obj = Record<string, any>;

let cluster: Cluster | undefined;
afterEach(async () => {
  await stopCluster(cluster);
  cluster = undefined;
});
afterAll(() => {
  removeTmp();
  removeSharedCerts();
});

const GPU_NODES = Array.from({ length: 50 }, (_, i) => `gpu-${String(i).padStart(2, "0")}`);
const HUNG = "gpu-07";
const FAILING = "gpu-13";
const FAKE_AGENT = join(import.meta.dir, "fake-agent.ts");

function fleet(): Cluster {
  const nodes = [node("cpu-1"), ...GPU_NODES.map((n, i) => node(n, { gpus: 8, ...(i < 3 ? { labels: { pool: "a" } } : {}), taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }] }))];
  cluster = startCluster(
    nodes,
    snapshotExecutor({
      hostRoot: () => join(HOSTS, "ubuntu-24.04"),
      decide: (n, args, ctx) => {
        const env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: ctx.home, ...ctx.env, ...ctx.inCluster };
        if (n === HUNG) return { argv: ["sleep", "600"], env };
        if (n === FAILING) return { argv: ["sh", "-c", "echo 'GPU collector: nvidia-smi: GPU has fallen off the bus' >&2; exit 1"], env };
        return { argv: [BUN, FAKE_AGENT, ...args], env };
      },
    }),
  );
  return cluster;
}

describe("aicr snapshot --fleet", () => {
  test(
    "50 GPU nodes and a CPU node: 48 snapshots, one timed out, one failed, the CPU node left out; n of N progress; cleanup",
    async () => {
      const c = fleet();
      const out = join(tmp, "fleet.yaml");
      const r = await aicr(["--kubeconfig", c.kubeconfig, "--fleet", "--timeout", "20s", "-o", out]);
      // Every failure timed out or failed, mixed: INTERNAL.
      expect(r.code, r.stderr).toBe(8);
      const doc = parseYamlLib(readIf(out)!);
      expect(doc.kind).toBe("FleetSnapshot");
      expect(doc.metadata).toMatchObject({ source: "daemonset", nodeCount: 50, snapshotCount: 48, failureCount: 2 });
      expect(Object.keys(doc.nodes)).toEqual(GPU_NODES.filter((n) => n !== HUNG && n !== FAILING));
      for (const [name, snap] of Object.entries(doc.nodes) as [string, Obj][]) expect(snap.metadata["source-node"]).toBe(name);
      expect(doc.failures).toEqual({
        [HUNG]: { state: "timeout", reason: "no snapshot within 20s (pod Pending, agent container running)" },
        [FAILING]: { state: "failed", reason: "agent exited with code 1: GPU collector: nvidia-smi: GPU has fallen off the bus" },
      });
      expect(doc.nodes["cpu-1"]).toBeUndefined();

      // The DaemonSet ran on the GPU nodes only.
      expect([...new Set(c.sim.runs.map((x) => x.node))].sort()).toEqual(GPU_NODES);
      expect(r.stderr).toContain("snapshot: 1 node without a GPU left out: cpu-1");
      expect(r.stderr).toContain("snapshot: DaemonSet aicr/aicr-snapshot on 50 nodes (timeout 20s per node)");
      expect(r.stderr).toContain("snapshot: 0 of 50 nodes done");
      expect(r.stderr).toMatch(/^.*snapshot: 49 of 50 nodes done \(1 failed\)$/m);
      expect(r.stderr).toContain(`snapshot: deadline passed, 1 of 50 nodes timed out: ${HUNG}`);
      expect(r.stderr).not.toContain("50 of 50 nodes done");
      expect(r.stderr).toContain(`${FAILING}: failed: agent exited with code 1`);
      expect(r.stderr).toContain(`${HUNG}: timeout: no snapshot within 20s`);
      const errors = r.stderr.split("\n").filter((l) => l.startsWith("error:"));
      expect(errors).toEqual([
        `error: [INTERNAL] 2 of 50 nodes gave no snapshot (${HUNG} timeout, ${FAILING} failed); the fleet snapshot written to ${out} keeps the other 48 and marks the failures`,
      ]);
      expect(leftovers(c.api)).toEqual(nothingLeft);
    },
    120_000,
  );

  test(
    "--node-selector pool=a --no-cleanup -t json: the three nodes it picks, to stdout; DaemonSet, ConfigMaps and RBAC stay",
    async () => {
      const c = fleet();
      const r = await aicr(["--kubeconfig", c.kubeconfig, "--fleet", "--node-selector", "pool=a", "--no-cleanup", "-t", "json"]);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.kind).toBe("FleetSnapshot");
      expect(Object.keys(doc.nodes)).toEqual(["gpu-00", "gpu-01", "gpu-02"]);
      expect(doc.failures).toEqual({});
      expect(r.stderr).toContain("snapshot: 3 of 3 nodes done");
      expect(r.stderr).not.toContain("left out");
      const ds = c.api.object(R.daemonSets, "aicr", "aicr-snapshot")!;
      expect(ds["spec"]["template"]["spec"]["nodeSelector"]).toEqual({ pool: "a" });
      expect(leftovers(c.api)).toMatchObject({
        namespace: true,
        daemonSets: ["aicr-snapshot"],
        configMaps: ["aicr-snapshot-gpu-00", "aicr-snapshot-gpu-01", "aicr-snapshot-gpu-02"],
        serviceAccounts: ["aicr"],
        clusterRbac: ["aicr-node-reader", "aicr-node-reader"],
      });
    },
    60_000,
  );

  test(
    "--node-selector matching nothing: one error line, exit 3, nothing created",
    async () => {
      const c = fleet();
      const r = await aicr(["--kubeconfig", c.kubeconfig, "--fleet", "--node-selector", "pool=none"]);
      expect(r.code).toBe(3);
      expect(r.stderr.split("\n").filter((l) => l.startsWith("error:"))).toEqual(["error: [NOT_FOUND] no node matches --node-selector pool=none (the cluster has 51 nodes)"]);
      expect(leftovers(c.api)).toEqual(nothingLeft);
      expect(c.api.objects(R.daemonSets)).toEqual([]);
    },
    60_000,
  );
});
