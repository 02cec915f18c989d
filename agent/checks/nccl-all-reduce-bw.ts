/**
 * nccl-all-reduce-bw (performance): reads the output of nccl-tests' all_reduce_perf and compares the
 * bus bandwidth at the largest message size with the recipe's `nccl-all-reduce-bw` constraint
 * (GB/s). The check runs no benchmark itself: the output comes from a file (`AICR_NCCL_OUTPUT`), or
 * from the log of the benchmark's launcher pod (`AICR_NCCL_LAUNCHER=namespace/labelSelector`), which
 * it waits for to finish. Skipped when there is no benchmark (`AICR_NCCL_SKIP` says why, e.g. fewer
 * than two GPU nodes) or no constraint.
 */
import { readFile } from "node:fs/promises";
import { NCCL_CONSTRAINT, NCCL_ENV, ncclVerdict, parseNcclOutput, peakRow } from "../../core/validate/live/nccl.ts";
import type { Check, CheckContext } from "./context.ts";
import { phaseConstraint } from "./context.ts";
import { errorText, listAll, nameOf } from "./api.ts";
import { verdict } from "./findings.ts";
import { R } from "./kinds.ts";

/** How often the launcher pod is looked at while the benchmark runs. */
export const LAUNCHER_POLL_MS = 5_000;

type Obj = Record<string, any>;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

/** Wait for the launcher pod to end, then return its log (`namespace/selector`). */
async function launcherLog(ctx: CheckContext, spec: string): Promise<string> {
  const slash = spec.indexOf("/");
  if (slash <= 0) throw new Error(`${NCCL_ENV.launcher} must be namespace/labelSelector, got "${spec}"`);
  const namespace = spec.slice(0, slash);
  const selector = spec.slice(slash + 1);
  const client = ctx.client();
  for (;;) {
    const pods: Obj[] = await listAll(client, R.pods, { namespace, labelSelector: selector });
    const done = pods.find((p) => p["status"]?.["phase"] === "Succeeded" || p["status"]?.["phase"] === "Failed");
    if (done) {
      ctx.log(`benchmark launcher ${namespace}/${nameOf(done)}: ${done["status"]["phase"]}`);
      return client.podLogs(namespace, nameOf(done));
    }
    ctx.log(`waiting for the benchmark launcher (${namespace}, ${selector}): ${pods.length === 0 ? "no pod yet" : `phase ${pods[0]!["status"]?.["phase"] ?? "unknown"}`}`);
    await sleep(LAUNCHER_POLL_MS, ctx.signal);
  }
}

const check: Check = async (ctx) => {
  const constraint = phaseConstraint(ctx, "performance", NCCL_CONSTRAINT);
  const file = ctx.env[NCCL_ENV.output]?.trim();
  const launcher = ctx.env[NCCL_ENV.launcher]?.trim();
  let text: string;
  if (file) {
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      return verdict("failed", `cannot read the benchmark output ${file}: ${errorText(err)}`);
    }
  } else if (launcher) {
    try {
      text = await launcherLog(ctx, launcher);
    } catch (err) {
      return verdict("failed", `cannot read the benchmark output: ${errorText(err)}`);
    }
  } else {
    const why = ctx.env[NCCL_ENV.skip]?.trim() || `no benchmark output given (${NCCL_ENV.output} or ${NCCL_ENV.launcher})`;
    return verdict("skipped", `NCCL all-reduce benchmark not run: ${why}`);
  }
  const result = parseNcclOutput(text);
  ctx.log(`nccl-tests: ${result.ranks} ranks, ${result.rows.length} message sizes${result.parameters ? ` (${result.parameters})` : ""}`);
  const peak = peakRow(result);
  if (peak) ctx.log(`largest message ${peak.sizeBytes} B: out-of-place algbw ${peak.outOfPlace.algbwGBs} GB/s, busbw ${peak.outOfPlace.busbwGBs} GB/s`);
  if (result.avgBusBandwidthGBs !== undefined) ctx.log(`average bus bandwidth: ${result.avgBusBandwidthGBs} GB/s`);
  const v = ncclVerdict(result, constraint);
  return verdict(v.status, v.message, {
    constraint: NCCL_CONSTRAINT,
    ...(v.expected !== undefined ? { expected: v.expected } : {}),
    ...(v.actual !== undefined ? { actual: v.actual } : {}),
  });
};

export default check;
