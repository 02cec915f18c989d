/**
 * pod-autoscaling (conformance): a HorizontalPodAutoscaler can scale on GPU metrics. The autoscaling/v2
 * API is served, and a metrics API an HPA reads (custom.metrics.k8s.io or external.metrics.k8s.io,
 * served by prometheus-adapter) is registered, Available, and lists a GPU metric (a name with
 * `gpu` or `dcgm` in it).
 */
import type { Check } from "./context.ts";
import { findingsFor } from "./context.ts";
import { conditionTrue, errorText, getOrAbsent, servedAny, servedResources } from "./api.ts";
import { verdict } from "./findings.ts";
import { R } from "./kinds.ts";

export const METRICS_APIS: readonly { group: string; version: string }[] = [
  { group: "custom.metrics.k8s.io", version: "v1beta1" },
  { group: "external.metrics.k8s.io", version: "v1beta1" },
];

const check: Check = async (ctx) => {
  const client = ctx.client();
  if (!(await servedAny(client, "autoscaling", ["v2"], "horizontalpodautoscalers"))) return verdict("failed", "the autoscaling/v2 HorizontalPodAutoscaler API is not served");
  const f = findingsFor(ctx);
  f.pass("autoscaling/v2 HorizontalPodAutoscaler served");
  let gpuMetrics = 0;
  for (const api of METRICS_APIS) {
    const name = `${api.version}.${api.group}`;
    try {
      const svc = await getOrAbsent(client, R.apiServices, name);
      if (!svc) {
        f.skip(`APIService ${name} not registered`);
        continue;
      }
      if (!conditionTrue(svc, "Available")) {
        f.fail(`APIService ${name} registered but not Available`);
        continue;
      }
      const resources = (await servedResources(client, api.group, api.version)) ?? [];
      const gpu = resources.filter((r) => /gpu|dcgm/i.test(r.name));
      gpuMetrics += gpu.length;
      if (gpu.length > 0) f.pass(`${name}: ${gpu.length} GPU metric${gpu.length === 1 ? "" : "s"} (${gpu.slice(0, 3).map((r) => r.name).join(", ")}${gpu.length > 3 ? ", ..." : ""})`);
      else f.skip(`${name}: Available, but no GPU metric among its ${resources.length} metrics`);
    } catch (err) {
      f.fail(`${name}: ${errorText(err)}`);
    }
  }
  if (gpuMetrics === 0 && f.of("fail").length === 0) f.fail("no metrics API serves a GPU metric: an HPA cannot scale on GPU load (install prometheus-adapter with DCGM rules)");
  return f.verdict(`an HPA can scale on ${gpuMetrics} GPU metric${gpuMetrics === 1 ? "" : "s"}`);
};

export default check;
