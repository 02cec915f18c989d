/**
 * Structured errors shared by every layer. Each error carries a code; the code of the
 * outermost error decides the process exit status (see `exitCodeFor`).
 */

export const ErrorCode = {
  InvalidRequest: "INVALID_REQUEST",
  NotFound: "NOT_FOUND",
  Internal: "INTERNAL",
  Timeout: "TIMEOUT",
  Unauthorized: "UNAUTHORIZED",
  ServiceUnavailable: "SERVICE_UNAVAILABLE",
  RateLimitExceeded: "RATE_LIMIT_EXCEEDED",
  MethodNotAllowed: "METHOD_NOT_ALLOWED",
  Conflict: "CONFLICT",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const exitCodes: Record<ErrorCode, number> = {
  INVALID_REQUEST: 2,
  METHOD_NOT_ALLOWED: 2,
  CONFLICT: 2,
  NOT_FOUND: 3,
  UNAUTHORIZED: 4,
  TIMEOUT: 5,
  SERVICE_UNAVAILABLE: 6,
  RATE_LIMIT_EXCEEDED: 7,
  INTERNAL: 8,
};

export class AicrError extends Error {
  readonly code: ErrorCode;
  /** Extra lines shown under the error (e.g. every problem of a file), never part of the one-line message. */
  readonly details: readonly string[];

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: readonly string[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AicrError";
    this.code = code;
    this.details = options.details ?? [];
  }

  /** `[CODE] message: <cause>` recursively, as upstream renders structured errors. */
  render(): string {
    return renderError(this);
  }
}

export function renderError(err: unknown): string {
  if (err instanceof AicrError) {
    const head = `[${err.code}] ${err.message}`;
    return err.cause === undefined ? head : `${head}: ${renderError(err.cause)}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Every detail line collected along the cause chain, outermost first. */
export function errorDetails(err: unknown): string[] {
  const out: string[] = [];
  let cur: unknown = err;
  while (cur instanceof Error) {
    if (cur instanceof AicrError) out.push(...cur.details);
    cur = cur.cause;
  }
  return out;
}

/** Exit status of a failed command: decided by the outermost structured error; 1 for anything else. */
export function exitCodeFor(err: unknown): number {
  return err instanceof AicrError ? exitCodes[err.code] : 1;
}

export const invalid = (message: string, cause?: unknown, details?: readonly string[]) =>
  new AicrError(ErrorCode.InvalidRequest, message, { cause, details });
export const notFound = (message: string, cause?: unknown) => new AicrError(ErrorCode.NotFound, message, { cause });
export const internal = (message: string, cause?: unknown, details?: readonly string[]) =>
  new AicrError(ErrorCode.Internal, message, { cause, details });

/** Wrap `fn`'s structured failures in an outer error of the given code, keeping the chain. */
export function wrap<T>(code: ErrorCode, message: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new AicrError(code, message, { cause: err });
  }
}
