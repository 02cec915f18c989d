/**
 * The aicrd request pipeline. `/health`, `/ready` and `/metrics` answer directly. Every other request
 * goes through the chain: metrics and access log (outermost), request id and API version headers,
 * per-client rate limit, routing (404 unknown path, 405 wrong method), the request deadline, then
 * the handler. Whatever a handler throws becomes one error response; nothing escapes to the server.
 */
import { AicrError, ErrorCode } from "../../core/errors.ts";
import { formatGoDuration } from "../../core/validate/duration.ts";
import { accessLine, logLine } from "./access-log.ts";
import { ApiError, fromError } from "./api-error.ts";
import { LruCache } from "./cache.ts";
import { clientAddress } from "./client-ip.ts";
import { MAX_TRACKED_CLIENTS, RESPONSE_CACHE_BYTES, RESPONSE_CACHE_ENTRIES, timeoutFor, type ServerConfig } from "./config.ts";
import type { CachedBody } from "./context.ts";
import { withDeadline } from "./deadline.ts";
import { healthResponse } from "./handlers/health.ts";
import { metricsResponse } from "./handlers/metrics.ts";
import { readyResponse } from "./handlers/ready.ts";
import { readBody } from "./limits.ts";
import { ServerMetrics } from "./metrics.ts";
import { responseFormat } from "./negotiate.ts";
import { RateLimiter } from "./rate-limit.ts";
import { errorResponse } from "./respond.ts";
import { apiPaths, HEALTH_PATH, METRICS_PATH, READY_PATH, routes } from "./routes.ts";
import { requestIdOf } from "./request-id.ts";

export const API_VERSION = "v1";

/** Methods counted under their own name in metrics; any other is "OTHER". */
const knownMethods = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);

/** What the app needs from the server: the peer address of a request. */
export interface PeerInfo {
  requestIP(req: Request): { address: string } | null;
}

export interface App {
  fetch(req: Request, peer?: PeerInfo): Promise<Response>;
  readonly metrics: ServerMetrics;
  readonly limiter: RateLimiter;
  /** False once shutdown has begun. */
  ready: boolean;
  /** Requests being answered (streamed bodies included). */
  readonly inFlight: number;
  /** Resolves when no request is in flight. */
  drained(): Promise<void>;
}

function plainMethodNotAllowed(): Response {
  return new Response("Method not allowed\n", {
    status: 405,
    headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", Allow: "GET" },
  });
}

export function createApp(config: ServerConfig): App {
  const metrics = new ServerMetrics();
  const limiter = new RateLimiter(config.rate, config.burst, MAX_TRACKED_CLIENTS);
  const cache = new LruCache<CachedBody>(RESPONSE_CACHE_ENTRIES, RESPONSE_CACHE_BYTES, (b) => b.text.length);
  const trusted = new Set(config.trustedProxies);
  let inFlight = 0;
  let waiters: (() => void)[] = [];

  const release = () => {
    inFlight--;
    metrics.inFlight.set(inFlight);
    if (inFlight === 0) {
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    }
  };

  async function chain(req: Request, peer: PeerInfo | undefined): Promise<Response> {
    const t0 = performance.now();
    const url = new URL(req.url);
    const method = req.method.toUpperCase();
    const requestId = requestIdOf(req.headers.get("x-request-id"));
    const format = responseFormat(req.headers.get("accept"));
    const client = clientAddress(peer?.requestIP(req)?.address, req.headers.get("x-forwarded-for"), trusted);
    const route = routes[url.pathname];
    const routeLabel = route ? url.pathname : "unmatched";
    let bytesIn: number | undefined;
    let holds = 1;
    inFlight++;
    metrics.inFlight.set(inFlight);
    const extraHeaders: Record<string, string> = {};
    let errorCode: string | undefined;

    let res: Response;
    try {
      const decision = limiter.take(client);
      if (!decision.allowed) {
        metrics.rateLimitRejects.inc();
        throw new ApiError(ErrorCode.RateLimitExceeded, "Rate limit exceeded", { burst: decision.burst, limit: decision.limit }, {
          headers: { "Retry-After": String(decision.retryAfterSeconds) },
        });
      }
      extraHeaders["X-Ratelimit-Limit"] = String(decision.limit);
      extraHeaders["X-Ratelimit-Remaining"] = String(decision.remaining);
      extraHeaders["X-Ratelimit-Reset"] = String(decision.resetSeconds);
      if (!route) {
        throw new ApiError(ErrorCode.NotFound, "Not found", { path: url.pathname, routes: ["/", ...apiPaths] });
      }
      if (!route.methods.includes(method)) {
        throw new ApiError(ErrorCode.MethodNotAllowed, "Method not allowed", { allowed: [...route.methods], method }, {
          headers: { Allow: route.methods.join(", ") },
        });
      }
      const timeoutMs = timeoutFor(config, route.defaultTimeoutMs);
      const timeout = formatGoDuration(timeoutMs);
      res = await withDeadline(
        (signal) =>
          route.handler({
            req,
            url,
            requestId,
            format,
            config,
            signal,
            metrics,
            cache,
            body: async () => {
              const text = await readBody(req, config.maxBodyBytes, signal);
              bytesIn = Buffer.byteLength(text);
              return text;
            },
            hold: () => {
              holds++;
              let done = false;
              return () => {
                if (done) return;
                done = true;
                if (--holds === 0) release();
              };
            },
          }),
        timeoutMs,
        () => new ApiError(ErrorCode.Timeout, `Request timed out after ${timeout}`, { timeout }),
      );
    } catch (err) {
      const e = err instanceof ApiError ? err : fromError(err, "Internal server error");
      if (!(err instanceof ApiError) && !(err instanceof AicrError)) {
        metrics.panics.inc();
        config.logLine?.(logLine("ERROR", "unexpected error", { requestId, path: url.pathname, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
      }
      errorCode = e.code;
      if (e.code === ErrorCode.Timeout) metrics.timeouts.inc();
      res = errorResponse(e, requestId, format);
    }
    res.headers.set("X-Api-Version", API_VERSION);
    res.headers.set("X-Request-Id", requestId);
    for (const [k, v] of Object.entries(extraHeaders)) res.headers.set(k, v);
    if (!app.ready) res.headers.set("Connection", "close");

    const seconds = (performance.now() - t0) / 1000;
    const methodLabel = knownMethods.has(method) ? method : "OTHER";
    metrics.requests.inc({ method: methodLabel, path: routeLabel, status: String(res.status) });
    metrics.duration.observe({ method: methodLabel, path: routeLabel }, seconds);
    if (config.accessLog && config.logLine) {
      const ua = req.headers.get("user-agent") ?? undefined;
      config.logLine(accessLine({ method, path: url.pathname, route: routeLabel, status: res.status, durationMs: seconds * 1000, client, requestId, userAgent: ua, bytesIn, error: errorCode }));
    }
    if (--holds === 0) release();
    return res;
  }

  const app: App = {
    metrics,
    limiter,
    ready: true,
    get inFlight() {
      return inFlight;
    },
    drained() {
      return inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve));
    },
    async fetch(req, peer) {
      const path = new URL(req.url).pathname;
      if (path === HEALTH_PATH) return req.method === "GET" ? healthResponse() : plainMethodNotAllowed();
      if (path === READY_PATH) return req.method === "GET" ? readyResponse(app.ready) : plainMethodNotAllowed();
      if (path === METRICS_PATH) return metricsResponse(metrics);
      try {
        return await chain(req, peer);
      } catch (err) {
        // Only a bug in the chain itself gets here.
        metrics.panics.inc();
        config.logLine?.(logLine("ERROR", "unexpected error", { path, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
        return new Response("internal server error\n", { status: 500, headers: { "Content-Type": "text/plain; charset=utf-8" } });
      }
    },
  };
  return app;
}
