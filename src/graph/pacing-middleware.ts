/**
 * pacing: a token bucket for the Conditional Access endpoints (also inside a $batch); it sits
 * below retry so that every attempt, retries included, waits for its token.
 */
import type { Context } from '@microsoft/microsoft-graph-client';
import { ConfigurationError } from '../errors.js';
import { conditionalAccessCost } from './endpoints.js';
import { Link, requestUrl, sleep } from './middleware-link.js';

/**
 * `rate` tokens a second, at most `burst` saved up; callers wait in order. Paces at 95% of the rate
 * so that network jitter does not make two paced requests arrive closer than the server's limit.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();
  private readonly rate: number;

  constructor(
    rate: number,
    private readonly burst: number,
    private readonly clock: () => number = () => Date.now(),
    private readonly wait: (ms: number) => Promise<void> = sleep,
  ) {
    if (!(rate > 0)) throw new ConfigurationError(`The rate limit must be a positive number of requests per second, not ${rate}.`);
    if (!(burst >= 1)) throw new ConfigurationError(`The burst must be at least 1, not ${burst}.`);
    this.rate = rate * 0.95;
    this.tokens = burst;
    this.last = clock();
  }

  private refill(): void {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }

  /** Resolves when `n` tokens (at most `burst` at a time) have been taken; returns the ms waited. */
  take(n = 1): Promise<number> {
    const started = this.clock();
    const run = async (): Promise<void> => {
      let left = n;
      while (left > 0) {
        const want = Math.min(left, this.burst);
        this.refill();
        if (this.tokens < want) await this.wait(Math.ceil(((want - this.tokens) / this.rate) * 1000));
        this.refill();
        this.tokens -= want;
        left -= want;
      }
    };
    const turn = this.queue.then(run);
    this.queue = turn.catch(() => undefined);
    return turn.then(() => this.clock() - started);
  }

  /** The server throttled us anyway: spend what is saved up so that everyone waits a full interval. */
  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }
}

export class PacingMiddleware extends Link {
  constructor(
    private readonly bucket: TokenBucket,
    private readonly baseUrl: string,
  ) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const cost = conditionalAccessCost(requestUrl(context), this.baseUrl, context.options?.body);
    if (cost > 0) await this.bucket.take(cost);
    await this.forward(context);
  }
}
