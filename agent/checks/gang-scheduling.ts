/**
 * gang-scheduling (conformance): a gang scheduler is installed: a PodGroup API is served (KAI
 * scheduling.run.ai, Volcano scheduling.volcano.sh or scheduler-plugins scheduling.x-k8s.io). With
 * the recipe's kai-scheduler component, its Deployments must be available and at least one KAI
 * Queue must exist (KAI schedules only pods of a queue).
 */
import type { Check } from "./context.ts";
import { findingsFor } from "./context.ts";
import { errorText, listAll, nameOf, servedAny } from "./api.ts";
import { verdict } from "./findings.ts";
import { deploymentHealth, R } from "./kinds.ts";
import { COMPONENT, enabledRef, namespaceOf } from "./recipe.ts";

export const GANG_APIS: readonly { name: string; group: string; versions: string[] }[] = [
  { name: "KAI scheduler", group: "scheduling.run.ai", versions: ["v2alpha2", "v2"] },
  { name: "Volcano", group: "scheduling.volcano.sh", versions: ["v1beta1"] },
  { name: "scheduler-plugins coscheduling", group: "scheduling.x-k8s.io", versions: ["v1alpha1"] },
];

type Obj = Record<string, any>;

const check: Check = async (ctx) => {
  const client = ctx.client();
  const f = findingsFor(ctx);
  const found: string[] = [];
  for (const g of GANG_APIS) {
    const pg = await servedAny(client, g.group, g.versions, "podgroups");
    if (pg) {
      found.push(g.name);
      f.pass(`${g.name}: PodGroup API served (${g.group}/${pg.version})`);
    }
  }
  if (found.length === 0) return verdict("failed", `no gang scheduler: no PodGroup API is served (${GANG_APIS.map((g) => g.group).join(", ")})`);
  const kai = enabledRef(ctx.recipe, COMPONENT.kaiScheduler);
  if (kai) {
    const ns = namespaceOf(kai, "kai-scheduler");
    try {
      const deployments: Obj[] = await listAll(client, R.deployments, { namespace: ns });
      if (deployments.length === 0) f.fail(`KAI scheduler: no Deployment in namespace ${ns}`);
      for (const d of deployments) {
        const h = deploymentHealth(d);
        if (h.ok) f.pass(`KAI scheduler Deployment ${ns}/${nameOf(d)}: ${h.state}`);
        else f.fail(`KAI scheduler Deployment ${ns}/${nameOf(d)}: ${h.state}`);
      }
    } catch (err) {
      f.fail(`KAI scheduler: cannot list Deployments in ${ns}: ${errorText(err)}`);
    }
    const queues = await servedAny(client, "scheduling.run.ai", ["v2", "v2alpha2"], "queues");
    if (!queues) f.fail("KAI scheduler: the Queue API (scheduling.run.ai queues) is not served");
    else {
      try {
        const list: Obj[] = await listAll(client, queues);
        if (list.length > 0) f.pass(`KAI scheduler: ${list.length} queue${list.length === 1 ? "" : "s"} (${list.map(nameOf).join(", ")})`);
        else f.fail("KAI scheduler: no Queue exists, so no pod group can be scheduled");
      } catch (err) {
        f.fail(`KAI scheduler: cannot list queues: ${errorText(err)}`);
      }
    }
  }
  return f.verdict(`gang scheduling available (${found.join(", ")})`);
};

export default check;
