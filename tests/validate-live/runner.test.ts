/**
 * The live runner in-process (core runValidation with createLiveRunner), against the stand-in and
 * the kubelet simulation running the real agent: the performance phase starts the NCCL benchmark as
 * a TrainJob and the validator reads its launcher's log; too few GPU nodes skip it; a Job the API
 * refuses is reported as other and the next check still runs; a report ConfigMap that cannot be
 * written only warns; progress is reported while a validator runs.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createLiveRunner } from "../../agent/validate/live-runner.ts";
import { embeddedStore } from "../../core/catalogue/embedded.ts";
import type { RecipeResultDocument } from "../../core/schema/recipe-result.ts";
import type { Snapshot } from "../../core/schema/snapshot.ts";
import { launcherSelector } from "../../core/validate/live/nccl.ts";
import { selectPhases } from "../../core/validate/phases.ts";
import { runValidation } from "../../core/validate/run.ts";
import type { KubeStandin } from "../support/kube-standin.ts";
import { agentExecutor, KubeletSim } from "../support/kubelet-sim.ts";
import { standinClient } from "../support/standin-client.ts";
import { expectValidReport, snapshotOf, steppingClock } from "../validate/helpers.ts";
import { addTypes, BUN, checkTypes, ClusterPolicies, ConfigMaps, Namespaces, NCCL_FIXTURES, namespace, node, Nodes, pod, Pods, recipe, ref, removeSharedCerts, REPO, startStandin } from "./helpers.ts";

type Obj = Record<string, any>;
const efa = readFileSync(join(NCCL_FIXTURES, "h100-2node-efa.txt"), "utf8");
const catalog = embeddedStore().validators!;
const snapshot: Snapshot = snapshotOf({ "K8s.server.version": "v1.33.5" });

let api: KubeStandin | undefined;
let sim: KubeletSim | undefined;
afterEach(async () => {
  await sim?.stop();
  api?.stop();
  api = sim = undefined;
});
afterAll(() => removeSharedCerts());

function cluster(gpuNodes: number): KubeStandin {
  api = startStandin();
  api.put(Nodes, node("cpu-1"));
  for (let i = 1; i <= gpuNodes; i++) api.put(Nodes, node(`gpu-${i}`, { gpus: 8 }));
  sim = new KubeletSim(api, { execute: agentExecutor({ repo: REPO, bun: BUN }), manage: (_k, o) => o["metadata"]?.["labels"]?.["app.kubernetes.io/managed-by"] === "aicr" }).start();
  return api;
}

async function run(a: KubeStandin, r: Obj, phases: string[], logs: { info: string[]; warn: string[] } = { info: [], warn: [] }) {
  const { client } = standinClient(a, { user: "admin" });
  const runner = createLiveRunner({
    client: () => client,
    version: "0.11.1",
    env: {},
    info: (m) => void logs.info.push(m),
    warn: (m) => void logs.warn.push(m),
    progressIntervalMs: 50,
  });
  const result = await runValidation({
    recipe: r as RecipeResultDocument,
    snapshot,
    selection: selectPhases(phases),
    catalog,
    runner,
    noCluster: false,
    options: { namespace: "aicr-validation", nodeSelector: {}, tolerations: [{ operator: "Exists" }], timeoutMs: 300_000, cleanup: true },
    clock: steppingClock(),
    version: "0.11.1",
  });
  if (!result.ok) throw new Error("readiness failed");
  return { result, logs, runId: runner.runId() };
}

const perfRecipe = (value = ">= 300") => recipe([{ name: "kubeflow-trainer", namespace: "kubeflow" }], { performance: { checks: ["nccl-all-reduce-bw"], constraints: [{ name: "nccl-all-reduce-bw", value }] } });

describe("performance: the NCCL all-reduce benchmark", () => {
  test("started as a TrainJob on the GPU nodes; the validator reads the launcher's log and compares with the threshold; removed afterwards", async () => {
    const a = cluster(2);
    addTypes(a, checkTypes.trainJobs, checkTypes.trainingRuntimes);
    // Stand in for the Trainer and JobSet controllers: a finished launcher pod with the recorded output.
    let trainJob: Obj | undefined;
    const controller = setInterval(() => {
      const tj = a.objects(ref(checkTypes.trainJobs))[0];
      if (!tj || trainJob) return;
      trainJob = tj;
      const name = tj["metadata"]["name"];
      const labels = Object.fromEntries(launcherSelector(name).split(",").map((kv) => kv.split("=") as [string, string]));
      a.put(Pods, pod("aicr-validation", `${name}-launcher-0-0-x1`, { labels, phase: "Succeeded", ready: false }));
      a.setPodLog("aicr-validation", `${name}-launcher-0-0-x1`, efa);
    }, 10);
    try {
      const { result } = await run(a, perfRecipe(), ["performance"]);
      expect(result.ok && result.report.results.tests).toEqual([
        expect.objectContaining({
          name: "nccl-all-reduce-bw",
          status: "passed",
          message: "bus bandwidth 309.84 GB/s at 16 GiB meets >= 300 GB/s",
          extra: { exitCode: 0, constraint: "nccl-all-reduce-bw", expected: ">= 300 GB/s", actual: "309.84 GB/s" },
        }),
      ]);
      if (result.ok) expectValidReport(result.report);
    } finally {
      clearInterval(controller);
    }
    expect(trainJob?.["spec"]).toMatchObject({ trainer: { numNodes: 2 } });
    const runtime = a.requests.find((q) => q.method === "PATCH" && q.path.includes("/trainingruntimes/"));
    expect(JSON.parse(runtime!.body).spec.mlPolicy.mpi).toMatchObject({ numProcPerNode: 8 });
    expect(a.objects(ref(checkTypes.trainJobs))).toEqual([]);
    expect(a.objects(ref(checkTypes.trainingRuntimes))).toEqual([]);
  }, 60_000);

  test("one GPU node: the benchmark is not started and the check is skipped with the reason", async () => {
    const a = cluster(1);
    addTypes(a, checkTypes.trainJobs, checkTypes.trainingRuntimes);
    const { result } = await run(a, perfRecipe(), ["performance"]);
    expect(result.ok && result.report.results.tests[0]).toMatchObject({
      status: "skipped",
      message: "NCCL all-reduce benchmark not run: requires at least 2 ready GPU nodes for the fabric test, found 1",
    });
    expect(a.objects(ref(checkTypes.trainJobs))).toEqual([]);
  }, 60_000);

  test("no Kubeflow Trainer on the cluster: skipped", async () => {
    const a = cluster(2);
    const { result } = await run(a, perfRecipe(), ["performance"]);
    expect(result.ok && result.report.results.tests[0]?.message).toBe("NCCL all-reduce benchmark not run: Kubeflow Trainer (trainer.kubeflow.org TrainJob, TrainingRuntime) is not installed");
  }, 60_000);
});

describe("orchestration", () => {
  const deploymentRecipe = recipe([{ name: "gpu-operator", namespace: "gpu-operator" }], { deployment: { checks: ["operator-health", "expected-resources"] } });

  test("a Job the API refuses is other ('failed to deploy Job'); the next check still runs; the namespace may exist already", async () => {
    const a = cluster(1);
    a.put(Namespaces, namespace("aicr-validation"));
    a.put(Namespaces, namespace("gpu-operator"));
    a.put(ClusterPolicies, { metadata: { name: "cluster-policy" }, status: { state: "ready" } });
    a.inject({ method: "PATCH", path: /\/jobs\/aicr-operator-health-/, status: 422, message: "Job.batch is invalid: spec.template: Invalid value" });
    const { result, logs } = await run(a, deploymentRecipe, ["deployment"]);
    const tests = result.ok ? result.report.results.tests : [];
    expect(tests.map((t) => [t.name, t.status])).toEqual([
      ["operator-health", "other"],
      ["expected-resources", "passed"],
    ]);
    expect(tests[0]!.message).toStartWith("failed to deploy Job: [INVALID_REQUEST] cannot patch jobs.batch");
    expect(tests[0]!.extra).toEqual({ exitCode: -1 });
    expect(logs.warn.some((w) => w.startsWith("deployment/operator-health: failed to deploy Job aicr-operator-health-"))).toBe(true);
  }, 60_000);

  test("progress while a validator runs; a report ConfigMap that cannot be written only warns", async () => {
    const a = cluster(1);
    a.put(Namespaces, namespace("gpu-operator"));
    a.put(Pods, pod("gpu-operator", "gpu-operator-1", { labels: { app: "gpu-operator" } }));
    // The validator's list of operator pods answers late, so the runner reports progress meanwhile.
    a.addHandler((_req, url, user) =>
      // Resolving to nothing lets the stand-in answer as usual, only later.
      user.startsWith("system:serviceaccount:") && url.searchParams.get("labelSelector") === "app=gpu-operator" ? Bun.sleep(1_500).then(() => undefined as unknown as Response) : undefined,
    );
    a.inject({ method: "PATCH", path: /\/configmaps\/aicr-ctrf-/, status: 422, message: "too big" });
    const { result, logs } = await run(a, recipe([{ name: "gpu-operator", namespace: "gpu-operator" }], { deployment: { checks: ["operator-health"] } }), ["deployment"]);
    expect(result.ok && result.report.results.tests[0]?.status).toBe("passed");
    expect(logs.info.some((l) => /^deployment\/operator-health: waiting, pod Running, \d+s of 2m0s$/.test(l))).toBe(true);
    expect(logs.warn).toContainEqual(expect.stringMatching(/^cannot store the deployment report in ConfigMap aicr-ctrf-.*-deployment: \[INVALID_REQUEST\]/));
    expect(a.objects(ConfigMaps).filter((c) => c["metadata"]["labels"]?.["aicr.nvidia.com/run-id"])).toEqual([]);
  }, 60_000);
});
