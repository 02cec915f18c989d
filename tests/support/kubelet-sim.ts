/**
 * A small kubelet (plus Job, DaemonSet and scheduler controllers) for the API stand-in: it turns Jobs
 * and DaemonSets stored in a KubeStandin into Pods, schedules them on the stand-in's Node objects
 * (node selector, required and preferred node affinity, taints and tolerations), and "runs" each
 * container as a child process on this machine, then writes back what a kubelet reports: pod phase
 * and conditions, container states with exit code and termination message (read from a temporary
 * file standing in for /dev/termination-log), and the container log (served by the stand-in's log
 * subresource). Job status follows (Complete, Failed with BackoffLimitExceeded, or DeadlineExceeded
 * when activeDeadlineSeconds passes: the running process is then stopped with SIGTERM, SIGKILL after
 * a grace period). Pods whose Job or DaemonSet is deleted are stopped and removed.
 *
 * Pods run with the in-cluster configuration a real pod gets: KUBERNETES_SERVICE_HOST/PORT pointing
 * at the stand-in and a service-account directory (token, ca.crt, namespace) whose token the stand-in
 * accepts as `system:serviceaccount:<namespace>:<name>`.
 *
 * What a container runs is the `execute` function's decision (see `agentExecutor` for the aicr agent
 * image); it may also leave a container waiting (e.g. ErrImagePull). Only pods the simulation created
 * are touched: pods a test stores itself keep the status it gave them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeStandin, ResourceType } from "./kube-standin.ts";

type Obj = Record<string, any>;

export const MANAGED_ANNOTATION = "sim.aicr.nvidia.com/managed";
/** The user the simulated controllers act as when they go through the API (pod deletion). */
export const CONTROLLER_USER = "system:kube-controller-manager";
/** Bytes of a termination message the kubelet keeps. */
export const TERMINATION_MESSAGE_LIMIT = 4096;
/** With FallbackToLogsOnError: at most this many log lines / bytes become the message. */
export const FALLBACK_LOG_LINES = 80;
export const FALLBACK_LOG_BYTES = 2048;

/** Resource types the simulation (and the validation orchestrator) need beyond the stand-in's built-ins. */
export const workloadTypes: ResourceType[] = [
  { group: "batch", version: "v1", resource: "jobs", kind: "Job", namespaced: true, subresources: ["status"] },
  { group: "apps", version: "v1", resource: "daemonsets", kind: "DaemonSet", namespaced: true, subresources: ["status"] },
  { group: "apps", version: "v1", resource: "deployments", kind: "Deployment", namespaced: true, subresources: ["status"] },
  { group: "apps", version: "v1", resource: "statefulsets", kind: "StatefulSet", namespaced: true, subresources: ["status"] },
  { group: "", version: "v1", resource: "serviceaccounts", kind: "ServiceAccount", namespaced: true },
  { group: "", version: "v1", resource: "services", kind: "Service", namespaced: true },
  { group: "rbac.authorization.k8s.io", version: "v1", resource: "roles", kind: "Role", namespaced: true },
  { group: "rbac.authorization.k8s.io", version: "v1", resource: "rolebindings", kind: "RoleBinding", namespaced: true },
  { group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterroles", kind: "ClusterRole", namespaced: false },
  { group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterrolebindings", kind: "ClusterRoleBinding", namespaced: false },
];

export const Jobs = { group: "batch", version: "v1", resource: "jobs" };
export const DaemonSets = { group: "apps", version: "v1", resource: "daemonsets" };
export const Pods = { group: "", version: "v1", resource: "pods" };
export const Nodes = { group: "", version: "v1", resource: "nodes" };

export interface NodeSpec {
  name: string;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  allocatable?: Record<string, string>;
  ready?: boolean;
}

/** A Node object as the stand-in should hold it (Ready unless said otherwise). */
export function nodeObject(n: NodeSpec): Obj {
  return {
    metadata: { name: n.name, labels: { "kubernetes.io/hostname": n.name, ...n.labels } },
    spec: { ...(n.taints ? { taints: n.taints } : {}) },
    status: {
      allocatable: { cpu: "8", memory: "32Gi", pods: "110", ...n.allocatable },
      conditions: [{ type: "Ready", status: n.ready === false ? "False" : "True", reason: n.ready === false ? "KubeletNotReady" : "KubeletReady" }],
    },
  };
}

/** What to run for one container. */
export interface ContainerRun {
  argv: string[];
  /** The complete environment of the process. */
  env: Record<string, string>;
  cwd?: string;
}

/** Leave the container waiting (image cannot be pulled, config error...). */
export interface ContainerWaiting {
  waiting: { reason: string; message?: string };
}

export interface ExecuteContext {
  /** The container's environment from the pod spec (values and fieldRefs resolved). */
  env: Record<string, string>;
  /** In-cluster configuration for the pod's service account (KUBERNETES_SERVICE_*, AICR_SERVICEACCOUNT_DIR). */
  inCluster: Record<string, string>;
  /** The file standing in for the container's terminationMessagePath. */
  terminationMessagePath: string;
  /** An empty home directory for the process. */
  home: string;
}

export type Executor = (pod: Obj, container: Obj, ctx: ExecuteContext) => ContainerRun | ContainerWaiting | Promise<ContainerRun | ContainerWaiting>;

export interface RunRecord {
  namespace: string;
  pod: string;
  container: string;
  node: string;
  argv: string[];
  env: Record<string, string>;
  exitCode?: number;
  signal?: string;
  log: string;
  terminationMessage?: string;
}

export interface KubeletSimOptions {
  execute: Executor;
  /** How often the controllers look at the store. */
  tickMs?: number;
  /** Time between SIGTERM and SIGKILL when a container is stopped (shorter than a real grace period). */
  killGraceMs?: number;
  /** Delay before a restartPolicy Always container is started again. */
  restartDelayMs?: number;
  /**
   * Which Jobs and DaemonSets the controllers act on (default: all). Objects a test stores only as
   * cluster state (a DaemonSet whose status it sets itself) are left alone by returning false.
   */
  manage?: (kind: "Job" | "DaemonSet", obj: Obj) => boolean;
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
const labelsOf = (o: Obj): Record<string, string> => o["metadata"]?.["labels"] ?? {};
const nameOf = (o: Obj): string => o["metadata"]["name"];
const nsOf = (o: Obj): string => o["metadata"]["namespace"];
const key = (ns: string, name: string) => `${ns}/${name}`;
const conditionTrue = (o: Obj, type: string) => ((o["status"]?.["conditions"] ?? []) as Obj[]).some((c) => c["type"] === type && c["status"] === "True");
const signals: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

function tolerates(tolerations: Obj[], taint: Obj): boolean {
  return tolerations.some((t) => {
    if (t["effect"] && t["effect"] !== taint["effect"]) return false;
    if (!t["key"]) return t["operator"] === "Exists";
    if (t["key"] !== taint["key"]) return false;
    return t["operator"] === "Exists" || (t["value"] ?? "") === (taint["value"] ?? "");
  });
}

function exprMatches(labels: Record<string, string>, e: Obj): boolean {
  const v = labels[e["key"]];
  const values = (e["values"] ?? []) as string[];
  switch (e["operator"]) {
    case "In":
      return v !== undefined && values.includes(v);
    case "NotIn":
      return v === undefined || !values.includes(v);
    case "Exists":
      return v !== undefined;
    case "DoesNotExist":
      return v === undefined;
    case "Gt":
      return v !== undefined && Number(v) > Number(values[0]);
    case "Lt":
      return v !== undefined && Number(v) < Number(values[0]);
    default:
      return false;
  }
}

/** Why a node cannot take a pod, or undefined when it can. */
export function unfit(podSpec: Obj, node: Obj): string | undefined {
  if (!conditionTrue(node, "Ready") || node["spec"]?.["unschedulable"]) return "node(s) were not ready";
  const labels = labelsOf(node);
  for (const [k, v] of Object.entries((podSpec["nodeSelector"] ?? {}) as Record<string, string>)) {
    if (labels[k] !== v) return "node(s) didn't match Pod's node affinity/selector";
  }
  const terms = (podSpec["affinity"]?.["nodeAffinity"]?.["requiredDuringSchedulingIgnoredDuringExecution"]?.["nodeSelectorTerms"] ?? []) as Obj[];
  if (terms.length > 0 && !terms.some((t) => ((t["matchExpressions"] ?? []) as Obj[]).every((e) => exprMatches(labels, e)))) {
    return "node(s) didn't match Pod's node affinity/selector";
  }
  const untolerated = ((node["spec"]?.["taints"] ?? []) as Obj[]).find(
    (t) => (t["effect"] === "NoSchedule" || t["effect"] === "NoExecute") && !tolerates((podSpec["tolerations"] ?? []) as Obj[], t),
  );
  if (untolerated) return `node(s) had untolerated taint {${untolerated["key"]}: ${untolerated["value"] ?? ""}}`;
  return undefined;
}

function preference(podSpec: Obj, node: Obj): number {
  const prefs = (podSpec["affinity"]?.["nodeAffinity"]?.["preferredDuringSchedulingIgnoredDuringExecution"] ?? []) as Obj[];
  const labels = labelsOf(node);
  return prefs.reduce((n, p) => n + (((p["preference"]?.["matchExpressions"] ?? []) as Obj[]).every((e) => exprMatches(labels, e)) ? Number(p["weight"] ?? 0) : 0), 0);
}

/** The node the scheduler picks, or the Unschedulable message. */
export function schedule(podSpec: Obj, nodes: readonly Obj[]): { node: string } | { message: string } {
  const reasons = new Map<string, number>();
  const fit: Obj[] = [];
  for (const n of nodes) {
    const why = unfit(podSpec, n);
    if (why) reasons.set(why, (reasons.get(why) ?? 0) + 1);
    else fit.push(n);
  }
  if (fit.length === 0) {
    const detail = [...reasons].map(([why, count]) => `${count} ${why}`).join(", ");
    return { message: `0/${nodes.length} nodes are available${detail ? `: ${detail}` : ""}. preemption: 0/${nodes.length} nodes are available.` };
  }
  fit.sort((a, b) => preference(podSpec, b) - preference(podSpec, a) || nameOf(a).localeCompare(nameOf(b)));
  return { node: nameOf(fit[0]!) };
}

interface Running {
  procs: Set<Bun.Subprocess>;
  stopped: boolean;
  logs: Map<string, string>;
}

export class KubeletSim {
  readonly runs: RunRecord[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private ticking = false;
  private readonly running = new Map<string, Running>();
  /** Uids of the pods already started. */
  private readonly started = new Set<string>();
  private readonly jobStart = new Map<string, number>();
  private readonly saDirs = new Map<string, string>();
  private readonly dir = mkdtempSync(join(tmpdir(), "aicr-kubelet-"));
  private readonly tickMs: number;
  private readonly killGraceMs: number;
  private readonly restartDelayMs: number;
  private serial = 0;
  /** Token of the simulated controllers (user system:kube-controller-manager). */
  private readonly controllerToken = `sim-controller-${Math.random().toString(36).slice(2)}`;

  constructor(
    readonly api: KubeStandin,
    private readonly opts: KubeletSimOptions,
  ) {
    this.tickMs = opts.tickMs ?? 20;
    this.killGraceMs = opts.killGraceMs ?? 1_000;
    this.restartDelayMs = opts.restartDelayMs ?? 500;
    for (const t of workloadTypes) api.addType(t);
    api.acceptToken(this.controllerToken, CONTROLLER_USER);
  }

  start(): this {
    this.timer ??= setInterval(() => void this.tick(), this.tickMs);
    return this;
  }

  /** Stop the loop and every process still running; remove the temporary files. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const waits: Promise<unknown>[] = [];
    for (const r of this.running.values()) {
      r.stopped = true;
      for (const p of r.procs) {
        p.kill("SIGKILL");
        waits.push(p.exited);
      }
    }
    await Promise.all(waits);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Every run of a container whose pod belongs to the Job `job`. */
  runsOfJob(job: string): RunRecord[] {
    return this.runs.filter((r) => r.pod.startsWith(`${job}-`));
  }

  // ---------------------------------------------------------------- controllers

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      this.reconcileJobs();
      this.reconcileDaemonSets();
      this.collectGarbage();
      await this.reconcilePods();
    } catch (err) {
      // A test's store can hold anything; keep simulating.
      console.error(`kubelet-sim: ${(err as Error).stack ?? err}`);
    } finally {
      this.ticking = false;
    }
  }

  private managedPods(): Obj[] {
    return this.api.objects(Pods).filter((p) => p["metadata"]?.["annotations"]?.[MANAGED_ANNOTATION] === "true");
  }

  private newPod(owner: Obj, kind: string, name: string, template: Obj, extraLabels: Record<string, string>, nodeName?: string): void {
    const spec = structuredClone(template["spec"] ?? {});
    if (nodeName) spec.nodeName = nodeName;
    this.api.put(Pods, {
      metadata: {
        name,
        namespace: nsOf(owner),
        labels: { ...(template["metadata"]?.["labels"] ?? {}), ...extraLabels },
        annotations: { [MANAGED_ANNOTATION]: "true" },
        ownerReferences: [{ apiVersion: owner["apiVersion"], kind, name: nameOf(owner), uid: owner["metadata"]["uid"], controller: true }],
      },
      spec,
      status: { phase: "Pending" },
    });
  }

  private reconcileJobs(): void {
    const pods = this.managedPods();
    for (const job of this.api.objects(Jobs)) {
      if (this.opts.manage && !this.opts.manage("Job", job)) continue;
      const ns = nsOf(job);
      const k = key(ns, nameOf(job));
      if (conditionTrue(job, "Complete") || conditionTrue(job, "Failed")) continue;
      const mine = pods.filter((p) => p["metadata"]?.["ownerReferences"]?.[0]?.["uid"] === job["metadata"]["uid"]);
      if (mine.length === 0 && !this.jobStart.has(k)) {
        this.jobStart.set(k, Date.now());
        const suffix = (++this.serial).toString(36).padStart(5, "0").slice(-5);
        this.newPod(job, "Job", `${nameOf(job)}-${suffix}`, job["spec"]["template"], {
          "batch.kubernetes.io/job-name": nameOf(job),
          "job-name": nameOf(job),
          "controller-uid": job["metadata"]["uid"],
        });
        this.updateStatus(Jobs, job, { startTime: now(), active: 1 });
        continue;
      }
      const pod = mine[0];
      const deadline = job["spec"]?.["activeDeadlineSeconds"];
      const started = this.jobStart.get(k) ?? Date.now();
      if (deadline !== undefined && Date.now() - started > Number(deadline) * 1000) {
        // Like the Job controller: stop the pod, and mark the Job failed once nothing runs any more.
        const r = pod ? this.running.get(key(ns, nameOf(pod))) : undefined;
        if (pod && r && r.procs.size > 0) {
          this.stopPod(pod);
          continue;
        }
        this.finishJob(job, "Failed", "DeadlineExceeded", "Job was active longer than specified deadline", { active: 0, failed: 1 });
        continue;
      }
      const phase = pod?.["status"]?.["phase"];
      if (phase === "Succeeded") this.finishJob(job, "Complete", undefined, undefined, { active: 0, succeeded: 1 });
      else if (phase === "Failed") this.finishJob(job, "Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit", { active: 0, failed: 1 });
    }
  }

  private finishJob(job: Obj, type: "Complete" | "Failed", reason: string | undefined, message: string | undefined, counts: Obj): void {
    const t = now();
    const condition = { type, status: "True", lastProbeTime: t, lastTransitionTime: t, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
    this.updateStatus(Jobs, job, { ...counts, ...(type === "Complete" ? { completionTime: t } : {}), conditions: [condition] });
  }

  private reconcileDaemonSets(): void {
    const pods = this.managedPods();
    const nodes = this.api.objects(Nodes);
    for (const ds of this.api.objects(DaemonSets)) {
      if (this.opts.manage && !this.opts.manage("DaemonSet", ds)) continue;
      const template = ds["spec"]?.["template"] ?? {};
      const eligible = nodes.filter((n) => unfit(template["spec"] ?? {}, n) === undefined);
      const mine = pods.filter((p) => p["metadata"]?.["ownerReferences"]?.[0]?.["uid"] === ds["metadata"]["uid"]);
      for (const n of eligible) {
        if (mine.some((p) => p["spec"]?.["nodeName"] === nameOf(n))) continue;
        this.newPod(ds, "DaemonSet", `${nameOf(ds)}-${nameOf(n)}`.slice(0, 63), template, {}, nameOf(n));
      }
      const ready = mine.filter((p) => p["status"]?.["phase"] === "Running" && conditionTrue(p, "Ready")).length;
      const status = { desiredNumberScheduled: eligible.length, currentNumberScheduled: mine.length, numberReady: ready, numberAvailable: ready, updatedNumberScheduled: mine.length };
      const cur = ds["status"] ?? {};
      if (Object.entries(status).some(([k, v]) => cur[k] !== v)) this.updateStatus(DaemonSets, ds, status);
    }
  }

  /** Pods whose owner is gone are stopped and deleted (foreground deletion, garbage collection). */
  private collectGarbage(): void {
    const owners = new Set([...this.api.objects(Jobs), ...this.api.objects(DaemonSets)].map((o) => o["metadata"]["uid"]));
    for (const p of this.managedPods()) {
      const uid = p["metadata"]?.["ownerReferences"]?.[0]?.["uid"];
      if (uid && owners.has(uid)) continue;
      const k = key(nsOf(p), nameOf(p));
      const r = this.running.get(k);
      if (r && [...r.procs].length > 0) {
        this.stopPod(p);
        continue;
      }
      void this.deletePod(nsOf(p), nameOf(p));
    }
  }

  /** The stand-in has no direct delete: go through its API as the controller manager. */
  private async deletePod(namespace: string, name: string): Promise<void> {
    this.running.delete(key(namespace, name));
    await fetch(`${this.api.url}/api/v1/namespaces/${namespace}/pods/${name}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${this.controllerToken}` },
      tls: { ca: this.api.certs.caPem },
    } as RequestInit).catch(() => undefined);
  }

  private async reconcilePods(): Promise<void> {
    const nodes = this.api.objects(Nodes);
    for (const pod of this.managedPods()) {
      const k = key(nsOf(pod), nameOf(pod));
      // By uid: a pod is started once, and one recreated under the same name is a new pod.
      const uid = String(pod["metadata"]["uid"]);
      if (this.started.has(uid)) continue;
      const spec = pod["spec"] ?? {};
      if (!spec["nodeName"]) {
        const decision = schedule(spec, nodes);
        if ("message" in decision) {
          const cond = ((pod["status"]?.["conditions"] ?? []) as Obj[]).find((c) => c["type"] === "PodScheduled");
          if (cond?.["message"] !== decision.message) {
            this.updateStatus(Pods, pod, { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: decision.message, lastTransitionTime: now() }] });
          }
          continue;
        }
        const fresh = this.api.object(Pods, nsOf(pod), nameOf(pod));
        if (!fresh) continue;
        fresh["spec"]["nodeName"] = decision.node;
        this.api.put(Pods, fresh);
      }
      this.started.add(uid);
      void this.runPod(k);
    }
  }

  // ---------------------------------------------------------------- the kubelet

  private serviceAccountEnv(namespace: string, sa: string): Record<string, string> {
    const k = key(namespace, sa);
    let dir = this.saDirs.get(k);
    if (!dir) {
      dir = join(this.dir, "sa", namespace, sa);
      mkdirSync(dir, { recursive: true });
      const token = `sim-${namespace}-${sa}-${Math.random().toString(36).slice(2)}`;
      this.api.acceptToken(token, `system:serviceaccount:${namespace}:${sa}`);
      writeFileSync(join(dir, "token"), token);
      writeFileSync(join(dir, "ca.crt"), this.api.certs.caPem);
      writeFileSync(join(dir, "namespace"), namespace);
      this.saDirs.set(k, dir);
    }
    const url = new URL(this.api.url);
    return { KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port, AICR_SERVICEACCOUNT_DIR: dir };
  }

  private containerEnv(pod: Obj, c: Obj): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of (c["env"] ?? []) as Obj[]) {
      if (e["value"] !== undefined) out[e["name"]] = String(e["value"]);
      const path = e["valueFrom"]?.["fieldRef"]?.["fieldPath"] as string | undefined;
      if (path === "metadata.namespace") out[e["name"]] = nsOf(pod);
      else if (path === "metadata.name") out[e["name"]] = nameOf(pod);
      else if (path === "spec.nodeName") out[e["name"]] = String(pod["spec"]?.["nodeName"] ?? "");
    }
    return out;
  }

  private updateStatus(ref: { group: string; version: string; resource: string }, obj: Obj, status: Obj): void {
    const fresh = this.api.object(ref, obj["metadata"]["namespace"], nameOf(obj));
    if (!fresh) return;
    fresh["status"] = { ...(fresh["status"] ?? {}), ...status };
    this.api.put(ref, fresh);
  }

  private setContainerStatus(pod: Obj, name: string, init: boolean, cs: Obj, podStatus: Obj = {}): void {
    const fresh = this.api.object(Pods, nsOf(pod), nameOf(pod));
    if (!fresh) return;
    const field = init ? "initContainerStatuses" : "containerStatuses";
    const list = ((fresh["status"]?.[field] ?? []) as Obj[]).filter((x) => x["name"] !== name);
    const order = ((fresh["spec"]?.[init ? "initContainers" : "containers"] ?? []) as Obj[]).map((x) => x["name"]);
    list.push({ name, image: cs["image"], ready: cs["ready"] ?? false, restartCount: cs["restartCount"] ?? 0, state: cs["state"], ...(cs["lastState"] ? { lastState: cs["lastState"] } : {}) });
    list.sort((a, b) => order.indexOf(a["name"]) - order.indexOf(b["name"]));
    fresh["status"] = { ...(fresh["status"] ?? {}), ...podStatus, [field]: list };
    this.api.put(Pods, fresh);
  }

  private podConditions(ready: boolean): Obj[] {
    const t = now();
    return [
      { type: "PodScheduled", status: "True", lastTransitionTime: t },
      { type: "Initialized", status: "True", lastTransitionTime: t },
      { type: "ContainersReady", status: ready ? "True" : "False", lastTransitionTime: t },
      { type: "Ready", status: ready ? "True" : "False", lastTransitionTime: t },
    ];
  }

  private async runPod(k: string): Promise<void> {
    const pod = this.api.object(Pods, k.split("/")[0], k.slice(k.indexOf("/") + 1));
    if (!pod) return;
    const r: Running = { procs: new Set(), stopped: false, logs: new Map() };
    this.running.set(k, r);
    const spec = pod["spec"];
    this.updateStatus(Pods, pod, { phase: "Pending", hostIP: "10.0.0.1", podIP: "10.1.0.1", startTime: now(), conditions: [{ type: "PodScheduled", status: "True", lastTransitionTime: now() }] });
    for (const c of (spec["initContainers"] ?? []) as Obj[]) {
      const code = await this.runContainer(pod, c, true, r);
      if (code !== 0 || r.stopped) {
        this.updateStatus(Pods, pod, { phase: "Failed" });
        this.running.delete(k);
        return;
      }
    }
    const containers = (spec["containers"] ?? []) as Obj[];
    this.updateStatus(Pods, pod, { phase: "Running", conditions: this.podConditions(true) });
    const codes = await Promise.all(containers.map((c) => this.runContainer(pod, c, false, r)));
    this.running.delete(k);
    if (codes.some((c) => c === undefined)) return; // left waiting
    this.updateStatus(Pods, pod, { phase: codes.every((c) => c === 0) ? "Succeeded" : "Failed", conditions: this.podConditions(false) });
  }

  /** Run one container to its end (restarting it under restartPolicy Always); its exit code, or undefined when it was left waiting. */
  private async runContainer(pod: Obj, c: Obj, init: boolean, r: Running): Promise<number | undefined> {
    const ns = nsOf(pod);
    const name = String(c["name"]);
    const image = String(c["image"] ?? "");
    const msgFile = join(this.dir, `${ns}.${nameOf(pod)}.${name}.termination-log`);
    writeFileSync(msgFile, "");
    const home = mkdtempSync(join(this.dir, "home-"));
    const ctx: ExecuteContext = {
      env: this.containerEnv(pod, c),
      inCluster: this.serviceAccountEnv(ns, String(pod["spec"]?.["serviceAccountName"] ?? "default")),
      terminationMessagePath: msgFile,
      home,
    };
    const plan = await this.opts.execute(pod, c, ctx);
    if ("waiting" in plan) {
      this.setContainerStatus(pod, name, init, { image, state: { waiting: plan.waiting } });
      return undefined;
    }
    let restarts = 0;
    for (;;) {
      const startedAt = now();
      this.setContainerStatus(pod, name, init, { image, ready: true, restartCount: restarts, state: { running: { startedAt } } }, init ? {} : { conditions: this.podConditions(true) });
      const record: RunRecord = { namespace: ns, pod: nameOf(pod), container: name, node: String(pod["spec"]?.["nodeName"] ?? ""), argv: plan.argv, env: plan.env, log: "" };
      this.runs.push(record);
      const proc = Bun.spawn(plan.argv, { env: plan.env, cwd: plan.cwd ?? home, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
      r.procs.add(proc);
      const append = (text: string) => {
        record.log += text;
        const all = (r.logs.get(name) ?? "") + text;
        r.logs.set(name, all);
        this.api.setPodLog(ns, nameOf(pod), all, name);
        if (name === ((pod["spec"]?.["containers"] ?? []) as Obj[])[0]?.["name"]) this.api.setPodLog(ns, nameOf(pod), all);
      };
      const pump = async (stream: ReadableStream<Uint8Array>) => {
        const dec = new TextDecoder();
        for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) append(dec.decode(chunk, { stream: true }));
      };
      await Promise.all([pump(proc.stdout as ReadableStream<Uint8Array>), pump(proc.stderr as ReadableStream<Uint8Array>), proc.exited]);
      r.procs.delete(proc);
      const sig = proc.signalCode === null ? undefined : String(proc.signalCode);
      const exitCode = proc.exitCode ?? 128 + (signals[sig ?? "SIGKILL"] ?? 9);
      let message = readFileSync(msgFile, "utf8").slice(0, TERMINATION_MESSAGE_LIMIT);
      if (message === "" && exitCode !== 0 && c["terminationMessagePolicy"] === "FallbackToLogsOnError") {
        message = record.log.split("\n").slice(-FALLBACK_LOG_LINES).join("\n").slice(-FALLBACK_LOG_BYTES);
      }
      record.exitCode = exitCode;
      if (sig) record.signal = sig;
      if (message) record.terminationMessage = message;
      const terminated = { exitCode, reason: exitCode === 0 ? "Completed" : "Error", ...(message ? { message } : {}), startedAt, finishedAt: now() };
      // A pod's restartPolicy defaults to Always (Jobs must say Never or OnFailure).
      const policy = pod["spec"]?.["restartPolicy"] ?? "Always";
      const restart = !init && (policy === "Always" || (policy === "OnFailure" && exitCode !== 0));
      if (!restart || r.stopped) {
        this.setContainerStatus(pod, name, init, { image, ready: false, restartCount: restarts, state: { terminated } });
        return exitCode;
      }
      restarts++;
      this.setContainerStatus(pod, name, init, { image, ready: false, restartCount: restarts, state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated } });
      await Bun.sleep(this.restartDelayMs);
      if (r.stopped) return exitCode;
    }
  }

  /** SIGTERM every process of the pod, SIGKILL after the grace period. */
  private stopPod(pod: Obj): void {
    const r = this.running.get(key(nsOf(pod), nameOf(pod)));
    if (!r || r.stopped) return;
    r.stopped = true;
    for (const p of r.procs) {
      p.kill("SIGTERM");
      setTimeout(() => p.kill("SIGKILL"), this.killGraceMs);
    }
  }
}

/**
 * Runs containers of the aicr agent image: a command starting with `aicr-agent` runs the agent from
 * this repository (`bun agent/main.ts ...`, or `binary` when given) with the pod's environment, the
 * in-cluster configuration, and the termination-message file. `override` decides first (e.g. a
 * container that hangs); other images are left waiting with ErrImagePull.
 */
export function agentExecutor(o: {
  repo: string;
  bun: string;
  binary?: string;
  extraEnv?: Record<string, string>;
  override?: (pod: Obj, container: Obj, ctx: ExecuteContext) => ContainerRun | ContainerWaiting | undefined;
}): Executor {
  return (pod, container, ctx) => {
    const own = o.override?.(pod, container, ctx);
    if (own) return own;
    const argv = [...((container["command"] ?? []) as string[]), ...((container["args"] ?? []) as string[])];
    if (argv[0] !== "aicr-agent") return { waiting: { reason: "ErrImagePull", message: `kubelet-sim cannot run ${String(container["image"])} (${argv.join(" ")})` } };
    const program = o.binary ? [o.binary] : [o.bun, join(o.repo, "agent", "main.ts")];
    return {
      argv: [...program, ...argv.slice(1)],
      env: {
        PATH: process.env["PATH"] ?? "/usr/bin:/bin",
        HOME: ctx.home,
        NO_COLOR: "1",
        ...ctx.env,
        ...ctx.inCluster,
        AICR_TERMINATION_MESSAGE_PATH: ctx.terminationMessagePath,
        ...o.extraEnv,
      },
    };
  };
}
