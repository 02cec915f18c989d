/**
 * accelerator-metrics (conformance): the DCGM exporter publishes per-GPU metrics. Its DaemonSet
 * (label app=nvidia-dcgm-exporter) is ready, and its metrics endpoint, read through the API
 * server's service proxy, serves DCGM_FI_DEV_* samples for at least one GPU, including
 * DCGM_FI_DEV_GPU_UTIL.
 */
import type { Check } from "./context.ts";
import { findingsFor } from "./context.ts";
import { errorText, listAll, nameOf, serviceProxy } from "./api.ts";
import { verdict } from "./findings.ts";
import { daemonSetHealth, R } from "./kinds.ts";
import { summarizeMetrics } from "./metrics-text.ts";

export const DCGM_SELECTOR = "app=nvidia-dcgm-exporter";
export const DCGM_METRICS_PORT = 9400;
export const GPU_UTIL_METRIC = "DCGM_FI_DEV_GPU_UTIL";

type Obj = Record<string, any>;

/** The port of a Service to scrape: the named one, else the first, else the default. */
export function metricsPort(svc: Obj, names: readonly string[], fallback: number): string | number {
  const ports = (svc["spec"]?.["ports"] ?? []) as Obj[];
  const named = ports.find((p) => names.includes(String(p["name"] ?? "")));
  const p = named ?? ports[0];
  return p ? (p["name"] ? String(p["name"]) : Number(p["port"])) : fallback;
}

const check: Check = async (ctx) => {
  const client = ctx.client();
  const f = findingsFor(ctx);
  try {
    const sets: Obj[] = await listAll(client, R.daemonSets, { labelSelector: DCGM_SELECTOR });
    if (sets.length === 0) f.fail(`no DCGM exporter DaemonSet (label ${DCGM_SELECTOR})`);
    for (const ds of sets) {
      const h = daemonSetHealth(ds);
      if (h.ok) f.pass(`DaemonSet ${ds["metadata"]["namespace"]}/${nameOf(ds)}: ${h.state}`);
      else f.fail(`DaemonSet ${ds["metadata"]["namespace"]}/${nameOf(ds)}: ${h.state}`);
    }
  } catch (err) {
    f.fail(`cannot list the DCGM exporter DaemonSets: ${errorText(err)}`);
  }
  let services: Obj[];
  try {
    services = await listAll(client, R.services, { labelSelector: DCGM_SELECTOR });
  } catch (err) {
    f.fail(`cannot list the DCGM exporter Services: ${errorText(err)}`);
    return f.verdict();
  }
  if (services.length === 0) {
    f.fail(`no DCGM exporter Service (label ${DCGM_SELECTOR})`);
    return f.verdict();
  }
  const svc = services[0]!;
  const ns = String(svc["metadata"]["namespace"]);
  const port = metricsPort(svc, ["gpu-metrics", "metrics"], DCGM_METRICS_PORT);
  let text: string;
  try {
    text = await serviceProxy(client, ns, nameOf(svc), port, "metrics");
  } catch (err) {
    f.fail(`cannot read metrics from Service ${ns}/${nameOf(svc)}:${port}: ${errorText(err)}`);
    return f.verdict();
  }
  const m = summarizeMetrics(text, "DCGM_FI_");
  if (m.samples === 0) f.fail(`Service ${ns}/${nameOf(svc)} serves no DCGM_FI_* metric`);
  else if (!m.families.has(GPU_UTIL_METRIC)) f.fail(`Service ${ns}/${nameOf(svc)} serves ${m.families.size} DCGM metrics but not ${GPU_UTIL_METRIC}`);
  else if (m.gpus.size === 0) f.fail(`Service ${ns}/${nameOf(svc)}: the DCGM samples carry no GPU label`);
  else f.pass(`Service ${ns}/${nameOf(svc)}: ${m.families.size} DCGM metric families for ${m.gpus.size} GPU${m.gpus.size === 1 ? "" : "s"}`);
  return f.verdict(`per-GPU metrics exported for ${m.gpus.size} GPU${m.gpus.size === 1 ? "" : "s"}`);
};

export default check;
