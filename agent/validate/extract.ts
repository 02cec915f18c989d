/**
 * Reading what a validator Job came to (§10.5 step 3): the Job, its first pod, and that pod's
 * container log, under a fresh deadline (the wait may have used up the validator's), then decided by
 * `outcomeOf`. A log that cannot be read is left out, never fatal.
 */
import { LABEL_JOB_NAME } from "../../core/validate/live/labels.ts";
import { VALIDATOR_CONTAINER } from "../../core/validate/live/job.ts";
import { types } from "../../core/validate/live/objects.ts";
import { outcomeOf, type ValidatorOutcome } from "../../core/validate/live/outcome.ts";
import type { KubeClient } from "../kube/client.ts";

/** Time allowed for reading the Job, its pod and the log after the wait. */
export const EXTRACT_TIMEOUT_MS = 30_000;

type Obj = Record<string, any>;

export interface Extracted {
  outcome: ValidatorOutcome;
  log?: string;
  pod?: string;
}

export async function extractOutcome(client: KubeClient, o: { namespace: string; job: string; lastJob?: Obj; waitTimedOut: boolean; timeoutMs: number }): Promise<Extracted> {
  const signal = AbortSignal.timeout(EXTRACT_TIMEOUT_MS);
  let job = o.lastJob;
  try {
    job = await client.get<Obj>(types.jobs, o.job, { namespace: o.namespace, signal });
  } catch {
    // Keep what the wait saw.
  }
  let pod: Obj | undefined;
  try {
    const page = await client.list<Obj>(types.pods, { namespace: o.namespace, labelSelector: `${LABEL_JOB_NAME}=${o.job}`, signal });
    pod = page.items[0];
  } catch {
    pod = undefined;
  }
  const outcome = outcomeOf({ ...(job ? { job } : {}), ...(pod ? { pod } : {}), waitTimedOut: o.waitTimedOut, timeoutMs: o.timeoutMs });
  let log: string | undefined;
  const podName = pod?.["metadata"]?.["name"] as string | undefined;
  if (podName && outcome.hasLogs) {
    try {
      log = await client.podLogs(o.namespace, podName, { container: VALIDATOR_CONTAINER, signal });
    } catch {
      log = undefined;
    }
  }
  return { outcome, ...(log !== undefined ? { log } : {}), ...(podName ? { pod: podName } : {}) };
}
