/**
 * Per-client rate limiting: one token bucket per client address (`rate` tokens per second, at most
 * `burst`). A request takes one token; with none left it is refused and told when to retry. Buckets
 * of clients that have been idle long enough to be full again are dropped, and at most `maxClients`
 * are kept (least recently seen dropped first), so memory stays bounded whatever the traffic.
 */

export type RateDecision =
  | { allowed: true; limit: number; remaining: number; resetSeconds: number }
  | { allowed: false; limit: number; burst: number; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  /** Milliseconds (clock) of the last refill. */
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly rate: number,
    readonly burst: number,
    private readonly maxClients: number,
    /** Milliseconds, monotonic. */
    private readonly now: () => number = () => performance.now(),
    /** Seconds since the epoch (for the reset header). */
    private readonly wallSeconds: () => number = () => Date.now() / 1000,
  ) {}

  /** Clients currently tracked. */
  get size(): number {
    return this.buckets.size;
  }

  take(client: string): RateDecision {
    const now = this.now();
    let b = this.buckets.get(client);
    if (b) {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rate);
      b.at = now;
      // Re-insert: the map's order is least recently seen first.
      this.buckets.delete(client);
    } else {
      b = { tokens: this.burst, at: now };
      this.evict(now);
    }
    this.buckets.set(client, b);
    if (b.tokens < 1) {
      return { allowed: false, limit: this.rate, burst: this.burst, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.rate)) };
    }
    b.tokens -= 1;
    return { allowed: true, limit: this.rate, remaining: Math.floor(b.tokens), resetSeconds: Math.floor(this.wallSeconds()) + 1 };
  }

  /** Make room for one more client: drop full (long idle) buckets, then the least recently seen. */
  private evict(now: number): void {
    if (this.buckets.size < this.maxClients) return;
    const fullAfterMs = (this.burst / this.rate) * 1000;
    for (const [k, b] of this.buckets) {
      if (now - b.at >= fullAfterMs) this.buckets.delete(k);
    }
    while (this.buckets.size >= this.maxClients) {
      const oldest = this.buckets.keys().next().value;
      if (oldest === undefined) break;
      this.buckets.delete(oldest);
    }
  }
}
