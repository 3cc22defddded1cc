/**
 * Request counts for `GET /_emulator/requests`, so tests and demos can see how many calls a client
 * made. Ids in paths become `{id}` so that one endpoint's calls group under one key.
 */
import type { RequestCounts } from './types.js';
import { GUID } from './validation.js';

/** Segments after which the next segment is an id (unless it is an action). */
const COLLECTIONS = new Set([
  'policies', 'namedLocations', 'authenticationStrengthPolicies', 'authenticationContextClassReferences', 'templates',
  'users', 'groups', 'servicePrincipals', 'applications', 'directoryRoleTemplates', 'directoryObjects',
]);
const ACTIONS = new Set(['getByIds', 'restore', 'delta', 'updateAllowedCombinations', 'members', '$count']);
/** Singletons under a collection's segment (not ids): policies/identitySecurityDefaultsEnforcementPolicy. */
const SINGLETONS = new Set(['identitySecurityDefaultsEnforcementPolicy']);

export function endpointKey(method: string, version: string, path: string): string {
  const segments = path.split('/').filter((s) => s !== '');
  const out = segments.map((s, i) => {
    const prev = segments[i - 1];
    if (s.includes('(')) return s.replace(/\((\w+)=('?)[^)]*\2\)/g, "($1='{id}')").replace(/\('[^']*'\)/g, "('{id}')");
    if (GUID.test(s)) return '{id}';
    if (prev !== undefined && COLLECTIONS.has(prev) && !COLLECTIONS.has(s) && !ACTIONS.has(s) && !SINGLETONS.has(s)) return '{id}';
    return s;
  });
  return `${method.toUpperCase()} /${version}/${out.join('/')}`;
}

export class Counter {
  private counts: RequestCounts = { total: 0, byEndpoint: {}, byStatus: {}, inBatch: 0 };

  record(key: string, status: number | 'reset', inBatch = false): void {
    this.counts.total += 1;
    if (inBatch) this.counts.inBatch += 1;
    this.counts.byEndpoint[key] = (this.counts.byEndpoint[key] ?? 0) + 1;
    const s = String(status);
    this.counts.byStatus[s] = (this.counts.byStatus[s] ?? 0) + 1;
  }

  snapshot(): RequestCounts {
    return structuredClone(this.counts);
  }

  reset(): void {
    this.counts = { total: 0, byEndpoint: {}, byStatus: {}, inBatch: 0 };
  }
}
