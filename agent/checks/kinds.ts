/**
 * The workload kinds checks read, and what "healthy" means for each: a Deployment or StatefulSet
 * with every desired replica ready, a DaemonSet with pods scheduled and all of them ready, a Job
 * that completed, a pod running and ready; other kinds are healthy when they exist.
 */
import type { KubeClient } from "../kube/client.ts";
import type { ResourceRef } from "../kube/paths.ts";
import { conditionTrue, servedResources } from "./api.ts";

type Obj = Record<string, any>;

const ref = (group: string, version: string, resource: string, namespaced = true): ResourceRef => ({ group, version, resource, namespaced });

export const R = {
  namespaces: ref("", "v1", "namespaces", false),
  nodes: ref("", "v1", "nodes", false),
  pods: ref("", "v1", "pods"),
  services: ref("", "v1", "services"),
  configMaps: ref("", "v1", "configmaps"),
  deployments: ref("apps", "v1", "deployments"),
  daemonSets: ref("apps", "v1", "daemonsets"),
  statefulSets: ref("apps", "v1", "statefulsets"),
  jobs: ref("batch", "v1", "jobs"),
  endpointSlices: ref("discovery.k8s.io", "v1", "endpointslices"),
  apiServices: ref("apiregistration.k8s.io", "v1", "apiservices", false),
  validatingWebhooks: ref("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", false),
  mutatingWebhooks: ref("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", false),
} as const;

/** Kinds that need no discovery to be found. */
const builtinKinds: Record<string, ResourceRef> = {
  Deployment: R.deployments,
  DaemonSet: R.daemonSets,
  StatefulSet: R.statefulSets,
  ReplicaSet: ref("apps", "v1", "replicasets"),
  Job: R.jobs,
  CronJob: ref("batch", "v1", "cronjobs"),
  Pod: R.pods,
  Service: R.services,
  ConfigMap: R.configMaps,
  ServiceAccount: ref("", "v1", "serviceaccounts"),
  PersistentVolumeClaim: ref("", "v1", "persistentvolumeclaims"),
  Namespace: R.namespaces,
  Node: R.nodes,
  CustomResourceDefinition: ref("apiextensions.k8s.io", "v1", "customresourcedefinitions", false),
};

/** The resource of a kind: built in, or found through discovery (preferred version of each group). */
export async function resolveKind(client: KubeClient, kind: string): Promise<ResourceRef | undefined> {
  const known = builtinKinds[kind];
  if (known) return known;
  const groups = await client.request<{ groups?: { name: string; preferredVersion?: { version: string } }[] }>({ method: "GET", path: "/apis" });
  for (const g of groups.groups ?? []) {
    const v = g.preferredVersion?.version;
    if (!v) continue;
    const r = (await servedResources(client, g.name, v))?.find((x) => x.kind === kind);
    if (r) return ref(g.name, v, r.name, r.namespaced);
  }
  return undefined;
}

export interface Health {
  ok: boolean;
  /** `3/3 available`, `phase Running, ready`... */
  state: string;
}

const n = (v: unknown) => (typeof v === "number" ? v : Number.parseInt(String(v ?? "0"), 10) || 0);

export function deploymentHealth(d: Obj): Health {
  const want = d["spec"]?.["replicas"] === undefined ? 1 : n(d["spec"]["replicas"]);
  const have = n(d["status"]?.["availableReplicas"]);
  return { ok: have >= want, state: `${have}/${want} available` };
}

export function statefulSetHealth(s: Obj): Health {
  const want = s["spec"]?.["replicas"] === undefined ? 1 : n(s["spec"]["replicas"]);
  const have = n(s["status"]?.["readyReplicas"]);
  return { ok: have >= want, state: `${have}/${want} ready` };
}

export function daemonSetHealth(ds: Obj): Health {
  const want = n(ds["status"]?.["desiredNumberScheduled"]);
  const have = n(ds["status"]?.["numberReady"]);
  if (want === 0) return { ok: false, state: "no pods scheduled (0 desired)" };
  return { ok: have >= want, state: `${have}/${want} ready` };
}

export function podHealth(p: Obj): Health {
  const phase = String(p["status"]?.["phase"] ?? "Unknown");
  if (phase === "Succeeded") return { ok: true, state: "phase Succeeded" };
  const ready = conditionTrue(p, "Ready");
  const waiting = ((p["status"]?.["containerStatuses"] ?? []) as Obj[]).map((c) => c["state"]?.["waiting"]?.["reason"]).filter(Boolean);
  return { ok: phase === "Running" && ready, state: `phase ${phase}${ready ? ", ready" : ", not ready"}${waiting.length > 0 ? ` (${waiting.join(", ")})` : ""}` };
}

export function jobHealth(j: Obj): Health {
  if (conditionTrue(j, "Complete")) return { ok: true, state: "complete" };
  if (conditionTrue(j, "Failed")) return { ok: false, state: "failed" };
  return { ok: false, state: `not complete (${n(j["status"]?.["active"])} active)` };
}

/** Health of an object of any kind. */
export function healthOf(kind: string, o: Obj): Health {
  switch (kind) {
    case "Deployment":
      return deploymentHealth(o);
    case "StatefulSet":
      return statefulSetHealth(o);
    case "DaemonSet":
      return daemonSetHealth(o);
    case "Pod":
      return podHealth(o);
    case "Job":
      return jobHealth(o);
    default:
      return { ok: true, state: "present" };
  }
}
