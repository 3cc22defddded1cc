/**
 * The `Directory` port over Microsoft Graph, in bulk: ids through directoryObjects/getByIds (1000 a
 * call), names and appIds through $batch (20 look-ups a call), role templates from one list per
 * run (policies hold role *template* ids). Everything is cached for the run, so the number of
 * requests grows with the number of distinct references divided by 1000 or 20, never one each.
 */
import { GraphError } from '../errors.js';
import { isGuid } from '../model/references.js';
import type { DirectoryObject, NameQuery } from '../model/tenant.js';
import type { Directory } from '../ports/directory.js';
import { errorFromAnswer, type GraphHttp } from './http.js';
import { RETRY_STATUSES, backoffDelay, parseRetryAfter, sleep } from './middleware.js';

export const GET_BY_IDS_LIMIT = 1000;
export const BATCH_LIMIT = 20;

export interface GraphDirectoryOptions {
  maxRetryTimeMs: number;
  baseDelayMs: number;
  log?: (line: string) => void;
  describeCredential: () => string;
}

/** OData string literal content: a quote is written twice. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

const filterQuery = (filter: string, select: string): string => `$filter=${encodeURIComponent(filter)}&$select=${select}`;

type LookupKind = 'user' | 'group' | 'servicePrincipal';

interface Lookup {
  /** Cache key, e.g. `group:finance` or `appId:797f…`. */
  key: string;
  kind: LookupKind;
  url: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function toDirectoryObject(kind: DirectoryObject['type'], o: Record<string, unknown>): DirectoryObject | undefined {
  if (typeof o.id !== 'string') return undefined;
  const out: DirectoryObject = { id: o.id, type: kind, displayName: typeof o.displayName === 'string' ? o.displayName : '' };
  if (typeof o.userPrincipalName === 'string') out.userPrincipalName = o.userPrincipalName;
  if (typeof o.appId === 'string') out.appId = o.appId;
  return out;
}

const TYPE_BY_ODATA: Record<string, DirectoryObject['type']> = {
  '#microsoft.graph.user': 'user',
  '#microsoft.graph.group': 'group',
  '#microsoft.graph.serviceprincipal': 'servicePrincipal',
};

export class GraphDirectory implements Directory {
  /** By lower-case id; null = asked and not found. */
  private readonly ids = new Map<string, DirectoryObject | null>();
  /** By lookup key (`user:upn`, `group:name`, `servicePrincipal:name`, `appId:guid`). */
  private readonly lookups = new Map<string, DirectoryObject[]>();
  private roles: Promise<DirectoryObject[]> | undefined;

  constructor(
    private readonly http: GraphHttp,
    private readonly o: GraphDirectoryOptions,
  ) {}

  /** Role templates: one GET /directoryRoleTemplates per run. */
  private roleTemplates(): Promise<DirectoryObject[]> {
    this.roles ??= this.http.list('directoryRoleTemplates?$select=id,displayName').then((items) =>
      items.map((r) => toDirectoryObject('role', r)).filter((r): r is DirectoryObject => r !== undefined),
    );
    // A failed list is not cached: the next caller tries again.
    this.roles.catch(() => {
      this.roles = undefined;
    });
    return this.roles;
  }

  private remember(o: DirectoryObject): void {
    this.ids.set(o.id.toLowerCase(), o);
  }

  async getByIds(ids: readonly string[]): Promise<DirectoryObject[]> {
    const wanted = [...new Set(ids.map((i) => i.trim().toLowerCase()).filter(isGuid))];
    if (wanted.some((i) => !this.ids.has(i))) {
      for (const r of await this.roleTemplates()) if (!this.ids.has(r.id.toLowerCase())) this.remember(r);
      const missing = wanted.filter((i) => !this.ids.has(i));
      for (let start = 0; start < missing.length; start += GET_BY_IDS_LIMIT) {
        const chunk = missing.slice(start, start + GET_BY_IDS_LIMIT);
        const answer = await this.http.call('POST', 'directoryObjects/getByIds', { ids: chunk, types: ['user', 'group', 'servicePrincipal'] });
        const value = answer?.value;
        if (Array.isArray(value)) {
          for (const item of value) {
            if (!isObject(item)) continue;
            const type = TYPE_BY_ODATA[String(item['@odata.type'] ?? '').toLowerCase()];
            const found = type === undefined ? undefined : toDirectoryObject(type, item);
            if (found !== undefined) this.remember(found);
          }
        }
        for (const id of chunk) if (!this.ids.has(id)) this.ids.set(id, null);
      }
    }
    return wanted.map((i) => this.ids.get(i)).filter((o): o is DirectoryObject => o !== undefined && o !== null);
  }

  async findByNames(queries: readonly NameQuery[]): Promise<Map<string, DirectoryObject[]>> {
    const result = new Map<string, DirectoryObject[]>();
    const pending = new Map<string, Lookup>();
    const keyOf = new Map<string, string>();
    let roles: DirectoryObject[] | undefined;
    for (const q of queries) {
      const outKey = `${q.kind}:${q.name}`;
      const name = q.name.trim();
      if (q.kind === 'role') {
        roles ??= await this.roleTemplates();
        result.set(outKey, roles.filter((r) => r.displayName.toLowerCase() === name.toLowerCase()));
        continue;
      }
      const lookup = this.lookupFor(q.kind, name);
      keyOf.set(outKey, lookup.key);
      if (!this.lookups.has(lookup.key)) pending.set(lookup.key, lookup);
    }
    await this.run([...pending.values()]);
    for (const [outKey, key] of keyOf) result.set(outKey, [...(this.lookups.get(key) ?? [])]);
    return result;
  }

  async getByAppIds(appIds: readonly string[]): Promise<DirectoryObject[]> {
    const wanted = [...new Set(appIds.map((a) => a.trim().toLowerCase()).filter(isGuid))];
    const lookups = wanted.map((a) => this.lookupFor('app', a));
    await this.run(lookups.filter((l) => !this.lookups.has(l.key)));
    return lookups.flatMap((l) => this.lookups.get(l.key) ?? []);
  }

  private lookupFor(kind: NameQuery['kind'], name: string): Lookup {
    switch (kind) {
      case 'user':
        return { key: `user:${name.toLowerCase()}`, kind: 'user', url: `/users?${filterQuery(`userPrincipalName eq ${odataString(name)}`, 'id,displayName,userPrincipalName')}` };
      case 'group':
        return { key: `group:${name.toLowerCase()}`, kind: 'group', url: `/groups?${filterQuery(`displayName eq ${odataString(name)}`, 'id,displayName')}` };
      case 'app':
        // An app by appId, or by name as its service principal's displayName.
        if (isGuid(name)) {
          return { key: `appId:${name.toLowerCase()}`, kind: 'servicePrincipal', url: `/servicePrincipals?${filterQuery(`appId eq ${odataString(name)}`, 'id,displayName,appId')}` };
        }
        return this.lookupFor('servicePrincipal', name);
      case 'servicePrincipal':
        return { key: `servicePrincipal:${name.toLowerCase()}`, kind: 'servicePrincipal', url: `/servicePrincipals?${filterQuery(`displayName eq ${odataString(name)}`, 'id,displayName,appId')}` };
      case 'role':
        throw new Error('role look-ups use the role template list');
    }
  }

  /**
   * Runs look-ups through $batch, 20 a call. Items Graph throttled (429) or could not serve
   * (503/504) go again in a later batch after Retry-After or a jittered backoff, within the retry
   * budget; any other failed item is a GraphError.
   */
  private async run(lookups: Lookup[]): Promise<void> {
    const started = Date.now();
    let todo = lookups;
    for (let round = 1; todo.length > 0; round += 1) {
      const again: Lookup[] = [];
      let wait = 0;
      for (let start = 0; start < todo.length; start += BATCH_LIMIT) {
        const chunk = todo.slice(start, start + BATCH_LIMIT);
        const body = { requests: chunk.map((l, i) => ({ id: String(i + 1), method: 'GET', url: l.url })) };
        const answer = await this.http.call('POST', '$batch', body);
        const responses = Array.isArray(answer?.responses) ? answer.responses : [];
        const byId = new Map<string, Record<string, unknown>>();
        for (const r of responses) if (isObject(r) && typeof r.id === 'string') byId.set(r.id, r);
        chunk.forEach((lookup, i) => {
          const r = byId.get(String(i + 1));
          const status = typeof r?.status === 'number' ? r.status : 0;
          const headers = new Headers(isObject(r?.headers) ? (r.headers as Record<string, string>) : {});
          if (status >= 200 && status < 300) {
            const value = isObject(r?.body) && Array.isArray(r.body.value) ? r.body.value : [];
            const found = value.filter(isObject).map((o) => toDirectoryObject(lookup.kind, o)).filter((o): o is DirectoryObject => o !== undefined);
            for (const o of found) this.remember(o);
            this.lookups.set(lookup.key, found);
          } else if (status === 0 || RETRY_STATUSES.has(status)) {
            again.push(lookup);
            wait = Math.max(wait, parseRetryAfter(headers.get('retry-after')) ?? backoffDelay(round, this.o.baseDelayMs));
          } else {
            const path = `/${this.http.apiVersion}${lookup.url.split('?')[0]}`;
            throw errorFromAnswer('GET', path, { status, headers, body: r?.body, requestId: headers.get('request-id') ?? undefined }, this.o.describeCredential);
          }
        });
      }
      if (again.length === 0) return;
      const elapsed = Date.now() - started;
      if (elapsed + wait > this.o.maxRetryTimeMs) {
        throw new GraphError(
          `Microsoft Graph kept throttling or failing ${again.length} directory look-ups inside $batch; gave up after ${round} rounds in ${(elapsed / 1000).toFixed(1)} s.`,
          429,
          'TooManyRequests',
        );
      }
      this.o.log?.(`Graph: ${again.length} directory look-ups in $batch were throttled or failed; retrying in ${(wait / 1000).toFixed(1)} s`);
      await sleep(wait);
      todo = again;
    }
  }
}

