/**
 * Removing what a run created (§10.5): a validator Job with foreground deletion and then a bounded
 * wait for its pod to go; after the run the RBAC objects, the input ConfigMaps and the per-phase
 * report ConfigMaps. Objects already gone are fine; other failures only warn.
 */
import { AicrError, ErrorCode } from "../../core/errors.ts";
import { LABEL_JOB_NAME } from "../../core/validate/live/labels.ts";
import { types, type ResourceType } from "../../core/validate/live/objects.ts";
import type { KubeClient } from "../kube/client.ts";

/** How long to wait for a deleted validator Job's pod to finish. */
export const POD_GONE_TIMEOUT_MS = 60_000;
/** How often the pod is looked for meanwhile. */
export const POD_GONE_POLL_MS = 500;

const gone = (err: unknown) => err instanceof AicrError && err.code === ErrorCode.NotFound;

/** Delete one object; true when it is gone (or never was), false (and a warning) when it could not be deleted. */
export async function deleteObject(client: KubeClient, ref: ResourceType, name: string, namespace: string | undefined, warn: (m: string) => void): Promise<boolean> {
  try {
    await client.delete(ref, name, { ...(namespace !== undefined ? { namespace } : {}), propagationPolicy: "Foreground" });
    return true;
  } catch (err) {
    if (gone(err)) return true;
    warn(`cleanup: cannot delete ${ref.resource} ${namespace ? `${namespace}/` : ""}${name}: ${(err as Error).message}`);
    return false;
  }
}

/** Delete a validator Job and wait (bounded) until its pods are gone. */
export async function deleteJob(client: KubeClient, namespace: string, job: string, warn: (m: string) => void, timeoutMs = POD_GONE_TIMEOUT_MS): Promise<void> {
  if (!(await deleteObject(client, types.jobs, job, namespace, warn))) return;
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const page = await client.list(types.pods, { namespace, labelSelector: `${LABEL_JOB_NAME}=${job}` });
      if (page.items.length === 0) return;
    } catch {
      return;
    }
    await Bun.sleep(POD_GONE_POLL_MS);
  }
  warn(`cleanup: the pod of Job ${namespace}/${job} is still there after ${timeoutMs / 1000}s`);
}
