/**
 * operator-health (deployment): the GPU Operator's own pods (label app=gpu-operator, else
 * app.kubernetes.io/component=gpu-operator) in the component's namespace are running and ready.
 * Skipped when the recipe has no gpu-operator component.
 */
import type { Check } from "./context.ts";
import { findingsFor } from "./context.ts";
import { errorText, listAll, nameOf } from "./api.ts";
import { verdict } from "./findings.ts";
import { podHealth, R } from "./kinds.ts";
import { COMPONENT, enabledRef, namespaceOf } from "./recipe.ts";

export const OPERATOR_SELECTORS: readonly string[] = ["app=gpu-operator", "app.kubernetes.io/component=gpu-operator"];

const check: Check = async (ctx) => {
  const ref = enabledRef(ctx.recipe, COMPONENT.gpuOperator);
  if (!ref) return verdict("skipped", "the recipe has no gpu-operator component");
  const ns = namespaceOf(ref, "gpu-operator");
  const f = findingsFor(ctx);
  let pods: Record<string, any>[] = [];
  try {
    for (const sel of OPERATOR_SELECTORS) {
      pods = await listAll(ctx.client(), R.pods, { namespace: ns, labelSelector: sel });
      if (pods.length > 0) break;
    }
  } catch (err) {
    return verdict("failed", `cannot list the GPU Operator pods in namespace ${ns}: ${errorText(err)}`);
  }
  if (pods.length === 0) return verdict("failed", `no GPU Operator pod in namespace ${ns} (labels ${OPERATOR_SELECTORS.join(" or ")})`);
  let running = 0;
  for (const p of pods) {
    const h = podHealth(p);
    if (h.ok) {
      running++;
      f.pass(`pod ${ns}/${nameOf(p)}: ${h.state}`);
    } else f.fail(`pod ${ns}/${nameOf(p)}: ${h.state}`);
  }
  ctx.log(`found ${pods.length} operator pod${pods.length === 1 ? "" : "s"}, ${running} running`);
  return f.verdict(`${running} of ${pods.length} GPU Operator pod${pods.length === 1 ? "" : "s"} running and ready in ${ns}`);
};

export default check;
