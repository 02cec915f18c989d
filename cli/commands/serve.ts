/**
 * `aicr serve`: run aicrd, the REST API over the recipe engine, bundler and offline validation.
 * Structured JSON logs (access log and lifecycle) go to stderr. SIGTERM or SIGINT shut it down
 * gracefully: no new connections, requests in flight finish, exit 0.
 */
import { internal, invalid } from "../../core/errors.ts";
import { parseGoDuration } from "../../core/validate/duration.ts";
import { VERSION } from "../../core/version.ts";
import { dataArg } from "../args.ts";
import { loadStore } from "../catalogue.ts";
import { useNormalJit } from "../jit.ts";
import type { Command, RunContext } from "../runner.ts";
import { batchedWriter, logLine } from "../server/access-log.ts";
import { allowlistsFromEnv } from "../server/allowlist.ts";
import {
  DEFAULT_BURST,
  DEFAULT_HOST,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_PORT,
  DEFAULT_RATE,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  type ServerConfig,
} from "../server/config.ts";
import { parseByteSize } from "../server/limits.ts";
import { startServer } from "../server/server.ts";

const MAX_PORT = 65_535;

function positiveInt(v: unknown, flag: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) throw invalid(`invalid value for --${flag}: "${String(v)}" (must be a positive integer)`);
  return v;
}

/** --port, else env PORT (its leading integer), else the default. */
function portOf(ctx: RunContext): number {
  if (ctx.given.has("port")) {
    const p = ctx.args["port"] as number;
    if (!Number.isInteger(p) || p < 0 || p > MAX_PORT) throw invalid(`invalid value for --port: "${p}" (must be 0-${MAX_PORT}; 0 picks a free port)`);
    return p;
  }
  const env = Bun.env["PORT"];
  const m = env === undefined ? null : /^\s*(\d+)/.exec(env);
  if (m && Number(m[1]) <= MAX_PORT) return Number(m[1]);
  return DEFAULT_PORT;
}

function durationMs(text: string, flag: string): number {
  const ms = parseGoDuration(text, flag);
  if (ms <= 0) throw invalid(`invalid value for ${flag}: "${text}" (must be more than 0)`);
  return ms;
}

/** The server configuration from flags and environment (fails before anything listens). */
export async function serverConfig(ctx: RunContext, logLineFn: (line: string) => void): Promise<ServerConfig> {
  const args = ctx.args;
  const data = typeof args["data"] === "string" && args["data"] !== "" ? args["data"] : undefined;
  const shutdownEnv = Bun.env["SHUTDOWN_TIMEOUT_SECONDS"];
  const shutdownTimeoutMs = ctx.given.has("shutdown-timeout")
    ? durationMs(String(args["shutdown-timeout"]), "--shutdown-timeout")
    : shutdownEnv !== undefined && /^\d+$/.test(shutdownEnv.trim()) && Number(shutdownEnv) > 0
      ? Number(shutdownEnv) * 1000
      : DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const config: ServerConfig = {
    host: String(args["host"] ?? DEFAULT_HOST),
    port: portOf(ctx),
    store: await loadStore(data),
    dataFiles: data ? (await import("../data-dir.ts")).readDataDir(data) : [],
    version: VERSION,
    maxBodyBytes: ctx.given.has("max-body") ? parseByteSize(String(args["max-body"]), "--max-body") : DEFAULT_MAX_BODY_BYTES,
    rate: ctx.given.has("rate") ? positiveInt(args["rate"], "rate") : DEFAULT_RATE,
    burst: ctx.given.has("burst") ? positiveInt(args["burst"], "burst") : DEFAULT_BURST,
    shutdownTimeoutMs,
    trustedProxies: (Array.isArray(args["trusted-proxy"]) ? (args["trusted-proxy"] as string[]) : []).flatMap((s) => s.split(",")).map((s) => s.trim()).filter((s) => s !== ""),
    allowlists: allowlistsFromEnv(Bun.env),
    logLine: logLineFn,
    accessLog: args["access-log"] !== false,
  };
  if (ctx.given.has("request-timeout")) config.requestTimeoutMs = durationMs(String(args["request-timeout"]), "--request-timeout");
  return config;
}

const command: Command = {
  meta: { name: "serve", description: "Run aicrd, the REST API server (recipe, query, bundle, validate, health, readiness, metrics)" },
  args: {
    port: { type: "string", int: true, description: `Port to listen on (env PORT, default ${DEFAULT_PORT}; 0 picks a free port)`, valueHint: "port" },
    host: { type: "string", description: `Address to listen on (default ${DEFAULT_HOST}: every interface)`, valueHint: "address" },
    ...dataArg,
    "max-body": { type: "string", description: `Largest request body, e.g. 1048576, 512KiB, 8MiB (default ${DEFAULT_MAX_BODY_BYTES / 1024 / 1024}MiB)`, valueHint: "size" },
    rate: { type: "string", int: true, description: `Requests per second allowed to each client (default ${DEFAULT_RATE})`, valueHint: "n" },
    burst: { type: "string", int: true, description: `Most requests one client may make at once before the rate applies (default ${DEFAULT_BURST})`, valueHint: "n" },
    "request-timeout": { type: "string", description: "Deadline of every request, Go duration (default 30s; 60s for bundles)", valueHint: "duration" },
    "shutdown-timeout": {
      type: "string",
      description: `How long shutdown waits for requests in flight (env SHUTDOWN_TIMEOUT_SECONDS, default ${DEFAULT_SHUTDOWN_TIMEOUT_MS / 1000}s)`,
      valueHint: "duration",
    },
    "trusted-proxy": {
      type: "string",
      multiple: true,
      description: "Proxy address whose X-Forwarded-For names the client, for rate limiting and logs (repeatable)",
      valueHint: "ip",
    },
    "access-log": { type: "boolean", description: "One JSON line per request on stderr (default true; --access-log=false to disable)" },
  },
  async run(ctx) {
    const sink = Bun.stderr.writer();
    const out = batchedWriter((text) => {
      sink.write(text);
      void sink.flush();
    });
    const config = await serverConfig(ctx, out.write);
    let server;
    try {
      server = startServer(config);
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw internal(`cannot listen on ${config.host}:${config.port}${code === "EADDRINUSE" ? ": address already in use" : ""}`, code === "EADDRINUSE" ? undefined : err);
    }
    useNormalJit(); // a long-running server: the start-up JIT policy has done its job
    out.write(
      logLine("INFO", "listening", {
        url: server.url,
        version: config.version,
        rate: config.rate,
        burst: config.burst,
        maxBodyBytes: config.maxBodyBytes,
        allowlists: config.allowlists,
      }),
    );
    const signal = await new Promise<string>((resolve) => {
      process.once("SIGTERM", () => resolve("SIGTERM"));
      process.once("SIGINT", () => resolve("SIGINT"));
    });
    await server.shutdown(signal);
    out.flush();
    await sink.flush();
  },
};

export default command;
