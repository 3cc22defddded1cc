/**
 * Pure pieces of the emulator that are easier to pin down without HTTP: the token bucket (with a
 * fake clock, so no wall-clock timing), endpoint keys, OData filter parsing, flags ordering and
 * the PATCH merge over a schema.
 */
import { endpointKey } from '../../src/emulator/counts.js';
import { FaultInjector, parseFaultSpec } from '../../src/emulator/faults.js';
import { parseFilter } from '../../src/emulator/odata.js';
import { mergePatch, normalize, normalizeFlags, normalizePatch, type TypeDef } from '../../src/emulator/schema.js';
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

test('PATCH merge: objects recursively, arrays whole, null to the default, raw values through their merge hook', () => {
  const inner: TypeDef = { name: 'inner', fields: { a: { k: 'string' }, b: { k: 'int' }, flag: { k: 'bool', def: false } } };
  const type: TypeDef = {
    name: 'outer',
    fields: {
      list: { k: 'strings' },
      child: { k: 'object', type: inner },
      other: { k: 'object', type: inner },
      raw: { k: 'raw', merge: (stored, sent) => ({ ...(stored as object), ...(sent as object) }) },
      extra: { k: 'raw', beta: true, sparse: true },
    },
  };
  const ctx = { entity: 'Outer' };
  const stored = normalize(type, { list: ['x', 'y'], child: { a: 'keep', b: 1, flag: true }, raw: { p: 1 }, extra: { q: 1 } }, '', ctx);
  expect(stored.other).toBeNull();
  const patch = normalizePatch(type, { list: ['z'], child: { b: 2, flag: null }, other: { a: 'new' }, raw: { r: 2 }, extra: null }, '', ctx);
  expect(patch.child).toEqual({ b: 2, flag: null });
  expect(mergePatch(type, stored, patch, ctx)).toEqual({
    list: ['z'],
    child: { a: 'keep', b: 2, flag: false },
    other: { a: 'new', b: null, flag: false },
    raw: { p: 1, r: 2 },
  });
  expect(mergePatch(type, stored, normalizePatch(type, { list: null, child: null }, '', ctx), ctx)).toMatchObject({ list: [], child: null });
  expect(() => normalizePatch(type, { child: { c: 1 } }, '', ctx)).toThrow(/Property 'child\.c' does not exist on type 'inner'/);
  expect(() => normalizePatch(type, { extra: null }, '', { ...ctx, version: 'v1.0' })).toThrow(/Property 'extra' does not exist/);
  expect(() => normalize(type, { extra: 1 }, '', { ...ctx, version: 'v1.0' })).toThrow(/Property 'extra' does not exist/);
});
