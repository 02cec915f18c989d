/**
 * expected-resources (deployment): the cluster is ready for GPU workloads, not just installed.
 *  - every enabled component's namespace exists and is Active;
 *  - every `expectedResources` entry exists and is healthy (Deployments/StatefulSets with all
 *    replicas ready, DaemonSets with every scheduled pod ready, Jobs complete, others present);
 *  - gpu-operator: ClusterPolicy `status.state == ready`;
 *  - nvidia-dra-driver-gpu: the `*-kubelet-plugin` DaemonSet is ready;
 *  - skyhook/nodewright-customizations: the Skyhook CRs its manifests declare are complete.
 * A CRD that is not registered skips its signal; a 403 fails.
 */
import type { Check } from "./context.ts";
import { findingsFor } from "./context.ts";
import { errorText, getOrAbsent } from "./api.ts";
import { verifyClusterPolicy, verifyKubeletPlugin, verifySkyhooks } from "./gpu-readiness.ts";
import { healthOf, R, resolveKind } from "./kinds.ts";
import { COMPONENT, enabledRef, enabledRefs, namespaceOf } from "./recipe.ts";

const check: Check = async (ctx) => {
  const client = ctx.client();
  const f = findingsFor(ctx);
  const refs = enabledRefs(ctx.recipe);

  const namespaces = [...new Set(refs.map((r) => r.namespace?.trim()).filter((n): n is string => !!n))];
  for (const ns of namespaces) {
    try {
      const o = await getOrAbsent(client, R.namespaces, ns);
      if (!o) f.fail(`namespace ${ns}: not found`);
      else if (o["status"]?.["phase"] !== "Active") f.fail(`namespace ${ns}: phase ${o["status"]?.["phase"] ?? "unknown"} (want Active)`);
      else f.pass(`namespace ${ns}: Active`);
    } catch (err) {
      f.fail(`namespace ${ns}: ${errorText(err)}`);
    }
  }

  for (const ref of refs) {
    for (const er of ref.expectedResources ?? []) {
      const ns = er.namespace?.trim() || ref.namespace?.trim() || "default";
      const what = `${er.kind} ${ns}/${er.name} (${ref.name})`;
      try {
        const type = await resolveKind(client, er.kind);
        if (!type) {
          f.fail(`${what}: kind ${er.kind} is not served by the cluster`);
          continue;
        }
        const o = await getOrAbsent(client, type, er.name, type.namespaced ? ns : undefined);
        if (!o) {
          f.fail(`${what}: not found`);
          continue;
        }
        const h = healthOf(er.kind, o);
        if (h.ok) f.pass(`${what}: ${h.state}`);
        else f.fail(`${what}: ${h.state}`);
      } catch (err) {
        f.fail(`${what}: ${errorText(err)}`);
      }
    }
  }

  if (enabledRef(ctx.recipe, COMPONENT.gpuOperator)) await verifyClusterPolicy(client, f);
  const dra = enabledRef(ctx.recipe, COMPONENT.draDriver);
  if (dra) await verifyKubeletPlugin(client, namespaceOf(dra, "nvidia-dra-driver"), f);
  const skyhook = enabledRef(ctx.recipe, COMPONENT.nodewrightCustomizations) ?? enabledRef(ctx.recipe, COMPONENT.skyhookCustomizations);
  if (skyhook) await verifySkyhooks(client, skyhook, ctx.manifests, f);

  return f.verdict(`all ${f.of("pass").length} deployment resources and readiness signals are healthy`);
};

export default check;
