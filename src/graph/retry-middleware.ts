/**
 * retry: 429, 503, 504, connection resets and per-attempt time-outs, honouring Retry-After and
 * otherwise backing off exponentially with full jitter, within one time budget per request.
 */
import type { Context } from '@microsoft/microsoft-graph-client';
import { GraphError } from '../errors.js';
import { redact } from './auth-middleware.js';
import { isConditionalAccessPath, pathUnderBase } from './endpoints.js';
import { Link, control, errorLike, fail, requestMethod, requestUrl, sleep } from './middleware-link.js';
import type { TokenBucket } from './pacing-middleware.js';

export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);

/** Retry-After in ms (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base·2^(attempt−1))]. */
export function backoffDelay(attempt: number, baseMs: number, capMs = 30_000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}

const NOT_TRANSIENT = /^(ECONNREFUSED|ENOTFOUND|ERR_INVALID_URL)$|CERT|TLS|SSL|VERIFY|SELF_SIGNED|DEPTH_ZERO/i;

/** A dropped connection or a timed-out attempt: worth another try. A refused connection or a bad certificate is not. */
export function isTransientNetworkError(e: unknown): boolean {
  const err = errorLike(e);
  if (err === undefined) return false;
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return true;
  const code = err.cause?.code || err.code;
  if (code !== '' && NOT_TRANSIENT.test(code)) return false;
  const text = `${err.message} ${err.cause?.message ?? ''} ${code}`;
  // fetch's own refusals (a blocked port such as 9 or 25, a malformed URL) never heal: fail at once.
  if (/bad port|invalid url|unknown scheme|ERR_INVALID_URL/i.test(text)) return false;
  return /ECONNRESET|EPIPE|ETIMEDOUT|EAI_AGAIN|UND_ERR_SOCKET|socket hang up|other side closed|fetch failed/i.test(text);
}

function describeNetworkError(e: unknown): string {
  const err = errorLike(e);
  if (err === undefined) return String(e);
  const parts = [err.message];
  for (let c = err.cause; c !== undefined; c = c.cause) {
    if (c.message !== '' && !parts.includes(c.message)) parts.push(c.message);
    if (c.code !== '' && !parts.some((p) => p.includes(c.code))) parts.push(c.code);
  }
  if (err.code !== '' && !parts.some((p) => p.includes(err.code))) parts.push(err.code);
  return parts.filter((p) => p !== '').join(': ');
}

export interface RetryOptions {
  maxRetryTimeMs: number;
  baseDelayMs: number;
  baseUrl: string;
  bucket?: TokenBucket;
  log?: (line: string) => void;
  random?: () => number;
}

export class RetryMiddleware extends Link {
  constructor(private readonly o: RetryOptions) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const started = Date.now();
    const c = control(context);
    const method = requestMethod(context);
    const path = pathUnderBase(requestUrl(context), this.o.baseUrl);
    for (let attempt = 1; ; attempt += 1) {
      if (c !== undefined) c.attempts = attempt;
      context.response = undefined;
      let networkError: unknown;
      try {
        await this.forward(context);
      } catch (e) {
        if (c?.failure !== undefined || !isTransientNetworkError(e)) {
          if (c?.failure !== undefined) throw e;
          fail(context, new GraphError(`Could not reach Microsoft Graph (${method} ${path}): ${redact(describeNetworkError(e))}`, 0, 'NetworkError', undefined, { cause: e }));
        }
        networkError = e;
      }
      const response = context.response as Response | undefined;
      const status = response?.status;
      if (networkError === undefined && (status === undefined || !RETRY_STATUSES.has(status))) return;
      if (c?.onlyThrottled && status !== 429) {
        if (networkError !== undefined) {
          fail(context, new GraphError(`Microsoft Graph did not answer ${method} ${path}: ${redact(describeNetworkError(networkError))}; it may or may not have been carried out`, 0, 'NetworkError', undefined, { cause: networkError }));
        }
        return;
      }

      const retryAfter = response === undefined ? undefined : parseRetryAfter(response.headers.get('retry-after'));
      if (status === 429 && retryAfter === undefined && isConditionalAccessPath(path)) this.o.bucket?.drain();
      const delay = retryAfter ?? backoffDelay(attempt, this.o.baseDelayMs, 30_000, this.o.random);
      const elapsed = Date.now() - started;
      const what = networkError === undefined ? `${status}` : describeNetworkError(networkError);
      if (elapsed + delay > this.o.maxRetryTimeMs) {
        if (networkError !== undefined) {
          fail(context, new GraphError(
            `Microsoft Graph could not be reached for ${method} ${path} after ${attempt} attempts in ${(elapsed / 1000).toFixed(1)} s (retry budget ${Math.round(this.o.maxRetryTimeMs / 1000)} s): ${redact(what)}`,
            0, 'NetworkError', undefined, { cause: networkError },
          ));
        }
        if (c !== undefined) c.gaveUp = { attempts: attempt, elapsedMs: elapsed };
        return;
      }
      // Free the connection before waiting.
      await response?.body?.cancel().catch(() => undefined);
      this.o.log?.(`Graph: ${method} ${path} answered ${redact(what)}; retry ${attempt} in ${(delay / 1000).toFixed(1)} s${retryAfter === undefined ? '' : ' (Retry-After)'}`);
      await sleep(delay);
    }
  }
}
