/**
 * platform-health (conformance, diagnostic): every node is Ready, and no pod in a namespace of the
 * recipe's components is failing (phase Failed, or a container waiting in CrashLoopBackOff,
 * ImagePullBackOff, ErrImagePull or CreateContainerConfigError).
 */
import type { Check } from "./context.ts";
import { findingsFor } from "./context.ts";
import { conditionTrue, errorText, listAll, nameOf, qualifiedName } from "./api.ts";
import { verdict } from "./findings.ts";
import { R } from "./kinds.ts";
import { enabledRefs } from "./recipe.ts";

export const BAD_WAITING_REASONS: readonly string[] = ["CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError", "InvalidImageName"];

type Obj = Record<string, any>;

const check: Check = async (ctx) => {
  const client = ctx.client();
  const f = findingsFor(ctx);
  let nodes: Obj[];
  try {
    nodes = await listAll(client, R.nodes);
  } catch (err) {
    return verdict("failed", `cannot list nodes: ${errorText(err)}`);
  }
  const notReady = nodes.filter((n) => !conditionTrue(n, "Ready"));
  if (nodes.length === 0) f.fail("the cluster has no node");
  for (const n of notReady) f.fail(`node ${nameOf(n)} is not Ready`);
  if (nodes.length > 0 && notReady.length === 0) f.pass(`${nodes.length} node${nodes.length === 1 ? "" : "s"} Ready`);
  const namespaces = [...new Set(enabledRefs(ctx.recipe).map((r) => r.namespace?.trim()).filter((n): n is string => !!n))];
  let checked = 0;
  for (const ns of namespaces) {
    let pods: Obj[];
    try {
      pods = await listAll(client, R.pods, { namespace: ns });
    } catch (err) {
      f.fail(`cannot list pods in ${ns}: ${errorText(err)}`);
      continue;
    }
    checked += pods.length;
    for (const p of pods) {
      if (p["status"]?.["phase"] === "Failed") f.fail(`pod ${qualifiedName(p)}: phase Failed`);
      const waiting = ((p["status"]?.["containerStatuses"] ?? []) as Obj[]).map((c) => String(c["state"]?.["waiting"]?.["reason"] ?? "")).filter((r) => BAD_WAITING_REASONS.includes(r));
      if (waiting.length > 0) f.fail(`pod ${qualifiedName(p)}: ${waiting.join(", ")}`);
    }
  }
  if (f.of("fail").length === 0) f.pass(`${checked} pods in ${namespaces.length} component namespaces without failures`);
  return f.verdict(`${nodes.length} nodes Ready, ${checked} component pods healthy`);
};

export default check;
