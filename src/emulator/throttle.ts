/**
 * Graph throttles the Conditional Access and named-location endpoints at about one request per
 * second per tenant, and its 429 carries no Retry-After. A token bucket models that: `rate`
 * tokens a second, at most `burst` saved up.
 */

/** Paths (under the version) that share the tenant's Conditional Access budget. */
export function isThrottled(path: string): boolean {
  return /^identity\/conditionalAccess(\/|$)/i.test(path);
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly clock: () => number = () => Date.now(),
  ) {
    this.tokens = burst;
    this.last = clock();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

/** The bucket the options ask for, or undefined when there is no limit. */
export function bucketFor(o: { rateLimit?: number; burst?: number; realistic?: boolean }): TokenBucket | undefined {
  const rate = o.rateLimit ?? (o.realistic === true ? 1 : undefined);
  if (rate === undefined) return undefined;
  if (!(rate > 0)) throw new Error(`rateLimit must be a positive number of requests per second, not ${rate}.`);
  // Realistic: Graph lets a short burst through before the 1/s applies.
  const burst = o.burst ?? (o.realistic === true && o.rateLimit === undefined ? 3 : Math.max(1, Math.floor(rate)));
  return new TokenBucket(rate, burst);
}
