/**
 * The directory audit log (`/auditLogs/directoryAudits`): every successful write to a Conditional
 * Access policy, named location or authentication strength leaves one entry in Graph's
 * `directoryAudit` shape, attributed to the caller. The caller is read from the bearer token's
 * claims without verifying it (`upn` → a user, else `appid` → an application), or is the
 * configured default: so a test or the demo can stage "a portal edit by mallory@contoso.com", an
 * edit by "Microsoft Managed Policy Manager", or a creation by the Optimization Agent.
 *
 * The list honours the `$filter` forms Graph documents for this collection that caac sends
 * (activityDateTime ge/le/eq, category/loggedByService/activityDisplayName/id/correlationId eq,
 * `targetResources/any(t: t/id eq '…')` joined by `or`), newest first, `$top` up to 999, and pages
 * with `$skiptoken`. Anything else answers 400, as Graph does for a filter it does not support.
 */
import { randomUUID } from 'node:crypto';
import { GraphHttpError, badRequest } from './graph-error.js';
import type { Json, JsonObject, TenantState } from './types.js';
import { ADVANCED_URL_LIMIT } from './odata.js';
import { isObject } from './schema.js';

/** Who a write is attributed to: Graph's `initiatedBy` (one of user or app set, the other null). */
export type AuditActor = { user: { id: string | null; userPrincipalName: string; displayName: string | null } } | { app: { appId: string | null; displayName: string | null; servicePrincipalId: string | null } };

/** The default caller when the token says nothing: the app the emulator's tokens stand for. */
export const DEFAULT_ACTOR: AuditActor = { app: { appId: null, displayName: 'caac emulator client', servicePrincipalId: null } };

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The claims of a JWT-shaped token (not verified: the emulator trusts any bearer token), or undefined. */
export function tokenClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return isObject(claims) ? claims : undefined;
  } catch {
    return undefined;
  }
}

/** The caller a token names: a user by `upn` (or `unique_name`), else an app by `appid` (or `azp`), else `fallback`. */
export function actorOf(token: string | undefined, fallback: AuditActor): AuditActor {
  const claims = token === undefined ? undefined : tokenClaims(token);
  if (claims === undefined) return fallback;
  const upn = str(claims['upn']) ?? str(claims['unique_name']);
  if (upn !== null) return { user: { id: str(claims['oid']), userPrincipalName: upn, displayName: str(claims['name']) } };
  const appId = str(claims['appid']) ?? str(claims['azp']);
  if (appId !== null) return { app: { appId, displayName: str(claims['app_displayname']), servicePrincipalId: str(claims['oid']) } };
  return fallback;
}

/** `initiatedBy` as Graph writes it: both keys, the one that did not act null. */
function initiatedBy(actor: AuditActor): JsonObject {
  return 'user' in actor
    ? { user: { ...actor.user, ipAddress: null, userType: 'Member', homeTenantId: null, homeTenantName: null }, app: null }
    : { user: null, app: { ...actor.app } };
}

/** What a write path targets: the kind's words in Graph's activity names, its audit type and service. */
interface Target {
  noun: string;
  type: string;
  service: string;
}

const TARGETS: Array<[RegExp, Target]> = [
  [/^identity\/conditionalAccess\/policies(?:\/([^/]+))?$/, { noun: 'conditional access policy', type: 'Policy', service: 'Conditional Access' }],
  [/^identity\/conditionalAccess\/namedLocations(?:\/([^/]+))?$/, { noun: 'named location', type: 'Policy', service: 'Conditional Access' }],
  [/^policies\/authenticationStrengthPolicies(?:\/([^/]+))?$/, { noun: 'authentication strength policy', type: 'Policy', service: 'Conditional Access' }],
];

const VERBS: Record<string, string> = { POST: 'Add', PATCH: 'Update', DELETE: 'Delete' };

/** The object a write changes, before it runs: which collection, which id (none for a create). */
export function auditTarget(method: string, path: string): { target: Target; id?: string } | undefined {
  if (VERBS[method.toUpperCase()] === undefined) return undefined;
  for (const [re, target] of TARGETS) {
    const m = re.exec(path);
    if (m === null) continue;
    const id = m[1] === undefined ? undefined : decodeURIComponent(m[1]);
    // A create has no id in its path; an update or delete must have one.
    if ((method.toUpperCase() === 'POST') !== (id === undefined)) return undefined;
    return { target, ...(id === undefined ? {} : { id }) };
  }
  return undefined;
}

const SERVER_FIELDS = new Set(['@odata.context', 'createdDateTime', 'modifiedDateTime', 'id']);

/** `modifiedProperties` of one write: each top-level property that differs, old and new as JSON strings (Graph's form). */
export function modifiedProperties(before: JsonObject | undefined, after: JsonObject | undefined): JsonObject[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const out: JsonObject[] = [];
  for (const key of [...keys].sort()) {
    if (SERVER_FIELDS.has(key) || key.includes('@odata.context')) continue;
    const old = before?.[key];
    const now = after?.[key];
    if (JSON.stringify(old) === JSON.stringify(now)) continue;
    out.push({ displayName: key, oldValue: old === undefined ? null : JSON.stringify(old), newValue: now === undefined ? null : JSON.stringify(now) });
  }
  return out;
}

export interface AuditWrite {
  method: string;
  target: Target;
  id: string;
  before: JsonObject | undefined;
  after: JsonObject | undefined;
  actor: AuditActor;
  at: number;
}

/** Appends the entry for one successful write. */
export function recordWrite(state: TenantState, w: AuditWrite): void {
  const displayName = str(w.after?.['displayName']) ?? str(w.before?.['displayName']);
  const entry: JsonObject = {
    id: `Directory_${randomUUID()}`,
    category: 'Policy',
    correlationId: randomUUID(),
    result: 'success',
    resultReason: '',
    activityDisplayName: `${VERBS[w.method.toUpperCase()] ?? 'Update'} ${w.target.noun}`,
    activityDateTime: new Date(w.at).toISOString(),
    loggedByService: w.target.service,
    operationType: w.method.toUpperCase() === 'POST' ? 'Add' : w.method.toUpperCase() === 'DELETE' ? 'Delete' : 'Update',
    initiatedBy: initiatedBy(w.actor),
    targetResources: [{ id: w.id, displayName, type: w.target.type, userPrincipalName: null, groupType: null, modifiedProperties: modifiedProperties(w.before, w.after) as Json[] }],
    additionalDetails: [],
  };
  (state.directoryAudits ??= []).push(entry);
}

// ── The list and its $filter ──────────────────────────────────────────────────────────────────────

type Clause = (entry: JsonObject) => boolean;

const EQ_PROPERTIES = new Set(['category', 'loggedByService', 'activityDisplayName', 'id', 'correlationId', 'result']);
const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?Z$/;

/** Splits at top-level ` and ` / ` or ` (outside quotes and parentheses). */
function splitTop(text: string, word: 'and' | 'or'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  const token = ` ${word} `;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && text.slice(i, i + token.length).toLowerCase() === token) {
      parts.push(text.slice(start, i));
      start = i + token.length;
      i += token.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/** `(…)` around the whole text, removed. */
function unwrap(text: string): string {
  let t = text.trim();
  while (t.startsWith('(') && t.endsWith(')') && balanced(t.slice(1, -1))) t = t.slice(1, -1).trim();
  return t;
}

function balanced(text: string): boolean {
  let depth = 0;
  let quoted = false;
  for (const c of text) {
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')' && --depth < 0) return false;
  }
  return depth === 0 && !quoted;
}

const literal = (raw: string): string | undefined => {
  const m = /^'((?:[^']|'')*)'$/.exec(raw.trim());
  return m === null || m[1] === undefined ? undefined : m[1].replace(/''/g, "'");
};

function clause(text: string, raw: string): Clause {
  const t = unwrap(text);
  const ors = splitTop(t, 'or');
  if (ors.length > 1) {
    const each = ors.map((o) => clause(o, raw));
    return (e) => each.some((c) => c(e));
  }
  const any = /^targetResources\/any\((\w+):\s*\1\/(id|displayName) eq ('(?:[^']|'')*')\)$/.exec(t);
  if (any !== null) {
    const value = literal(any[3] ?? '');
    const property = any[2] as 'id' | 'displayName';
    return (e) => Array.isArray(e['targetResources']) && e['targetResources'].some((r) => isObject(r) && r[property] === value);
  }
  const date = /^activityDateTime (ge|le|eq) (\S+)$/.exec(t);
  if (date !== null) {
    if (!DATE.test(date[2] ?? '')) throw badRequest(`Invalid filter clause: '${date[2] ?? ''}' is not a DateTimeOffset (write it unquoted, e.g. 2026-01-31T00:00:00Z).`);
    const bound = Date.parse(date[2] as string);
    const op = date[1];
    return (e) => {
      const at = Date.parse(String(e['activityDateTime']));
      return op === 'ge' ? at >= bound : op === 'le' ? at <= bound : at === bound;
    };
  }
  const eq = /^(\w+) eq ('(?:[^']|'')*')$/.exec(t);
  if (eq !== null && EQ_PROPERTIES.has(eq[1] ?? '')) {
    const value = literal(eq[2] ?? '');
    const property = eq[1] as string;
    return (e) => e[property] === value;
  }
  throw badRequest(`Invalid filter clause: the $filter '${raw}' is not supported on directoryAudits (near '${t}').`);
}

/** The predicate of a `$filter` for directoryAudits; 400 for what it does not support. */
export function auditFilter(raw: string): Clause {
  if (!balanced(raw)) throw badRequest(`Invalid filter clause: unbalanced quotes or parentheses in '${raw}'.`);
  const ands = splitTop(unwrap(raw), 'and').map((a) => clause(a, raw));
  return (e) => ands.every((c) => c(e));
}

const AUDIT_PATH = 'auditLogs/directoryAudits';

/** `GET /auditLogs/directoryAudits`: newest first, filtered, `$top` (1–999, default 100), `$skiptoken` paging. */
export function listAudits(state: TenantState, params: URLSearchParams, o: { baseUrl: string; version: string; pathAndQuery?: string }): JsonObject {
  if (o.pathAndQuery !== undefined && o.pathAndQuery.length > ADVANCED_URL_LIMIT) {
    throw new GraphHttpError(400, 'BadRequest', `The request URL is ${o.pathAndQuery.length} characters long; Graph accepts at most ${ADVANCED_URL_LIMIT}.`);
  }
  for (const key of params.keys()) {
    if (!['$filter', '$top', '$skiptoken', '$orderby'].includes(key)) throw badRequest(`Query option '${key}' is not supported on directoryAudits.`);
  }
  const topRaw = params.get('$top');
  const top = topRaw === null ? 100 : Number(topRaw);
  if (!Number.isInteger(top) || top < 1 || top > 999) throw badRequest(`Invalid value '${topRaw ?? ''}' for $top: it takes 1 to 999.`);
  const skipRaw = params.get('$skiptoken');
  const skip = skipRaw === null ? 0 : Number(skipRaw);
  if (!Number.isInteger(skip) || skip < 0) throw badRequest('Invalid $skiptoken.');
  const orderby = params.get('$orderby');
  if (orderby !== null && !/^activityDateTime( (asc|desc))?$/.test(orderby)) throw badRequest(`$orderby '${orderby}' is not supported on directoryAudits.`);
  const filter = params.get('$filter');
  const keep = filter === null ? () => true : auditFilter(filter);
  const ascending = orderby !== null && / asc$/.test(orderby);
  const all = (state.directoryAudits ?? []).filter(keep).sort((a, b) => {
    const d = Date.parse(String(a['activityDateTime'])) - Date.parse(String(b['activityDateTime']));
    return ascending ? d : -d;
  });
  const page = all.slice(skip, skip + top);
  const body: JsonObject = { '@odata.context': `${o.baseUrl}/${o.version}/$metadata#auditLogs/directoryAudits`, value: structuredClone(page) };
  if (skip + top < all.length) {
    const next = new URLSearchParams(params);
    next.set('$top', String(top));
    next.set('$skiptoken', String(skip + top));
    body['@odata.nextLink'] = `${o.baseUrl}/${o.version}/${AUDIT_PATH}?${next.toString().replace(/\+/g, '%20')}`;
  }
  return body;
}

export const AUDIT_LIST = new RegExp(`^${AUDIT_PATH}$`, 'i');

/** Graph's answer to an app without AuditLog.Read.All. */
export const auditForbidden = (): GraphHttpError => new GraphHttpError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
