/**
 * When a failed API request is tried again and how long to wait first: capped exponential backoff,
 * or the server's Retry-After when it sends one (itself capped).
 */

/** Attempts in all (the first try included) before a retryable failure is reported. */
export const DEFAULT_RETRY_ATTEMPTS = 5;
/** Wait before the second attempt; doubled for each later one. */
export const DEFAULT_RETRY_BASE_DELAY_MS = 200;
/** Longest computed backoff between two attempts. */
export const DEFAULT_RETRY_MAX_DELAY_MS = 5_000;
/** Longest wait granted to a server's Retry-After. */
export const DEFAULT_RETRY_AFTER_MAX_MS = 30_000;

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  retryAfterMaxMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: DEFAULT_RETRY_ATTEMPTS,
  baseDelayMs: DEFAULT_RETRY_BASE_DELAY_MS,
  maxDelayMs: DEFAULT_RETRY_MAX_DELAY_MS,
  retryAfterMaxMs: DEFAULT_RETRY_AFTER_MAX_MS,
};

export interface RetryCandidate {
  method: string;
  status: number;
  /** Status.reason of the answer ("Conflict", "AlreadyExists", ...). */
  reason?: string;
  /** The request carries a resourceVersion precondition (retrying the same body cannot succeed). */
  hasPrecondition: boolean;
}

/**
 * Whether a failure is worth another attempt: throttling (429) and server errors (5xx) always;
 * a write conflict (409 Conflict) only for writes whose body does not pin a resourceVersion (server-side
 * apply, unconditional update). AlreadyExists and every other 4xx are final.
 */
export function isRetryable(c: RetryCandidate): boolean {
  if (c.status === 429 || c.status >= 500) return true;
  if (c.status === 409) {
    const write = c.method === "PATCH" || c.method === "PUT";
    return write && c.reason !== "AlreadyExists" && !c.hasPrecondition;
  }
  return false;
}

/** Wait before attempt `attempt + 1` (attempt counts from 1). */
export function retryDelayMs(policy: RetryPolicy, attempt: number, retryAfterSec?: number): number {
  if (retryAfterSec !== undefined) return Math.min(retryAfterSec * 1000, policy.retryAfterMaxMs);
  return Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
}
