/** What a handler gets: the request, its id and deadline, the negotiated format, and the server's state. */
import type { ServerConfig } from "./config.ts";
import type { LruCache } from "./cache.ts";
import type { ServerMetrics } from "./metrics.ts";
import type { WireFormat } from "./negotiate.ts";

/** A rendered response kept in the cache. */
export interface CachedBody {
  text: string;
  contentType: string;
}

export interface RequestContext {
  readonly req: Request;
  readonly url: URL;
  readonly requestId: string;
  /** Format of the response body (from `Accept`). */
  readonly format: WireFormat;
  readonly config: ServerConfig;
  /** Aborted when the request's deadline passes. */
  readonly signal: AbortSignal;
  readonly metrics: ServerMetrics;
  readonly cache: LruCache<CachedBody>;
  /** The request body as text, within the size limit and the deadline. */
  body(): Promise<string>;
  /**
   * Keep the request counted as in flight after the handler returns (a streamed body); call the
   * returned function once the body is done. Graceful shutdown waits for it.
   */
  hold(): () => void;
}

export type Handler = (ctx: RequestContext) => Response | Promise<Response>;
