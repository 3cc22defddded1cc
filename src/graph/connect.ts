/**
 * `connectGraph`: one connection to one tenant's Microsoft Graph, giving the `Tenant` and
 * `Directory` ports that share a credential, a Conditional Access pacing bucket and a request
 * count. Nothing touches the network until the first call.
 */
import type { Middleware } from '@microsoft/microsoft-graph-client';
import { ConfigurationError } from '../errors.js';
import type { ApiVersion } from '../model/tenant.js';
import type { Directory } from '../ports/directory.js';
import type { Tenant } from '../ports/tenant.js';
import { cloudByName, type CloudName } from './clouds.js';
import { chooseCredential, type AuthMethod } from './credentials.js';
import { BatchRetryMiddleware } from './batch-retry-middleware.js';
import { GraphDirectory } from './directory.js';
import { GraphAuditLog } from './audit-log.js';
import type { AuditLog } from '../ports/audit-log.js';
import { GraphHttp } from './http.js';
import { AuthMiddleware, TokenCache } from './auth-middleware.js';
import { CountingMiddleware, FetchHandler, RequestCounter } from './counting-middleware.js';
import { PacingMiddleware, TokenBucket } from './pacing-middleware.js';
import { RetryMiddleware } from './retry-middleware.js';
import { GraphTenant } from './tenant.js';
import { GraphTemplates } from './templates.js';
import type { Templates } from '../ports/templates.js';
import { GraphSignInLog } from './sign-in-log.js';
import type { SignInLog } from '../ports/sign-in-log.js';
import { tenantIdentity } from './tenant-identity.js';
import { GraphWhatIf } from './what-if.js';
import type { WhatIf } from '../ports/what-if.js';

export interface GraphConnectionOptions {
  /** How to sign in; by default, what `env` provides (see credentials.ts). */
  auth?: AuthMethod;
  /** The tenant to sign in to; it must be the one the token belongs to (checked before the first read). */
  tenantId?: string;
  /** Where `tenantId` came from, for the message when it disagrees (`--tenant-id`, `the tenant-id input`). */
  tenantIdSource?: string;
  clientId?: string;
  cloud?: CloudName;
  /** Overrides Graph's host, e.g. an emulator at http://127.0.0.1:PORT. */
  graphUrl?: string;
  apiVersion?: ApiVersion;
  /** A file holding a bearer token (the `token` method). */
  tokenFile?: string;
  /** Environment to read credentials from; process.env by default. */
  env?: Record<string, string | undefined>;
  /** Conditional Access requests per second for this tenant; default 1. */
  rateLimit?: number;
  /** How many Conditional Access requests may go at once before the rate applies; default 2. */
  burst?: number;
  /** Total time one request may spend retrying; default 120000 ms. */
  maxRetryTimeMs?: number;
  /** The first backoff's upper bound (full jitter, doubling each attempt); default 1000 ms. */
  retryBaseDelayMs?: number;
  /** Time-out of one attempt; default 100000 ms (Graph's own limit). */
  requestTimeoutMs?: number;
  /** Page size ($top) of the Conditional Access lists; unset, Graph's default. */
  pageSize?: number;
  /** Page size ($top) of the sign-in log; default 1,000 (Graph's largest). */
  signInPageSize?: number;
  log?: (line: string) => void;
  /** GitHub OIDC: the action face passes core.getIDToken. */
  getIdToken?: (audience: string) => Promise<string>;
}

export interface GraphConnection {
  tenant: Tenant;
  directory: Directory;
  /** Graph's What If (evaluate) on the same credential, pacing bucket and request count. */
  whatIf: WhatIf;
  /** Entra's sign-in log (staged rollout's evidence); counted with the other requests. */
  signInLog: SignInLog;
  /** The directory audit log (drift: who changed what); needs AuditLog.Read.All. */
  auditLog: AuditLog;
  /** Microsoft's Conditional Access templates (caac new). */
  templates: Templates;
  /** e.g. "client secret for app 1234abcd… in tenant 3f2b6c1d…, Graph https://graph.microsoft.com/v1.0". */
  describe(): string;
}

function positive(name: string, value: number | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new ConfigurationError(`${name} must be a positive number, not ${String(value)}: check ${flag}.`);
  }
  return value;
}

function normalizeGraphUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(`The Graph URL '${raw}' is not a URL: set --graph-url / the graph-url input to e.g. http://127.0.0.1:8080.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigurationError(`The Graph URL '${raw}' must be http:// or https://.`);
  if (url.search !== '' || url.hash !== '') throw new ConfigurationError(`The Graph URL '${raw}' must not carry a query or fragment.`);
  // A trailing /v1.0 or /beta is the version, not the host.
  const path = url.pathname.replace(/\/+$/, '').replace(/\/(v1\.0|beta)$/i, '');
  return `${url.origin}${path}`;
}

export function connectGraph(options: GraphConnectionOptions): GraphConnection {
  const env = options.env ?? process.env;
  const cloud = cloudByName(options.cloud);
  const apiVersion = options.apiVersion ?? 'v1.0';
  if (apiVersion !== 'v1.0' && apiVersion !== 'beta') throw new ConfigurationError(`Unknown Graph API version '${String(apiVersion)}': use v1.0 or beta (--api-version).`);
  const customGraphUrl = options.graphUrl !== undefined && options.graphUrl.trim() !== '';
  const baseUrl = customGraphUrl ? normalizeGraphUrl(options.graphUrl as string) : cloud.graphUrl;
  const rateLimit = positive('The rate limit', options.rateLimit, 1, '--rate-limit');
  const burst = Math.max(1, Math.floor(positive('The burst', options.burst, 2, '--burst')));
  const maxRetryTimeMs = positive('The retry budget', options.maxRetryTimeMs, 120_000, '--max-retry-time');
  const baseDelayMs = positive('The retry base delay', options.retryBaseDelayMs, 1000, 'retryBaseDelayMs');
  const timeoutMs = positive('The request time-out', options.requestTimeoutMs, 100_000, 'requestTimeoutMs');
  const pageSize = options.pageSize === undefined ? undefined : Math.floor(positive('The page size', options.pageSize, 100, 'pageSize'));

  const chosen = chooseCredential({
    auth: options.auth,
    tenantId: options.tenantId,
    clientId: options.clientId,
    tokenFile: options.tokenFile,
    env,
    cloud,
    customGraphUrl,
    getIdToken: options.getIdToken,
  });
  const describe = (): string => `${chosen.description}, Graph ${baseUrl}/${apiVersion}`;

  const tokens = new TokenCache(chosen.credential, cloud.scope, () => chosen.description);
  const bucket = new TokenBucket(rateLimit, burst);
  const counter = new RequestCounter();
  // Our own middleware chain for @microsoft/microsoft-graph-client, one file per link, in the order
  // a request passes (graph-client's default chain drops the token for non-Graph hosts, and its
  // retry gives up after about 15 s):
  // - auth: a bearer token from the credential, cached until two minutes before it expires;
  // - batch retry: items of a $batch that were throttled (or reads that got 503/504) sent again;
  // - retry: 429, 503, 504, resets and time-outs, Retry-After honoured, else backoff with jitter,
  //   within one time budget per request (a create only on 429: Graph did not process it);
  // - pacing: the Conditional Access token bucket, below retry so that every attempt waits;
  // - counting: every attempt on the wire, by endpoint; then Node's fetch.
  // Failures with no HTTP response are left on the request's RequestControl (middleware-link.ts)
  // so the caller rethrows them as they are, not wrapped in graph-client's error class.
  const middleware: Middleware[] = [
    new AuthMiddleware(tokens),
    new BatchRetryMiddleware({ maxRetryTimeMs, baseDelayMs, baseUrl, log: options.log }),
    new RetryMiddleware({ maxRetryTimeMs, baseDelayMs, baseUrl, bucket, log: options.log }),
    new PacingMiddleware(bucket, baseUrl),
    new CountingMiddleware(counter, baseUrl),
    new FetchHandler(timeoutMs),
  ];
  const http = new GraphHttp({ baseUrl, apiVersion, middleware, describeCredential: () => chosen.description });

  // The token decides the tenant: its `tid`, or Graph's own answer for a token that is not a JWT.
  // A configured tenant id only names the tenant to sign in to; one that disagrees stops the run.
  const identity = tenantIdentity({
    configured: chosen.tenantId,
    configuredFrom: options.tenantIdSource ?? (options.tenantId?.trim() ? 'the configured tenant id' : 'AZURE_TENANT_ID'),
    tokenTenantId: async () => {
      await tokens.get();
      return tokens.tenantIdFromToken;
    },
    organizationId: async () => {
      const org = await http.call('GET', 'organization?$select=id');
      const first = Array.isArray(org?.['value']) ? org['value'][0] : undefined;
      return typeof first === 'object' && first !== null && !Array.isArray(first) && typeof first['id'] === 'string' ? first['id'] : undefined;
    },
  });

  const tenant = new GraphTenant(http, { pageSize, tenantId: identity.resolve, knownTenantId: identity.known, requests: () => counter.snapshot() });
  const directory = new GraphDirectory(http, { describeCredential: () => chosen.description });
  const whatIf = new GraphWhatIf(http, () => counter.snapshot());
  const templates = new GraphTemplates(http, { tenantId: identity.resolve });
  const signInLog = new GraphSignInLog(http, { describeCredential: () => chosen.description, ...(options.signInPageSize ? { pageSize: options.signInPageSize } : {}) });
  return { tenant, directory, whatIf, auditLog: new GraphAuditLog(http), templates, signInLog, describe };
}
