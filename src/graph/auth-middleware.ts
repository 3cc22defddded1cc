/**
 * auth: `Authorization: Bearer …` from a TokenCredential, cached until two minutes before it
 * expires, for any URL (graph-client's own AuthenticationHandler drops it for non-Graph hosts).
 */
import type { Context } from '@microsoft/microsoft-graph-client';
import type { TokenCredential } from '@azure/identity';
import { ConfigurationError, GraphError } from '../errors.js';
import { isGuid } from '../model/references.js';
import { Link, errorLike, fail } from './middleware-link.js';

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
