/**
 * inference-gateway (conformance), for recipes with the kgateway component: the Gateway API is
 * served, a kgateway GatewayClass is Accepted, a Gateway of that class is Programmed, and the
 * Gateway API Inference Extension (InferencePool) is served. Skipped when the recipe has no gateway.
 */
import type { Check } from "./context.ts";
import { findingsFor } from "./context.ts";
import { conditionTrue, errorText, listAll, nameOf, qualifiedName, servedAny } from "./api.ts";
import { verdict } from "./findings.ts";
import { COMPONENT, enabledRef } from "./recipe.ts";

export const GATEWAY_GROUP = "gateway.networking.k8s.io";
export const KGATEWAY_CONTROLLER = "kgateway";
export const INFERENCE_POOL_APIS: readonly { group: string; versions: string[] }[] = [
  { group: "inference.networking.k8s.io", versions: ["v1"] },
  { group: "inference.networking.x-k8s.io", versions: ["v1alpha2"] },
];

type Obj = Record<string, any>;

const check: Check = async (ctx) => {
  if (!enabledRef(ctx.recipe, COMPONENT.kgateway)) return verdict("skipped", "the recipe has no inference gateway (kgateway) component");
  const client = ctx.client();
  const classesRef = await servedAny(client, GATEWAY_GROUP, ["v1"], "gatewayclasses");
  const gatewaysRef = await servedAny(client, GATEWAY_GROUP, ["v1"], "gateways");
  if (!classesRef || !gatewaysRef) return verdict("failed", `the Gateway API (${GATEWAY_GROUP}/v1 GatewayClasses and Gateways) is not served`);
  const f = findingsFor(ctx);
  f.pass(`Gateway API served (${GATEWAY_GROUP}/v1)`);
  let classes: Obj[] = [];
  try {
    classes = (await listAll(client, classesRef)).filter((c: Obj) => String(c["spec"]?.["controllerName"] ?? "").includes(KGATEWAY_CONTROLLER));
  } catch (err) {
    f.fail(`cannot list GatewayClasses: ${errorText(err)}`);
  }
  const accepted = classes.filter((c) => conditionTrue(c, "Accepted"));
  if (classes.length === 0) f.fail(`no GatewayClass with a ${KGATEWAY_CONTROLLER} controller`);
  else if (accepted.length === 0) f.fail(`GatewayClass ${classes.map(nameOf).join(", ")} not Accepted by its controller`);
  else f.pass(`GatewayClass ${accepted.map(nameOf).join(", ")} Accepted`);
  if (accepted.length > 0) {
    try {
      const names = new Set(accepted.map(nameOf));
      const gateways: Obj[] = (await listAll(client, gatewaysRef)).filter((g: Obj) => names.has(String(g["spec"]?.["gatewayClassName"])));
      const programmed = gateways.filter((g) => conditionTrue(g, "Programmed"));
      if (programmed.length > 0) f.pass(`Gateway ${programmed.map(qualifiedName).join(", ")} Programmed`);
      else f.fail(gateways.length === 0 ? `no Gateway of class ${[...names].join(", ")}` : `Gateway ${gateways.map(qualifiedName).join(", ")} not Programmed`);
    } catch (err) {
      f.fail(`cannot list Gateways: ${errorText(err)}`);
    }
  }
  let pool: string | undefined;
  for (const api of INFERENCE_POOL_APIS) {
    const r = await servedAny(client, api.group, api.versions, "inferencepools");
    if (r) {
      pool = `${r.group}/${r.version}`;
      break;
    }
  }
  if (pool) f.pass(`InferencePool API served (${pool})`);
  else f.fail("the Gateway API Inference Extension (InferencePool) is not served");
  return f.verdict("the inference gateway is installed and programmed");
};

export default check;
