/**
 * `aicr snapshot` Job mode end to end: the CLI is spawned against the API stand-in; the kubelet
 * simulation turns the Job the CLI applied (built from manifests/job.yaml) into a pod on the node it
 * picked and runs the real agent (`bun agent/main.ts snapshot --host-root <fixture> -o cm://...`) with
 * the pod's service-account credentials, so the agent writes its ConfigMap under the RBAC the CLI
 * applied (manifests/rbac.yaml). Covered: stdout, file and cm:// output; cleanup and --no-cleanup;
 * the GPU node picked by default, a warning when there is none; bad input (a node selector matching
 * nothing, a missing permission, no cluster) as one error line and a non-zero exit; a failing agent
 * with its log on stderr.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parse as parseYamlLib, parseAllDocuments } from "yaml";
import { readFileSync } from "node:fs";
import { KubeStandin } from "../support/kube-standin.ts";
import { removeSharedCerts } from "../validate-live/helpers.ts";
import { aicr, type Cluster, HOSTS, leftovers, node, nothingLeft, R, readIf, removeTmp, REPO, SA_USER, snapshotExecutor, startCluster, stopCluster, tmp } from "./helpers.ts";

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

const hostRoot = (n: string) => join(HOSTS, n.startsWith("gpu") ? "ubuntu-24.04" : "ubuntu-22.04");
const GPU_TAINT = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" };

/** A CPU node and a tainted GPU node; the agent really runs. */
function gpuCluster(o: { decide?: Parameters<typeof snapshotExecutor>[0]["decide"]; nodes?: Obj[] } = {}): Cluster {
  cluster = startCluster(o.nodes ?? [node("cpu-1"), node("gpu-1", { gpus: 8, taints: [GPU_TAINT] })], snapshotExecutor({ hostRoot, ...(o.decide ? { decide: o.decide } : {}) }));
  return cluster;
}

const manifestDocs = (file: string): Obj[] => parseAllDocuments(readFileSync(join(REPO, "manifests", file), "utf8")).map((d) => d.toJS() as Obj);
const errorLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("error:"));

describe("aicr snapshot (Job mode)", () => {
  test(
    "no flags, cluster reachable: the agent Job runs on the GPU node, the snapshot goes to stdout, everything is removed",
    async () => {
      const c = gpuCluster();
      const r = await aicr(["--kubeconfig", c.kubeconfig]);
      expect(r.code, r.stderr).toBe(0);
      const doc = parseYamlLib(r.stdout);
      expect(doc.kind).toBe("Snapshot");
      expect(doc.metadata["source-node"]).toBe("gpu-1");
      const gpu = doc.measurements.find((m: Obj) => m.type === "GPU");
      expect(gpu.subtypes[0].data["gpu-count"]).toBe(8);

      // One pod, on the GPU node (tolerating its taint), running the agent against that node's host root.
      expect(c.sim.runs.map((x) => x.node)).toEqual(["gpu-1"]);
      const argv = c.sim.runs[0]!.argv;
      expect(argv.slice(argv.indexOf("snapshot"))).toEqual(["snapshot", "--host-root", hostRoot("gpu-1"), "-o", "cm://aicr/aicr-snapshot-gpu-1", "--timeout", "30s"]);
      // The agent wrote its ConfigMap as the agent's service account, never refused.
      const asAgent = c.api.requests.filter((q) => q.user === SA_USER);
      expect(asAgent.some((q) => q.method === "PATCH" && q.path === "/api/v1/namespaces/aicr/configmaps/aicr-snapshot-gpu-1" && q.status < 300)).toBe(true);
      expect(asAgent.filter((q) => q.status === 403)).toEqual([]);

      expect(r.stderr).toContain("snapshot: running Job aicr/aicr-snapshot on node gpu-1 (timeout 5m0s)");
      expect(errorLines(r.stderr)).toEqual([]);
      expect(leftovers(c.api)).toEqual(nothingLeft);
    },
    120_000,
  );

  test(
    "-o file -t json --no-cleanup: JSON snapshot in the file; Job, RBAC (as manifests/rbac.yaml) and the agent's ConfigMap stay",
    async () => {
      const c = gpuCluster();
      const out = join(tmp, "job.json");
      const r = await aicr(["--kubeconfig", c.kubeconfig, "-o", out, "-t", "json", "--no-cleanup", "--image", "registry.example.com/aicr:v9", "--image-pull-secret", "pull-1"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe("");
      const doc = JSON.parse(readIf(out)!);
      expect(doc.kind).toBe("Snapshot");
      expect(doc.metadata["source-node"]).toBe("gpu-1");
      expect(leftovers(c.api)).toEqual({
        namespace: true,
        jobs: ["aicr-snapshot"],
        daemonSets: [],
        pods: 1,
        configMaps: ["aicr-snapshot-gpu-1"],
        serviceAccounts: ["aicr"],
        roles: ["aicr", "aicr"],
        clusterRbac: ["aicr-node-reader", "aicr-node-reader"],
      });
      // Least privilege: the rules applied are those of manifests/rbac.yaml.
      const rbac = manifestDocs("rbac.yaml");
      expect(c.api.object(R.roles, "aicr", "aicr")!["rules"]).toEqual(rbac.find((d) => d.kind === "Role")!.rules);
      expect(c.api.object(R.clusterRoles, undefined, "aicr-node-reader")!["rules"]).toEqual(rbac.find((d) => d.kind === "ClusterRole")!.rules);
      const job = c.api.object(R.jobs, "aicr", "aicr-snapshot")!;
      const spec = job["spec"]["template"]["spec"];
      expect(spec["nodeSelector"]).toEqual({ "kubernetes.io/hostname": "gpu-1" });
      expect(spec["tolerations"]).toEqual([{ operator: "Exists" }]);
      expect(spec["imagePullSecrets"]).toEqual([{ name: "pull-1" }]);
      expect(spec["serviceAccountName"]).toBe("aicr");
      expect(spec["containers"][0]["image"]).toBe("registry.example.com/aicr:v9");
      expect(spec["containers"][0]["securityContext"]).toEqual(manifestDocs("job.yaml")[0]!.spec.template.spec.containers[0].securityContext);
    },
    120_000,
  );

  test(
    "-o cm://other/name: the snapshot lands there; the agent's own ConfigMap and the aicr namespace are removed",
    async () => {
      const c = gpuCluster();
      const r = await aicr(["--kubeconfig", c.kubeconfig, "-o", "cm://reports/node-snapshot"]);
      expect(r.code, r.stderr).toBe(0);
      const cm = c.api.object(R.configMaps, "reports", "node-snapshot")!;
      expect(parseYamlLib(cm["data"]["snapshot.yaml"]).metadata["source-node"]).toBe("gpu-1");
      expect(cm["metadata"]["labels"]["app.kubernetes.io/component"]).toBe("snapshot");
      expect(leftovers(c.api)).toEqual(nothingLeft);
    },
    120_000,
  );

  test(
    "-o cm:// of the agent's own ConfigMap: kept, with its namespace",
    async () => {
      const c = gpuCluster();
      const r = await aicr(["--kubeconfig", c.kubeconfig, "-o", "cm://aicr/aicr-snapshot-gpu-1"]);
      expect(r.code, r.stderr).toBe(0);
      expect(leftovers(c.api)).toEqual({ ...nothingLeft, namespace: true, configMaps: ["aicr-snapshot-gpu-1"] });
    },
    120_000,
  );

  test(
    "a cluster without GPU nodes: a warning, and the snapshot of the first node",
    async () => {
      const c = gpuCluster({ nodes: [node("cpu-2"), node("cpu-1")] });
      const r = await aicr(["--kubeconfig", c.kubeconfig]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/the cluster has no GPU node \(no node labelled nvidia\.com\/gpu\.present=true or with nvidia\.com\/gpu capacity\); taking the snapshot on cpu-1/);
      expect(parseYamlLib(r.stdout).metadata["source-node"]).toBe("cpu-1");
      expect(c.sim.runs.map((x) => x.node)).toEqual(["cpu-1"]);
    },
    120_000,
  );

  test(
    "--node-selector picks the node (here the CPU node)",
    async () => {
      const c = gpuCluster({ nodes: [node("cpu-1", { labels: { pool: "infra" } }), node("gpu-1", { gpus: 8, taints: [GPU_TAINT] })] });
      const r = await aicr(["--kubeconfig", c.kubeconfig, "--node-selector", "pool=infra"]);
      expect(r.code, r.stderr).toBe(0);
      expect(c.sim.runs.map((x) => x.node)).toEqual(["cpu-1"]);
      expect(r.stderr).not.toContain("no GPU node");
    },
    120_000,
  );

  test("a node selector matching nothing: one error line, exit 3, nothing created", async () => {
    const c = gpuCluster();
    const r = await aicr(["--kubeconfig", c.kubeconfig, "--node-selector", "pool=none"]);
    expect(r.code).toBe(3);
    expect(errorLines(r.stderr)).toEqual(["error: [NOT_FOUND] no node matches --node-selector pool=none (the cluster has 2 nodes)"]);
    expect(r.stdout).toBe("");
    expect(leftovers(c.api)).toEqual(nothingLeft);
  });

  test("a missing permission is named: one error line, exit 4, what was created is removed", async () => {
    const c = gpuCluster();
    c.api.forbid({ verb: "patch", resource: "clusterrolebindings", user: "admin" });
    const r = await aicr(["--kubeconfig", c.kubeconfig]);
    expect(r.code).toBe(4);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("cannot create the agent's ClusterRoleBinding aicr-node-reader:");
    expect(lines[0]).toContain('is not allowed to patch clusterrolebindings.rbac.authorization.k8s.io (cluster-wide)');
    expect(c.sim.runs).toEqual([]);
    expect(leftovers(c.api)).toEqual(nothingLeft);
  });

  test("no cluster reachable with a Job flag: one error line, exit 6", async () => {
    const dead = KubeStandin.start();
    const kc = join(tmp, "dead-kubeconfig");
    await Bun.write(kc, dead.kubeconfig({ user: { token: "t" } }));
    dead.stop();
    const r = await aicr(["--kubeconfig", kc, "--node-selector", "pool=gpu"]);
    expect(r.code).toBe(6);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: \[SERVICE_UNAVAILABLE\] no cluster reachable: cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:\d+: .*; use --local for a snapshot of this machine, or --ssh for hosts$/);
  });

  test("no cluster configured with --fleet: one error line, exit 6", async () => {
    const r = await aicr(["--fleet"]);
    expect(r.code).toBe(6);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/^error: \[SERVICE_UNAVAILABLE\] no cluster reachable: no Kubernetes cluster configured: .*; use --local/)]);
  });

  test("--local and a cluster flag together: invalid, exit 2", async () => {
    const r = await aicr(["--local", "--fleet"]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual(["error: [INVALID_REQUEST] --fleet applies to the cluster modes, not to a local snapshot (--local)"]);
  });

  test(
    "the agent fails: its log on stderr, exit 8, cleanup still done",
    async () => {
      const c = gpuCluster({ decide: () => ({ argv: ["sh", "-c", "echo 'GPU collector: nvidia-smi exploded' >&2; exit 1"], env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin" } }) });
      const r = await aicr(["--kubeconfig", c.kubeconfig]);
      expect(r.code).toBe(8);
      expect(r.stderr).toContain("agent: GPU collector: nvidia-smi exploded");
      expect(errorLines(r.stderr)).toEqual(["error: [INTERNAL] job failed: the snapshot Job aicr/aicr-snapshot on node gpu-1 failed (BackoffLimitExceeded: Job has reached the specified backoff limit); its log is above"]);
      expect(r.stdout).toBe("");
      expect(leftovers(c.api)).toEqual(nothingLeft);
    },
    120_000,
  );
});
