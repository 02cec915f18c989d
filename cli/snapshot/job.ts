/**
 * `aicr snapshot` Job mode: one snapshot of one node through the agent Job of manifests/job.yaml.
 *
 *   1. list the nodes (paged) and pick one: the first (Ready first, then by name) matching
 *      --node-selector, else the first GPU node; a cluster without GPU nodes gets a warning and the
 *      first node. The Job is pinned to it by its kubernetes.io/hostname label.
 *   2. namespace and the agent's RBAC (manifests/rbac.yaml); a 403 names the missing permission.
 *   3. a stale ConfigMap aicr-snapshot-<node> and a Job left from an earlier run are removed; the Job
 *      is applied.
 *   4. wait for the Job (watch, polling fallback) with a progress line every PROGRESS_INTERVAL, the
 *      agent's log copied to stderr as it grows.
 *   5. the ConfigMap the agent wrote is read back (also after a failed Job: a partial snapshot, exit 9
 *      of the agent, is still a snapshot).
 *   6. cleanup (unless --no-cleanup): Job, that ConfigMap, RBAC, and the namespace when this run made it.
 */
import { AicrError, ErrorCode } from "../../core/errors.ts";
import { formatGoDuration } from "../../core/validate/duration.ts";
import { LABEL_JOB_NAME } from "../../core/validate/live/labels.ts";
import { types } from "../../core/validate/live/objects.ts";
import type { Toleration } from "../../core/validate/scheduling.ts";
import type { KubeClient } from "../../agent/kube/client.ts";
import { readConfigMapDocument, type ConfigMapDocument } from "../../agent/kube/configmap.ts";
import { deleteJob } from "../../agent/validate/cleanup.ts";
import { DEFAULT_PROGRESS_INTERVAL_MS, waitForJob } from "../../agent/validate/job-wait.ts";
import {
  AGENT_CONTAINER,
  AGENT_WORKLOAD_NAME,
  agentJob,
  chooseNodes,
  deleteConfigMap,
  FIELD_MANAGER,
  HOSTNAME_LABEL,
  isReady,
  listNodes,
  msgOf,
  nodeName,
  noGpuWarning,
  setUp,
  SNAPSHOT_CONFIGMAP_PREFIX,
  tearDown,
  type Setup,
} from "./cluster.ts";

/** The Job's deadline and the wait get this much beyond --timeout (pod start, image pull, the write). */
export const JOB_GRACE_MS = 30_000;
/** How often the agent's log is read while the Job runs. */
export const LOG_POLL_INTERVAL_MS = 1_000;

type Obj = Record<string, any>;

export interface JobSnapshotOptions {
  client: KubeClient;
  namespace: string;
  image: string;
  imagePullSecrets: readonly string[];
  nodeSelector: Record<string, string>;
  tolerations: readonly Toleration[];
  timeoutMs: number;
  agentTimeoutMs: number;
  cleanup: boolean;
  /** The output is a ConfigMap in this namespace: the namespace stays (and that ConfigMap, when it is the agent's). */
  outputConfigMap?: { namespace: string; name: string };
  /** Writes the result to the output; runs before cleanup. */
  deliver: (r: JobSnapshotResult) => Promise<void>;
  info: (line: string) => void;
  warn: (line: string) => void;
  /** One line of the agent's log. */
  agentLog: (line: string) => void;
  progressIntervalMs?: number;
}

export interface JobSnapshotResult {
  node: string;
  document: ConfigMapDocument;
  /** The Job failed, but the agent had written a (partial) snapshot. */
  jobFailed: boolean;
}

/** The node the Job runs on, and the node selector that pins it there. */
export function pickNode(all: readonly Obj[], selector: Record<string, string>, warn: (l: string) => void): { node: string; nodeSelector: Record<string, string> } {
  const choice = chooseNodes(all, selector);
  const node = choice.nodes.find(isReady) ?? choice.nodes[0]!;
  if (choice.noGpu) warn(`${noGpuWarning}; taking the snapshot on ${nodeName(node)} (no GPU readings expected)`);
  const hostname = node["metadata"]?.["labels"]?.[HOSTNAME_LABEL] as string | undefined;
  return { node: nodeName(node), nodeSelector: { ...selector, ...(hostname ? { [HOSTNAME_LABEL]: hostname } : {}) } };
}

/** Copies the new part of the Job pod's log, line by line, until stopped. */
function startLogTail(client: KubeClient, namespace: string, job: string, emit: (line: string) => void) {
  let seen = 0;
  let partial = "";
  let stopped = false;
  const once = async () => {
    try {
      const page = await client.list<Obj>(types.pods, { namespace, labelSelector: `${LABEL_JOB_NAME}=${job}`, timeoutMs: 10_000 });
      const pod = page.items[0];
      if (!pod) return;
      const text = await client.podLogs(namespace, String(pod["metadata"]["name"]), { container: AGENT_CONTAINER, timeoutMs: 10_000 });
      if (text.length <= seen) return;
      const fresh = partial + text.slice(seen);
      seen = text.length;
      const lines = fresh.split("\n");
      partial = lines.pop() ?? "";
      for (const l of lines) emit(l);
    } catch {
      // No pod or no log yet.
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await once();
      if (!stopped) await Bun.sleep(LOG_POLL_INTERVAL_MS);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await once();
      if (partial !== "") emit(partial);
      partial = "";
    },
  };
}

export async function snapshotWithJob(o: JobSnapshotOptions): Promise<JobSnapshotResult> {
  const keepNamespace = o.outputConfigMap?.namespace === o.namespace;
  const { client, namespace } = o;
  const picked = pickNode(await listNodes(client), o.nodeSelector, o.warn);
  const cmName = `${SNAPSHOT_CONFIGMAP_PREFIX}${picked.node}`;
  const uri = `cm://${namespace}/${cmName}`;
  const job = AGENT_WORKLOAD_NAME;
  let setup: Setup | undefined;
  let jobApplied = false;
  try {
    await setUp(client, namespace, (s) => (setup = s));
    await deleteConfigMap(client, namespace, cmName, o.warn);
    await deleteJob(client, namespace, job, o.warn);
    const obj = agentJob({ ...o, nodeSelector: picked.nodeSelector, deadlineMs: o.timeoutMs + JOB_GRACE_MS });
    try {
      await client.apply(types.jobs, obj, { namespace, fieldManager: FIELD_MANAGER, force: true });
    } catch (err) {
      throw new AicrError(err instanceof AicrError ? err.code : ErrorCode.Internal, `cannot create the snapshot Job ${namespace}/${job}: ${msgOf(err)}`);
    }
    jobApplied = true;
    o.info(`snapshot: running Job ${namespace}/${job} on node ${picked.node} (timeout ${formatGoDuration(o.timeoutMs)})`);
    const tail = startLogTail(client, namespace, job, o.agentLog);
    let waited;
    try {
      waited = await waitForJob(client, {
        namespace,
        job,
        timeoutMs: o.timeoutMs + JOB_GRACE_MS,
        progressMs: o.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
        onProgress: (st, elapsed) => o.info(`snapshot: waiting for node ${picked.node}, ${st}, ${Math.round(elapsed / 1000)}s of ${formatGoDuration(o.timeoutMs)}`),
      });
    } finally {
      await tail.stop();
    }
    const failed = ((waited.job?.["status"]?.["conditions"] ?? []) as Obj[]).find((c) => c["type"] === "Failed" && c["status"] === "True");
    let document: ConfigMapDocument | undefined;
    try {
      document = await readConfigMapDocument(client, uri);
    } catch (err) {
      if (!(err instanceof AicrError && err.code === ErrorCode.NotFound)) throw new AicrError(ErrorCode.Internal, `failed to retrieve snapshot from ${uri}: ${msgOf(err)}`);
    }
    if (document) {
      const r = { node: picked.node, document, jobFailed: failed !== undefined };
      await o.deliver(r);
      return r;
    }
    if (waited.timedOut) throw new AicrError(ErrorCode.Internal, `job failed: the snapshot Job ${namespace}/${job} on node ${picked.node} did not finish within ${formatGoDuration(o.timeoutMs + JOB_GRACE_MS)}`);
    if (failed) throw new AicrError(ErrorCode.Internal, `job failed: the snapshot Job ${namespace}/${job} on node ${picked.node} failed (${failed["reason"] ?? "Failed"}${failed["message"] ? `: ${failed["message"]}` : ""}); its log is above`);
    throw new AicrError(ErrorCode.Internal, `failed to retrieve snapshot: the Job ${namespace}/${job} finished but ${uri} holds no snapshot`);
  } finally {
    if (o.cleanup) {
      if (jobApplied) await deleteJob(client, namespace, job, o.warn);
      if (setup) {
        if (!(keepNamespace && o.outputConfigMap?.name === cmName)) await deleteConfigMap(client, namespace, cmName, o.warn);
        await tearDown(client, { ...setup, createdNamespace: setup.createdNamespace && !keepNamespace }, namespace, o.warn);
      }
    }
  }
}
