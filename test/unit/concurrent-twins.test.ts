import { concurrentTwins } from '../../src/apply/concurrent-twins.js';
import type { JsonObject } from '../../src/model/documents.js';
import type { OperationResult } from '../../src/model/outcomes.js';
import type { TenantSnapshot } from '../../src/model/tenant.js';

const body: JsonObject = { displayName: 'CA900 pilot', state: 'enabledForReportingButNotEnforced', conditions: { users: { includeUsers: ['All'] }, applications: { includeApplications: ['All'] }, clientAppTypes: ['all'] }, grantControls: { operator: 'OR', builtInControls: ['mfa'] } };
const snapshot = (policies: JsonObject[]): TenantSnapshot => ({ tenantId: 't', graphUrl: 'g', apiVersion: 'v1.0', policies, namedLocations: [], authenticationStrengths: [] });
const created = (id: string): OperationResult => ({ operation: { kind: 'policy', action: 'create', displayName: 'CA900 pilot', changes: [], body }, status: 'applied', id, sent: body, ms: 1 });
const copy = (id: string, createdDateTime?: string, extra: JsonObject = {}): JsonObject => ({ ...body, id, ...(createdDateTime ? { createdDateTime } : {}), ...extra });

test('the earliest created twin stays, whichever run asks', () => {
  const after = snapshot([copy('bbbb', '2026-11-30T10:00:01Z'), copy('aaaa', '2026-11-30T10:00:02Z')]);
  for (const mine of ['aaaa', 'bbbb']) {
    expect(concurrentTwins([created(mine)], snapshot([]), after, 'v1.0')).toEqual([{ kind: 'policy', displayName: 'CA900 pilot', keep: 'bbbb', remove: ['aaaa'] }]);
  }
});

test('the same time: the lowest id stays', () => {
  const after = snapshot([copy('B2', '2026-11-30T10:00:01Z'), copy('a1', '2026-11-30T10:00:01Z')]);
  expect(concurrentTwins([created('B2')], snapshot([]), after, 'v1.0')[0]).toMatchObject({ keep: 'a1', remove: ['B2'] });
});

test('no twins: one copy, an older object, an object that differs, a failed create', () => {
  expect(concurrentTwins([created('a')], snapshot([]), snapshot([copy('a')]), 'v1.0')).toEqual([]);
  // There before this run read the tenant: someone's policy, not a twin.
  expect(concurrentTwins([created('a')], snapshot([copy('old')]), snapshot([copy('old'), copy('a')]), 'v1.0')).toEqual([]);
  expect(concurrentTwins([created('a')], snapshot([]), snapshot([copy('a'), copy('b', undefined, { state: 'enabled' })]), 'v1.0')).toEqual([]);
  expect(concurrentTwins([{ ...created('a'), status: 'failed' }], snapshot([]), snapshot([copy('a'), copy('b')]), 'v1.0')).toEqual([]);
});
