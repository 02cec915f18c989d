/**
 * What the in-cluster snapshot modes (`aicr snapshot` Job mode, `aicr snapshot --fleet`) put on the
 * cluster, built from the shipped manifests (manifests/rbac.yaml, job.yaml, daemonset.yaml) so the
 * least-privilege RBAC there is exactly what is applied: the namespace, the agent's ServiceAccount,
 * Role (ConfigMaps in its namespace), RoleBinding, ClusterRole and ClusterRoleBinding `aicr-node-reader`
 * (read nodes, pods, ClusterPolicies), then the Job or the DaemonSet. Substituted: namespace, image,
 * image pull secrets, node selector / affinity, tolerations, the agent's collector deadline and the
 * Job's activeDeadlineSeconds. Also: picking nodes (GPU nodes by default), setup and cleanup.
 */
import { parseAllDocuments } from "yaml";
import { AicrError, ErrorCode } from "../../core/errors.ts";
import type { ResourceType } from "../../core/validate/live/objects.ts";
import { types } from "../../core/validate/live/objects.ts";
import type { Toleration } from "../../core/validate/scheduling.ts";
import type { KubeClient, KubeObject } from "../../agent/kube/client.ts";
import { deleteObject } from "../../agent/validate/cleanup.ts";
import { embeddedFile } from "../../recipes/embed.ts" with { type: "macro" };

const rbacYaml: string = embeddedFile("manifests/rbac.yaml");
const jobYaml: string = embeddedFile("manifests/job.yaml");
const daemonSetYaml: string = embeddedFile("manifests/daemonset.yaml");

type Obj = Record<string, any>;

/** An error's own message (no code prefix, no cause chain): for one-line errors that wrap it. */
export const msgOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Namespace of the agent objects unless --namespace says otherwise (the manifests' namespace). */
export const DEFAULT_AGENT_NAMESPACE = "aicr";
/** Image of the agent unless --image says otherwise (the manifests' image). */
export const DEFAULT_AGENT_IMAGE = "ghcr.io/nvidia/aicr:v0.11.1";
/** Name of the Job and of the DaemonSet (the manifests' name). */
export const AGENT_WORKLOAD_NAME = "aicr-snapshot";
/** Container of the manifests that runs the agent. */
export const AGENT_CONTAINER = "agent";
/** Each node's snapshot ConfigMap is `<prefix><node>` (what the manifests' agent args write). */
export const SNAPSHOT_CONFIGMAP_PREFIX = "aicr-snapshot-";
/** Label and capacity that make a node a GPU node. */
export const GPU_PRESENT_LABEL = "nvidia.com/gpu.present";
export const GPU_RESOURCE = "nvidia.com/gpu";
export const HOSTNAME_LABEL = "kubernetes.io/hostname";
/** Time allowed for creating the namespace and the RBAC objects. */
export const SETUP_TIMEOUT_MS = 60_000;
/** Field manager of the objects this CLI applies. */
export const FIELD_MANAGER = "aicr";
/** Labels of the agent's pods (the manifests' pod template). */
export const AGENT_POD_SELECTOR = "app.kubernetes.io/name=aicr,app.kubernetes.io/component=agent";

export const daemonSets: ResourceType = { group: "apps", version: "v1", resource: "daemonsets", namespaced: true };

function docs(text: string, file: string): Obj[] {
  const all = parseAllDocuments(text);
  for (const d of all) if (d.errors.length > 0) throw new AicrError(ErrorCode.Internal, `manifests/${file}: ${d.errors[0]!.message}`);
  return all.map((d) => d.toJS() as Obj).filter((d) => d !== null && typeof d === "object");
}

export interface AgentObjectOptions {
  namespace: string;
  image: string;
  imagePullSecrets: readonly string[];
  tolerations: readonly Toleration[];
  /** The agent's per-collector deadline (its --timeout). */
  agentTimeoutMs: number;
}

export interface AgentRbac {
  namespace: KubeObject;
  /** In apply order. */
  objects: { type: ResourceType; object: KubeObject }[];
}

const rbacTypes: Record<string, ResourceType> = {
  ServiceAccount: types.serviceAccounts,
  Role: types.roles,
  RoleBinding: types.roleBindings,
  ClusterRole: types.clusterRoles,
  ClusterRoleBinding: types.clusterRoleBindings,
};

/** manifests/rbac.yaml in `namespace`. */
export function agentRbac(namespace: string): AgentRbac {
  let ns: KubeObject | undefined;
  const objects: AgentRbac["objects"] = [];
  for (const d of docs(rbacYaml, "rbac.yaml")) {
    if (d["kind"] === "Namespace") {
      d["metadata"]["name"] = namespace;
      ns = d as KubeObject;
      continue;
    }
    const type = rbacTypes[d["kind"]];
    if (!type) throw new AicrError(ErrorCode.Internal, `manifests/rbac.yaml: unexpected kind ${d["kind"]}`);
    if (type.namespaced) d["metadata"]["namespace"] = namespace;
    for (const s of (d["subjects"] ?? []) as Obj[]) if (s["kind"] === "ServiceAccount") s["namespace"] = namespace;
    objects.push({ type, object: d as KubeObject });
  }
  if (!ns) throw new AicrError(ErrorCode.Internal, "manifests/rbac.yaml has no Namespace");
  return { namespace: ns, objects };
}

const secs = (ms: number) => `${Math.max(1, Math.ceil(ms / 1000))}s`;

function fillPodTemplate(tpl: Obj, o: AgentObjectOptions, placement: { nodeSelector?: Record<string, string>; hostnames?: readonly string[] }): void {
  const spec = tpl["spec"];
  if (placement.nodeSelector && Object.keys(placement.nodeSelector).length > 0) spec["nodeSelector"] = { ...placement.nodeSelector };
  else delete spec["nodeSelector"];
  if (placement.hostnames) {
    spec["affinity"] = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: "In", values: [...placement.hostnames] }] }] },
      },
    };
  }
  spec["tolerations"] = o.tolerations.map((t) => ({ ...t }));
  if (o.imagePullSecrets.length > 0) spec["imagePullSecrets"] = o.imagePullSecrets.map((name) => ({ name }));
  const containers = [...((spec["initContainers"] ?? []) as Obj[]), ...((spec["containers"] ?? []) as Obj[])];
  const agent = containers.find((c) => c["name"] === AGENT_CONTAINER);
  if (!agent) throw new AicrError(ErrorCode.Internal, `the manifests' pod template has no "${AGENT_CONTAINER}" container`);
  agent["image"] = o.image;
  agent["args"] = [...(agent["args"] as string[]), "--timeout", secs(o.agentTimeoutMs)];
}

const managed = (o: Obj) => {
  o["metadata"]["labels"] = { ...(o["metadata"]["labels"] ?? {}), "app.kubernetes.io/managed-by": "aicr" };
};

/** manifests/job.yaml: one snapshot on the node(s) `nodeSelector` picks, ended after `deadlineMs`. */
export function agentJob(o: AgentObjectOptions & { nodeSelector: Record<string, string>; deadlineMs: number }): KubeObject {
  const job = docs(jobYaml, "job.yaml")[0]!;
  job["metadata"]["namespace"] = o.namespace;
  managed(job);
  job["spec"]["activeDeadlineSeconds"] = Math.max(1, Math.ceil(o.deadlineMs / 1000));
  fillPodTemplate(job["spec"]["template"], o, { nodeSelector: o.nodeSelector });
  return job as KubeObject;
}

/** manifests/daemonset.yaml: on the nodes `nodeSelector` picks, or (without one) on exactly `hostnames`. */
export function agentDaemonSet(o: AgentObjectOptions & { nodeSelector?: Record<string, string>; hostnames?: readonly string[] }): KubeObject {
  const ds = docs(daemonSetYaml, "daemonset.yaml")[0]!;
  ds["metadata"]["namespace"] = o.namespace;
  managed(ds);
  fillPodTemplate(ds["spec"]["template"], o, { ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}), ...(o.hostnames ? { hostnames: o.hostnames } : {}) });
  return ds as KubeObject;
}

// ------------------------------------------------------------------ nodes

const labelsOf = (n: Obj): Record<string, string> => n["metadata"]?.["labels"] ?? {};
export const nodeName = (n: Obj): string => String(n["metadata"]?.["name"] ?? "");

export function isGpuNode(n: Obj): boolean {
  if (labelsOf(n)[GPU_PRESENT_LABEL] === "true") return true;
  const st = n["status"] ?? {};
  return Number(st["capacity"]?.[GPU_RESOURCE] ?? st["allocatable"]?.[GPU_RESOURCE] ?? 0) > 0;
}

export const isReady = (n: Obj): boolean => ((n["status"]?.["conditions"] ?? []) as Obj[]).some((c) => c["type"] === "Ready" && c["status"] === "True");

export const matchesSelector = (n: Obj, sel: Record<string, string>): boolean => Object.entries(sel).every(([k, v]) => labelsOf(n)[k] === v);

export const selectorText = (sel: Record<string, string>): string =>
  Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");

/** Every node of the cluster (paged). */
export async function listNodes(client: KubeClient): Promise<Obj[]> {
  try {
    return await client.listAll<Obj>(types.nodes);
  } catch (err) {
    throw new AicrError(err instanceof AicrError ? err.code : ErrorCode.Internal, `cannot list the cluster's nodes: ${msgOf(err)}`);
  }
}

export interface NodeChoice {
  /** The nodes to take snapshots of, by name. */
  nodes: Obj[];
  /** Nodes left out because they have no GPU (default selection only). */
  excluded: string[];
  /** The cluster has no GPU node: the default selection fell back to every node. */
  noGpu: boolean;
}

/**
 * The nodes a run targets: those matching `selector` when one is given (none: NOT_FOUND), else the
 * GPU nodes; when the cluster has none, every node (`noGpu`), so one snapshot can still be taken.
 */
export function chooseNodes(all: readonly Obj[], selector: Record<string, string>): NodeChoice {
  const byName = (a: Obj, b: Obj) => (nodeName(a) < nodeName(b) ? -1 : nodeName(a) > nodeName(b) ? 1 : 0);
  if (Object.keys(selector).length > 0) {
    const nodes = all.filter((n) => matchesSelector(n, selector)).sort(byName);
    if (nodes.length === 0) throw new AicrError(ErrorCode.NotFound, `no node matches --node-selector ${selectorText(selector)} (the cluster has ${all.length} node${all.length === 1 ? "" : "s"})`);
    return { nodes, excluded: [], noGpu: false };
  }
  if (all.length === 0) throw new AicrError(ErrorCode.NotFound, "the cluster has no nodes");
  const gpu = all.filter(isGpuNode).sort(byName);
  if (gpu.length === 0) return { nodes: [...all].sort(byName), excluded: [], noGpu: true };
  return { nodes: gpu, excluded: all.filter((n) => !isGpuNode(n)).map(nodeName).sort(), noGpu: false };
}

export const noGpuWarning = `the cluster has no GPU node (no node labelled ${GPU_PRESENT_LABEL}=true or with ${GPU_RESOURCE} capacity)`;

// ------------------------------------------------------------------ setup and cleanup

export interface Setup {
  /** The namespace did not exist before this run (so cleanup removes it). */
  createdNamespace: boolean;
  rbac: AgentRbac;
}

/** Namespace (kept when it exists) and the agent's RBAC (server-side apply). A 403 names the missing permission. */
export async function setUp(client: KubeClient, namespace: string, onCreated: (s: Setup) => void): Promise<Setup> {
  const rbac = agentRbac(namespace);
  const s: Setup = { createdNamespace: false, rbac };
  try {
    await client.create(types.namespaces, rbac.namespace, { timeoutMs: SETUP_TIMEOUT_MS, fieldManager: FIELD_MANAGER });
    s.createdNamespace = true;
  } catch (err) {
    if (!(err instanceof AicrError && err.code === ErrorCode.Conflict)) throw new AicrError(err instanceof AicrError ? err.code : ErrorCode.Internal, `cannot create namespace ${namespace}: ${msgOf(err)}`);
  }
  onCreated(s);
  for (const { type, object } of rbac.objects) {
    try {
      await client.apply(type, object, { ...(type.namespaced ? { namespace } : {}), fieldManager: FIELD_MANAGER, force: true, timeoutMs: SETUP_TIMEOUT_MS });
    } catch (err) {
      throw new AicrError(err instanceof AicrError ? err.code : ErrorCode.Internal, `cannot create the agent's ${object["kind"]} ${object.metadata?.name}: ${msgOf(err)}`);
    }
  }
  return s;
}

/** Remove the RBAC objects (reverse order) and, when this run created it, the namespace. Failures only warn. */
export async function tearDown(client: KubeClient, s: Setup, namespace: string, warn: (m: string) => void): Promise<void> {
  for (const { type, object } of [...s.rbac.objects].reverse()) await deleteObject(client, type, String(object.metadata?.name), type.namespaced ? namespace : undefined, warn);
  if (s.createdNamespace) await deleteObject(client, types.namespaces, namespace, undefined, warn);
}

/** Delete a ConfigMap, fine when it is not there. */
export const deleteConfigMap = (client: KubeClient, namespace: string, name: string, warn: (m: string) => void) => deleteObject(client, types.configMaps, name, namespace, warn);
