/**
 * The NCCL all-reduce performance check: reading recorded nccl-tests output (header, device list,
 * NCCL INFO lines, the size/count/type/redop/root table with out-of-place and in-place time, algbw,
 * busbw and #wrong, the average bus bandwidth), the verdict against the recipe's threshold, the
 * benchmark workload (TrainJob on an MPI TrainingRuntime), and the check reading the output from a
 * file or from the launcher pod's log.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DEFAULT_NCCL_IMAGE,
  launcherSelector,
  meetsThreshold,
  mpirunCommand,
  ncclVerdict,
  ncclWorkload,
  parseNcclOutput,
  peakRow,
  planNccl,
} from "../../core/validate/live/nccl.ts";
import { NCCL_FIXTURES, node, pod, Pods, recipe, removeSharedCerts, runCheck, startStandin } from "./helpers.ts";

const efa = readFileSync(join(NCCL_FIXTURES, "h100-2node-efa.txt"), "utf8");
const tcp = readFileSync(join(NCCL_FIXTURES, "h100-2node-tcp.txt"), "utf8");
const threshold = (value: string, unit?: string) => ({ name: "nccl-all-reduce-bw", value, ...(unit ? { unit } : {}) });

afterAll(() => removeSharedCerts());

describe("reading nccl-tests output", () => {
  test("the EFA run: 16 ranks, 25 sizes from 1 KiB to 16 GiB, NCCL INFO lines ignored", () => {
    const r = parseNcclOutput(efa);
    expect(r.parameters).toBe("nThread 1 nGpus 1 minBytes 1024 maxBytes 17179869184 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0");
    expect(r.ranks).toBe(16);
    expect(r.rows).toHaveLength(25);
    expect(r.rows[0]).toEqual({
      sizeBytes: 1024,
      count: 256,
      type: "float",
      redop: "sum",
      root: -1,
      outOfPlace: { timeUs: 58.09, algbwGBs: 0.02, busbwGBs: 0.03, wrong: 0 },
      inPlace: { timeUs: 58.05, algbwGBs: 0.02, busbwGBs: 0.03, wrong: 0 },
    });
    expect(peakRow(r)).toMatchObject({ sizeBytes: 17179869184, count: 4294967296, outOfPlace: { timeUs: 103964, algbwGBs: 165.25, busbwGBs: 309.84 } });
    expect(r.avgBusBandwidthGBs).toBe(140.2906);
    expect(r.outOfBounds).toBe(0);
  });

  test("#wrong as N/A (validation off) and lines of other programs", () => {
    const text = ["mpirun: warning: something", "        1024           256     float     sum      -1    36.11    0.03    0.06    N/A    35.69    0.03    0.06    N/A", "garbage 1 2 3"].join("\n");
    const r = parseNcclOutput(text);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]!.outOfPlace).toEqual({ timeUs: 36.11, algbwGBs: 0.03, busbwGBs: 0.06 });
  });
});

describe("the verdict against the recipe's threshold", () => {
  test("the bus bandwidth at the largest message meets >= 300 GB/s (not the small-message average)", () => {
    expect(ncclVerdict(parseNcclOutput(efa), threshold(">= 300"))).toEqual({
      status: "passed",
      message: "bus bandwidth 309.84 GB/s at 16 GiB meets >= 300 GB/s",
      expected: ">= 300 GB/s",
      actual: "309.84 GB/s",
      busbwGBs: 309.84,
    });
  });

  test("a TCP fallback run fails the threshold; a stricter threshold fails the EFA run", () => {
    expect(ncclVerdict(parseNcclOutput(tcp), threshold(">= 100"))).toMatchObject({ status: "failed", message: "bus bandwidth 12.09 GB/s at 4 GiB does not meet the threshold >= 100 GB/s", actual: "12.09 GB/s" });
    expect(ncclVerdict(parseNcclOutput(efa), threshold(">= 310"))).toMatchObject({ status: "failed" });
  });

  test("wrong results fail whatever the speed; output without rows fails; no constraint skips", () => {
    const corrupt = efa.replace(/(17179869184\s+4294967296\s+float\s+sum\s+-1\s+\S+\s+\S+\s+\S+\s+)0/, "$13");
    expect(ncclVerdict(parseNcclOutput(corrupt), threshold(">= 300"))).toMatchObject({ status: "failed", message: "all-reduce returned wrong results (3 wrong values): the GPUs or the fabric corrupt data" });
    const truncated = efa.split("\n").slice(0, 30).join("\n");
    expect(ncclVerdict(parseNcclOutput(truncated), threshold(">= 300")).status).toBe("failed");
    expect(ncclVerdict(parseNcclOutput(efa), undefined)).toMatchObject({ status: "skipped", message: "no nccl-all-reduce-bw constraint in the recipe; measured 309.84 GB/s at 16 GiB" });
  });

  test("threshold expressions", () => {
    expect(meetsThreshold(">= 300", 300)).toBe(true);
    expect(meetsThreshold("> 300", 300)).toBe(false);
    expect(meetsThreshold("<= 10.5", 10.5)).toBe(true);
    expect(meetsThreshold("< 1", 0.5)).toBe(true);
    expect(meetsThreshold("300", 300)).toBe(true);
    expect(meetsThreshold("!= 300", 300)).toBe(false);
    expect(() => meetsThreshold(">= fast", 1)).toThrow('threshold ">= fast" is not a number');
    expect(ncclVerdict(parseNcclOutput(efa), threshold(">= 2.4", "Tbit/s"))).toMatchObject({ status: "passed", expected: ">= 2.4 Tbit/s" });
  });
});

describe("the benchmark workload", () => {
  const gpuNode = (name: string, gpus = 8, labels: Record<string, string> = {}) => node(name, { gpus, labels });

  test("plan: ready GPU nodes matching the selector, at most maxNodes, GPUs per node the smallest count", () => {
    const nodes = [gpuNode("gpu-b", 8), gpuNode("gpu-a", 4), node("cpu-1"), gpuNode("gpu-c", 8, { pool: "other" }), { ...gpuNode("gpu-d"), spec: { unschedulable: true } }];
    expect(planNccl(nodes)).toEqual({ nodes: ["gpu-a", "gpu-b", "gpu-c"], gpusPerNode: 4 });
    expect(planNccl(nodes, { maxNodes: 2, excludeNodes: ["gpu-a"] })).toEqual({ nodes: ["gpu-b", "gpu-c"], gpusPerNode: 8 });
    expect(planNccl(nodes, { selector: { pool: "other" } })).toEqual({ reason: "requires at least 2 ready GPU nodes for the fabric test, found 1" });
  });

  test("a TrainJob on an MPI TrainingRuntime: sshd workers with all GPUs, mpirun of all_reduce_perf from 1K to 16G", () => {
    const plan = { nodes: ["gpu-a", "gpu-b"], gpusPerNode: 8 };
    const { runtime, trainJob } = ncclWorkload({ namespace: "aicr-validation", name: "aicr-nccl-1a2b3c4d", run: "r1", plan, service: "eks", tolerations: [{ operator: "Exists" }] });
    expect(trainJob).toMatchObject({
      apiVersion: "trainer.kubeflow.org/v1alpha1",
      kind: "TrainJob",
      metadata: { name: "aicr-nccl-1a2b3c4d", namespace: "aicr-validation" },
      spec: { runtimeRef: { apiGroup: "trainer.kubeflow.org", kind: "TrainingRuntime", name: "aicr-nccl-1a2b3c4d-runtime" }, trainer: { numNodes: 2 } },
    });
    const spec = runtime["spec"] as any;
    expect(spec.mlPolicy).toEqual({ numNodes: 2, mpi: { mpiImplementation: "OpenMPI", numProcPerNode: 8, runLauncherAsNode: false, sshAuthMountPath: "/tmp/mpi-keys" } });
    const [launcher, workers] = spec.template.spec.replicatedJobs;
    expect(launcher.name).toBe("launcher");
    const cmd: string[] = launcher.template.spec.template.spec.containers[0].command;
    expect(cmd.slice(0, 4)).toEqual(["/opt/amazon/openmpi/bin/mpirun", "-np", "16", "--allow-run-as-root"]);
    expect(cmd.slice(-9)).toEqual(["/opt/nccl-tests/build/all_reduce_perf", "-b", "1K", "-e", "16G", "-f", "2", "-g", "1"]);
    expect(cmd).toContain("FI_PROVIDER=efa");
    const worker = workers.template.spec.template.spec;
    expect(workers.name).toBe("node");
    expect(worker.containers[0]).toMatchObject({ image: DEFAULT_NCCL_IMAGE, command: ["/usr/sbin/sshd", "-De"], resources: { limits: { "nvidia.com/gpu": "8", "vpc.amazonaws.com/efa": "32" } } });
    expect(worker.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]).toEqual({ key: "kubernetes.io/hostname", operator: "In", values: ["gpu-a", "gpu-b"] });
    expect(launcherSelector("aicr-nccl-1a2b3c4d")).toBe("jobset.sigs.k8s.io/jobset-name=aicr-nccl-1a2b3c4d,jobset.sigs.k8s.io/replicatedjob-name=launcher");
  });

  test("other services get no EFA settings", () => {
    const cmd = mpirunCommand({ nodes: ["a", "b"], gpusPerNode: 4 }, {});
    expect(cmd[2]).toBe("8");
    expect(cmd.join(" ")).not.toContain("efa");
  });
});

describe("aicr-agent check nccl-all-reduce-bw", () => {
  const perf = (value?: string) => recipe([{ name: "gpu-operator", namespace: "gpu-operator" }], value ? { performance: { checks: ["nccl-all-reduce-bw"], constraints: [threshold(value)] } } : {});

  test("reads the output from a file: passes, fails, and reports expected and actual", async () => {
    const api = startStandin();
    const dir = mkdtempSync(join(tmpdir(), "aicr-nccl-"));
    try {
      writeFileSync(join(dir, "efa.txt"), efa);
      const pass = await runCheck(api, "nccl-all-reduce-bw", perf(">= 300"), { env: { AICR_NCCL_OUTPUT: join(dir, "efa.txt") } });
      expect(pass.code, pass.out + pass.err).toBe(0);
      expect(pass.out).toContain("nccl-tests: 16 ranks, 25 message sizes");
      expect(pass.out).toContain("average bus bandwidth: 140.2906 GB/s");
      expect(pass.result).toEqual({
        check: "nccl-all-reduce-bw",
        status: "passed",
        message: "bus bandwidth 309.84 GB/s at 16 GiB meets >= 300 GB/s",
        constraint: "nccl-all-reduce-bw",
        expected: ">= 300 GB/s",
        actual: "309.84 GB/s",
      });
      writeFileSync(join(dir, "tcp.txt"), tcp);
      const fail = await runCheck(api, "nccl-all-reduce-bw", perf(">= 300"), { env: { AICR_NCCL_OUTPUT: join(dir, "tcp.txt") } });
      expect(fail.code).toBe(1);
      expect(fail.result).toMatchObject({ status: "failed", expected: ">= 300 GB/s", actual: "12.09 GB/s" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      api.stop();
    }
  });

  test("reads the launcher pod's log once the benchmark finished", async () => {
    const api = startStandin();
    try {
      const labels = { "jobset.sigs.k8s.io/jobset-name": "aicr-nccl-x", "jobset.sigs.k8s.io/replicatedjob-name": "launcher" };
      api.put(Pods, pod("aicr-validation", "aicr-nccl-x-launcher-0-0-abcde", { labels, phase: "Succeeded", ready: false }));
      api.setPodLog("aicr-validation", "aicr-nccl-x-launcher-0-0-abcde", efa);
      const r = await runCheck(api, "nccl-all-reduce-bw", perf(">= 300"), { env: { AICR_NCCL_LAUNCHER: `aicr-validation/${launcherSelector("aicr-nccl-x")}` } });
      expect(r.code, r.out + r.err).toBe(0);
      expect(r.out).toContain("benchmark launcher aicr-validation/aicr-nccl-x-launcher-0-0-abcde: Succeeded");
    } finally {
      api.stop();
    }
  });

  test("no benchmark run (why given by the orchestrator) skips; no constraint skips", async () => {
    const api = startStandin();
    try {
      const r = await runCheck(api, "nccl-all-reduce-bw", perf(">= 300"), { env: { AICR_NCCL_SKIP: "requires at least 2 ready GPU nodes for the fabric test, found 1" } });
      expect(r.code).toBe(2);
      expect(r.result?.message).toBe("NCCL all-reduce benchmark not run: requires at least 2 ready GPU nodes for the fabric test, found 1");
      const dir = mkdtempSync(join(tmpdir(), "aicr-nccl-"));
      writeFileSync(join(dir, "efa.txt"), efa);
      const none = await runCheck(api, "nccl-all-reduce-bw", perf(), { env: { AICR_NCCL_OUTPUT: join(dir, "efa.txt") } });
      rmSync(dir, { recursive: true, force: true });
      expect(none.code).toBe(2);
    } finally {
      api.stop();
    }
  });
});
