/**
 * The performance phase's NCCL all-reduce benchmark: the workload that measures it, how its output
 * reads, and the verdict against the recipe's `nccl-all-reduce-bw` constraint (GB/s).
 *
 * Workload (as upstream runs it): a Kubeflow Trainer TrainJob on an MPI TrainingRuntime. The
 * `node` replicated job runs sshd on every GPU node with all of the node's GPUs; the `launcher` runs
 * `mpirun -np <nodes × GPUs>` over them with nccl-tests' `all_reduce_perf -b 1K -e 16G -f 2 -g 1`
 * (one GPU per rank, message size doubling from 1 KiB to 16 GiB). The launcher's log is the output.
 *
 * Verdict: the out-of-place bus bandwidth at the largest message size (the saturated fabric, not
 * the small-message average) against the constraint; a run with wrong results fails whatever its
 * speed. `# Avg bus bandwidth` is reported alongside.
 */
import { parseExpression } from "../../constraints/expression.ts";
import type { Constraint } from "../../schema/constraint.ts";
import type { Toleration } from "../scheduling.ts";
import { LABEL_RUN_ID, runLabels } from "./labels.ts";
import type { KubeObjectLike } from "./objects.ts";

/** Name of the phase constraint (and of the check). */
export const NCCL_CONSTRAINT = "nccl-all-reduce-bw";
export const NCCL_UNIT = "GB/s";
/** nccl-tests image with OpenMPI, the EFA libfabric plugin and all_reduce_perf built with MPI. */
export const DEFAULT_NCCL_IMAGE = "public.ecr.aws/hpc-cloud/nccl-tests:cuda12.8.1-efa1.43.2-ofiv1.16.3-ncclv2.27.7-1-testsv2.16.9";
export const NCCL_IMAGE_ENV = "AICR_NCCL_IMAGE";
export const MIN_MESSAGE_SIZE = "1K";
export const MAX_MESSAGE_SIZE = "16G";
/** An all-reduce between GPUs of one node says nothing about the fabric: at least this many nodes. */
export const MIN_NCCL_NODES = 2;
/** Extended resource of NVIDIA GPUs. */
export const GPU_RESOURCE = "nvidia.com/gpu";
/** Labels the JobSet controller puts on the launcher's pods. */
export const JOBSET_NAME_LABEL = "jobset.sigs.k8s.io/jobset-name";
export const REPLICATED_JOB_LABEL = "jobset.sigs.k8s.io/replicatedjob-name";
/** Environment telling the check where the benchmark's output is. */
export const NCCL_ENV = {
  /** A file with nccl-tests output. */
  output: "AICR_NCCL_OUTPUT",
  /** `namespace/labelSelector` of the launcher pod whose log is the output. */
  launcher: "AICR_NCCL_LAUNCHER",
  /** Why the benchmark was not run (the check then reports skipped). */
  skip: "AICR_NCCL_SKIP",
} as const;

const MPIRUN = "/opt/amazon/openmpi/bin/mpirun";
const ALL_REDUCE_PERF = "/opt/nccl-tests/build/all_reduce_perf";
const SSH_KEYS = "/tmp/mpi-keys";

/** Transport settings per managed service (EKS: EFA devices and the libfabric provider). */
export const fabricProfiles: Record<string, { env: Record<string, string>; resources: Record<string, string> }> = {
  eks: { env: { FI_PROVIDER: "efa", FI_EFA_USE_DEVICE_RDMA: "1", FI_EFA_FORK_SAFE: "1" }, resources: { "vpc.amazonaws.com/efa": "32" } },
};

// ------------------------------------------------------------------ choosing nodes

type Obj = Record<string, any>;

export interface NcclPlan {
  nodes: string[];
  gpusPerNode: number;
}

export interface NodeSelection {
  selector?: Record<string, string>;
  maxNodes?: number;
  excludeNodes?: readonly string[];
}

const allocatableGpus = (n: Obj) => Number.parseInt(String(n["status"]?.["allocatable"]?.[GPU_RESOURCE] ?? "0"), 10) || 0;
const ready = (n: Obj) => ((n["status"]?.["conditions"] ?? []) as Obj[]).some((c) => c["type"] === "Ready" && c["status"] === "True");

/**
 * The GPU nodes the benchmark runs on: Ready, schedulable, with allocatable GPUs, matching the
 * selector, not excluded, at most `maxNodes` (by name). GPUs per node is the smallest count among
 * them. A reason instead when fewer than two nodes qualify.
 */
export function planNccl(nodes: readonly Obj[], sel: NodeSelection = {}): NcclPlan | { reason: string } {
  const excluded = new Set(sel.excludeNodes ?? []);
  let pool = nodes
    .filter((n) => allocatableGpus(n) > 0 && ready(n) && !n["spec"]?.["unschedulable"])
    .filter((n) => !excluded.has(n["metadata"]?.["name"]))
    .filter((n) => Object.entries(sel.selector ?? {}).every(([k, v]) => n["metadata"]?.["labels"]?.[k] === v))
    .sort((a, b) => String(a["metadata"]["name"]).localeCompare(String(b["metadata"]["name"])));
  if (sel.maxNodes !== undefined && sel.maxNodes > 0) pool = pool.slice(0, sel.maxNodes);
  if (pool.length < MIN_NCCL_NODES) {
    return { reason: `requires at least ${MIN_NCCL_NODES} ready GPU nodes for the fabric test, found ${pool.length}` };
  }
  return { nodes: pool.map((n) => String(n["metadata"]["name"])), gpusPerNode: Math.min(...pool.map(allocatableGpus)) };
}

// ------------------------------------------------------------------ the workload

export interface NcclWorkloadOptions {
  namespace: string;
  /** Name of the TrainJob (and of its JobSet); the runtime is `<name>-runtime`. */
  name: string;
  run: string;
  plan: NcclPlan;
  image?: string;
  /** Recipe criteria service (eks, gke, aks, ...): selects the fabric settings. */
  service?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: readonly Toleration[];
}

/** The launcher's mpirun command line. */
export function mpirunCommand(plan: NcclPlan, env: Record<string, string>): string[] {
  const exported = ["LD_LIBRARY_PATH", "PATH", "NCCL_DEBUG=INFO", ...Object.entries(env).map(([k, v]) => `${k}=${v}`)];
  return [
    MPIRUN,
    "-np",
    String(plan.nodes.length * plan.gpusPerNode),
    "--allow-run-as-root",
    "-bind-to",
    "none",
    "--mca",
    "plm_rsh_agent",
    "ssh",
    "--mca",
    "plm_rsh_args",
    "-o StrictHostKeyChecking=no -o ConnectionAttempts=10",
    ...exported.flatMap((e) => ["-x", e]),
    ALL_REDUCE_PERF,
    "-b",
    MIN_MESSAGE_SIZE,
    "-e",
    MAX_MESSAGE_SIZE,
    "-f",
    "2",
    "-g",
    "1",
  ];
}

const sshSetup = (privateKey: boolean) =>
  [
    "mkdir -p /root/.ssh",
    ...(privateKey ? [`cp ${SSH_KEYS}/id_rsa /root/.ssh/id_rsa`] : []),
    `cp ${SSH_KEYS}/authorized_keys /root/.ssh/authorized_keys`,
    "chmod 700 /root/.ssh",
    `chmod 600 /root/.ssh/authorized_keys${privateKey ? " /root/.ssh/id_rsa" : ""}`,
  ].join(" && ");

/** The TrainingRuntime (MPI policy, launcher and node templates) and the TrainJob that runs it. */
export function ncclWorkload(o: NcclWorkloadOptions): { runtime: KubeObjectLike; trainJob: KubeObjectLike } {
  const image = o.image ?? DEFAULT_NCCL_IMAGE;
  const fabric = fabricProfiles[o.service ?? ""] ?? { env: {}, resources: {} };
  const labels = { ...runLabels(), [LABEL_RUN_ID]: o.run, "aicr.nvidia.com/benchmark": NCCL_CONSTRAINT };
  const tolerations = (o.tolerations ?? [{ operator: "Exists" }]).map((t) => ({ ...t }));
  const keyInit = (privateKey: boolean) => ({
    name: "ssh-keys",
    image,
    command: ["/bin/sh", "-c", sshSetup(privateKey)],
    volumeMounts: [
      { name: "mpi-ssh-auth", mountPath: SSH_KEYS, readOnly: true },
      { name: "ssh-config", mountPath: "/root/.ssh" },
    ],
  });
  const gpus = String(o.plan.gpusPerNode);
  const runtimeName = `${o.name}-runtime`;
  const runtime: KubeObjectLike = {
    apiVersion: "trainer.kubeflow.org/v1alpha1",
    kind: "TrainingRuntime",
    metadata: { name: runtimeName, namespace: o.namespace, labels: { ...labels, "trainer.kubeflow.org/framework": "mpi" } },
    spec: {
      mlPolicy: {
        numNodes: o.plan.nodes.length,
        mpi: { mpiImplementation: "OpenMPI", numProcPerNode: o.plan.gpusPerNode, runLauncherAsNode: false, sshAuthMountPath: SSH_KEYS },
      },
      template: {
        spec: {
          network: { enableDNSHostnames: true, publishNotReadyAddresses: true },
          replicatedJobs: [
            {
              name: "launcher",
              replicas: 1,
              template: {
                spec: {
                  template: {
                    spec: {
                      tolerations,
                      initContainers: [keyInit(true)],
                      containers: [
                        {
                          name: "node",
                          image,
                          command: mpirunCommand(o.plan, fabric.env),
                          resources: { limits: { cpu: "2", memory: "256Mi" } },
                          volumeMounts: [{ name: "ssh-config", mountPath: "/root/.ssh" }],
                        },
                      ],
                      volumes: [{ name: "ssh-config", emptyDir: {} }],
                    },
                  },
                },
              },
            },
            {
              name: "node",
              template: {
                spec: {
                  template: {
                    spec: {
                      ...(o.nodeSelector && Object.keys(o.nodeSelector).length > 0 ? { nodeSelector: { ...o.nodeSelector } } : {}),
                      affinity: {
                        nodeAffinity: {
                          requiredDuringSchedulingIgnoredDuringExecution: {
                            nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [...o.plan.nodes] }] }],
                          },
                        },
                      },
                      tolerations,
                      initContainers: [keyInit(false)],
                      containers: [
                        {
                          name: "node",
                          image,
                          command: ["/usr/sbin/sshd", "-De"],
                          resources: { requests: { [GPU_RESOURCE]: gpus, ...fabric.resources }, limits: { [GPU_RESOURCE]: gpus, ...fabric.resources } },
                          securityContext: { capabilities: { add: ["IPC_LOCK"] } },
                          volumeMounts: [
                            { name: "ssh-config", mountPath: "/root/.ssh" },
                            { name: "dshm", mountPath: "/dev/shm" },
                          ],
                        },
                      ],
                      volumes: [
                        { name: "ssh-config", emptyDir: {} },
                        { name: "dshm", emptyDir: { medium: "Memory" } },
                      ],
                    },
                  },
                },
              },
            },
          ],
        },
      },
    },
  };
  const trainJob: KubeObjectLike = {
    apiVersion: "trainer.kubeflow.org/v1alpha1",
    kind: "TrainJob",
    metadata: { name: o.name, namespace: o.namespace, labels },
    spec: {
      runtimeRef: { apiGroup: "trainer.kubeflow.org", kind: "TrainingRuntime", name: runtimeName },
      trainer: { numNodes: o.plan.nodes.length },
    },
  };
  return { runtime, trainJob };
}

/** Label selector of the launcher pod of a TrainJob (its JobSet has the same name). */
export const launcherSelector = (trainJob: string): string => `${JOBSET_NAME_LABEL}=${trainJob},${REPLICATED_JOB_LABEL}=launcher`;

// ------------------------------------------------------------------ reading the output

export interface NcclMeasurement {
  timeUs: number;
  algbwGBs: number;
  busbwGBs: number;
  /** Wrong elements (undefined when the run did not check: `N/A`). */
  wrong?: number;
}

export interface NcclRow {
  sizeBytes: number;
  count: number;
  type: string;
  redop: string;
  root: number;
  outOfPlace: NcclMeasurement;
  inPlace: NcclMeasurement;
}

export interface NcclResult {
  /** The test binary's parameters line (`# nThread 1 nGpus 1 minBytes ...`). */
  parameters?: string;
  /** Ranks listed under `# Using devices`. */
  ranks: number;
  rows: NcclRow[];
  avgBusBandwidthGBs?: number;
  outOfBounds?: number;
}

const num = String.raw`(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)`;
const wrong = String.raw`(\d+|N/A)`;
const rowRe = new RegExp(
  String.raw`^\s*(\d+)\s+(\d+)\s+(\w+)\s+(\w+)\s+(-?\d+)\s+${num}\s+${num}\s+${num}\s+${wrong}\s+${num}\s+${num}\s+${num}\s+${wrong}\s*$`,
);
const avgRe = /^#\s*Avg bus bandwidth\s*:\s*(\d+(?:\.\d+)?)/;
const oobRe = /^#\s*Out of bounds values\s*:\s*(\d+)/;
const rankRe = /^#\s+Rank\s+\d+\s+Group\s+\d+\s+Pid\s+\d+\s+on\s+\S+\s+device\s+\d+/;

const measurement = (t: string, a: string, b: string, w: string): NcclMeasurement => ({
  timeUs: Number(t),
  algbwGBs: Number(a),
  busbwGBs: Number(b),
  ...(w === "N/A" ? {} : { wrong: Number(w) }),
});

/** Read nccl-tests output (lines of other programs, e.g. NCCL INFO logs, are ignored). */
export function parseNcclOutput(text: string): NcclResult {
  const out: NcclResult = { ranks: 0, rows: [] };
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (line.startsWith("# nThread")) out.parameters = line.slice(2).trim();
    if (rankRe.test(line)) out.ranks++;
    const avg = avgRe.exec(line);
    if (avg) out.avgBusBandwidthGBs = Number(avg[1]);
    const oob = oobRe.exec(line);
    if (oob) out.outOfBounds = Number(oob[1]);
    const m = rowRe.exec(line);
    if (m) {
      out.rows.push({
        sizeBytes: Number(m[1]),
        count: Number(m[2]),
        type: m[3]!,
        redop: m[4]!,
        root: Number(m[5]),
        outOfPlace: measurement(m[6]!, m[7]!, m[8]!, m[9]!),
        inPlace: measurement(m[10]!, m[11]!, m[12]!, m[13]!),
      });
    }
  }
  return out;
}

/** The row of the largest message size (the last such row when sizes repeat). */
export function peakRow(r: NcclResult): NcclRow | undefined {
  let best: NcclRow | undefined;
  for (const row of r.rows) if (!best || row.sizeBytes >= best.sizeBytes) best = row;
  return best;
}

export interface NcclVerdict {
  status: "passed" | "failed" | "skipped";
  message: string;
  expected?: string;
  actual?: string;
  /** The measured bus bandwidth, GB/s. */
  busbwGBs?: number;
}

const formatBytes = (n: number) => {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1 && Number.isInteger(v / 1024)) {
    v /= 1024;
    i++;
  }
  return `${v} ${units[i]}`;
};

/** Whether `measured` satisfies the constraint expression (numbers: `>= 300`, `> 250.5`, `== 100`, `300`). */
export function meetsThreshold(expression: string, measured: number): boolean {
  const e = parseExpression(expression);
  const target = Number(e.operand);
  if (!Number.isFinite(target)) throw new Error(`threshold "${expression}" is not a number`);
  switch (e.op) {
    case ">=":
      return measured >= target;
    case ">":
      return measured > target;
    case "<=":
      return measured <= target;
    case "<":
      return measured < target;
    case "!=":
      return measured !== target;
    default:
      return measured === target;
  }
}

/** The verdict of a run against the phase constraint (skipped when the recipe sets none). */
export function ncclVerdict(r: NcclResult, constraint: Constraint | undefined): NcclVerdict {
  const unit = constraint?.unit?.trim() || NCCL_UNIT;
  const peak = peakRow(r);
  if (!peak) return { status: "failed", message: "the nccl-tests output has no result rows (the benchmark did not run to completion)" };
  const busbw = peak.outOfPlace.busbwGBs;
  const actual = `${busbw} ${unit}`;
  const wrongs = r.rows.reduce((n, row) => n + (row.outOfPlace.wrong ?? 0) + (row.inPlace.wrong ?? 0), 0) + (r.outOfBounds ?? 0);
  if (wrongs > 0) {
    return { status: "failed", message: `all-reduce returned wrong results (${wrongs} wrong values): the GPUs or the fabric corrupt data`, actual, busbwGBs: busbw };
  }
  if (!constraint) return { status: "skipped", message: `no ${NCCL_CONSTRAINT} constraint in the recipe; measured ${actual} at ${formatBytes(peak.sizeBytes)}`, actual, busbwGBs: busbw };
  const expected = `${constraint.value} ${unit}`;
  let ok: boolean;
  try {
    ok = meetsThreshold(constraint.value, busbw);
  } catch (err) {
    return { status: "failed", message: `cannot compare with the constraint: ${(err as Error).message}`, expected, actual, busbwGBs: busbw };
  }
  const at = `bus bandwidth ${actual} at ${formatBytes(peak.sizeBytes)}`;
  return ok
    ? { status: "passed", message: `${at} meets ${expected}`, expected, actual, busbwGBs: busbw }
    : { status: "failed", message: `${at} does not meet the threshold ${expected}`, expected, actual, busbwGBs: busbw };
}
