/**
 * cluster-autoscaling (conformance): something can add GPU nodes when workloads are pending. Either
 * a Karpenter NodePool (karpenter.sh) that can launch GPU instances (GPU requirements, GPU limits or
 * an nvidia.com/gpu taint), or the Cluster Autoscaler, managed or not, whose status ConfigMap
 * (kube-system/cluster-autoscaler-status) reports it healthy.
 */
import type { Check } from "./context.ts";
import { findingsFor } from "./context.ts";
import { errorText, getOrAbsent, listAll, nameOf, servedAny } from "./api.ts";
import { verdict } from "./findings.ts";
import { R } from "./kinds.ts";

export const AUTOSCALER_STATUS = { namespace: "kube-system", name: "cluster-autoscaler-status" } as const;

type Obj = Record<string, any>;

/** Whether a Karpenter NodePool can launch GPU nodes. */
export function gpuNodePool(np: Obj): boolean {
  const spec = np["spec"]?.["template"]?.["spec"] ?? {};
  const reqs = (spec["requirements"] ?? []) as Obj[];
  const gpuReq = reqs.some((r) => {
    const key = String(r["key"] ?? "");
    if (/instance-gpu/.test(key)) return true;
    const values = ((r["values"] ?? []) as unknown[]).map(String);
    return /instance-family|instance-category/.test(key) && values.some((v) => /^(p|g)\d*/.test(v));
  });
  const limit = np["spec"]?.["limits"]?.["nvidia.com/gpu"] !== undefined;
  const taint = ((spec["taints"] ?? []) as Obj[]).some((t) => String(t["key"] ?? "").startsWith("nvidia.com/gpu"));
  return gpuReq || limit || taint;
}

const check: Check = async (ctx) => {
  const client = ctx.client();
  const f = findingsFor(ctx);
  const pools = await servedAny(client, "karpenter.sh", ["v1", "v1beta1"], "nodepools");
  if (pools) {
    try {
      const list: Obj[] = await listAll(client, pools);
      const gpu = list.filter(gpuNodePool);
      if (gpu.length > 0) f.pass(`Karpenter NodePool ${gpu.map(nameOf).join(", ")} can add GPU nodes`);
      else if (list.length > 0) f.fail(`Karpenter NodePool ${list.map(nameOf).join(", ")} cannot add GPU nodes (no GPU requirement, limit or taint)`);
      else f.skip("Karpenter is installed but has no NodePool");
    } catch (err) {
      f.fail(`cannot list Karpenter NodePools: ${errorText(err)}`);
    }
  }
  try {
    const cm = await getOrAbsent(client, R.configMaps, AUTOSCALER_STATUS.name, AUTOSCALER_STATUS.namespace);
    if (cm) {
      const status = String(cm["data"]?.["status"] ?? "");
      if (/unhealthy/i.test(status)) f.fail(`Cluster Autoscaler reports itself unhealthy (${AUTOSCALER_STATUS.namespace}/${AUTOSCALER_STATUS.name})`);
      else f.pass(`Cluster Autoscaler running (${AUTOSCALER_STATUS.namespace}/${AUTOSCALER_STATUS.name}${/healthy/i.test(status) ? ": healthy" : ""})`);
    }
  } catch (err) {
    f.fail(`cannot read ${AUTOSCALER_STATUS.namespace}/${AUTOSCALER_STATUS.name}: ${errorText(err)}`);
  }
  if (f.items.every((i) => i.kind === "skip")) {
    return verdict("failed", "no cluster autoscaler: neither a Karpenter NodePool for GPU nodes nor a Cluster Autoscaler status ConfigMap was found");
  }
  return f.verdict("the cluster can add GPU nodes");
};

export default check;
