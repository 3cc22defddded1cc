/**
 * counting: every attempt that goes on the wire, by `METHOD /version/path` with ids as `{id}`;
 * and the chain's end, Node's global fetch.
 */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { RequestTally } from '../model/tenant.js';
import { endpointKey, pathUnderBase } from './endpoints.js';
import { Link, requestMethod, requestUrl } from './middleware-link.js';

export class RequestCounter {
  private tally: RequestTally = { total: 0, byEndpoint: {} };

  record(key: string): void {
    this.tally.total += 1;
    this.tally.byEndpoint[key] = (this.tally.byEndpoint[key] ?? 0) + 1;
  }

  snapshot(): RequestTally {
    return { total: this.tally.total, byEndpoint: { ...this.tally.byEndpoint } };
  }
}

export class CountingMiddleware extends Link {
  constructor(
    private readonly counter: RequestCounter,
    private readonly baseUrl: string,
  ) {
    super();
  }

  async execute(context: Context): Promise<void> {
    this.counter.record(endpointKey(requestMethod(context), pathUnderBase(requestUrl(context), this.baseUrl)));
    await this.forward(context);
  }
}

export class FetchHandler implements Middleware {
  constructor(private readonly timeoutMs: number) {}

  async execute(context: Context): Promise<void> {
    const init = { ...(context.options as RequestInit | undefined), signal: AbortSignal.timeout(this.timeoutMs) };
    context.response = await fetch(requestUrl(context), init);
  }
}
