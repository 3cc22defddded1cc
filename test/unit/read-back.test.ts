/**
 * The read-back after a write reads only the kinds written, and while Graph's lists lag it reads
 * again only the kinds whose write it does not show yet (each list is a request on the throttled
 * endpoints). The kinds not read come from the snapshot before the writes.
 */
import { readBack, type ReadBackCheck } from '../../src/commands/apply.js';
import type { DocumentKind, JsonObject } from '../../src/model/documents.js';
import type { TenantSnapshot } from '../../src/model/tenant.js';
import type { Tenant } from '../../src/ports/tenant.js';
import { silentLogger } from '../../src/ports/logger.js';

const before: TenantSnapshot = {
  tenantId: 't',
  graphUrl: 'http://fake',
  apiVersion: 'v1.0',
  policies: [{ id: 'p1', state: 'disabled' }],
  namedLocations: [{ id: 'l1', isTrusted: true }],
  authenticationStrengths: [{ id: 's1', displayName: 'kept' }],
};

/** A tenant whose lists show the written state after `lag[kind]` reads of that kind. */
function laggingTenant(lag: Partial<Record<DocumentKind, number>>): { tenant: Tenant; reads: DocumentKind[][] } {
  const reads: DocumentKind[][] = [];
  const seen: Record<DocumentKind, number> = { policy: 0, namedLocation: 0, authenticationStrength: 0 };
  const list = (kind: DocumentKind, stale: JsonObject, fresh: JsonObject): JsonObject[] => [++seen[kind] > (lag[kind] ?? 0) ? fresh : stale];
  const tenant = {
    tenantId: 't',
    graphUrl: 'http://fake',
    read: async (kinds: readonly DocumentKind[] = ['policy', 'namedLocation', 'authenticationStrength']) => {
      reads.push([...kinds]);
      return {
        ...before,
        policies: kinds.includes('policy') ? list('policy', { id: 'p1', state: 'disabled' }, { id: 'p1', state: 'enabled' }) : [],
        namedLocations: kinds.includes('namedLocation') ? list('namedLocation', { id: 'l1', isTrusted: true }, { id: 'l1', isTrusted: false }) : [],
        authenticationStrengths: [],
      };
    },
  } as unknown as Tenant;
  return { tenant, reads };
}

/** What apply's check does: each written object as sent, its kind named when it is not. */
function check(after: TenantSnapshot): ReadBackCheck {
  const pending: DocumentKind[] = [];
  if (after.policies[0]?.['state'] !== 'enabled') pending.push('policy');
  if (after.namedLocations[0]?.['isTrusted'] !== false) pending.push('namedLocation');
  // The kind not written comes from the snapshot before: never read, never emptied.
  if (after.authenticationStrengths[0]?.['displayName'] !== 'kept') throw new Error('the strengths were lost');
  return { differences: pending.map((k) => `${k} differs`), pending };
}

const confirm = { timeoutMs: 60_000, sleep: async () => {}, random: () => 0 };

test('reads only the kinds written; under lag, again only the kind still differing', async () => {
  const { tenant, reads } = laggingTenant({ policy: 2 });
  const result = await readBack(['a', 'b'], { tenant, kinds: ['policy', 'namedLocation'], before }, check, confirm, silentLogger);
  const { after, ...report } = result;
  expect(report).toEqual({ verification: [], readBack: 'verified' });
  // The tenant as last read: the written kinds fresh, the others from before.
  expect(after?.authenticationStrengths).toEqual(before.authenticationStrengths);
  expect(reads).toEqual([['policy', 'namedLocation'], ['policy'], ['policy']]);
});

test('a check that names no kind reads every written kind again', async () => {
  const { tenant, reads } = laggingTenant({ namedLocation: 1 });
  const blunt = (after: TenantSnapshot): ReadBackCheck => ({ differences: check(after).differences });
  await readBack(['a'], { tenant, kinds: ['policy', 'namedLocation'], before }, blunt, confirm, silentLogger);
  expect(reads).toEqual([['policy', 'namedLocation'], ['policy', 'namedLocation']]);
});

test('what still differs at the deadline is unverified, and the lists were read only for that kind', async () => {
  const { tenant, reads } = laggingTenant({ namedLocation: 1_000 });
  let now = 0;
  const result = await readBack(['a'], { tenant, kinds: ['policy', 'namedLocation'], before }, check, { timeoutMs: 3_000, clock: () => now, sleep: async (ms: number) => void (now += ms), random: () => 0 }, silentLogger);
  expect(result.readBack).toBe('unverified');
  expect(result.verification).toEqual([expect.stringMatching(/^unverified after \d+ read\(s\) in .*: namedLocation differs$/)]);
  expect(reads.slice(1).every((kinds) => kinds.join() === 'namedLocation')).toBe(true);
});

test('nothing applied: nothing read', async () => {
  const { tenant, reads } = laggingTenant({});
  expect(await readBack([], { tenant, kinds: ['policy'], before }, check, confirm, silentLogger)).toEqual({ verification: [], readBack: 'none' });
  expect(reads).toEqual([]);
});
