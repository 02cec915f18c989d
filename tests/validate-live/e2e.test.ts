/**
 * `aicr validate --phase deployment` end to end against the API stand-in: the CLI is spawned (the
 * stand-in and the kubelet simulation live in this process), creates the namespace, RBAC and input
 * ConfigMaps, and one Job per check; the simulation schedules each Job's pod and runs the real agent
 * (`bun agent/main.ts check <name>`) with the pod's environment and service-account credentials, so
 * the checks read the cluster under the RBAC the CLI granted. Covered: checks completing, failing
 * (including a 403 on a CR), timing out, pods that are never scheduled; the CTRF report (validated
 * with the `ctrf` package); cleanup, or everything kept with --no-cleanup.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringifyYaml } from "../../core/yaml.ts";
import type { KubeStandin } from "../support/kube-standin.ts";
import { agentExecutor, KubeletSim, type ContainerRun } from "../support/kubelet-sim.ts";
import { standinClient } from "../support/standin-client.ts";
import { expectValidReport } from "../validate/helpers.ts";
import {
  addTypes,
  BUN,
  checkTypes,
  ClusterPolicies,
  ConfigMaps,
  DaemonSets,
  daemonSet,
  deployment,
  Deployments,
  gpuStack,
  HOSTS,
  Jobs,
  namespace,
  Namespaces,
  node,
  Nodes,
  pod,
  Pods,
  recipe,
  ref,
  removeSharedCerts,
  REPO,
  startStandin,
} from "./helpers.ts";

const SA_USER = "system:serviceaccount:aicr-validation:aicr-validator";
const SNAPSHOT = join(REPO, "tests", "fixtures", "snapshots", "eks-h100-ubuntu.yaml");
const DEPLOYMENT_CHECKS = ["operator-health", "expected-resources", "gpu-operator-version", "check-nvidia-smi"];
const RBAC = (resource: string) => ({ group: "rbac.authorization.k8s.io", version: "v1", resource });
const ServiceAccounts = { group: "", version: "v1", resource: "serviceaccounts" };

const tmp = mkdtempSync(join(tmpdir(), "aicr-validate-live-"));
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  removeSharedCerts();
});

type Obj = Record<string, any>;

interface Cluster {
  api: KubeStandin;
  sim: KubeletSim;
  kubeconfig: string;
}

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.sim.stop();
  cluster?.api.stop();
  cluster = undefined;
});

/** A healthy two-node GPU cluster (a CPU node and a tainted GPU node) with the kubelet simulation running. */
function startCluster(o: { override?: (pod: Obj, container: Obj) => ContainerRun | undefined; taintCpuNode?: boolean } = {}): Cluster {
  const api = startStandin();
  addTypes(api, checkTypes.skyhooks);
  api.put(Nodes, node("cpu-1", o.taintCpuNode ? { taints: [{ key: "node-role", value: "infra", effect: "NoSchedule" }] } : {}));
  api.put(Nodes, node("gpu-1", { gpus: 8, taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }] }));
  for (const ns of ["gpu-operator", "nvidia-dra-driver", "skyhook"]) api.put(Namespaces, namespace(ns));
  api.put(Pods, pod("gpu-operator", "gpu-operator-7c9f", { labels: { app: "gpu-operator" }, nodeName: "cpu-1" }));
  api.put(Pods, pod("gpu-operator", "nvidia-operator-validator-x1", { labels: { app: "nvidia-operator-validator" }, nodeName: "gpu-1" }));
  api.put(Deployments, deployment("gpu-operator", "gpu-operator", 1, 1, { labels: { app: "gpu-operator" }, image: "nvcr.io/nvidia/gpu-operator:v25.10.1" }));
  api.put(ClusterPolicies, { metadata: { name: "cluster-policy" }, status: { state: "ready" } });
  api.put(DaemonSets, daemonSet("nvidia-dra-driver", "nvidia-dra-driver-gpu-kubelet-plugin", 1, 1));
  api.put(ref(checkTypes.skyhooks), { metadata: { name: "tuning" }, status: { status: "complete" } });
  const sim = new KubeletSim(api, {
    execute: agentExecutor({
      repo: REPO,
      bun: BUN,
      extraEnv: { AICR_HOST_ROOT: join(HOSTS, "ubuntu-24.04") },
      ...(o.override ? { override: (p, c) => o.override?.(p, c) } : {}),
    }),
    killGraceMs: 2_000,
    // The DaemonSets stored above are cluster state with a fixed status; only run what aicr creates.
    manage: (_kind, o) => o["metadata"]?.["labels"]?.["app.kubernetes.io/managed-by"] === "aicr",
  }).start();
  const { kubeconfigPath } = standinClient(api, { user: "admin" });
  cluster = { api, sim, kubeconfig: kubeconfigPath };
  return cluster;
}

let n = 0;
function recipeFile(checks = DEPLOYMENT_CHECKS): string {
  const r = recipe(gpuStack(), { deployment: { checks, constraints: [{ name: "Deployment.gpu-operator.version", value: ">= v24.6.0" }] } });
  const p = join(tmp, `recipe-${++n}.yaml`);
  writeFileSync(p, stringifyYaml(r));
  return p;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  report?: Obj;
}

/** Spawn `aicr validate` against the cluster without blocking this process (the stand-in must keep answering). */
async function validate(c: Cluster, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const out = join(tmp, `report-${++n}.json`);
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("AICR_") && k !== "KUBECONFIG") childEnv[k] = v;
  const proc = Bun.spawn([BUN, join(REPO, "cli", "main.ts"), "validate", "-s", SNAPSHOT, "--phase", "deployment", "-o", out, "--kubeconfig", c.kubeconfig, ...args], {
    cwd: REPO,
    env: { ...childEnv, HOME: tmp, NO_COLOR: "1", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr, ...(existsSync(out) ? { report: JSON.parse(readFileSync(out, "utf8")) } : {}) };
}

const testsOf = (r: Run): Obj[] => r.report?.results.tests ?? [];
const byName = (r: Run, name: string): Obj => testsOf(r).find((t) => t.name === name) ?? {};
const appliedJobs = (api: KubeStandin): Obj[] =>
  api.requests.filter((q) => q.method === "PATCH" && /\/apis\/batch\/v1\/namespaces\/aicr-validation\/jobs\//.test(q.path)).map((q) => JSON.parse(q.body));
const runObjects = (api: KubeStandin) => ({
  jobs: api.objects(Jobs).length,
  pods: api.objects(Pods).filter((p) => p["metadata"]["namespace"] === "aicr-validation").length,
  serviceAccounts: api.objects(ServiceAccounts).filter((s) => s["metadata"]["name"] === "aicr-validator").length,
  roles: api.objects(RBAC("roles")).length + api.objects(RBAC("rolebindings")).length,
  clusterRbac: api.objects(RBAC("clusterroles")).length + api.objects(RBAC("clusterrolebindings")).length,
  configMaps: api.objects(ConfigMaps).filter((c) => c["metadata"]["labels"]?.["aicr.nvidia.com/run-id"]).map((c) => String(c["metadata"]["name"]).replace(/\d{8}-\d{6}-[0-9a-f]{16}/, "RUN")).sort(),
});

describe("aicr validate --phase deployment on a cluster", () => {
  test(
    "every check completes and passes: valid CTRF report with evidence, Jobs in the agent image, run as the validator account, everything cleaned up",
    async () => {
      const c = startCluster();
      const r = await validate(c, ["-r", recipeFile()], { AICR_VALIDATOR_IMAGE_REGISTRY: "mirror.example.com" });
      expect(r.code, r.stderr).toBe(0);
      expectValidReport(r.report);
      expect(r.report!.results.summary).toMatchObject({ tests: 4, passed: 4, failed: 0, skipped: 0, other: 0 });
      expect(testsOf(r).map((t) => [t.name, t.status, t.suite, t.extra?.exitCode])).toEqual(DEPLOYMENT_CHECKS.map((name) => [name, "passed", ["deployment"], 0]));
      expect(byName(r, "operator-health").stdout).toContain("found 1 operator pod, 1 running");
      expect(byName(r, "expected-resources").stdout).toContain("  ok    Skyhook tuning: complete");
      expect(byName(r, "gpu-operator-version").message).toBe("GPU Operator v25.10.1 satisfies >= v24.6.0");
      expect(byName(r, "check-nvidia-smi").stdout).toContain("  ok    nvidia-smi on this node: 8 GPUs (NVIDIA H100 80GB HBM3), driver 550.127.08");

      // One Job per check, in catalogue order, running `aicr-agent check <name>` in the (moved) agent image.
      const jobs = appliedJobs(c.api);
      expect(jobs.map((j) => j.metadata.labels["aicr.nvidia.com/validator"])).toEqual(DEPLOYMENT_CHECKS);
      for (const j of jobs) {
        const container = j.spec.template.spec.containers[0];
        expect(container.image).toBe("mirror.example.com/aicr:v0.11.1");
        expect([...container.command, ...container.args]).toEqual(["aicr-agent", "check", j.metadata.labels["aicr.nvidia.com/validator"]]);
      }
      // The pods ran on the CPU node (preferred) as the validator service account, reading through its RBAC.
      expect(c.sim.runs.map((x) => [x.node, x.argv.slice(-2)])).toEqual(DEPLOYMENT_CHECKS.map((name) => ["cpu-1", ["check", name]]));
      const asValidator = c.api.requests.filter((q) => q.user === SA_USER);
      expect(asValidator.some((q) => q.path === "/apis/nvidia.com/v1/clusterpolicies" && q.status === 200)).toBe(true);
      expect(asValidator.some((q) => /\/configmaps\/aicr-recipe-/.test(q.path) && q.status === 200)).toBe(true);
      expect(asValidator.filter((q) => q.status === 403)).toEqual([]);

      // Progress on stderr.
      expect(r.stderr).toMatch(/^deployment\/operator-health: running Job aicr-validation\/aicr-operator-health-[0-9a-f]{8} \(timeout 2m0s\)$/m);
      expect(r.stderr).toContain("deployment/expected-resources: passed (exit code 0): all 6 deployment resources and readiness signals are healthy");

      // Cleanup: no Jobs, pods, RBAC or run ConfigMaps left; the namespace stays.
      expect(runObjects(c.api)).toEqual({ jobs: 0, pods: 0, serviceAccounts: 0, roles: 0, clusterRbac: 0, configMaps: [] });
      expect(c.api.object(Namespaces, undefined, "aicr-validation")?.["metadata"]["labels"]).toEqual({
        "app.kubernetes.io/name": "aicr",
        "app.kubernetes.io/component": "validation",
        "app.kubernetes.io/managed-by": "aicr",
      });
    },
    120_000,
  );

  test(
    "a failing check (ClusterPolicy not ready, 403 on the Skyhook CR): report written, exit 8; --no-cleanup keeps Jobs, RBAC and ConfigMaps",
    async () => {
      const c = startCluster();
      c.api.put(ClusterPolicies, { metadata: { name: "cluster-policy" }, status: { state: "notReady" } });
      c.api.forbid({ resource: "skyhooks", user: SA_USER });
      const r = await validate(c, ["-r", recipeFile(), "--no-cleanup"]);
      expect(r.code, r.stderr).toBe(8);
      expect(r.stderr).toContain("error: [INTERNAL] validation failed: one or more phases did not pass");
      expectValidReport(r.report);
      expect(r.report!.results.summary).toMatchObject({ tests: 4, passed: 3, failed: 1 });
      const er = byName(r, "expected-resources");
      expect(er.status).toBe("failed");
      expect(er.message).toBe("2 problems: ClusterPolicy cluster-policy: state notReady (want ready); ...");
      expect(er.extra).toMatchObject({ exitCode: 1, phase: "deployment", expected: "check passes (exit code 0)", remediation: expect.stringContaining("operator logs") });
      expect(er.stdout).toContainEqual(expect.stringMatching(/^ {2}FAIL {2}Skyhook tuning: cannot read: .*is not allowed to get skyhooks\.skyhook\.nvidia\.com/));

      const kept = runObjects(c.api);
      expect(kept).toMatchObject({ jobs: 4, pods: 4, serviceAccounts: 1, roles: 2, clusterRbac: 2 });
      expect(kept.configMaps).toEqual(["aicr-ctrf-RUN-deployment", "aicr-recipe-RUN", "aicr-snapshot-RUN"]);
      const ctrf = c.api.objects(ConfigMaps).find((cm) => String(cm["metadata"]["name"]).startsWith("aicr-ctrf-"))!;
      const stored = JSON.parse(ctrf["data"]["report.json"]);
      expectValidReport(stored);
      expect(stored.results.summary).toMatchObject({ tests: 4, failed: 1 });
      expect(r.stderr).toContain("warning: --no-cleanup: validator Jobs, ConfigMaps and RBAC");
    },
    120_000,
  );

  test(
    "a check that hangs past its timeout is stopped at the Job's deadline and reported as other (exit 0)",
    async () => {
      const c = startCluster();
      // The operator pods' list never answers the validator: its check waits until the deadline stops it.
      c.api.addHandler((_req, url, user) => {
        if (user !== SA_USER || !url.pathname.endsWith("/namespaces/gpu-operator/pods") || url.searchParams.get("labelSelector") !== "app=gpu-operator") return undefined;
        return Bun.sleep(20_000).then(() => new Response("{}", { status: 503 }));
      });
      const r = await validate(c, ["-r", recipeFile(), "--timeout", "6s"]);
      expect(r.code, r.stderr).toBe(0);
      expectValidReport(r.report);
      expect(r.report!.results.summary).toMatchObject({ tests: 4, passed: 3, other: 1 });
      const oh = byName(r, "operator-health");
      expect(oh).toMatchObject({
        status: "other",
        message: "timeout: validator did not complete within 6s: interrupted by SIGTERM before the check finished (the Job's deadline?)",
        extra: { exitCode: 143 },
      });
      expect(oh.stdout).toContain("check operator-health: error: interrupted by SIGTERM before the check finished (the Job's deadline?)");
      expect(c.sim.runsOfJob(appliedJobs(c.api)[0]!.metadata.name)[0]).toMatchObject({ exitCode: 143 });
    },
    120_000,
  );

  test(
    "a pod that is never scheduled (no node tolerated) times out as other, with the scheduler's reason",
    async () => {
      const c = startCluster({ taintCpuNode: true });
      const r = await validate(c, ["-r", recipeFile(["operator-health"]), "--timeout", "2s", "--toleration", "dedicated=system:NoSchedule"]);
      expect(r.code, r.stderr).toBe(0);
      expectValidReport(r.report);
      expect(r.report!.results.summary).toMatchObject({ tests: 1, other: 1 });
      expect(byName(r, "operator-health")).toEqual({
        name: "operator-health",
        status: "other",
        duration: 0,
        suite: ["deployment"],
        message:
          "pod never reached running state: Unschedulable: 0/2 nodes are available: 1 node(s) had untolerated taint {node-role: infra}, 1 node(s) had untolerated taint {nvidia.com/gpu: present}. preemption: 0/2 nodes are available. (timeout: validator did not complete within 2s)",
        extra: { exitCode: -1 },
      });
      expect(c.sim.runs).toEqual([]);
      expect(appliedJobs(c.api)[0]!.spec.template.spec.tolerations).toEqual([{ key: "dedicated", operator: "Equal", value: "system", effect: "NoSchedule" }]);
      expect(runObjects(c.api)).toMatchObject({ jobs: 0, pods: 0, clusterRbac: 0 });
    },
    120_000,
  );
});
