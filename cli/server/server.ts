/**
 * Running aicrd on Bun.serve, and stopping it gracefully: readiness goes false, the listener closes
 * (no new connections), requests in flight finish (up to the shutdown timeout), then the remaining
 * connections are closed.
 */
import type { Server } from "bun";
import { logLine } from "./access-log.ts";
import { createApp, type App } from "./app.ts";
import { DEFAULT_BUNDLE_TIMEOUT_MS, IDLE_TIMEOUT_SECONDS, type ServerConfig } from "./config.ts";

/** Bun's own body limit sits above ours, so that ours answers first (with a structured 413). */
const BUN_BODY_LIMIT_SLACK = 64 * 1024;
/** Bun closes connections idle longer than this at most. */
const MAX_IDLE_TIMEOUT_SECONDS = 255;

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly app: App;
  /** Stop gracefully; resolves once every connection is closed. Calling it again returns the same promise. */
  shutdown(reason: string): Promise<void>;
}

export function startServer(config: ServerConfig): RunningServer {
  const app = createApp(config);
  const longest = Math.max(config.requestTimeoutMs ?? DEFAULT_BUNDLE_TIMEOUT_MS, 1000);
  const idleTimeout = Math.min(MAX_IDLE_TIMEOUT_SECONDS, Math.max(IDLE_TIMEOUT_SECONDS, Math.ceil(longest / 1000) + 5));
  const server: Server<undefined> = Bun.serve({
    hostname: config.host,
    port: config.port,
    idleTimeout,
    // A second server on a busy port is an error, not a silent share of the port.
    reusePort: false,
    maxRequestBodySize: config.maxBodyBytes + BUN_BODY_LIMIT_SLACK,
    development: false,
    fetch: (req, srv) => app.fetch(req, srv),
    error(err) {
      config.logLine?.(logLine("ERROR", "unexpected error", { error: err.stack ?? err.message }));
      return new Response("internal server error\n", { status: 500, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    },
  });
  const port = server.port ?? config.port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  let stopping: Promise<void> | undefined;

  async function stop(reason: string): Promise<void> {
    app.ready = false;
    config.logLine?.(logLine("INFO", "shutting down", { reason, inFlight: app.inFlight }));
    void server.stop(false);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = await Promise.race([
      app.drained().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), config.shutdownTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) config.logLine?.(logLine("WARN", "shutdown timeout: closing connections with requests in flight", { inFlight: app.inFlight }));
    await server.stop(true);
    config.logLine?.(logLine("INFO", "stopped"));
  }

  return {
    url: `http://${host}:${port}`,
    port,
    app,
    shutdown(reason) {
      stopping ??= stop(reason);
      return stopping;
    },
  };
}
