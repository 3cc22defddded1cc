/** Paths and endpoint keys: what the counters count and which calls the pacing charges. */
import { isGuid } from '../model/references.js';

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
  'policies', 'namedLocations', 'authenticationStrengthPolicies', 'authenticationContextClassReferences', 'templates',
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
