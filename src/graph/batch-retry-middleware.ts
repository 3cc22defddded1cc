/**
 * Retries inside a `$batch`. Graph answers a batch 200 even when some of its requests were
 * throttled (429) or could not be served (503, 504), each with its own status and Retry-After.
 * This middleware sits above the retry middleware: it reads the batch's answer, sends the failed
 * items again in a smaller batch after Retry-After or a jittered backoff, within the same time
 * budget as any request, and hands the caller one answer with every item's last response. So the
 * one retry policy lives in the middleware, for lone requests and batch items alike.
 *
 * Only reads are sent again after a 503 or 504 (the server may have carried out a write); any item
 * is sent again after a 429 (Graph did not process it).
 */
import type { Context } from '@microsoft/microsoft-graph-client';
import { RETRY_STATUSES, backoffDelay, parseRetryAfter } from './retry-middleware.js';
import { pathUnderBase } from './endpoints.js';
import { sleep } from './middleware-link.js';

interface BatchItem {
  id: string;
  method: string;
  url: string;
}

interface ItemResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
}

export interface BatchRetryOptions {
  maxRetryTimeMs: number;
  baseDelayMs: number;
  baseUrl: string;
  log?: (line: string) => void;
  random?: () => number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const READ_ACTION = /\/(getByIds|getMemberGroups|getMemberObjects)(\?|$)/i;

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function retriable(item: BatchItem, status: number): boolean {
  if (status === 429) return true;
  if (!RETRY_STATUSES.has(status)) return false;
  return item.method.toUpperCase() === 'GET' || READ_ACTION.test(item.url);
}

function retryAfterOf(r: ItemResponse): number | undefined {
  const headers = r.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'retry-after');
  return key === undefined ? undefined : parseRetryAfter(headers[key]);
}

export class BatchRetryMiddleware {
  private next: { execute(context: Context): Promise<void> } | undefined;

  constructor(private readonly o: BatchRetryOptions) {}

  setNext(next: { execute(context: Context): Promise<void> }): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (this.next === undefined) throw new Error('graph middleware: the chain ends before the HTTP handler');
    const url = typeof context.request === 'string' ? context.request : (context.request as { url: string }).url;
    const isBatch = String(context.options?.method ?? 'GET').toUpperCase() === 'POST' && /\/\$batch$/.test(pathUnderBase(url, this.o.baseUrl));
    const sent = isBatch && typeof context.options?.body === 'string' ? parse(context.options.body) : undefined;
    const items = Array.isArray(sent?.['requests']) ? (sent['requests'] as unknown[]).filter(isObject) : undefined;
    await this.next.execute(context);
    if (items === undefined || context.response?.status !== 200) return;
    await this.retryItems(context, sent!, items as unknown as BatchItem[]);
  }

  private async retryItems(context: Context, sent: Record<string, unknown>, items: BatchItem[]): Promise<void> {
    const started = Date.now();
    const first = context.response as Response;
    const text = await first.text();
    const answer = parse(text);
    if (answer === undefined) {
      context.response = new Response(text, { status: first.status, headers: first.headers });
      return;
    }
    const latest = new Map<string, Record<string, unknown>>();
    for (const r of Array.isArray(answer?.['responses']) ? answer['responses'] : []) if (isObject(r) && typeof r['id'] === 'string') latest.set(r['id'], r);
    for (let round = 1; ; round += 1) {
      const again = items.filter((i) => {
        const r = latest.get(i.id);
        return r !== undefined && typeof r['status'] === 'number' && retriable(i, r['status']);
      });
      if (again.length === 0) break;
      const wait = Math.max(...again.map((i) => retryAfterOf(latest.get(i.id) as unknown as ItemResponse) ?? backoffDelay(round, this.o.baseDelayMs, 30_000, this.o.random)));
      const elapsed = Date.now() - started;
      if (elapsed + wait > this.o.maxRetryTimeMs) {
        this.o.log?.(`Graph: ${again.length} requests inside $batch were still throttled or failing after ${round} rounds; giving up`);
        break;
      }
      this.o.log?.(`Graph: ${again.length} requests inside $batch answered ${[...new Set(again.map((i) => String(latest.get(i.id)!['status'])))].join('/')}; retrying them in ${(wait / 1000).toFixed(1)} s`);
      await sleep(wait);
      const ids = new Set(again.map((i) => i.id));
      const body = JSON.stringify({ ...sent, requests: (sent['requests'] as BatchItem[]).filter((r) => ids.has(r.id)) });
      context.options = { ...context.options, body };
      context.response = undefined;
      await this.next!.execute(context);
      const retry = context.response as Response | undefined;
      if (retry?.status !== 200) {
        // The whole batch failed this time (the retry middleware already did what it could): keep the items' last answers.
        await retry?.body?.cancel().catch(() => undefined);
        break;
      }
      const parsed = parse(await retry.text());
      for (const r of Array.isArray(parsed?.['responses']) ? parsed['responses'] : []) if (isObject(r) && typeof r['id'] === 'string' && ids.has(r['id'])) latest.set(r['id'], r);
    }
    const headers = new Headers(first.headers);
    headers.delete('content-length');
    context.response = new Response(JSON.stringify({ ...answer, responses: [...latest.values()] }), { status: 200, headers });
  }
}
