/**
 * Errors as the API reports them: an HTTP status, a code, a message, sorted details, and whether
 * retrying may help. Structured errors of the engine map by their code; anything else is a 500.
 */
import { AicrError, ErrorCode, renderError } from "../../core/errors.ts";

/** HTTP status of each error code. */
export const statusOfCode: Record<ErrorCode, number> = {
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  RATE_LIMIT_EXCEEDED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
  TIMEOUT: 504,
};

const retryableCodes: ReadonlySet<ErrorCode> = new Set([ErrorCode.Timeout, ErrorCode.ServiceUnavailable, ErrorCode.RateLimitExceeded, ErrorCode.Internal]);

export class ApiError extends Error {
  readonly status: number;
  /** Extra response headers (e.g. `Allow`, `Retry-After`). */
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    opts: { status?: number; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = opts.status ?? statusOfCode[code];
    this.headers = opts.headers ?? {};
  }

  get retryable(): boolean {
    return retryableCodes.has(this.code);
  }
}

/**
 * A request the handler refuses with a fixed message (e.g. "Invalid recipe criteria"); the reason
 * is the cause's text in `details.error`.
 */
export function badRequest(message: string, cause: unknown, extras: Record<string, unknown> = {}): ApiError {
  return new ApiError(ErrorCode.InvalidRequest, message, { ...extras, error: renderError(cause) });
}

/**
 * Any failure as an ApiError: an AicrError keeps its code and message (`fallback` when empty), its
 * cause goes to `details.error` and its detail lines to `details.lines`; anything else is a 500.
 */
export function fromError(err: unknown, fallback: string, extras: Record<string, unknown> = {}): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof AicrError) {
    const details: Record<string, unknown> = { ...extras };
    if (err.cause !== undefined) details["error"] = renderError(err.cause);
    if (err.details.length > 0) details["lines"] = [...err.details];
    return new ApiError(err.code, err.message || fallback, details);
  }
  return new ApiError(ErrorCode.Internal, fallback, { ...extras, error: err instanceof Error ? err.message : String(err) });
}

/** RFC 3339 in UTC with the fraction's trailing zeros trimmed (as Go writes a time). */
export function rfc3339Nano(d: Date): string {
  return d.toISOString().replace(/\.(\d*?)0*Z$/, (_, f: string) => (f === "" ? "Z" : `.${f}Z`));
}

/** The error body: code, message, details (keys sorted; left out when empty), request id, time, retryable. */
export function errorBody(e: ApiError, requestId: string, now: Date): Record<string, unknown> {
  const body: Record<string, unknown> = { code: e.code, message: e.message };
  const keys = Object.keys(e.details).sort();
  if (keys.length > 0) body["details"] = Object.fromEntries(keys.map((k) => [k, e.details[k]]));
  body["requestId"] = requestId;
  body["timestamp"] = rfc3339Nano(now);
  body["retryable"] = e.retryable;
  return body;
}
