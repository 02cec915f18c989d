/**
 * The GPU readiness signals of the deployment phase, shared by several checks: the GPU Operator's
 * ClusterPolicy reports `ready`, the NVIDIA DRA driver's kubelet-plugin DaemonSet (found by its
 * `-kubelet-plugin` suffix, whatever the release is called) is ready, and the Skyhook (nodewright)
 * resources the recipe declares report `complete`. A kind whose CRD is not registered yet is
 * skipped; once registered, a missing object fails; a 403 fails.
 */
import type { ComponentRef } from "../../core/schema/component-ref.ts";
import type { KubeClient } from "../kube/client.ts";
import { errorText, getOrAbsent, listAll, nameOf, servedAny } from "./api.ts";
import type { Findings } from "./findings.ts";
import { daemonSetHealth, R } from "./kinds.ts";
import { skyhookNames } from "./skyhook-names.ts";

export const KUBELET_PLUGIN_SUFFIX = "-kubelet-plugin";
export const CLUSTER_POLICY_READY = "ready";
export const SKYHOOK_COMPLETE = "complete";

type Obj = Record<string, any>;

/** ClusterPolicy (nvidia.com) `status.state == ready` for every ClusterPolicy; at least one must exist. */
export async function verifyClusterPolicy(client: KubeClient, f: Findings): Promise<void> {
  const ref = await servedAny(client, "nvidia.com", ["v1"], "clusterpolicies");
  if (!ref) {
    f.skip("ClusterPolicy: CRD clusterpolicies.nvidia.com is not registered (GPU Operator not installed yet)");
    return;
  }
  let items: Obj[];
  try {
    items = await listAll(client, ref);
  } catch (err) {
    f.fail(`ClusterPolicy: cannot list: ${errorText(err)}`);
    return;
  }
  if (items.length === 0) {
    f.fail("ClusterPolicy: CR missing (the CRD is registered but no ClusterPolicy exists)");
    return;
  }
  for (const cp of items) {
    const state = String(cp["status"]?.["state"] ?? "");
    if (state === CLUSTER_POLICY_READY) f.pass(`ClusterPolicy ${nameOf(cp)}: state ready`);
    else f.fail(`ClusterPolicy ${nameOf(cp)}: state ${state || "unset"} (want ${CLUSTER_POLICY_READY})`);
  }
}

/** The single DaemonSet in `namespace` whose name ends in -kubelet-plugin is ready. */
export async function verifyKubeletPlugin(client: KubeClient, namespace: string, f: Findings): Promise<void> {
  let all: Obj[];
  try {
    all = await listAll(client, R.daemonSets, { namespace });
  } catch (err) {
    f.fail(`DRA kubelet plugin: cannot list DaemonSets in ${namespace}: ${errorText(err)}`);
    return;
  }
  const plugins = all.filter((d) => nameOf(d).endsWith(KUBELET_PLUGIN_SUFFIX));
  if (plugins.length === 0) {
    f.fail(`DRA kubelet plugin: no DaemonSet named *${KUBELET_PLUGIN_SUFFIX} in namespace ${namespace}`);
    return;
  }
  if (plugins.length > 1) {
    f.fail(`DRA kubelet plugin: ${plugins.length} DaemonSets named *${KUBELET_PLUGIN_SUFFIX} in namespace ${namespace} (${plugins.map(nameOf).join(", ")}); expected one`);
    return;
  }
  const ds = plugins[0]!;
  const h = daemonSetHealth(ds);
  if (h.ok) f.pass(`DRA kubelet plugin DaemonSet ${namespace}/${nameOf(ds)}: ${h.state}`);
  else f.fail(`DRA kubelet plugin DaemonSet ${namespace}/${nameOf(ds)}: ${h.state}`);
}

/**
 * Every Skyhook the component's own manifest files declare reports `status.status == complete`.
 * No name extractable fails closed: the recipe says tuning happens but nothing can prove it did.
 */
export async function verifySkyhooks(client: KubeClient, ref: ComponentRef, manifests: Readonly<Record<string, string>>, f: Findings): Promise<void> {
  const files = ref.manifestFiles ?? [];
  const { names, unreadable } = skyhookNames(files, manifests);
  if (names.length === 0) {
    const why = files.length === 0 ? "it names no manifest files" : unreadable.length > 0 ? `the manifests were not provided: ${unreadable.join(", ")}` : `none of ${files.join(", ")} declares a Skyhook with a literal name`;
    f.fail(`Skyhook: no Skyhook CR names could be extracted from component ${ref.name} (${why})`);
    return;
  }
  const served =
    (await servedAny(client, "nodewright.nvidia.com", ["v1alpha1"], "nodewrights")) ?? (await servedAny(client, "skyhook.nvidia.com", ["v1alpha1"], "skyhooks"));
  if (!served) {
    f.skip(`Skyhook: CRD skyhooks.skyhook.nvidia.com is not registered (skyhook operator not installed yet); expected ${names.join(", ")}`);
    return;
  }
  for (const name of names) {
    let cr: Obj | undefined;
    try {
      cr = await getOrAbsent(client, served, name, served.namespaced ? (ref.namespace ?? "default") : undefined);
    } catch (err) {
      f.fail(`Skyhook ${name}: cannot read: ${errorText(err)}`);
      continue;
    }
    if (!cr) {
      f.fail(`Skyhook ${name}: not found (the recipe declares it but the cluster has no such CR)`);
      continue;
    }
    if (cr["metadata"]?.["deletionTimestamp"]) {
      f.fail(`Skyhook ${name}: terminating (deletionTimestamp set)`);
      continue;
    }
    const status = cr["status"]?.["status"];
    if (status === SKYHOOK_COMPLETE) f.pass(`Skyhook ${name}: complete`);
    else f.fail(`Skyhook ${name}: status ${status === undefined ? "missing" : String(status)} (want ${SKYHOOK_COMPLETE})`);
  }
}
