/**
 * The HTTP face of the emulator: Graph under /v1.0 and /beta, admin under /_emulator/. Every Graph
 * request goes through the same pipeline — latency, fault injection, authentication, throttling,
 * routing, counting — and a $batch runs each of its items through the throttle and router too.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertNotNested, parseBatch, runBatch, type BatchItem, type ItemResponse } from './batch.js';
import { Counter, endpointKey } from './counts.js';
import { AUDIT_LIST, DEFAULT_ACTOR, actorOf, auditForbidden, auditTarget, listAudits, recordWrite, type AuditActor } from './audit-log.js';
import { FaultInjector, parseFaultSpec } from './faults.js';
import { GraphHttpError, errorBody } from './graph-error.js';
import { route, type GraphResponse } from './router.js';
import { Store, seedState } from './store.js';
import { normalizeSignIn } from './entities/sign-ins.js';
import { bucketFor, isThrottled, type TokenBucket } from './throttle.js';
import type { EmulatorOptions, Json, JsonObject, RequestCounts } from './types.js';

const JSON_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

interface Ids {
  requestId: string;
  clientRequestId: string;
  /** Who the request's token names (the audit log's `initiatedBy`). */
  actor?: AuditActor;
}

/** `--audit-actor`: a UPN, or `app:<display name>`. */
export function parseAuditActor(spec: string | undefined): AuditActor {
  if (spec === undefined || spec.trim() === '') return DEFAULT_ACTOR;
  const app = /^app:(.+)$/.exec(spec.trim());
  if (app !== null && app[1] !== undefined) return { app: { appId: null, displayName: app[1], servicePrincipalId: null } };
  return { user: { id: null, userPrincipalName: spec.trim(), displayName: null } };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** `ConsistencyLevel: eventual` (header values compare without regard to case). */
function isEventual(value: string | string[] | undefined): boolean {
  return typeof value === 'string' && value.trim().toLowerCase() === 'eventual';
}

function parseJson(text: string): Json | undefined {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw new GraphHttpError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
}

export class EmulatorServer {
  readonly store: Store;
  private readonly counter = new Counter();
  private readonly bucket: TokenBucket | undefined;
  private injector: FaultInjector | undefined;
  private server: Server | undefined;
  private baseUrl = '';
  private auditActor: AuditActor;
  private auditLogForbidden: boolean;

  constructor(private readonly options: EmulatorOptions) {
    this.bucket = bucketFor(options);
    this.injector = options.faults === undefined ? undefined : new FaultInjector(parseFaultSpec(options.faults));
    this.store = new Store(() => seedState(options.seed, options.tenantId), options.stateFile, options.tenantId, options.listLagMs ?? 0);
    this.auditActor = parseAuditActor(options.auditActor);
    this.auditLogForbidden = options.auditLogForbidden ?? false;
  }

  get tenantId(): string {
    return this.store.state.tenantId;
  }

  requests(): RequestCounts {
    return this.counter.snapshot();
  }

  async listen(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        // A bug in the emulator: answer 500 in Graph's shape rather than hang the client.
        if (!res.headersSent) this.sendJson(res, 500, errorBody('InternalServerError', String(e), randomUUID(), randomUUID()));
      });
    });
    this.server = server;
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    this.store.save();
    const server = this.server;
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // fetch keeps connections alive; without this close() waits for them to time out.
      server.closeAllConnections();
    });
  }

  private sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  private send(res: ServerResponse, r: GraphResponse, ids: Ids): void {
    const headers = { 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId, ...(r.headers ?? {}) };
    if (r.body === undefined) {
      res.writeHead(r.status, headers);
      res.end();
    } else this.sendJson(res, r.status, r.body, headers);
  }

  private errorResponse(e: unknown, ids: Ids): GraphResponse {
    if (e instanceof GraphHttpError) return { status: e.status, headers: e.headers, body: errorBody(e.code, e.message, ids.requestId, ids.clientRequestId) as unknown as Json };
    return { status: 500, body: errorBody('InternalServerError', e instanceof Error ? e.message : String(e), ids.requestId, ids.clientRequestId) as unknown as Json };
  }

  private throttled(): GraphHttpError {
    // Graph's CA endpoints send no Retry-After; the option exists to test clients that honour one.
    const headers: Record<string, string> = this.options.retryAfter === undefined ? {} : { 'Retry-After': String(this.options.retryAfter) };
    return new GraphHttpError(429, 'TooManyRequests', 'Too many requests. Please retry later.', headers);
  }

  /** One Graph operation, alone or inside a $batch: throttle, then route. */
  private dispatch(method: string, version: 'v1.0' | 'beta', pathAndQuery: string, body: Json | undefined, ids: Ids, advanced: boolean): GraphResponse {
    const q = pathAndQuery.indexOf('?');
    const path = (q < 0 ? pathAndQuery : pathAndQuery.slice(0, q)).replace(/^\/+/, '');
    const params = new URLSearchParams(q < 0 ? '' : pathAndQuery.slice(q + 1));
    let response: GraphResponse;
    try {
      if (this.bucket !== undefined && isThrottled(path) && !this.bucket.take()) throw this.throttled();
      const fullPath = `/${version}/${pathAndQuery.replace(/^\/+/, '')}`;
      if (AUDIT_LIST.test(path.replace(/\/+$/, ''))) return this.auditList(method, version, params, fullPath);
      const now = Date.now();
      const audit = auditTarget(method, path.replace(/\/+$/, ''));
      const before = audit?.id === undefined ? undefined : this.storedEntity(audit.id);
      response = route(
        { method, path, params, body, advanced, pathAndQuery: fullPath },
        { store: this.store, version, baseUrl: this.baseUrl, now, eventualConsistencyMs: this.options.eventualConsistencyMs ?? 0 },
      );
      if (audit !== undefined && response.status >= 200 && response.status < 300) {
        const id = audit.id ?? (typeof response.body === 'object' && response.body !== null && !Array.isArray(response.body) ? String(response.body['id']) : '');
        recordWrite(this.store.state, { method, target: audit.target, id, before, after: this.storedEntity(id), actor: ids.actor ?? this.auditActor, at: now });
        this.store.save();
      }
    } catch (e) {
      response = this.errorResponse(e, ids);
    }
    return response;
  }

  /** A Conditional Access object as stored now (before or after a write), for the audit entry. */
  private storedEntity(id: string): JsonObject | undefined {
    const s = this.store.state;
    const found = [...s.policies, ...s.namedLocations, ...s.authenticationStrengthPolicies].find((o) => o['id'] === id);
    return found === undefined ? undefined : structuredClone(found);
  }

  private auditList(method: string, version: 'v1.0' | 'beta', params: URLSearchParams, pathAndQuery: string): GraphResponse {
    if (method.toUpperCase() !== 'GET') throw new GraphHttpError(405, 'Request_BadRequest', `The HTTP method '${method}' is not allowed on 'auditLogs/directoryAudits'.`);
    if (this.auditLogForbidden) throw auditForbidden();
    return { status: 200, body: listAudits(this.store.state, params, { baseUrl: this.baseUrl, version, pathAndQuery }) };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = (req.method ?? 'GET').toUpperCase();
    const text = await readBody(req);
    if (url.pathname === '/_emulator' || url.pathname.startsWith('/_emulator/')) {
      this.admin(method, url.pathname, text, res);
      return;
    }
    const header = req.headers['client-request-id'];
    const ids: Ids = { requestId: randomUUID(), clientRequestId: typeof header === 'string' ? header : randomUUID() };
    const m = /^\/(v1\.0|beta)(?:\/(.*))?$/.exec(url.pathname);
    if (m === null || m[1] === undefined) {
      this.send(res, { status: 404, body: errorBody('NotFound', `Graph lives under /v1.0 and /beta; '${url.pathname}' is neither.`, ids.requestId, ids.clientRequestId) as unknown as Json }, ids);
      return;
    }
    const version = m[1] as 'v1.0' | 'beta';
    const path = m[2] ?? '';
    const key = endpointKey(method, version, path);

    if (this.options.latencyMs !== undefined && this.options.latencyMs > 0) {
      await sleep(this.options.latencyMs * (0.75 + Math.random() * 0.5));
    }
    const fault = this.injector?.next(method);
    if (fault?.kind === 'reset') {
      this.counter.record(key, 'reset');
      req.socket.destroy();
      return;
    }
    let response: GraphResponse;
    if (fault?.kind === '503') response = this.errorResponse(new GraphHttpError(503, 'serviceNotAvailable', 'The service is temporarily unavailable. Please retry later.', { 'Retry-After': '1' }), ids);
    else if (fault?.kind === '504') response = this.errorResponse(this.gatewayTimeout(), ids);
    else if (fault?.kind === '429') response = this.errorResponse(this.throttled(), ids);
    else response = await this.authenticated(req, method, version, path, url.search, text, ids);
    if (fault?.kind === 'lost') {
      // Graph did the work; the answer never reaches the client. Counted as what the client saw.
      if (fault.as === 'reset') {
        this.counter.record(key, 'reset');
        req.socket.destroy();
        return;
      }
      response = this.errorResponse(this.gatewayTimeout(), ids);
    }
    this.counter.record(key, response.status);
    this.send(res, response, ids);
  }

  private gatewayTimeout(): GraphHttpError {
    return new GraphHttpError(504, 'gatewayTimeout', 'The gateway did not receive a timely response.');
  }

  private async authenticated(req: IncomingMessage, method: string, version: 'v1.0' | 'beta', path: string, search: string, text: string, received: Ids): Promise<GraphResponse> {
    const ids: Ids = received;
    const auth = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (auth === null || auth[1] === undefined) {
      return this.errorResponse(new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token is empty.'), ids);
    }
    if (this.options.tokens !== undefined && !this.options.tokens.includes(auth[1])) {
      return this.errorResponse(new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token validation failure.'), ids);
    }
    ids.actor = actorOf(auth[1], this.auditActor);
    let body: Json | undefined;
    try {
      body = parseJson(text);
    } catch (e) {
      return this.errorResponse(e, ids);
    }
    if (path === '$batch') {
      if (method !== 'POST') return this.errorResponse(new GraphHttpError(405, 'Request_BadRequest', '$batch accepts POST only.'), ids);
      try {
        const items = parseBatch(body);
        const result = await runBatch(items, async (item) => this.batchItem(item, version, ids), (item, dep) => this.failedDependency(item, dep, version, ids));
        return { status: 200, body: result };
      } catch (e) {
        return this.errorResponse(e, ids);
      }
    }
    return this.dispatch(method, version, `${path}${search}`, body, ids, isEventual(req.headers['consistencylevel']));
  }

  private itemResponse(r: GraphResponse): ItemResponse {
    const headers: Record<string, string> = { ...(r.headers ?? {}) };
    if (r.body !== undefined) headers['Content-Type'] = JSON_TYPE;
    return { status: r.status, headers, ...(r.body === undefined ? {} : { body: r.body }) };
  }

  private batchItem(item: BatchItem, version: 'v1.0' | 'beta', ids: Ids): ItemResponse {
    const path = item.url.replace(/^\/+/, '');
    const key = endpointKey(item.method, version, path.split('?')[0] ?? '');
    let r: GraphResponse;
    try {
      assertNotNested(item);
      r = this.dispatch(item.method, version, path, item.body, ids, isEventual(item.headers['consistencylevel']));
    } catch (e) {
      r = this.errorResponse(e, ids);
    }
    this.counter.record(key, r.status, true);
    return this.itemResponse(r);
  }

  private failedDependency(item: BatchItem, dependency: string, version: 'v1.0' | 'beta', ids: Ids): ItemResponse {
    const r = this.errorResponse(new GraphHttpError(424, 'FailedDependency', `The request depends on '${dependency}', which failed.`), ids);
    this.counter.record(endpointKey(item.method, version, item.url.replace(/^\/+/, '').split('?')[0] ?? ''), 424, true);
    return this.itemResponse(r);
  }

  /** Admin endpoints: no authentication, not counted. */
  private admin(method: string, path: string, text: string, res: ServerResponse): void {
    const fail = (status: number, message: string) => this.sendJson(res, status, { error: { code: status === 404 ? 'NotFound' : 'BadRequest', message } });
    const route = `${method} ${path.replace(/\/+$/, '')}`;
    let body: unknown;
    try {
      body = text.trim() === '' ? undefined : JSON.parse(text);
    } catch {
      fail(400, 'The body is not valid JSON.');
      return;
    }
    try {
      switch (route) {
        case 'GET /_emulator/state':
          this.sendJson(res, 200, this.store.state);
          return;
        case 'PUT /_emulator/state':
          this.store.replace(body as Json);
          res.writeHead(204).end();
          return;
        case 'POST /_emulator/reset':
          this.store.reset();
          res.writeHead(204).end();
          return;
        case 'POST /_emulator/faults': {
          const spec = typeof body === 'object' && body !== null ? (body as { spec?: unknown }).spec : body;
          if (spec === undefined || spec === null || spec === '') this.injector = undefined;
          else if (typeof spec === 'string') this.injector = new FaultInjector(parseFaultSpec(spec));
          else throw new Error("Send {\"spec\": \"rate=…,kinds=…,seed=…\"} to set faults, or {\"spec\": null} to clear them.");
          this.sendJson(res, 200, { spec: this.injector?.spec ?? null });
          return;
        }
        case 'POST /_emulator/list-lag': {
          const ms = typeof body === 'object' && body !== null ? (body as { ms?: unknown }).ms : body;
          if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new Error('Send {"ms": <milliseconds, 0 or more>} to set the list lag.');
          this.store.setListLag(ms);
          this.sendJson(res, 200, { ms });
          return;
        }
        case 'POST /_emulator/sign-ins': {
          // Adds sign-ins to the log (Graph's signIn shape; id and createdDateTime required).
          const items = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { signIns?: unknown }).signIns : undefined;
          if (!Array.isArray(items)) throw new Error('Send {"signIns": [<signIn>, …]} to add sign-ins to the log.');
          const added = items.map((s, i) => normalizeSignIn(s as Json, `signIns[${i}]`));
          const log = (this.store.state.signIns ??= []);
          for (const s of added) if (log.some((o) => o.id === s.id)) throw new Error(`A sign-in with id '${String(s.id)}' is already in the log.`);
          log.push(...added);
          this.store.save();
          this.sendJson(res, 200, { added: added.length, total: log.length });
          return;
        }
        case 'DELETE /_emulator/sign-ins':
          this.store.state.signIns = [];
          this.store.save();
          res.writeHead(204).end();
          return;
        case 'GET /_emulator/requests':
          this.sendJson(res, 200, this.counter.snapshot());
          return;
        case 'POST /_emulator/requests/reset':
          this.counter.reset();
          res.writeHead(204).end();
          return;
        case 'POST /_emulator/audit-log': {
          // {"forbidden": true|false, "defaultActor": "upn" | "app:Name"}: the audit log's answers and default caller.
          const o = typeof body === 'object' && body !== null ? (body as { forbidden?: unknown; defaultActor?: unknown }) : {};
          if (o.forbidden !== undefined && typeof o.forbidden !== 'boolean') throw new Error('"forbidden" must be true or false.');
          if (o.defaultActor !== undefined && typeof o.defaultActor !== 'string') throw new Error('"defaultActor" must be a UPN or "app:<display name>".');
          if (typeof o.forbidden === 'boolean') this.auditLogForbidden = o.forbidden;
          if (typeof o.defaultActor === 'string') this.auditActor = parseAuditActor(o.defaultActor);
          this.sendJson(res, 200, { forbidden: this.auditLogForbidden, defaultActor: this.auditActor });
          return;
        }
        case 'GET /_emulator/health':
          this.sendJson(res, 200, { status: 'ok', tenantId: this.tenantId });
          return;
        default:
          fail(404, `No admin endpoint '${route}'.`);
      }
    } catch (e) {
      fail(400, e instanceof Error ? e.message : String(e));
    }
  }
}
