/**
 * Our own middleware chain for @microsoft/microsoft-graph-client, in the order a request passes:
 *
 *   auth ─▶ retry ─▶ pacing ─▶ counting ─▶ fetch
 *
 * - auth: `Authorization: Bearer …` from a TokenCredential, cached until two minutes before it
 *   expires, for any URL (the client's own AuthenticationHandler drops it for non-Graph hosts).
 * - retry: 429, 503, 504, connection resets and per-attempt time-outs, honouring Retry-After and
 *   otherwise backing off exponentially with full jitter, within one time budget per request.
 * - pacing: a token bucket for the Conditional Access endpoints (also inside a $batch); it sits
 *   below retry so that every attempt, retries included, waits for its token.
 * - counting: every attempt that goes on the wire, by `METHOD /version/path` with ids as `{id}`.
 * - fetch: Node's global fetch.
 *
 * Failures that have no HTTP response (a credential that cannot sign in, a network that stays
 * down) are left on the request's `RequestControl` so the caller can rethrow them as they are:
 * graph-client would otherwise wrap them into its own error class.
 */
import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import type { TokenCredential } from '@azure/identity';
import { ConfigurationError, GraphError } from '../errors.js';
import { isGuid } from '../model/references.js';
import type { RequestTally } from '../model/tenant.js';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Per-request state the chain shares with its caller (graph-client's middleware options). */
export class RequestControl implements MiddlewareOptions {
  /** Attempts made for this request (1 = no retry). */
  attempts = 0;
  /** A failure with no HTTP response to show for it; the caller throws it instead of graph-client's wrapper. */
  failure?: Error;
  /** Set when the retry budget ran out on a retriable HTTP status. */
  gaveUp?: { attempts: number; elapsedMs: number };
  /**
   * Retry only a 429 (Graph did not process the request). For a create: after a 503, 504 or a
   * reset, Graph may have created the object, and a blind retry would create a second one.
   */
  onlyThrottled = false;
}

function control(context: Context): RequestControl | undefined {
  return context.middlewareControl?.getMiddlewareOptions(RequestControl) as RequestControl | undefined;
}

function fail(context: Context, error: Error): never {
  const c = control(context);
  if (c !== undefined) c.failure = error;
  throw error;
}

const requestUrl = (context: Context): string => (typeof context.request === 'string' ? context.request : (context.request as { url: string }).url);
const requestMethod = (context: Context): string => String(context.options?.method ?? 'GET').toUpperCase();

abstract class Link implements Middleware {
  protected next: Middleware | undefined;
  setNext(next: Middleware): void {
    this.next = next;
  }
  protected async forward(context: Context): Promise<void> {
    if (this.next === undefined) throw new Error('graph middleware: the chain ends before the HTTP handler');
    await this.next.execute(context);
  }
  abstract execute(context: Context): Promise<void>;
}

// ── Paths and endpoint keys ─────────────────────────────────────────────────────────────────────

/** `/v1.0/identity/...` (version included, no query) for a URL under `baseUrl`; the URL's own path otherwise. */
export function pathUnderBase(url: string, baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  const rest = url.startsWith(`${base}/`) ? url.slice(base.length) : new URL(url).pathname;
  const q = rest.indexOf('?');
  return q < 0 ? rest : rest.slice(0, q);
}

/** Paths (after the version) that share the tenant's Conditional Access budget of about 1 request/s. */
export function isConditionalAccessPath(path: string): boolean {
  return /^\/*(?:(?:v1\.0|beta)\/)?identity\/conditionalAccess(?:[/?]|$)/i.test(path);
}

/** Segments after which the next segment is an id (unless it is an action). */
const COLLECTIONS = new Set([
  'policies', 'namedLocations', 'authenticationStrengthPolicies', 'authenticationContextClassReferences',
  'users', 'groups', 'servicePrincipals', 'applications', 'directoryRoleTemplates', 'directoryObjects',
]);
const ACTIONS = new Set(['getByIds', 'restore', 'delta', 'updateAllowedCombinations', 'members', '$count']);
/** Singletons under a collection's segment (not ids): policies/identitySecurityDefaultsEnforcementPolicy. */
const SINGLETONS = new Set(['identitySecurityDefaultsEnforcementPolicy']);

/** `GET /v1.0/identity/conditionalAccess/policies/{id}` for a path like `/v1.0/identity/conditionalAccess/policies/3f…`. */
export function endpointKey(method: string, path: string): string {
  const segments = path.split('?')[0]!.split('/').filter((s) => s !== '');
  const out = segments.map((s, i) => {
    const prev = segments[i - 1];
    if (s.includes('(')) return s.replace(/\((\w+)=('?)[^)]*\2\)/g, "($1='{id}')").replace(/\('[^']*'\)/g, "('{id}')");
    if (isGuid(s)) return '{id}';
    if (prev !== undefined && COLLECTIONS.has(prev) && !COLLECTIONS.has(s) && !ACTIONS.has(s) && !SINGLETONS.has(s)) return '{id}';
    return s;
  });
  return `${method.toUpperCase()} /${out.join('/')}`;
}

/** How many of a request's operations hit the Conditional Access budget (a $batch counts its items). */
export function conditionalAccessCost(url: string, baseUrl: string, body: unknown): number {
  const path = pathUnderBase(url, baseUrl);
  if (isConditionalAccessPath(path)) return 1;
  if (!/\/\$batch$/.test(path) || typeof body !== 'string') return 0;
  try {
    const parsed = JSON.parse(body) as { requests?: Array<{ url?: unknown }> };
    return (parsed.requests ?? []).filter((r) => typeof r.url === 'string' && isConditionalAccessPath(r.url)).length;
  } catch {
    return 0;
  }
}

// ── auth ────────────────────────────────────────────────────────────────────────────────────────

/** Caches the credential's token until two minutes before it expires; one sign-in at a time. */
export class TokenCache {
  private cached: { token: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;
  /** The `tid` claim of the last token, when it is a JWT. */
  tenantIdFromToken: string | undefined;

  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
    private readonly describe: () => string,
  ) {}

  async get(): Promise<string> {
    if (this.cached !== undefined && this.cached.expiresAt - 120_000 > Date.now()) return this.cached.token;
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async fetch(): Promise<string> {
    let t;
    try {
      t = await this.credential.getToken(this.scope);
    } catch (e) {
      if (e instanceof ConfigurationError || e instanceof GraphError) throw e;
      const err = errorLike(e);
      const message = err?.message || String(e);
      const unavailable = err?.name === 'CredentialUnavailableError';
      const text = `Could not sign in to Microsoft Graph with ${this.describe()}: ${redact(message)}`;
      throw unavailable ? new ConfigurationError(text, undefined, { cause: e }) : new GraphError(text, 401, 'AuthenticationFailed');
    }
    if (t === null || t.token === '') throw new GraphError(`Signing in with ${this.describe()} gave no token.`, 401, 'AuthenticationFailed');
    this.cached = { token: t.token, expiresAt: t.expiresOnTimestamp };
    this.tenantIdFromToken = tenantIdOfJwt(t.token) ?? this.tenantIdFromToken;
    return t.token;
  }
}

function tenantIdOfJwt(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { tid?: unknown };
    return typeof claims.tid === 'string' && isGuid(claims.tid) ? claims.tid : undefined;
  } catch {
    return undefined;
  }
}

/** Removes anything that looks like a bearer token or JWT from a text that may reach a log. */
export function redact(text: string): string {
  return text.replace(/\bBearer\s+[\w\-.~+/]{16,}=*/g, 'Bearer [redacted]').replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[redacted token]');
}

function setHeader(context: Context, name: string, value: string): void {
  const options = (context.options ??= {});
  const headers = options.headers;
  if (headers instanceof Headers) headers.set(name, value);
  else if (Array.isArray(headers)) options.headers = [...headers.filter((pair) => pair[0]?.toLowerCase() !== name.toLowerCase()), [name, value]];
  else options.headers = { ...(headers as Record<string, string> | undefined), [name]: value };
}

export class AuthMiddleware extends Link {
  constructor(private readonly tokens: TokenCache) {
    super();
  }

  async execute(context: Context): Promise<void> {
    let token: string;
    try {
      token = await this.tokens.get();
    } catch (e) {
      fail(context, e instanceof Error ? e : new Error(String(e)));
    }
    setHeader(context, 'Authorization', `Bearer ${token}`);
    await this.forward(context);
    // A refused token is not cached: the next request signs in again.
    if (context.response?.status === 401) this.tokens.invalidate();
  }
}

// ── pacing ──────────────────────────────────────────────────────────────────────────────────────

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

// ── retry ───────────────────────────────────────────────────────────────────────────────────────

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

interface ErrorLike {
  name: string;
  message: string;
  code: string;
  cause?: ErrorLike;
}

/** Reads an error by shape, not class: fetch's errors come from another realm under test runners. */
function errorLike(e: unknown, depth = 0): ErrorLike | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const o = e as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
  return {
    name: typeof o.name === 'string' ? o.name : '',
    message: typeof o.message === 'string' ? o.message : '',
    code: typeof o.code === 'string' ? o.code : '',
    cause: depth < 3 ? errorLike(o.cause, depth + 1) : undefined,
  };
}

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

// ── counting and the HTTP handler ───────────────────────────────────────────────────────────────

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
