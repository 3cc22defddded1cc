/**
 * The `Directory` port over Microsoft Graph, in bulk. Every read goes through `$batch` (20 requests
 * a call, a few calls in flight; batch-queue.ts), and each request asks for many objects:
 * - ids: `directoryObjects/getByIds`, 1,000 ids a request;
 * - names and appIds: `$filter=<property> in ('a','b',…)` with advanced query capabilities
 *   (`ConsistencyLevel: eventual`), as many values as fit Graph's 2,048-character URL limit
 *   (without advanced queries Graph allows only 15 values per `in`);
 * - role templates: one list per run (policies hold role *template* ids).
 * Everything is cached for the run, and what one answer proves answers later questions: a user's
 * userPrincipalName and a service principal's appId are unique in a tenant, so an object found by
 * id or by name also answers a look-up by UPN or appId without another request. A displayName is
 * not unique, so a look-up by displayName always asks Graph (that is how ambiguity is seen).
 *
 * Throttled or failed items inside a batch are retried by the middleware; here an item that
 * still failed is a GraphError.
 */
import { GraphError } from '../errors.js';
import { isGuid } from '../model/references.js';
import type { DirectoryObject, NameQuery } from '../model/tenant.js';
import type { Directory } from '../ports/directory.js';
import { BatchQueue, type SubAnswer, type SubRequest } from './batch-queue.js';
import { errorFromAnswer, type GraphHttp } from './http.js';

export const GET_BY_IDS_LIMIT = 1000;
/** In-filter requests for service principals from which one page of all of them is worth trying instead. */
const WHOLE_LIST_WORTH = 3;
/** Graph's limit on a request URL with advanced queries, counted on the longer of our base URL and Graph's. */
export const URL_LIMIT = 2048;
const GRAPH_ORIGIN = 'https://graph.microsoft.com';

export interface GraphDirectoryOptions {
  describeCredential: () => string;
  /** Batches on the wire at once (default batch-queue's BATCHES_IN_FLIGHT). */
  batchesInFlight?: number;
}

/** OData string literal content: a quote is written twice. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

type ObjectType = DirectoryObject['type'];

/** Where a look-up by value goes: the collection, the property compared, what comes back. */
interface Target {
  collection: 'users' | 'groups' | 'servicePrincipals';
  property: 'userPrincipalName' | 'displayName' | 'appId';
  type: ObjectType;
  select: string;
}

const TARGETS = {
  user: { collection: 'users', property: 'userPrincipalName', type: 'user', select: 'id,displayName,userPrincipalName' },
  group: { collection: 'groups', property: 'displayName', type: 'group', select: 'id,displayName' },
  servicePrincipal: { collection: 'servicePrincipals', property: 'displayName', type: 'servicePrincipal', select: 'id,displayName,appId' },
  appId: { collection: 'servicePrincipals', property: 'appId', type: 'servicePrincipal', select: 'id,displayName,appId' },
} as const satisfies Record<string, Target>;
type TargetName = keyof typeof TARGETS;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function toDirectoryObject(type: ObjectType, o: Record<string, unknown>): DirectoryObject | undefined {
  if (typeof o['id'] !== 'string') return undefined;
  const out: DirectoryObject = { id: o['id'], type, displayName: typeof o['displayName'] === 'string' ? o['displayName'] : '' };
  if (typeof o['userPrincipalName'] === 'string') out.userPrincipalName = o['userPrincipalName'];
  if (typeof o['appId'] === 'string') out.appId = o['appId'];
  return out;
}

const TYPE_BY_ODATA: Record<string, ObjectType> = {
  '#microsoft.graph.user': 'user',
  '#microsoft.graph.group': 'group',
  '#microsoft.graph.serviceprincipal': 'servicePrincipal',
};

/** The cache key of a look-up: `group:finance`, `appId:797f…` (Graph compares these values without regard to case). */
const lookupKey = (target: TargetName, value: string): string => `${target}:${value.toLowerCase()}`;

/** What a query asks, as a look-up by value. */
function targetOf(query: NameQuery): TargetName {
  if (query.kind === 'app') return isGuid(query.name.trim()) ? 'appId' : 'servicePrincipal';
  if (query.kind === 'role') throw new Error('role look-ups use the role template list');
  return query.kind;
}

/**
 * Splits values into `$filter=<property> in (…)` URLs of at most `URL_LIMIT` characters (on the
 * longer of `baseUrl` and Graph's own origin, so the emulator refuses what Graph would).
 */
export function filterUrls(target: Target, values: readonly string[], prefix: string): string[] {
  const head = `/${target.collection}?$count=true&$top=999&$select=${target.select}&$filter=`;
  const open = encodeURIComponent(`${target.property} in (`);
  const close = encodeURIComponent(')');
  const fixed = prefix.length + head.length + open.length + close.length;
  const urls: string[] = [];
  let parts: string[] = [];
  let length = fixed;
  const comma = encodeURIComponent(',');
  for (const value of values) {
    const part = encodeURIComponent(odataString(value));
    const added = part.length + (parts.length > 0 ? comma.length : 0);
    if (parts.length > 0 && length + added > URL_LIMIT) {
      urls.push(`${head}${open}${parts.join(comma)}${close}`);
      parts = [];
      length = fixed;
    }
    length += part.length + (parts.length > 0 ? comma.length : 0);
    parts.push(part);
  }
  if (parts.length > 0) urls.push(`${head}${open}${parts.join(comma)}${close}`);
  return urls;
}

export class GraphDirectory implements Directory {
  /** By lower-case id; null = asked and not found. */
  private readonly ids = new Map<string, DirectoryObject | null>();
  /** By lookup key: every object Graph answered for that value. */
  private readonly lookups = new Map<string, DirectoryObject[]>();
  private roles: Promise<DirectoryObject[]> | undefined;
  /** Every service principal of the tenant is in `lookups` (it fit one page). */
  private wholeList = false;
  private triedWholeList = false;
  private readonly queue: BatchQueue;
  /** URL characters before our path: the version under the longer of our base URL and Graph's. */
  private readonly urlPrefix: string;

  constructor(
    private readonly http: GraphHttp,
    private readonly o: GraphDirectoryOptions,
  ) {
    this.queue = new BatchQueue(http, o.batchesInFlight);
    const origin = http.baseUrl.length > GRAPH_ORIGIN.length ? http.baseUrl : GRAPH_ORIGIN;
    this.urlPrefix = `${origin}/${http.apiVersion}`;
  }

  /** One request through the batch queue; any answer but a success is a GraphError. */
  private async read(request: SubRequest): Promise<Record<string, unknown>> {
    const answer: SubAnswer = await this.queue.send(request);
    if (answer.status >= 200 && answer.status < 300 && isObject(answer.body)) return answer.body;
    const path = `/${this.http.apiVersion}${request.url.split('?')[0]}`;
    throw errorFromAnswer(request.method, path, { ...answer, requestId: answer.headers.get('request-id') ?? undefined }, this.o.describeCredential);
  }

  /** Role templates: one list per run, in a batch with whatever else is asked at the time. */
  private roleTemplates(): Promise<DirectoryObject[]> {
    this.roles ??= this.read({ method: 'GET', url: '/directoryRoleTemplates?$select=id,displayName' }).then(async (page) => {
      const items = Array.isArray(page['value']) ? page['value'].filter(isObject) : [];
      const next = page['@odata.nextLink'];
      if (typeof next === 'string' && next !== '') items.push(...(await this.http.list(next)));
      return items.map((r) => toDirectoryObject('role', r)).filter((r): r is DirectoryObject => r !== undefined);
    });
    // A failed list is not cached: the next caller tries again.
    this.roles.catch(() => {
      this.roles = undefined;
    });
    return this.roles;
  }

  /** Caches an object by id, and by the values that are unique to it (UPN, appId). */
  private remember(o: DirectoryObject): void {
    this.ids.set(o.id.toLowerCase(), o);
    if (o.type === 'user' && o.userPrincipalName) this.lookups.set(lookupKey('user', o.userPrincipalName), [o]);
    if (o.type === 'servicePrincipal' && o.appId) this.lookups.set(lookupKey('appId', o.appId), [o]);
  }

  async getByIds(ids: readonly string[]): Promise<DirectoryObject[]> {
    const wanted = [...new Set(ids.map((i) => i.trim().toLowerCase()).filter(isGuid))];
    if (wanted.some((i) => !this.ids.has(i))) {
      const missing = wanted.filter((i) => !this.ids.has(i));
      const chunks: string[][] = [];
      for (let start = 0; start < missing.length; start += GET_BY_IDS_LIMIT) chunks.push(missing.slice(start, start + GET_BY_IDS_LIMIT));
      // Asked together: the role templates and every chunk leave in the same batch.
      const [roles, ...answers] = await Promise.all([
        this.roleTemplates(),
        ...chunks.map((chunk) => this.read({ method: 'POST', url: '/directoryObjects/getByIds', body: { ids: chunk, types: ['user', 'group', 'servicePrincipal'] } })),
      ]);
      for (const r of roles) if (!this.ids.has(r.id.toLowerCase())) this.ids.set(r.id.toLowerCase(), r);
      for (const answer of answers) {
        for (const item of Array.isArray(answer['value']) ? answer['value'] : []) {
          if (!isObject(item)) continue;
          const type = TYPE_BY_ODATA[String(item['@odata.type'] ?? '').toLowerCase()];
          const found = type === undefined ? undefined : toDirectoryObject(type, item);
          if (found !== undefined) this.remember(found);
        }
      }
      for (const id of missing) if (!this.ids.has(id)) this.ids.set(id, null);
    }
    return wanted.map((i) => this.ids.get(i)).filter((o): o is DirectoryObject => o !== undefined && o !== null);
  }

  async findByNames(queries: readonly NameQuery[]): Promise<Map<string, DirectoryObject[]>> {
    const result = new Map<string, DirectoryObject[]>();
    const roleQueries = queries.filter((q) => q.kind === 'role');
    const others = queries.filter((q) => q.kind !== 'role');
    const [roles] = await Promise.all([
      roleQueries.length > 0 ? this.roleTemplates() : Promise.resolve([]),
      this.lookUp(others.map((q) => ({ target: targetOf(q), value: q.name.trim() }))),
    ]);
    for (const q of roleQueries) {
      const name = q.name.trim().toLowerCase();
      result.set(`${q.kind}:${q.name}`, roles.filter((r) => r.displayName.toLowerCase() === name));
    }
    for (const q of others) result.set(`${q.kind}:${q.name}`, [...(this.lookups.get(lookupKey(targetOf(q), q.name.trim())) ?? [])]);
    return result;
  }

  async getByAppIds(appIds: readonly string[]): Promise<DirectoryObject[]> {
    const wanted = [...new Set(appIds.map((a) => a.trim().toLowerCase()).filter(isGuid))];
    await this.lookUp(wanted.map((value) => ({ target: 'appId' as const, value })));
    return wanted.flatMap((a) => this.lookups.get(lookupKey('appId', a)) ?? []);
  }

  /**
   * Asks Graph for every value not yet answered, many values per request, all requests at once.
   * Service principals are special: apps are named by displayName *and* labelled by appId, so a
   * tenant that references many of them is cheaper to read whole when it fits one page (999), which
   * answers both questions and proves every name unique; otherwise in-filters as for the others.
   */
  private async lookUp(asks: ReadonlyArray<{ target: TargetName; value: string }>): Promise<void> {
    const byTarget = this.unanswered(asks);
    const isPrincipals = (name: TargetName): boolean => TARGETS[name].collection === 'servicePrincipals';
    const principals = [...byTarget].filter(([name]) => isPrincipals(name));
    const filters = principals.reduce((n, [name, values]) => n + filterUrls(TARGETS[name], [...values.values()], this.urlPrefix).length, 0);
    const wholeList = filters >= WHOLE_LIST_WORTH && !this.triedWholeList;
    // The other collections' filters leave now, in the same batch as the attempt to read all service principals.
    const others = this.filter([...byTarget].filter(([name]) => !wholeList || !isPrincipals(name)));
    if (wholeList) {
      this.triedWholeList = true;
      const answered = await this.readAllServicePrincipals();
      if (!answered) await this.filter(principals);
    }
    await others;
    // Asked and not found: an empty answer, so the next question about it costs nothing.
    for (const values of byTarget.values()) for (const key of values.keys()) if (!this.lookups.has(key)) this.lookups.set(key, []);
  }

  /** In-filter requests for these values, all at once. */
  private async filter(targets: ReadonlyArray<[TargetName, Map<string, string>]>): Promise<void> {
    const requests: Array<Promise<void>> = [];
    for (const [name, values] of targets) {
      for (const url of filterUrls(TARGETS[name], [...values.values()], this.urlPrefix)) {
        requests.push(this.read({ method: 'GET', url, headers: { ConsistencyLevel: 'eventual' } }).then((page) => this.take(name, page, url)));
      }
    }
    await Promise.all(requests);
  }

  /** The values not answered yet, by target (lookup key → value as asked). */
  private unanswered(asks: ReadonlyArray<{ target: TargetName; value: string }>): Map<TargetName, Map<string, string>> {
    const byTarget = new Map<TargetName, Map<string, string>>();
    for (const { target, value } of asks) {
      if (value === '') continue;
      const key = lookupKey(target, value);
      if (this.lookups.has(key)) continue;
      if (this.wholeList && TARGETS[target].collection === 'servicePrincipals') {
        this.lookups.set(key, []); // every service principal is known: not in the list, not in the tenant
        continue;
      }
      const values = byTarget.get(target) ?? new Map<string, string>();
      values.set(key, value);
      byTarget.set(target, values);
    }
    return byTarget;
  }

  /** One page of every service principal; true when it held them all (no next page). */
  private async readAllServicePrincipals(): Promise<boolean> {
    const target = TARGETS.servicePrincipal;
    const page = await this.read({ method: 'GET', url: `/servicePrincipals?$count=true&$top=999&$select=${target.select}`, headers: { ConsistencyLevel: 'eventual' } });
    if (typeof page['@odata.nextLink'] === 'string') return false;
    const byName = new Map<string, DirectoryObject[]>();
    for (const item of Array.isArray(page['value']) ? page['value'].filter(isObject) : []) {
      const o = toDirectoryObject('servicePrincipal', item);
      if (o === undefined) continue;
      this.remember(o);
      const key = lookupKey('servicePrincipal', o.displayName);
      byName.set(key, [...(byName.get(key) ?? []), o]);
    }
    for (const [key, objects] of byName) this.lookups.set(key, objects);
    this.wholeList = true;
    return true;
  }

  /** Files each object of a filter's answer under the value it matched. */
  private take(name: TargetName, page: Record<string, unknown>, url: string): void {
    if (typeof page['@odata.nextLink'] === 'string') {
      // 999 matches for a few dozen values: the answer would be incomplete, and a name that many objects share is ambiguous anyway.
      throw new GraphError(`GET /${this.http.apiVersion}${url.split('?')[0]} matched more than 999 objects for one look-up; look these names up by id instead.`, 0, 'TooManyMatches');
    }
    const target = TARGETS[name];
    const found = new Map<string, DirectoryObject[]>();
    for (const item of Array.isArray(page['value']) ? page['value'].filter(isObject) : []) {
      const o = toDirectoryObject(target.type, item);
      const value = item[target.property];
      if (o === undefined || typeof value !== 'string') continue;
      this.remember(o);
      const key = lookupKey(name, value);
      found.set(key, [...(found.get(key) ?? []), o]);
    }
    for (const [key, objects] of found) this.lookups.set(key, objects);
  }
}
