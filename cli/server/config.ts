/**
 * What an aicrd server runs with: listen address, the catalogue, limits, rate limiting, timeouts,
 * allow-lists and logging. Built once by `aicr serve` (or a test) and never changed while serving.
 */
import type { DataFile } from "../../core/bundle/bundle-plan.ts";
import type { Store } from "../../core/catalogue/store.ts";
import type { Allowlists } from "./allowlist.ts";

/** Port when neither --port nor PORT says otherwise. */
export const DEFAULT_PORT = 8080;
/** Listen on every interface by default (the server runs in a container behind a Service). */
export const DEFAULT_HOST = "0.0.0.0";
/** Largest request body accepted; beyond it the answer is 413. */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Sustained requests per second allowed to one client. */
export const DEFAULT_RATE = 100;
/** Requests one client may make in a burst. */
export const DEFAULT_BURST = 200;
/** Deadline of a recipe, query or validate request (reading the body included). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Deadline of a bundle request, which does the most work. */
export const DEFAULT_BUNDLE_TIMEOUT_MS = 60_000;
/** How long a shutdown waits for requests in flight before closing their connections. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;
/** Connections idle this long are closed (Bun's limit is 255 s). */
export const IDLE_TIMEOUT_SECONDS = 120;
/** Most rendered recipe and query responses kept in memory (least recently used dropped first). */
export const RESPONSE_CACHE_ENTRIES = 512;
/** Most text those responses may hold in all (counted in characters; the content is ASCII). */
export const RESPONSE_CACHE_BYTES = 32 * 1024 * 1024;
/** Rate-limit buckets kept at most (idle clients are forgotten first). */
export const MAX_TRACKED_CLIENTS = 10_000;
/** Service name reported by `GET /`. */
export const SERVICE_NAME = "aicrd";

export interface ServerConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Catalogue: embedded, or embedded with `--data` layered over it. */
  store: Store;
  /** `--data` files, copied under data/ in bundles (as `aicr bundle --data` does). */
  dataFiles: readonly DataFile[];
  version: string;
  maxBodyBytes: number;
  /** Tokens per second per client. */
  rate: number;
  burst: number;
  /** When set, one deadline for every endpoint; otherwise the per-endpoint defaults above. */
  requestTimeoutMs?: number;
  shutdownTimeoutMs: number;
  /** Peers whose X-Forwarded-For is believed (exact IP addresses). */
  trustedProxies: readonly string[];
  allowlists: Allowlists;
  /** Where structured log lines go (access log and lifecycle); undefined: nowhere. */
  logLine?: (line: string) => void;
  /** Write one access-log line per request. */
  accessLog: boolean;
}

/** The deadline of an endpoint: the configured one, or the endpoint's default. */
export const timeoutFor = (config: ServerConfig, defaultMs: number): number => config.requestTimeoutMs ?? defaultMs;
