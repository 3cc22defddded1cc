/**
 * Sends directory reads through JSON `$batch`: requests asked for in the same turn of the event
 * loop travel together, 20 to a batch (Graph's limit), and up to `inFlight` batches are on the
 * wire at once. Graph counts (and throttles) every request inside a batch, so this saves round
 * trips, not budget; the callers save budget by asking for many objects per request.
 *
 * Items Graph throttled or could not serve are sent again by the middleware
 * (batch-retry-middleware.ts); what still failed comes back here as the item's answer.
 */
import { GraphError } from '../errors.js';
import type { GraphHttp } from './http.js';

export const BATCH_LIMIT = 20;
/** Batches on the wire at once: enough to hide latency, few enough not to look like a flood. */
export const BATCHES_IN_FLIGHT = 4;

export interface SubRequest {
  method: 'GET' | 'POST';
  /** Under the API version, with a leading slash: `/groups?$filter=…`. */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SubAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

interface Waiting {
  request: SubRequest;
  resolve: (answer: SubAnswer) => void;
  reject: (error: unknown) => void;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class BatchQueue {
  private waiting: Waiting[] = [];
  private scheduled = false;
  private running = 0;
  private readonly ready: Waiting[][] = [];

  constructor(
    private readonly http: GraphHttp,
    private readonly inFlight = BATCHES_IN_FLIGHT,
  ) {}

  /** Queues one request; it leaves with the others asked for in the same turn. */
  send(request: SubRequest): Promise<SubAnswer> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.waiting;
    this.waiting = [];
    for (let start = 0; start < all.length; start += BATCH_LIMIT) this.ready.push(all.slice(start, start + BATCH_LIMIT));
    this.pump();
  }

  private pump(): void {
    while (this.running < this.inFlight && this.ready.length > 0) {
      const chunk = this.ready.shift()!;
      this.running += 1;
      void this.post(chunk).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  private async post(chunk: Waiting[]): Promise<void> {
    const body = {
      requests: chunk.map((w, i) => ({
        id: String(i + 1),
        method: w.request.method,
        url: w.request.url,
        ...(w.request.body === undefined ? {} : { body: w.request.body, headers: { 'Content-Type': 'application/json', ...w.request.headers } }),
        ...(w.request.body === undefined && w.request.headers !== undefined ? { headers: w.request.headers } : {}),
      })),
    };
    let answer;
    try {
      answer = await this.http.call('POST', '$batch', body);
    } catch (e) {
      for (const w of chunk) w.reject(e);
      return;
    }
    const responses = Array.isArray(answer?.['responses']) ? answer['responses'] : [];
    const byId = new Map<string, Record<string, unknown>>();
    for (const r of responses) if (isObject(r) && typeof r['id'] === 'string') byId.set(r['id'], r);
    chunk.forEach((w, i) => {
      const r = byId.get(String(i + 1));
      if (r === undefined) {
        w.reject(new GraphError(`Microsoft Graph's $batch answer left out the request for ${w.request.method} ${w.request.url.split('?')[0]}.`, 0, 'UnexpectedResponse'));
        return;
      }
      const headers = new Headers(isObject(r['headers']) ? (r['headers'] as Record<string, string>) : {});
      w.resolve({ status: typeof r['status'] === 'number' ? r['status'] : 0, headers, body: r['body'] });
    });
  }
}
