/**
 * ai-service-metrics (conformance): Prometheus collects metrics from AI workloads. A Prometheus
 * Service (the recipe's kube-prometheus-stack namespace, else anywhere: label
 * app.kubernetes.io/name=prometheus or the operator's `prometheus-operated`) answers an instant query
 * for DCGM_FI_DEV_GPU_UTIL through the API server's service proxy with at least one series.
 */
import type { Check } from "./context.ts";
import { findingsFor } from "./context.ts";
import { errorText, listAll, nameOf, serviceProxy } from "./api.ts";
import { GPU_UTIL_METRIC, metricsPort } from "./accelerator-metrics.ts";
import { verdict } from "./findings.ts";
import { R } from "./kinds.ts";
import { COMPONENT, enabledRef } from "./recipe.ts";

export const PROMETHEUS_SELECTOR = "app.kubernetes.io/name=prometheus";
export const PROMETHEUS_OPERATED = "prometheus-operated";
export const PROMETHEUS_PORT = 9090;

type Obj = Record<string, any>;

async function prometheusService(ctx: Parameters<Check>[0]): Promise<Obj | undefined> {
  const client = ctx.client();
  const ns = enabledRef(ctx.recipe, COMPONENT.prometheus)?.namespace;
  const bySelector: Obj[] = await listAll(client, R.services, { ...(ns ? { namespace: ns } : {}), labelSelector: PROMETHEUS_SELECTOR });
  const pick = (list: Obj[]) => list.find((s) => nameOf(s) !== PROMETHEUS_OPERATED && !nameOf(s).includes("alertmanager")) ?? list[0];
  if (bySelector.length > 0) return pick(bySelector);
  const all: Obj[] = await listAll(client, R.services, ns ? { namespace: ns } : {});
  return all.find((s) => nameOf(s) === PROMETHEUS_OPERATED) ?? all.find((s) => /(^|-)prometheus$/.test(nameOf(s)));
}

const check: Check = async (ctx) => {
  const f = findingsFor(ctx);
  let svc: Obj | undefined;
  try {
    svc = await prometheusService(ctx);
  } catch (err) {
    return verdict("failed", `cannot look for the Prometheus Service: ${errorText(err)}`);
  }
  if (!svc) return verdict("failed", `no Prometheus Service found (label ${PROMETHEUS_SELECTOR} or ${PROMETHEUS_OPERATED})`);
  const ns = String(svc["metadata"]["namespace"]);
  const port = metricsPort(svc, ["http-web", "web", "http"], PROMETHEUS_PORT);
  let body: Obj;
  try {
    body = JSON.parse(await serviceProxy(ctx.client(), ns, nameOf(svc), port, "api/v1/query", { query: GPU_UTIL_METRIC }));
  } catch (err) {
    return verdict("failed", `cannot query Prometheus ${ns}/${nameOf(svc)}:${port}: ${errorText(err)}`);
  }
  if (body["status"] !== "success") return verdict("failed", `Prometheus ${ns}/${nameOf(svc)} answered the query with status ${String(body["status"])}: ${String(body["error"] ?? "")}`);
  const series = (body["data"]?.["result"] ?? []) as Obj[];
  if (series.length === 0) f.fail(`Prometheus ${ns}/${nameOf(svc)} has no ${GPU_UTIL_METRIC} series: the DCGM exporter is not scraped`);
  else f.pass(`Prometheus ${ns}/${nameOf(svc)}: ${series.length} ${GPU_UTIL_METRIC} series`);
  return f.verdict(`Prometheus collects GPU metrics (${series.length} series)`);
};

export default check;
