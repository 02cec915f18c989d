/**
 * gpu-operator-health (conformance, diagnostic): the GPU Operator's state: ClusterPolicy ready (its
 * CRD missing skips that part) and every DaemonSet it runs in its namespace ready. Skipped without a
 * gpu-operator component.
 */
import type { Check } from "./context.ts";
import { findingsFor } from "./context.ts";
import { errorText, listAll, nameOf } from "./api.ts";
import { verdict } from "./findings.ts";
import { verifyClusterPolicy } from "./gpu-readiness.ts";
import { daemonSetHealth, R } from "./kinds.ts";
import { COMPONENT, enabledRef, namespaceOf } from "./recipe.ts";

type Obj = Record<string, any>;

const check: Check = async (ctx) => {
  const ref = enabledRef(ctx.recipe, COMPONENT.gpuOperator);
  if (!ref) return verdict("skipped", "the recipe has no gpu-operator component");
  const client = ctx.client();
  const f = findingsFor(ctx);
  await verifyClusterPolicy(client, f);
  const ns = namespaceOf(ref, "gpu-operator");
  try {
    const sets: Obj[] = await listAll(client, R.daemonSets, { namespace: ns });
    if (sets.length === 0) f.fail(`no operand DaemonSet in namespace ${ns}`);
    for (const ds of sets) {
      const h = daemonSetHealth(ds);
      if (h.ok) f.pass(`DaemonSet ${ns}/${nameOf(ds)}: ${h.state}`);
      else f.fail(`DaemonSet ${ns}/${nameOf(ds)}: ${h.state}`);
    }
  } catch (err) {
    f.fail(`cannot list DaemonSets in ${ns}: ${errorText(err)}`);
  }
  return f.verdict("the GPU Operator and its operands are ready");
};

export default check;
