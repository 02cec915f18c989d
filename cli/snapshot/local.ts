/**
 * A snapshot of the machine the CLI runs on, through the agent's own collectors (what upstream does
 * inside its agent Job): SystemD, OS and GPU always, K8s and NodeTopology unless `noCluster`. A
 * collector that fails or times out costs only its measurement (reported as a warning); the whole
 * capture is cancelled when `deadlineMs` passes.
 */
import { AicrError, ErrorCode } from "../../core/errors.ts";
import type { SnapshotDocument } from "../../agent/snapshot.ts";

export interface LocalCaptureOptions {
  /** The host's `/` (default `/`). */
  hostRoot?: string;
  noCluster: boolean;
  kubeconfig?: string;
  requireGpu: boolean;
  deadlineMs: number;
  onWarning: (line: string) => void;
  onDebug: (line: string) => void;
}

export async function captureLocal(opts: LocalCaptureOptions): Promise<SnapshotDocument> {
  const [{ createCollectors }, { takeSnapshot }] = await Promise.all([import("../../agent/collector.ts"), import("../../agent/snapshot.ts")]);
  let extra: Awaited<ReturnType<typeof import("../../agent/cluster.ts").clusterCollectors>> = [];
  if (!opts.noCluster) {
    const kube = await import("../../agent/cluster.ts");
    extra = await kube.clusterCollectors(kube.lazyClient({ kubeconfig: opts.kubeconfig }), opts.onDebug);
  }
  const cancel = new AbortController();
  const timer = setTimeout(() => cancel.abort(new Error("deadline passed")), opts.deadlineMs);
  let doc: SnapshotDocument;
  try {
    doc = await takeSnapshot({
      collectors: await createCollectors({ extra }),
      hostRoot: opts.hostRoot ?? "/",
      requireGpu: opts.requireGpu,
      signal: cancel.signal,
    });
  } catch (err) {
    if (cancel.signal.aborted) throw new AicrError(ErrorCode.Timeout, `no snapshot within ${opts.deadlineMs / 1000}s`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  for (const c of doc.status.collectors) {
    if (c.state === "failed" || c.state === "timeout") opts.onWarning(`${c.name} collector ${c.state === "timeout" ? "timed out" : "failed"}: ${c.error ?? "no detail"}`);
    else opts.onDebug(`${c.name} collector ${c.state}${c.error ? `: ${c.error}` : ""}`);
  }
  return doc;
}
