/**
 * What the cluster collectors share: how they get their Kubernetes client (one handed in and
 * shared by the agent, a factory, or discovery: --kubeconfig, KUBECONFIG, ~/.kube/config,
 * in-cluster), the part of the collector context they use, and reporting degraded results. A client
 * that cannot be built means "no cluster": the collectors then degrade instead of failing.
 */
import { AicrError, ErrorCode, renderError } from "../../core/errors.ts";
import { createKubeClient, type KubeClient } from "../kube/client.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** The part of the agent's collector context these collectors use (structurally compatible with it). */
export interface ClusterCollectContext {
  readonly signal: AbortSignal;
  /** Environment for discovery and the node name; default process.env. */
  readonly env?: Env;
  /** Mark the measurement as incomplete (no cluster, a failed sub-step). */
  degrade?(state: "failed" | "timeout" | "skipped", reason: string): void;
}

export interface KubeClientOption {
  /** The client to use, or a factory for it; default: discovered from the options below. */
  client?: KubeClient | (() => KubeClient | Promise<KubeClient>);
  kubeconfig?: string;
  context?: string;
  /** Environment for discovery and node-name lookup (default: the context's, else process.env). */
  env?: Env;
  /** Home directory for ~/.kube/config and the service-account directory (tests). */
  home?: string;
  serviceAccountDir?: string;
  /** Told about anything skipped (no cluster, a failed sub-step). Library code never prints. */
  onWarning?: (message: string, cause?: unknown) => void;
}

/** The client, or undefined (reported as a warning and a "skipped" degradation) when none can be built. */
export async function resolveKubeClient(opts: KubeClientOption, collector: string, ctx: ClusterCollectContext): Promise<KubeClient | undefined> {
  const env = opts.env ?? ctx.env;
  try {
    if (opts.client === undefined) {
      return createKubeClient({
        ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}),
        ...(opts.context ? { context: opts.context } : {}),
        ...(env ? { env: { ...env } } : {}),
        ...(opts.home ? { home: opts.home } : {}),
        ...(opts.serviceAccountDir ? { serviceAccountDir: opts.serviceAccountDir } : {}),
      });
    }
    return typeof opts.client === "function" ? await opts.client() : opts.client;
  } catch (err) {
    opts.onWarning?.(`${collector}: no Kubernetes client, collecting without a cluster`, err);
    ctx.degrade?.("skipped", `no Kubernetes cluster: ${renderError(err)}`);
    return undefined;
  }
}

/** Report a failed sub-step: a warning and a "failed" (or "timeout") degradation. */
export function reportFailure(opts: KubeClientOption, ctx: ClusterCollectContext, collector: string, step: string, err: unknown): void {
  opts.onWarning?.(`${collector}: failed to collect ${step} - skipping`, err);
  const timedOut = err instanceof AicrError && err.code === ErrorCode.Timeout;
  ctx.degrade?.(timedOut ? "timeout" : "failed", `${step}: ${renderError(err)}`);
}

/** The node this process describes: NODE_NAME, else KUBERNETES_NODE_NAME, else HOSTNAME, else "". */
export function nodeNameFromEnv(env: Env = process.env): string {
  return env["NODE_NAME"] || env["KUBERNETES_NODE_NAME"] || env["HOSTNAME"] || "";
}

/** A signal that fires when the caller's does or after `timeoutMs`. */
export const withTimeout = (signal: AbortSignal, timeoutMs: number): AbortSignal => AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);

/** Throw if the context is already done (collectors check this on entry). */
export function checkNotDone(signal: AbortSignal, collector: string): void {
  if (signal.aborted) {
    const reason = signal.reason as Error | undefined;
    throw new AicrError(ErrorCode.Timeout, `${collector} collector not started: ${reason?.message ?? "cancelled"}`, { cause: reason });
  }
}
