/**
 * Taking a snapshot: every collector runs concurrently under its own deadline and abort signal; one that
 * fails or runs out of time costs only its own measurement. The result is the Snapshot document (kind,
 * apiVersion, metadata, measurements in a fixed order) plus a `status` block saying which collectors
 * delivered, which secrets were redacted, and whether the snapshot is complete.
 */
import { AicrError, ErrorCode, notFound, renderError } from "../core/errors.ts";
import { SnapshotKind, type Measurement, type Subtype } from "../core/schema/snapshot.ts";
import { VERSION } from "../core/version.ts";
import { measurementOrder, type CollectContext, type Collector, type CollectorState, type DegradedState, type Env } from "./collector.ts";
import { execCommand, type Exec } from "./exec.ts";
import { redactMeasurements } from "./redact.ts";

/** Deadline of each collector unless set otherwise. */
export const DEFAULT_COLLECTOR_TIMEOUT_MS = 30_000;
/** After a deadline passes, how long the collector gets to stop (and kill its commands) before the snapshot goes on without it. */
export const DEFAULT_STOP_GRACE_MS = 3_000;

export const SNAPSHOT_API_VERSION = "aicr.nvidia.com/v1alpha1";

export interface CollectorStatus {
  name: string;
  state: CollectorState;
  error?: string;
}

export interface SnapshotStatus {
  /** False when any collector failed or timed out (skipped sources do not make a snapshot partial). */
  complete: boolean;
  collectors: CollectorStatus[];
  /** Readings with secrets replaced, as `Type.subtype.key`. */
  redacted: string[];
}

export interface SnapshotDocument {
  kind: typeof SnapshotKind;
  apiVersion: string;
  metadata: Record<string, string>;
  measurements: Measurement[];
  status: SnapshotStatus;
}

export interface SnapshotOptions {
  collectors: readonly Collector[];
  /** The host's `/` (default `/`). */
  hostRoot?: string;
  env?: Env;
  exec?: Exec;
  now?: () => Date;
  /** Deadline for every collector; when unset, a collector's own `timeoutMs`, else the default. */
  timeoutMs?: number;
  stopGraceMs?: number;
  /** Fail with NOT_FOUND unless a GPU measurement reports gpu-count > 0. */
  requireGpu?: boolean;
  /** Keep secrets in readings. */
  noRedact?: boolean;
  /** Cancels the whole snapshot (e.g. on SIGTERM). */
  signal?: AbortSignal;
  /** Recorded as metadata.version (default this build's version). */
  version?: string;
}

/** RFC 3339 UTC with seconds precision: `2026-01-03T10:30:05Z`. */
export const rfc3339Seconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/** Node name from NODE_NAME, else KUBERNETES_NODE_NAME, else HOSTNAME, else "". */
export const sourceNodeOf = (env: Env) => env["NODE_NAME"] || env["KUBERNETES_NODE_NAME"] || env["HOSTNAME"] || "";

const severity: Record<CollectorState, number> = { ok: 0, skipped: 1, failed: 2, timeout: 3 };

interface Outcome {
  status: CollectorStatus;
  measurement?: Measurement;
}

const messageOf = (err: unknown) => (err instanceof AicrError ? renderError(err) : err instanceof Error ? err.message : String(err));
const seconds = (ms: number) => `${ms / 1000}s`;

async function runCollector(c: Collector, opts: SnapshotOptions, base: Omit<CollectContext, "signal" | "degrade">): Promise<Outcome> {
  const deadline = opts.timeoutMs ?? c.timeoutMs ?? DEFAULT_COLLECTOR_TIMEOUT_MS;
  const ac = new AbortController();
  const degraded: { state: DegradedState; reason: string }[] = [];
  const ctx: CollectContext = { ...base, signal: ac.signal, degrade: (state, reason) => void degraded.push({ state, reason }) };

  let timer: ReturnType<typeof setTimeout> | undefined;
  let onCancel: (() => void) | undefined;
  const expired = new Promise<"timeout" | "cancelled">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), deadline);
    onCancel = () => resolve("cancelled");
    if (opts.signal?.aborted) onCancel();
    else opts.signal?.addEventListener("abort", onCancel, { once: true });
  });
  const work = Promise.resolve()
    .then(() => c.collect(ctx))
    .then(
      (measurement) => ({ measurement }),
      (error: unknown) => ({ error }),
    );

  try {
    const first = await Promise.race([work, expired]);
    if (first === "timeout" || first === "cancelled") {
      ac.abort(first === "timeout" ? new AicrError(ErrorCode.Timeout, `${c.name} collector did not finish within ${seconds(deadline)}`) : opts.signal?.reason);
      // Give the collector a moment to stop its commands; its late result is not used.
      let grace: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([work, new Promise((r) => (grace = setTimeout(r, opts.stopGraceMs ?? DEFAULT_STOP_GRACE_MS)))]);
      clearTimeout(grace);
      return first === "timeout"
        ? { status: { name: c.name, state: "timeout", error: `did not finish within ${seconds(deadline)}` } }
        : { status: { name: c.name, state: "failed", error: "cancelled" } };
    }
    if ("error" in first) return { status: { name: c.name, state: "failed", error: messageOf(first.error) } };
    const worst = degraded.reduce<CollectorState>((s, d) => (severity[d.state] > severity[s] ? d.state : s), "ok");
    const status: CollectorStatus = { name: c.name, state: worst };
    if (degraded.length > 0) status.error = degraded.map((d) => d.reason).join("; ");
    return { status, measurement: first.measurement };
  } finally {
    clearTimeout(timer);
    if (onCancel) opts.signal?.removeEventListener("abort", onCancel);
  }
}

/** A measurement in document shape: empty subtypes and contexts left out, data always present. */
function normalise(m: Measurement): Measurement {
  const subtypes = (m.subtypes ?? []).map((s) => {
    const out: Subtype = {};
    if (s.subtype) out.subtype = s.subtype;
    out.data = s.data ?? {};
    if (s.context && Object.keys(s.context).length > 0) out.context = s.context;
    return out;
  });
  return subtypes.length > 0 ? { type: m.type, subtypes } : { type: m.type };
}

const typeRank = (m: Measurement) => {
  const i = (measurementOrder as readonly string[]).indexOf(m.type);
  return i < 0 ? measurementOrder.length : i;
};

/** Whether some GPU measurement reports at least one GPU. */
export function hasGpu(measurements: readonly Measurement[]): boolean {
  return measurements.some(
    (m) => m.type === "GPU" && (m.subtypes ?? []).some((s) => typeof s.data?.["gpu-count"] === "number" && (s.data["gpu-count"] as number) > 0),
  );
}

/** Run `opts.collectors` and build the snapshot. Rejects only when cancelled or when `requireGpu` finds no GPU. */
export async function takeSnapshot(opts: SnapshotOptions): Promise<SnapshotDocument> {
  const env = opts.env ?? process.env;
  const now = opts.now ?? (() => new Date());
  const metadata: Record<string, string> = { timestamp: rfc3339Seconds(now()), "source-node": sourceNodeOf(env) };
  const version = opts.version ?? VERSION;
  if (version !== "") metadata["version"] = version;

  const base = { hostRoot: opts.hostRoot ?? "/", env, exec: opts.exec ?? execCommand, now };
  const outcomes = await Promise.all(opts.collectors.map((c) => runCollector(c, opts, base)));
  if (opts.signal?.aborted) throw new AicrError(ErrorCode.Internal, "snapshot cancelled", { cause: opts.signal.reason });

  let measurements = outcomes
    .flatMap((o, i) => (o.measurement ? [{ m: o.measurement, i }] : []))
    .sort((a, b) => typeRank(a.m) - typeRank(b.m) || a.i - b.i)
    .map((x) => normalise(x.m));
  const collectors = outcomes.map((o) => o.status);

  if (opts.requireGpu && !hasGpu(measurements)) {
    const gpu = collectors.find((c) => c.name === "gpu");
    const why = gpu === undefined ? "the GPU collector did not run" : gpu.error ?? "nvidia-smi reported 0 GPUs";
    throw notFound(`--require-gpu was set but no GPU was detected: ${why}`);
  }

  let redacted: string[] = [];
  if (!opts.noRedact) ({ measurements, redacted } = redactMeasurements(measurements));

  const complete = collectors.every((c) => c.state === "ok" || c.state === "skipped");
  return { kind: SnapshotKind, apiVersion: SNAPSHOT_API_VERSION, metadata, measurements, status: { complete, collectors, redacted } };
}
