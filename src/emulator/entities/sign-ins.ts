/**
 * `GET /auditLogs/signIns` as Graph serves it (signIn resource, List signIns): newest first,
 * `$top` up to 1,000 (the default and the maximum), an opaque `$skiptoken` in an absolute
 * `@odata.nextLink`, and `$filter` on the properties Graph documents as filterable — `createdDateTime`
 * (ge, gt, le, lt, eq with an unquoted DateTimeOffset), `userId`, `appId`, `userPrincipalName`,
 * `appDisplayName`, `ipAddress`, `clientAppUsed`, `conditionalAccessStatus`, `status/errorCode`
 * (eq; startswith on the names), clauses joined by `and`. Graph does not filter on
 * `appliedConditionalAccessPolicies`, nor take `$skip`, `$orderby`, `$count` or `$search` here: 400.
 */
import { badRequest } from '../graph-error.js';
import type { Json, JsonObject } from '../types.js';

export const SIGN_INS = 'auditLogs/signIns';
const MAX_TOP = 1000;

type Clause = (s: JsonObject) => boolean;

const STRING_PROPS = ['userId', 'appId', 'userPrincipalName', 'appDisplayName', 'ipAddress', 'clientAppUsed', 'conditionalAccessStatus', 'userDisplayName', 'correlationId', 'id'];
const STARTSWITH_PROPS = ['userPrincipalName', 'appDisplayName', 'ipAddress', 'userDisplayName'];
const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$/;
const unquote = (s: string): string => s.replace(/''/g, "'");

function clause(raw: string): Clause {
  const text = raw.trim();
  if (/appliedConditionalAccessPolicies/i.test(text)) throw badRequest(`Invalid filter clause: filtering on 'appliedConditionalAccessPolicies' is not supported.`);
  const date = /^createdDateTime\s+(ge|gt|le|lt|eq)\s+(\S+)$/i.exec(text);
  if (date) {
    const [, op, value = ''] = date;
    if (!DATE.test(value)) throw badRequest(`Invalid filter clause: '${value}' is not a DateTimeOffset literal (write it unquoted, e.g. 2026-01-01T00:00:00Z).`);
    const at = Date.parse(value);
    const cmp: Record<string, (a: number) => boolean> = { ge: (a) => a >= at, gt: (a) => a > at, le: (a) => a <= at, lt: (a) => a < at, eq: (a) => a === at };
    const test = cmp[op!.toLowerCase()]!;
    return (s) => test(Date.parse(String(s.createdDateTime)));
  }
  const code = /^status\/errorCode\s+eq\s+(-?\d+)$/i.exec(text);
  if (code) return (s) => (s.status as JsonObject | null)?.errorCode === Number(code[1]);
  const eq = /^([A-Za-z]+)\s+eq\s+'((?:[^']|'')*)'$/.exec(text);
  if (eq && STRING_PROPS.includes(eq[1]!)) {
    const want = unquote(eq[2]!).toLowerCase();
    return (s) => typeof s[eq[1]!] === 'string' && (s[eq[1]!] as string).toLowerCase() === want;
  }
  const sw = /^startswith\(\s*([A-Za-z]+)\s*,\s*'((?:[^']|'')*)'\s*\)$/i.exec(text);
  if (sw && STARTSWITH_PROPS.includes(sw[1]!)) {
    const want = unquote(sw[2]!).toLowerCase();
    return (s) => typeof s[sw[1]!] === 'string' && (s[sw[1]!] as string).toLowerCase().startsWith(want);
  }
  throw badRequest(`Invalid filter clause: ${text}`);
}

/** `a and b and c` (no `or`, no parentheses: Graph's sign-in filters are conjunctions here). */
export function parseSignInFilter(raw: string): Clause {
  if (/\s+or\s+/i.test(raw.replace(/'(?:[^']|'')*'/g, "''"))) throw badRequest(`Invalid filter clause: 'or' is not supported on signIns.`);
  const clauses = raw.split(/\s+and\s+(?=(?:[^']*'[^']*')*[^']*$)/i).map(clause);
  return (s) => clauses.every((c) => c(s));
}

const encodeToken = (offset: number): string => Buffer.from(`signins:${offset}`).toString('base64url');
function decodeToken(token: string): number {
  const m = /^signins:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw badRequest(`Invalid $skiptoken '${token}'.`);
  return Number(m[1]);
}

/** One page of the sign-in log, newest first. */
export function listSignIns(all: readonly JsonObject[], params: URLSearchParams, base: { baseUrl: string; version: string }): JsonObject {
  for (const p of ['$skip', '$orderby', '$count', '$search', '$expand']) {
    if (params.has(p)) throw badRequest(`Query option '${p}' is not supported on signIns.`);
  }
  const rawTop = params.get('$top');
  if (rawTop !== null && (!/^\d+$/.test(rawTop) || Number(rawTop) < 1 || Number(rawTop) > MAX_TOP)) {
    throw badRequest(`Invalid value '${rawTop}' for query parameter '$top'; expected an integer from 1 to ${MAX_TOP}.`);
  }
  const top = rawTop === null ? MAX_TOP : Number(rawTop);
  const filter = params.get('$filter');
  const test = filter === null ? () => true : parseSignInFilter(filter);
  const token = params.get('$skiptoken');
  const offset = token === null ? 0 : decodeToken(token);
  const matching = all.filter(test).sort((a, b) => Date.parse(String(b.createdDateTime)) - Date.parse(String(a.createdDateTime)) || String(a.id).localeCompare(String(b.id)));
  const page = matching.slice(offset, offset + top).map((s) => structuredClone(s));
  const body: JsonObject = { '@odata.context': `${base.baseUrl}/${base.version}/$metadata#${SIGN_INS}`, value: page };
  if (offset + top < matching.length) {
    // Graph writes its query options with a literal `$`, values percent-encoded.
    const query = [...(filter === null ? [] : [`$filter=${encodeURIComponent(filter)}`]), `$top=${top}`, `$skiptoken=${encodeToken(offset + top)}`];
    body['@odata.nextLink'] = `${base.baseUrl}/${base.version}/${SIGN_INS}?${query.join('&')}`;
  }
  return body;
}

const RESULTS = ['success', 'failure', 'notApplied', 'notEnabled', 'reportOnlySuccess', 'reportOnlyFailure', 'reportOnlyNotApplied', 'reportOnlyInterrupted', 'unknownFutureValue'];
const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A sign-in as stored (a fixture's, or one added through `POST /_emulator/sign-ins`): Graph's
 * properties with its defaults; `id` and `createdDateTime` required, each applied policy's
 * `result` one of Graph's values.
 */
export function normalizeSignIn(raw: Json, where = 'sign-in'): JsonObject {
  if (!isObj(raw)) throw new Error(`${where}: a sign-in must be a JSON object.`);
  if (typeof raw.id !== 'string' || raw.id === '') throw new Error(`${where}: 'id' (a string) is required.`);
  if (typeof raw.createdDateTime !== 'string' || !DATE.test(raw.createdDateTime)) throw new Error(`${where}: 'createdDateTime' must be an ISO date-time such as 2026-01-01T00:00:00Z.`);
  const applied = raw.appliedConditionalAccessPolicies ?? [];
  if (!Array.isArray(applied) || !applied.every(isObj)) throw new Error(`${where}: 'appliedConditionalAccessPolicies' must be an array of objects.`);
  const policies = applied.map((p, i) => {
    if (typeof p.id !== 'string' || typeof p.result !== 'string' || !RESULTS.includes(p.result)) {
      throw new Error(`${where}: appliedConditionalAccessPolicies[${i}] needs an 'id' and a 'result' among ${RESULTS.join(', ')}.`);
    }
    return { id: p.id, displayName: p.displayName ?? null, enforcedGrantControls: p.enforcedGrantControls ?? [], enforcedSessionControls: p.enforcedSessionControls ?? [], result: p.result };
  });
  const status = isObj(raw.status) ? raw.status : {};
  return {
    id: raw.id,
    createdDateTime: raw.createdDateTime,
    userDisplayName: raw.userDisplayName ?? null,
    userPrincipalName: raw.userPrincipalName ?? null,
    userId: raw.userId ?? null,
    appId: raw.appId ?? null,
    appDisplayName: raw.appDisplayName ?? null,
    ipAddress: raw.ipAddress ?? null,
    clientAppUsed: raw.clientAppUsed ?? null,
    correlationId: raw.correlationId ?? null,
    conditionalAccessStatus: raw.conditionalAccessStatus ?? 'notApplied',
    isInteractive: raw.isInteractive ?? true,
    resourceDisplayName: raw.resourceDisplayName ?? null,
    resourceId: raw.resourceId ?? null,
    status: { errorCode: typeof status.errorCode === 'number' ? status.errorCode : 0, failureReason: status.failureReason ?? null, additionalDetails: status.additionalDetails ?? null },
    deviceDetail: isObj(raw.deviceDetail) ? raw.deviceDetail : { deviceId: '', displayName: null, operatingSystem: null, browser: null, isCompliant: null, isManaged: null, trustType: null },
    location: isObj(raw.location) ? raw.location : null,
    appliedConditionalAccessPolicies: policies,
  };
}
