/**
 * `aicr validate` without --snapshot captures one with the agent Job (as upstream does, even with
 * --no-cluster), through the same client and manifests as `aicr snapshot`, then checks readiness.
 */
import { afterAll, afterEach, expect, test } from "bun:test";
import { join } from "node:path";
import { removeSharedCerts } from "../validate-live/helpers.ts";
import { BUN, type Cluster, HOSTS, leftovers, node, nothingLeft, removeTmp, REPO, snapshotExecutor, startCluster, stopCluster, tmp } from "./helpers.ts";

let cluster: Cluster | undefined;
afterEach(async () => {
  await stopCluster(cluster);
  cluster = undefined;
});
afterAll(() => {
  removeTmp();
  removeSharedCerts();
});

async function aicr(args: string[]) {
  const proc = Bun.spawn([BUN, join(REPO, "cli", "main.ts"), ...args], {
    cwd: REPO,
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: tmp, NO_COLOR: "1" },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

test(
  "validate without --snapshot runs the agent Job on the GPU node and validates what it measured",
  async () => {
    const hostRoot = () => join(HOSTS, "ubuntu-24.04");
    cluster = startCluster([node("gpu-1", { gpus: 8 })], snapshotExecutor({ hostRoot }));
    const recipe = join(tmp, "recipe.yaml");
    const r0 = await aicr(["recipe", "--service", "eks", "--accelerator", "h100", "--intent", "training", "-o", recipe]);
    expect(r0.code, r0.stderr).toBe(0);
    const r = await aicr(["validate", "-r", recipe, "--no-cluster", "--kubeconfig", cluster.kubeconfig]);
    // The fixture host reports Kubernetes v1.31.4 from the stand-in: below this recipe's >= 1.32.4, so
    // readiness fails (exit 8, no report) — on the snapshot the Job just captured.
    expect(cluster.sim.runs.map((x) => x.node)).toEqual(["gpu-1"]);
    expect(r.code).toBe(8);
    expect(r.stderr).toContain("K8s.server.version");
    expect(r.stdout).toBe("");
    expect(leftovers(cluster.api)).toEqual(nothingLeft);
  },
  60_000,
);
