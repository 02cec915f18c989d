/**
 * What a validator Job came to (§10.5, step 3), read from the Job and its pod as the API returns
 * them: the container's exit code, termination message and run time, or -1 with the reason there is
 * none (never scheduled, image not pulled, still running, timed out). Pure: the orchestrator fetches
 * the objects, this decides.
 */
import { formatGoDuration } from "../duration.ts";

type Obj = Record<string, any>;

/** The exit code standing for "no exit code": the container never ran to its end. */
export const NO_EXIT_CODE = -1;

export interface ValidatorOutcome {
  exitCode: number;
  /** Termination message, or why there is no exit code. */
  message: string;
  /** What the orchestrator adds before the message (the container was stopped at its deadline). */
  note?: string;
  durationMs: number;
  /** Whether the pod's log is worth fetching (a container ran). */
  hasLogs: boolean;
  /** The Job ran out of time (its deadline, or the orchestrator's wait). */
  timedOut: boolean;
}

export interface OutcomeInput {
  /** The Job as last seen (undefined when it could not be read). */
  job?: Obj;
  /** The Job's first pod, when there is one. */
  pod?: Obj;
  /** The orchestrator stopped waiting before the Job finished. */
  waitTimedOut: boolean;
  /** The validator's timeout (for messages). */
  timeoutMs: number;
}

/** The Job's terminal condition (Complete or Failed with status True), if it has one. */
export function jobFinished(job: Obj | undefined): { type: "Complete" | "Failed"; reason?: string; message?: string } | undefined {
  for (const c of (job?.["status"]?.["conditions"] ?? []) as Obj[]) {
    if ((c["type"] === "Complete" || c["type"] === "Failed") && c["status"] === "True") {
      return { type: c["type"], ...(c["reason"] ? { reason: c["reason"] } : {}), ...(c["message"] ? { message: c["message"] } : {}) };
    }
  }
  return undefined;
}

const time = (s: unknown): number | undefined => {
  const t = typeof s === "string" ? Date.parse(s) : NaN;
  return Number.isNaN(t) ? undefined : t;
};

/** Why a pod has not run: its PodScheduled condition, when false. */
function schedulingProblem(pod: Obj): string | undefined {
  const c = ((pod["status"]?.["conditions"] ?? []) as Obj[]).find((x) => x["type"] === "PodScheduled" && x["status"] === "False");
  if (!c) return undefined;
  return [c["reason"], c["message"]].filter(Boolean).join(": ") || "not scheduled";
}

const firstContainer = (pod: Obj | undefined): Obj | undefined => ((pod?.["status"]?.["containerStatuses"] ?? []) as Obj[])[0];

export function outcomeOf(input: OutcomeInput): ValidatorOutcome {
  const finished = jobFinished(input.job);
  const deadline = finished?.type === "Failed" && finished.reason === "DeadlineExceeded";
  const timedOut = input.waitTimedOut || deadline;
  const timeoutText = `timeout: validator did not complete within ${formatGoDuration(input.timeoutMs)}`;
  const none = (message: string, hasLogs = false): ValidatorOutcome => ({ exitCode: NO_EXIT_CODE, message, durationMs: 0, hasLogs, timedOut });

  const pod = input.pod;
  if (!pod) return none(timedOut ? `pod never reached running state (${timeoutText})` : "no pod found for the validator Job");
  const cs = firstContainer(pod);
  const terminated = cs?.["state"]?.["terminated"] as Obj | undefined;
  if (terminated) {
    const start = time(terminated["startedAt"]);
    const end = time(terminated["finishedAt"]);
    const message = terminated["reason"] === "OOMKilled" ? "Container OOMKilled" : String(terminated["message"] ?? "").trim();
    const code = Number(terminated["exitCode"]);
    return {
      exitCode: Number.isInteger(code) ? code : NO_EXIT_CODE,
      message,
      ...(timedOut ? { note: timeoutText } : {}),
      durationMs: start !== undefined && end !== undefined ? Math.max(0, end - start) : 0,
      hasLogs: true,
      timedOut,
    };
  }
  if (!cs) {
    const why = schedulingProblem(pod);
    if (why) return none(`pod never reached running state: ${why}${timedOut ? ` (${timeoutText})` : ""}`);
    return none(timedOut ? `pod never reached running state (${timeoutText})` : `pod has no container status (phase ${pod["status"]?.["phase"] ?? "unknown"})`);
  }
  const waiting = cs["state"]?.["waiting"] as Obj | undefined;
  if (waiting) {
    const why = [waiting["reason"], waiting["message"]].filter(Boolean).join(": ") || "waiting";
    return none(timedOut ? `${why} (${timeoutText})` : why);
  }
  // Running (or a state the API did not fill in).
  return none(timedOut ? timeoutText : "the validator container is still running", true);
}
