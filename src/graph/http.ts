/**
 * One door to Microsoft Graph: graph-client builds each request (URL, query, JSON body, headers)
 * and runs it through our middleware chain (see middleware.ts); this module turns the answer into
 * JSON or a GraphError, and follows @odata.nextLink itself (graph-client's PageIterator refuses
 * links that are not https://, which an emulator's are).
 */
import { randomUUID } from 'node:crypto';
import { Client, ResponseType, type Middleware } from '@microsoft/microsoft-graph-client';
import { GraphError } from '../errors.js';
import type { JsonObject } from '../model/documents.js';
import type { ApiVersion } from '../model/tenant.js';
import { RequestControl } from './middleware-link.js';
import { endpointKey, isConditionalAccessPath, pathUnderBase } from './endpoints.js';
import { redact } from './auth-middleware.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface GraphAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty or non-JSON body. */
  body: unknown;
  requestId?: string;
  /** Set when the retry budget ran out on 429/503/504. */
  gaveUp?: { attempts: number; elapsedMs: number };
}

export interface GraphHttpOptions {
  baseUrl: string;
  apiVersion: ApiVersion;
  /** auth → retry → pacing → counting → fetch, each linked to the next by graph-client. */
  middleware: Middleware[];
  /** Names the credential in a 401's message; never the secret. */
  describeCredential: () => string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What to do about a 401 or 403 on this path. */
export function permissionHint(method: string, path: string, status: number, describeCredential: () => string): string {
  if (status === 401) {
    return ` Microsoft Graph refused the credential (${describeCredential()}): check that it belongs to this tenant and cloud and has not expired or been revoked.`;
  }
  if (status !== 403) return '';
  const ca = isConditionalAccessPath(path) || /authenticationStrengthPolicies/i.test(path);
  if (ca) {
    return method === 'GET'
      ? ' The app needs the application permission Policy.Read.All (with admin consent) to read Conditional Access.'
      : ' The app needs the application permissions Policy.Read.All and Policy.ReadWrite.ConditionalAccess (and Application.Read.All for policies), with admin consent, to change Conditional Access.';
  }
  return ' Resolving names needs Directory.Read.All, or User.Read.All, GroupMember.Read.All, Application.Read.All and RoleManagement.Read.Directory (application permissions, with admin consent).';
}

/** The GraphError for an answer that is not a success. */
export function errorFromAnswer(method: string, path: string, answer: GraphAnswer, describeCredential: () => string): GraphError {
  const err = isObject(answer.body) && isObject(answer.body.error) ? answer.body.error : undefined;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const message = typeof err?.message === 'string' ? err.message.trim().replace(/\.+$/, '') : '';
  const inner = isObject(err?.innerError) ? err.innerError : undefined;
  const requestId = answer.requestId ?? (typeof inner?.['request-id'] === 'string' ? inner['request-id'] : undefined);
  const key = endpointKey(method, path);
  const gaveUp = answer.gaveUp === undefined ? '' : ` Gave up after ${answer.gaveUp.attempts} attempts in ${(answer.gaveUp.elapsedMs / 1000).toFixed(1)} s.`;
  const text =
    `${key} failed: HTTP ${answer.status}${code === undefined ? '' : ` ${code}`}${message === '' ? '' : ` — ${message}`}.` +
    permissionHint(method, path, answer.status, describeCredential) +
    gaveUp +
    (requestId === undefined ? '' : ` (request-id ${requestId})`);
  return new GraphError(redact(text), answer.status, code, requestId);
}

export class GraphHttp {
  private readonly client: Client;
  readonly baseUrl: string;
  readonly apiVersion: ApiVersion;

  constructor(private readonly o: GraphHttpOptions) {
    this.baseUrl = o.baseUrl.replace(/\/+$/, '');
    this.apiVersion = o.apiVersion;
    this.client = Client.initWithMiddleware({ middleware: o.middleware, baseUrl: this.baseUrl, defaultVersion: o.apiVersion });
  }

  /**
   * Sends one request. `target` is a path under the API version (`identity/conditionalAccess/policies?$top=5`,
   * query values already encoded) or an absolute link under the base URL (an @odata.nextLink).
   * Answers whatever status Graph gave; throws only when there is no answer (sign-in, network).
   */
  async send(method: Method, target: string, body?: unknown, options: { onlyThrottled?: boolean } = {}): Promise<GraphAnswer & { path: string }> {
    let request;
    let path: string;
    if (/^https?:\/\//i.test(target)) {
      if (!target.startsWith(`${this.baseUrl}/`)) {
        throw new GraphError(`Microsoft Graph sent a link outside ${this.baseUrl}: refusing to follow it with our credential.`, 0, 'UnexpectedLink');
      }
      const rest = target.slice(this.baseUrl.length + 1);
      const slash = rest.indexOf('/');
      request = this.client.api(rest.slice(slash + 1)).version(rest.slice(0, slash));
      path = `/${rest}`;
    } else {
      request = this.client.api(target.replace(/^\/+/, ''));
      path = `/${this.apiVersion}/${target.replace(/^\/+/, '')}`;
    }
    path = pathUnderBase(`${this.baseUrl}${path}`, this.baseUrl);
    const control = new RequestControl();
    control.onlyThrottled = options.onlyThrottled ?? false;
    request = request.middlewareOptions([control]).responseType(ResponseType.RAW).header('client-request-id', randomUUID());
    let response: Response;
    try {
      if (method === 'GET') response = (await request.get()) as Response;
      else if (method === 'POST') response = (await request.post(body ?? {})) as Response;
      else if (method === 'PATCH') response = (await request.patch(body ?? {})) as Response;
      else response = (await request.delete()) as Response;
    } catch (e) {
      if (control.failure !== undefined) throw control.failure;
      if (e instanceof GraphError) throw e;
      const message = e instanceof Error ? e.message : isObject(e) && typeof e.message === 'string' ? e.message : String(e);
      throw new GraphError(redact(`${endpointKey(method, path)} failed before Graph answered: ${message}`), 0, 'ClientError', undefined, { cause: e });
    }
    const text = await response.text();
    let parsed: unknown;
    if (text.trim() !== '' && /json/i.test(response.headers.get('content-type') ?? '')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    return {
      status: response.status,
      headers: response.headers,
      body: parsed,
      requestId: response.headers.get('request-id') ?? undefined,
      gaveUp: control.gaveUp,
      path,
    };
  }

  /** Sends one request and answers its JSON body (undefined for 204); any other status throws a GraphError. */
  async call(method: Method, target: string, body?: unknown, options: { onlyThrottled?: boolean } = {}): Promise<JsonObject | undefined> {
    const answer = await this.send(method, target, body, options);
    if (answer.status >= 200 && answer.status < 300) return isObject(answer.body) ? (answer.body as JsonObject) : undefined;
    throw errorFromAnswer(method, answer.path, answer, this.o.describeCredential);
  }

  /** Every item of a collection, following @odata.nextLink page after page. */
  async list(target: string): Promise<JsonObject[]> {
    const items: JsonObject[] = [];
    let next: string | undefined = target;
    const seen = new Set<string>();
    while (next !== undefined) {
      if (seen.has(next)) throw new GraphError(`Microsoft Graph sent the same @odata.nextLink twice (${next}): stopping rather than loop.`, 0, 'PagingLoop');
      seen.add(next);
      const page = await this.call('GET', next);
      const value = page?.value;
      if (!Array.isArray(value)) throw new GraphError(`GET ${next} answered no 'value' array.`, 0, 'UnexpectedResponse');
      items.push(...(value.filter(isObject) as JsonObject[]));
      const link = page?.['@odata.nextLink'];
      next = typeof link === 'string' && link !== '' ? link : undefined;
    }
    return items;
  }
}
