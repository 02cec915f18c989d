/**
 * Waiting for a validator Job to finish (condition Complete or Failed): a watch on the Job, renewed
 * when the server ends it, falling back to polling when watching is not possible, until the Job
 * finishes or the wait times out. While waiting, `onProgress` is called every `progressMs` with the
 * pod's state.
 */
import { jobFinished } from "../../core/validate/live/outcome.ts";
import { LABEL_JOB_NAME } from "../../core/validate/live/labels.ts";
import { types } from "../../core/validate/live/objects.ts";
import type { KubeClient, KubeObject } from "../kube/client.ts";

/** How often the Job is read when it cannot be watched. */
export const DEFAULT_POLL_INTERVAL_MS = 1_000;
/** How often a progress line is printed while a validator runs. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 10_000;
/** A watch is renewed after this long (servers end long watches themselves). */
export const WATCH_RENEW_SECONDS = 60;

type Obj = Record<string, any>;

export interface WaitOptions {
  namespace: string;
  job: string;
  timeoutMs: number;
  pollMs?: number;
  progressMs?: number;
  onProgress?: (state: string, elapsedMs: number) => void;
  now?: () => number;
}

export interface WaitResult {
  job?: Obj;
  timedOut: boolean;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

/** One line about the Job's pod: `pod Pending (Unschedulable: ...)`, `pod Running`, `no pod yet`. */
export async function podState(client: KubeClient, namespace: string, job: string): Promise<string> {
  try {
    const page = await client.list<Obj>(types.pods, { namespace, labelSelector: `${LABEL_JOB_NAME}=${job}` });
    const pod = page.items[0];
    if (!pod) return "no pod yet";
    const phase = String(pod["status"]?.["phase"] ?? "Pending");
    const unscheduled = ((pod["status"]?.["conditions"] ?? []) as Obj[]).find((c) => c["type"] === "PodScheduled" && c["status"] === "False");
    const waiting = ((pod["status"]?.["containerStatuses"] ?? []) as Obj[])[0]?.["state"]?.["waiting"]?.["reason"];
    const why = unscheduled ? `${unscheduled["reason"] ?? "Unschedulable"}: ${unscheduled["message"] ?? ""}`.trim() : waiting;
    return `pod ${phase}${why ? ` (${why})` : ""}`;
  } catch (err) {
    return `pod state unknown (${(err as Error).message})`;
  }
}

export async function waitForJob(client: KubeClient, o: WaitOptions): Promise<WaitResult> {
  const now = o.now ?? Date.now;
  const start = now();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error("validator wait timed out")), o.timeoutMs);
  const progressTimer = o.onProgress
    ? setInterval(() => {
        void podState(client, o.namespace, o.job).then((s) => o.onProgress?.(s, now() - start));
      }, o.progressMs ?? DEFAULT_PROGRESS_INTERVAL_MS)
    : undefined;
  let last: Obj | undefined;
  try {
    let watching = true;
    while (!deadline.signal.aborted) {
      if (watching) {
        try {
          for await (const ev of client.watch<KubeObject>(types.jobs, {
            namespace: o.namespace,
            fieldSelector: `metadata.name=${o.job}`,
            timeoutSeconds: WATCH_RENEW_SECONDS,
            signal: deadline.signal,
          })) {
            if (ev.type === "DELETED") return { timedOut: false, ...(last ? { job: last } : {}) };
            last = ev.object as Obj;
            if (jobFinished(last)) return { job: last, timedOut: false };
          }
          continue;
        } catch {
          if (deadline.signal.aborted) break;
          watching = false;
        }
      }
      try {
        last = await client.get<Obj>(types.jobs, o.job, { namespace: o.namespace, signal: deadline.signal });
        if (jobFinished(last)) return { job: last, timedOut: false };
      } catch {
        // A failed read is retried until the deadline.
      }
      await sleep(o.pollMs ?? DEFAULT_POLL_INTERVAL_MS, deadline.signal);
    }
    return { timedOut: true, ...(last ? { job: last } : {}) };
  } finally {
    clearTimeout(timer);
    if (progressTimer) clearInterval(progressTimer);
  }
}
