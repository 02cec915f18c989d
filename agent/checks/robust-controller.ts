/**
 * robust-controller (conformance): the AI operator of the recipe (dynamo-platform for inference,
 * kubeflow-trainer for training) is up and its admission webhooks can answer: every Deployment in
 * its namespace is available, and every validating or mutating webhook served from that namespace
 * has a Service with ready endpoints (a webhook without them rejects or stalls every request it
 * covers). Skipped when the recipe has no AI operator.
 */
import type { Check } from "./context.ts";
import { findingsFor } from "./context.ts";
import { errorText, getOrAbsent, listAll, nameOf } from "./api.ts";
import { verdict } from "./findings.ts";
import { deploymentHealth, R } from "./kinds.ts";
import { COMPONENT, enabledRef, namespaceOf } from "./recipe.ts";

type Obj = Record<string, any>;

export const AI_OPERATORS: readonly { component: string; namespace: string }[] = [
  { component: COMPONENT.dynamoPlatform, namespace: "dynamo-system" },
  { component: COMPONENT.kubeflowTrainer, namespace: "kubeflow" },
];

/** Whether any endpoint of a Service is ready (EndpointSlices labelled with the service name). */
async function hasReadyEndpoints(ctx: Parameters<Check>[0], namespace: string, service: string): Promise<boolean> {
  const slices: Obj[] = await listAll(ctx.client(), R.endpointSlices, { namespace, labelSelector: `kubernetes.io/service-name=${service}` });
  return slices.some((s) => ((s["endpoints"] ?? []) as Obj[]).some((e) => e["conditions"]?.["ready"] !== false));
}

const check: Check = async (ctx) => {
  const ops = AI_OPERATORS.map((o) => ({ ...o, ref: enabledRef(ctx.recipe, o.component) })).filter((o) => o.ref);
  if (ops.length === 0) return verdict("skipped", `the recipe has no AI operator (${AI_OPERATORS.map((o) => o.component).join(" or ")})`);
  const client = ctx.client();
  const f = findingsFor(ctx);
  const namespaces = new Map(ops.map((o) => [namespaceOf(o.ref, o.namespace), o.component]));
  for (const [ns, component] of namespaces) {
    try {
      const deployments: Obj[] = await listAll(client, R.deployments, { namespace: ns });
      if (deployments.length === 0) f.fail(`${component}: no controller Deployment in namespace ${ns}`);
      for (const d of deployments) {
        const h = deploymentHealth(d);
        if (h.ok) f.pass(`${component} Deployment ${ns}/${nameOf(d)}: ${h.state}`);
        else f.fail(`${component} Deployment ${ns}/${nameOf(d)}: ${h.state}`);
      }
    } catch (err) {
      f.fail(`${component}: cannot list Deployments in ${ns}: ${errorText(err)}`);
    }
  }
  for (const [type, kind] of [
    [R.validatingWebhooks, "validating"],
    [R.mutatingWebhooks, "mutating"],
  ] as const) {
    let configs: Obj[];
    try {
      configs = await listAll(client, type);
    } catch (err) {
      f.fail(`cannot list ${kind} webhook configurations: ${errorText(err)}`);
      continue;
    }
    for (const cfg of configs) {
      for (const wh of (cfg["webhooks"] ?? []) as Obj[]) {
        const svc = wh["clientConfig"]?.["service"];
        if (!svc || !namespaces.has(String(svc["namespace"]))) continue;
        const what = `${kind} webhook ${wh["name"]} (${nameOf(cfg)}) → service ${svc["namespace"]}/${svc["name"]}`;
        try {
          if (!(await getOrAbsent(client, R.services, String(svc["name"]), String(svc["namespace"])))) f.fail(`${what}: the Service does not exist`);
          else if (!(await hasReadyEndpoints(ctx, String(svc["namespace"]), String(svc["name"])))) f.fail(`${what}: no ready endpoints (failurePolicy ${wh["failurePolicy"] ?? "Fail"})`);
          else f.pass(`${what}: ready`);
        } catch (err) {
          f.fail(`${what}: ${errorText(err)}`);
        }
      }
    }
  }
  return f.verdict(`the AI operator controllers and their webhooks are ready (${[...namespaces.values()].join(", ")})`);
};

export default check;
