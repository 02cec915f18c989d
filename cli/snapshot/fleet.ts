/**
 * `aicr snapshot --fleet`: a snapshot of every GPU node (or every node --node-selector matches) through
 * the agent DaemonSet of manifests/daemonset.yaml. Each pod's init container writes its node's
 * ConfigMap aicr-snapshot-<node>; the CLI polls the ConfigMaps and the pods, reports "n of N nodes
 * done" whenever that changes, and stops waiting at the deadline (--timeout, the same for every node,
 * counted from the DaemonSet's creation): nodes whose ConfigMap never appeared are timed out, nodes
 * whose agent failed (its container ended non-zero without a snapshot) are failed, with the last line
 * of their log. Without --node-selector, nodes with no GPU are left out (and named on stderr).
 * Cleanup (unless --no-cleanup): DaemonSet, the per-node ConfigMaps, RBAC, and the namespace when this
 * run made it.
 */
import { AicrError, ErrorCode } from "../../core/errors.ts";
import { oneLine, type NodeFailure, type NodeSnapshot } from "../../core/fleet/build.ts";
import { formatGoDuration } from "../../core/validate/duration.ts";
import { types } from "../../core/validate/live/objects.ts";
import type { Toleration } from "../../core/validate/scheduling.ts";
import type { KubeClient } from "../../agent/kube/client.ts";
import { readConfigMapDocument } from "../../agent/kube/configmap.ts";
import { deleteObject } from "../../agent/validate/cleanup.ts";
import {
  AGENT_CONTAINER,
  AGENT_POD_SELECTOR,
  AGENT_WORKLOAD_NAME,
  agentDaemonSet,
  chooseNodes,
  daemonSets,
  deleteConfigMap,
  FIELD_MANAGER,
  listNodes,
  msgOf,
  nodeName,
  noGpuWarning,
  setUp,
  SNAPSHOT_CONFIGMAP_PREFIX,
  tearDown,
  type Setup,
} from "./cluster.ts";
import { agentSnapshot } from "./ssh.ts";

/** How often the ConfigMaps and pods are looked at while the fleet runs. */
export const FLEET_POLL_INTERVAL_MS = 1_000;
/** The agent's exit status for a partial snapshot (written, but a collector failed). */
const AGENT_PARTIAL_EXIT = 9;

type Obj = Record<string, any>;

export interface FleetOptions {
  client: KubeClient;
  namespace: string;
  image: string;
  imagePullSecrets: readonly string[];
  nodeSelector: Record<string, string>;
  tolerations: readonly Toleration[];
  /** Deadline of every node, counted from the DaemonSet's creation. */
  nodeDeadlineMs: number;
  agentTimeoutMs: number;
  cleanup: boolean;
  info: (line: string) => void;
  warn: (line: string) => void;
  pollIntervalMs?: number;
  /** Writes the fleet snapshot; runs before cleanup. */
  deliver: (r: FleetResult) => Promise<void>;
}

export interface FleetResult {
  snapshots: NodeSnapshot[];
  failures: NodeFailure[];
  /** Nodes asked for. */
  total: number;
}

const sleep = (ms: number) => Bun.sleep(ms);

/** Why a pod's agent failed, or undefined while it may still deliver. */
function podFailure(pod: Obj): string | undefined {
  const statuses = [...((pod["status"]?.["initContainerStatuses"] ?? []) as Obj[]), ...((pod["status"]?.["containerStatuses"] ?? []) as Obj[])];
  const agent = statuses.find((c) => c["name"] === AGENT_CONTAINER);
  const term = agent?.["state"]?.["terminated"] ?? agent?.["lastState"]?.["terminated"];
  if (term && term["exitCode"] !== 0 && term["exitCode"] !== AGENT_PARTIAL_EXIT) return `agent exited with code ${term["exitCode"]}${term["message"] ? `: ${oneLine(String(term["message"]))}` : ""}`;
  const waiting = agent?.["state"]?.["waiting"];
  if (waiting && ["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError"].includes(String(waiting["reason"]))) {
    return `agent container cannot start: ${waiting["reason"]}${waiting["message"] ? `: ${oneLine(String(waiting["message"]))}` : ""}`;
  }
  if (pod["status"]?.["phase"] === "Failed" && !(term && term["exitCode"] === AGENT_PARTIAL_EXIT)) return "the agent pod failed";
  return undefined;
}

/** `pod Pending, agent container running` (the agent runs as an init container, so the pod is Pending meanwhile). */
function podSummary(pod: Obj): string {
  const phase = String(pod["status"]?.["phase"] ?? "Pending");
  const statuses = [...((pod["status"]?.["initContainerStatuses"] ?? []) as Obj[]), ...((pod["status"]?.["containerStatuses"] ?? []) as Obj[])];
  const st = statuses.find((c) => c["name"] === AGENT_CONTAINER)?.["state"] ?? {};
  const agent = st["running"] ? "running" : st["waiting"] ? `waiting (${st["waiting"]["reason"] ?? "unknown"})` : st["terminated"] ? `exited ${st["terminated"]["exitCode"]}` : "not started";
  return `pod ${phase}, agent container ${agent}`;
}

export async function snapshotFleet(o: FleetOptions): Promise<FleetResult> {
  const { client, namespace } = o;
  const all = await listNodes(client);
  const choice = chooseNodes(all, o.nodeSelector);
  if (choice.noGpu) throw new AicrError(ErrorCode.NotFound, `${noGpuWarning}; use --node-selector to choose the nodes for --fleet`);
  const targets = choice.nodes.map(nodeName);
  if (choice.excluded.length > 0) o.info(`snapshot: ${choice.excluded.length} node${choice.excluded.length === 1 ? "" : "s"} without a GPU left out: ${choice.excluded.join(", ")}`);
  const byNode = new Map(choice.nodes.map((n) => [nodeName(n), n]));
  let setup: Setup | undefined;
  let applied = false;
  try {
    await setUp(client, namespace, (s) => (setup = s));
    // ConfigMaps of an earlier run (--no-cleanup) must not count as this run's.
    const stale = await client.listAll<Obj>(types.configMaps, { namespace, labelSelector: "app.kubernetes.io/name=aicr,app.kubernetes.io/component=snapshot" });
    for (const cm of stale) {
      const name = String(cm["metadata"]["name"]);
      if (name.startsWith(SNAPSHOT_CONFIGMAP_PREFIX) && byNode.has(name.slice(SNAPSHOT_CONFIGMAP_PREFIX.length))) await deleteConfigMap(client, namespace, name, o.warn);
    }
    // The GPU nodes are named (node affinity) so that the DaemonSet runs on exactly the nodes counted here.
    const hostnames = targets.map((t) => String(byNode.get(t)?.["metadata"]?.["labels"]?.["kubernetes.io/hostname"] ?? t));
    const ds = agentDaemonSet({ ...o, ...(Object.keys(o.nodeSelector).length > 0 ? { nodeSelector: o.nodeSelector } : { hostnames }) });
    try {
      await client.apply(daemonSets, ds, { namespace, fieldManager: FIELD_MANAGER, force: true });
    } catch (err) {
      throw new AicrError(err instanceof AicrError ? err.code : ErrorCode.Internal, `cannot create the snapshot DaemonSet ${namespace}/${AGENT_WORKLOAD_NAME}: ${msgOf(err)}`);
    }
    applied = true;
    o.info(`snapshot: DaemonSet ${namespace}/${AGENT_WORKLOAD_NAME} on ${targets.length} node${targets.length === 1 ? "" : "s"} (timeout ${formatGoDuration(o.nodeDeadlineMs)} per node)`);

    const deadline = Date.now() + o.nodeDeadlineMs;
    const pending = new Set(targets);
    const snapshots: NodeSnapshot[] = [];
    const failures: NodeFailure[] = [];
    const podOf = new Map<string, Obj>();
    let reported = "";
    const progress = () => {
      const line = `snapshot: ${snapshots.length + failures.length} of ${targets.length} nodes done${failures.length > 0 ? ` (${failures.length} failed)` : ""}`;
      if (line !== reported) o.info(line);
      reported = line;
    };
    progress();
    for (;;) {
      try {
        const cms = await client.listAll<Obj>(types.configMaps, { namespace, labelSelector: "app.kubernetes.io/name=aicr,app.kubernetes.io/component=snapshot" });
        for (const cm of cms) {
          const name = String(cm["metadata"]["name"]);
          const node = name.slice(SNAPSHOT_CONFIGMAP_PREFIX.length);
          if (!name.startsWith(SNAPSHOT_CONFIGMAP_PREFIX) || !pending.has(node)) continue;
          try {
            const doc = await readConfigMapDocument(client, `cm://${namespace}/${name}`);
            snapshots.push({ node, snapshot: agentSnapshot(doc.text, doc.source) });
          } catch (err) {
            failures.push({ node, state: "failed", reason: `unreadable snapshot in ConfigMap ${namespace}/${name}: ${msgOf(err)}` });
          }
          pending.delete(node);
        }
        const pods = await client.listAll<Obj>(types.pods, { namespace, labelSelector: AGENT_POD_SELECTOR });
        for (const pod of pods) {
          const node = String(pod["spec"]?.["nodeName"] ?? "");
          if (!pending.has(node)) continue;
          podOf.set(node, pod);
          const why = podFailure(pod);
          if (!why) continue;
          let last = "";
          try {
            last = oneLine(await client.podLogs(namespace, String(pod["metadata"]["name"]), { container: AGENT_CONTAINER, timeoutMs: 10_000 }));
          } catch {
            last = "";
          }
          failures.push({ node, state: "failed", reason: last && last !== "no detail" && !why.includes(last) ? `${why}: ${last}` : why });
          o.warn(`${node}: failed: ${failures.at(-1)!.reason}`);
          pending.delete(node);
        }
      } catch (err) {
        o.warn(`snapshot: cannot read the fleet's progress (retrying): ${msgOf(err)}`);
      }
      progress();
      if (pending.size === 0 || Date.now() >= deadline) break;
      await sleep(Math.min(o.pollIntervalMs ?? FLEET_POLL_INTERVAL_MS, Math.max(0, deadline - Date.now())));
    }
    if (pending.size > 0) o.info(`snapshot: deadline passed, ${pending.size} of ${targets.length} nodes timed out: ${[...pending].sort().join(", ")}`);
    for (const node of [...pending].sort()) {
      const pod = podOf.get(node);
      failures.push({ node, state: "timeout", reason: `no snapshot within ${formatGoDuration(o.nodeDeadlineMs)} (${pod ? podSummary(pod) : "no pod scheduled"})` });
    }
    failures.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
    const r = { snapshots, failures, total: targets.length };
    await o.deliver(r);
    return r;
  } finally {
    if (o.cleanup) {
      if (applied) await deleteObject(client, daemonSets, AGENT_WORKLOAD_NAME, namespace, o.warn);
      if (setup) {
        for (const t of targets) await deleteConfigMap(client, namespace, `${SNAPSHOT_CONFIGMAP_PREFIX}${t}`, o.warn);
        await tearDown(client, setup, namespace, o.warn);
      }
    }
  }
}
