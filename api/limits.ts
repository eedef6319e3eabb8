/** A small token bucket per key (client address, user): request rate limits without another package. */

/** Bucket parameters: `capacity` tokens at most, refilled at `perSecond`. */
export interface BucketOptions {
  capacity: number;
  perSecond: number;
  /** Keys kept at most (oldest dropped first), so a flood of addresses cannot grow memory without bound. */
  maxKeys?: number;
}

/** Token buckets keyed by a string. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly maxKeys: number;

  constructor(
    private readonly opts: BucketOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.maxKeys = opts.maxKeys ?? 50_000;
  }

  /** Takes one token; returns 0 when allowed, else the seconds to wait before a token is available. */
  take(key: string): number {
    const now = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      b = { tokens: this.opts.capacity, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.opts.capacity, b.tokens + ((now - b.at) / 1000) * this.opts.perSecond);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.opts.perSecond));
  }
}
