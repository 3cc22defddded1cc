/**
 * Pure pieces of the emulator that are easier to pin down without HTTP: the token bucket (with a
 * fake clock, so no wall-clock timing), endpoint keys, OData filter parsing and flags ordering.
 */
import { endpointKey } from '../../src/emulator/counts.js';
import { FaultInjector, parseFaultSpec } from '../../src/emulator/faults.js';
import { parseFilter } from '../../src/emulator/odata.js';
import { normalizeFlags } from '../../src/emulator/schema.js';
import { TokenBucket, bucketFor, isThrottled } from '../../src/emulator/throttle.js';

test('token bucket: burst, then refill at the rate', () => {
  let now = 0;
  const bucket = new TokenBucket(1, 3, () => now);
  expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  now += 500;
  expect(bucket.take()).toBe(false);
  now += 500;
  expect(bucket.take()).toBe(true);
  now += 10_000;
  expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
});

test('bucketFor: realistic is 1/s with a burst of 3; no options, no bucket', () => {
  expect(bucketFor({})).toBeUndefined();
  expect(bucketFor({ realistic: true })).toBeInstanceOf(TokenBucket);
  expect(() => bucketFor({ rateLimit: 0 })).toThrow(/positive/);
  expect(isThrottled('identity/conditionalAccess/policies')).toBe(true);
  expect(isThrottled('identity/conditionalAccess/namedLocations/abc')).toBe(true);
  expect(isThrottled('users')).toBe(false);
});

test('endpoint keys normalize ids', () => {
  expect(endpointKey('get', 'v1.0', 'identity/conditionalAccess/policies/3f2b6c1d-8e4a-4b7f-9c2d-5a6e7f8091ab')).toBe('GET /v1.0/identity/conditionalAccess/policies/{id}');
  expect(endpointKey('POST', 'v1.0', 'identity/conditionalAccess/deletedItems/policies/abc/restore')).toBe('POST /v1.0/identity/conditionalAccess/deletedItems/policies/{id}/restore');
  expect(endpointKey('GET', 'beta', 'policies/authenticationStrengthPolicies')).toBe('GET /beta/policies/authenticationStrengthPolicies');
  expect(endpointKey('PATCH', 'v1.0', 'identity/conditionalAccess/authenticationContextClassReferences/c1')).toBe('PATCH /v1.0/identity/conditionalAccess/authenticationContextClassReferences/{id}');
  expect(endpointKey('POST', 'v1.0', 'directoryObjects/getByIds')).toBe('POST /v1.0/directoryObjects/getByIds');
  expect(endpointKey('GET', 'v1.0', "servicePrincipals(appId='00000002-0000-0ff1-ce00-000000000000')")).toBe("GET /v1.0/servicePrincipals(appId='{id}')");
});

test('OData filters: eq with quoting, in, startswith', () => {
  expect(parseFilter("displayName eq 'It''s'")).toEqual({ op: 'eq', prop: 'displayName', values: ["It's"] });
  expect(parseFilter("appId in ('a', 'b''c')")).toEqual({ op: 'eq', prop: 'appId', values: ['a', "b'c"] });
  expect(parseFilter("startswith(displayName,'CA9')")).toEqual({ op: 'startswith', prop: 'displayName', value: 'CA9' });
  expect(() => parseFilter("displayName eq 'unterminated")).toThrow();
});

test('flags come back in enum order, deduplicated, in Graph casing', () => {
  const values = ['none', 'deviceCodeFlow', 'authenticationTransfer'];
  expect(normalizeFlags(values, 'AuthenticationTransfer, deviceCodeFlow,devicecodeflow', 't', 'p')).toBe('deviceCodeFlow,authenticationTransfer');
  expect(() => normalizeFlags(values, 'teleport', 't', 'p')).toThrow(/teleport/);
});

test('fault injector draws the same sequence for the same seed', () => {
  const spec = parseFaultSpec('rate=0.3,kinds=503|429,seed=9');
  const a = new FaultInjector(spec);
  const b = new FaultInjector(spec);
  const seqA = Array.from({ length: 50 }, () => a.next()?.kind ?? 'ok');
  const seqB = Array.from({ length: 50 }, () => b.next()?.kind ?? 'ok');
  expect(seqA).toEqual(seqB);
  expect(new Set(seqA)).toEqual(new Set(['ok', '503', '429']));
});
