/**
 * secure-accelerator-access (conformance): workloads reach GPUs only through the scheduler's
 * allocation (DRA), never by mounting the host's GPU device nodes. The DRA API must be served, and
 * no pod outside the infrastructure namespaces (kube-system, the GPU Operator's, the DRA driver's,
 * node tuning and networking, the validation namespace) mounts /dev/nvidia* from the host or runs a
 * privileged container that asks the NVIDIA runtime for every GPU (NVIDIA_VISIBLE_DEVICES=all).
 */
import { ENV } from "../../core/validate/live/job.ts";
import type { Check } from "./context.ts";
import { findingsFor } from "./context.ts";
import { errorText, listAll, qualifiedName } from "./api.ts";
import { draApi } from "./dra.ts";
import { verdict } from "./findings.ts";
import { R } from "./kinds.ts";
import { COMPONENT, enabledRef } from "./recipe.ts";

type Obj = Record<string, any>;

/** Components whose pods need host GPU access to do their job. */
export const INFRA_COMPONENTS: readonly string[] = [
  COMPONENT.gpuOperator,
  COMPONENT.draDriver,
  COMPONENT.skyhookCustomizations,
  COMPONENT.nodewrightCustomizations,
  COMPONENT.networkOperator,
  "skyhook-operator",
  "nvsentinel",
];

/** Why a pod gets at GPUs around the allocator, or undefined. */
export function bypass(pod: Obj): string | undefined {
  const spec = pod["spec"] ?? {};
  const dev = ((spec["volumes"] ?? []) as Obj[]).find((v) => String(v["hostPath"]?.["path"] ?? "").startsWith("/dev/nvidia"));
  if (dev) return `mounts host device ${dev["hostPath"]["path"]}`;
  for (const c of [...((spec["initContainers"] ?? []) as Obj[]), ...((spec["containers"] ?? []) as Obj[])]) {
    const all = ((c["env"] ?? []) as Obj[]).some((e) => e["name"] === "NVIDIA_VISIBLE_DEVICES" && e["value"] === "all");
    if (all && c["securityContext"]?.["privileged"] === true) return `container ${c["name"]} is privileged with NVIDIA_VISIBLE_DEVICES=all`;
  }
  return undefined;
}

const check: Check = async (ctx) => {
  const client = ctx.client();
  if (!(await draApi(client))) return verdict("failed", "the DRA API (resource.k8s.io) is not served: GPUs cannot be allocated to pods with isolation");
  const f = findingsFor(ctx);
  f.pass("DRA API served");
  const infra = new Set(["kube-system", ctx.env[ENV.namespace] ?? ""]);
  for (const name of INFRA_COMPONENTS) {
    const ns = enabledRef(ctx.recipe, name)?.namespace;
    if (ns) infra.add(ns);
  }
  let pods: Obj[];
  try {
    pods = await listAll(client, R.pods);
  } catch (err) {
    return verdict("failed", `cannot list pods: ${errorText(err)}`);
  }
  const workloads = pods.filter((p) => !infra.has(String(p["metadata"]?.["namespace"])));
  for (const p of workloads) {
    const why = bypass(p);
    if (why) f.fail(`pod ${qualifiedName(p)} ${why}`);
  }
  if (f.of("fail").length === 0) f.pass(`${workloads.length} workload pod${workloads.length === 1 ? "" : "s"} checked, none reaches GPUs around the allocator`);
  return f.verdict(`GPU access goes through allocation only (${workloads.length} workload pods checked)`);
};

export default check;
