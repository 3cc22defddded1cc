/**
 * The `AuditLog` port over `GET /auditLogs/directoryAudits`. One filter per request:
 * `activityDateTime ge <since> and category eq 'Policy' and (targetResources/any(t: t/id eq 'a') or …)`,
 * as many ids as fit Graph's URL limit (and at most MAX_IDS_PER_REQUEST `or` clauses), `$top=999`,
 * pages followed by @odata.nextLink. The audit log is not a Conditional Access path: it is not
 * paced with them. A 403 (no AuditLog.Read.All) is an answer, not an error.
 */
import { GraphError } from '../errors.js';
import type { AuditEntry, AuditLogAnswer, AuditProperty } from '../model/audit.js';
import { isJsonObject, type JsonObject } from '../model/documents.js';
import type { AuditLog } from '../ports/audit-log.js';
import { odataString, URL_LIMIT } from './directory.js';
import type { GraphHttp } from './http.js';

/** `or` clauses per filter: Graph documents no limit for `any` on this collection, so stay modest. */
export const MAX_IDS_PER_REQUEST = 15;
const PATH = 'auditLogs/directoryAudits';
const GRAPH_ORIGIN = 'https://graph.microsoft.com';

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Graph's DateTimeOffset literal (whole seconds, unquoted). */
export function odataDate(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The request targets, each a path with its query encoded, covering every id once. */
export function auditRequests(ids: readonly string[], since: Date, apiVersion: string, baseUrl: string): string[] {
  const base = `activityDateTime ge ${odataDate(since)} and category eq 'Policy'`;
  const target = (chunk: readonly string[]): string => {
    const any = chunk.map((id) => `targetResources/any(t: t/id eq ${odataString(id)})`).join(' or ');
    return `${PATH}?$filter=${encodeURIComponent(`${base} and (${any})`)}&$top=999`;
  };
  const origin = Math.max(baseUrl.length, GRAPH_ORIGIN.length);
  const fits = (chunk: readonly string[]): boolean => origin + `/${apiVersion}/`.length + target(chunk).length <= URL_LIMIT;
  const out: string[] = [];
  let chunk: string[] = [];
  for (const id of [...new Set(ids)]) {
    const next = [...chunk, id];
    if (chunk.length > 0 && (next.length > MAX_IDS_PER_REQUEST || !fits(next))) {
      out.push(target(chunk));
      chunk = [id];
    } else chunk = next;
  }
  if (chunk.length > 0) out.push(target(chunk));
  return out;
}

function property(raw: unknown): AuditProperty | undefined {
  if (!isJsonObject(raw)) return undefined;
  const name = text(raw['displayName']);
  if (name === undefined) return undefined;
  const value = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return { name, oldValue: value(raw['oldValue']), newValue: value(raw['newValue']) };
}

/** One directoryAudit as drift needs it; undefined for an entry without id or time. */
export function toAuditEntry(raw: JsonObject): AuditEntry | undefined {
  const id = text(raw['id']);
  const at = text(raw['activityDateTime']);
  if (id === undefined || at === undefined) return undefined;
  const by = isJsonObject(raw['initiatedBy']) ? raw['initiatedBy'] : {};
  const user = isJsonObject(by['user']) ? by['user'] : undefined;
  const app = isJsonObject(by['app']) ? by['app'] : undefined;
  const actor = user === undefined ? undefined : text(user['userPrincipalName']) ?? text(user['displayName']) ?? text(user['id']);
  const appName = app === undefined ? undefined : text(app['displayName']) ?? text(app['appId']);
  const resources: unknown[] = Array.isArray(raw['targetResources']) ? raw['targetResources'] : [];
  const targets = resources.filter(isJsonObject).flatMap((t) => {
    const tid = text(t['id']);
    if (tid === undefined) return [];
    const displayName = text(t['displayName']);
    const changed: unknown[] = Array.isArray(t['modifiedProperties']) ? t['modifiedProperties'] : [];
    const properties = changed.map(property).filter((p): p is AuditProperty => p !== undefined);
    return [{ id: tid, ...(displayName === undefined ? {} : { displayName }), properties }];
  });
  return {
    id,
    at,
    activity: text(raw['activityDisplayName']) ?? '(unnamed activity)',
    ...(actor === undefined ? {} : { actor }),
    ...(appName === undefined ? {} : { app: appName }),
    targets,
    result: text(raw['result']) ?? 'unknown',
  };
}

export class GraphAuditLog implements AuditLog {
  constructor(private readonly http: GraphHttp) {}

  async entriesFor(ids: readonly string[], since: Date): Promise<AuditLogAnswer> {
    const entries = new Map<string, AuditEntry>();
    const targets = auditRequests(ids, since, this.http.apiVersion, this.http.baseUrl);
    for (const target of targets) {
      let raw: JsonObject[];
      try {
        raw = await this.http.list(target);
      } catch (e) {
        if (e instanceof GraphError && e.status === 403) return { status: 'forbidden', message: e.message };
        throw e;
      }
      for (const r of raw) {
        const entry = toAuditEntry(r);
        if (entry !== undefined) entries.set(entry.id, entry);
      }
    }
    const sorted = [...entries.values()].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id.localeCompare(b.id));
    return { status: 'read', entries: sorted, requests: targets.length };
  }
}
