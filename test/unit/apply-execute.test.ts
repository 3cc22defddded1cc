/**
 * executeOperations with a small in-memory Tenant: dependency order, placeholders for objects
 * created in the same run, and what a create or restore does after its answer was lost (Graph may
 * or may not have carried it out, and its lists lag): never a second copy, a bounded look, and a
 * stop that says so when it cannot tell. Time is a fake clock that moves when the code sleeps.
 */
import { executeOperations, orderedOperations, substituteCreated } from '../../src/apply/execute.js';
import { pollDelay, pollUntil, type ConfirmOptions } from '../../src/apply/poll.js';
import { GraphError } from '../../src/errors.js';
import type { DocumentKind, JsonObject } from '../../src/model/documents.js';
import type { PlanOperation } from '../../src/model/plan.js';
import type { Tenant } from '../../src/ports/tenant.js';
import { lineLogger, silentLogger } from '../../src/ports/logger.js';

type Step = 'ok' | 'unclear-created' | 'unclear-not-created' | 'bad-request';

interface FakeOptions {
  lookupFails?: boolean;
  /** Look-ups that do not see a new object yet (list lag), counted from its creation. */
  lagLookups?: number;
  /** Objects already there, by displayName (someone else's). */
  existing?: string[];
  /** What a restore does: carried out and answered, carried out and the answer lost, or 404. */
  restore?: 'ok' | 'lost' | 'not-found';
  /** Deleted objects in the recycle bin, by id. */
  deleted?: string[];
  /** Live objects by id (restored, or there all along), and GETs that do not see them yet. */
  live?: string[];
  lagGets?: number;
}

/** A tenant whose creates follow a script, one step per attempt; its lists may lag. */
function fakeTenant(script: Step[], options: FakeOptions = {}) {
  const objects: { kind: DocumentKind; id: string; body: JsonObject; lookupsLeft: number }[] = (options.existing ?? []).map((name, i) => ({
    kind: 'policy',
    id: `old-${i + 1}`,
    body: { displayName: name },
    lookupsLeft: 0,
  }));
  const calls: string[] = [];
  const deleted = new Set(options.deleted ?? []);
  const live = new Map((options.live ?? []).map((id) => [id, options.lagGets ?? 0]));
  let next = 0;
  const tenant: Tenant = {
    tenantId: 't',
    graphUrl: 'http://fake',
    read: async () => ({ tenantId: 't', graphUrl: 'http://fake', apiVersion: 'v1.0', policies: [], namedLocations: [], authenticationStrengths: [] }),
    async create(kind, body) {
      const step = script[next++] ?? 'ok';
      calls.push(`create ${String(body['displayName'])}: ${step}`);
      if (step === 'bad-request') throw new GraphError('POST failed: HTTP 400', 400, 'BadRequest');
      const id = `id-${objects.length + 1}`;
      if (step !== 'unclear-not-created') objects.push({ kind, id, body, lookupsLeft: options.lagLookups ?? 0 });
      if (step !== 'ok') throw step === 'unclear-created' ? new GraphError('POST failed: HTTP 504', 504) : new GraphError('reset', 0, 'NetworkError');
      return { ...body, id };
    },
    async update(kind, id) {
      calls.push(`update ${kind} ${id}`);
    },
    async remove(kind, id) {
      calls.push(`remove ${kind} ${id}`);
    },
    async findByDisplayName(kind, displayName) {
      calls.push(`find ${displayName}`);
      if (options.lookupFails) throw new GraphError('GET failed: HTTP 503', 503);
      const matching = objects.filter((o) => o.kind === kind && o.body['displayName'] === displayName);
      const visible = matching.filter((o) => o.lookupsLeft-- <= 0);
      return visible.map((o) => ({ ...o.body, id: o.id }));
    },
    async readDeleted() {
      calls.push('list deleted');
      return [...deleted].map((id) => ({ id }));
    },
    async restoreDeleted(_kind, id) {
      calls.push(`restore ${id}`);
      const how = options.restore ?? 'ok';
      if (how === 'not-found' || !deleted.has(id)) throw new GraphError('POST restore failed: HTTP 404', 404, 'NotFound');
      deleted.delete(id);
      live.set(id, options.lagGets ?? 0);
      if (how === 'lost') throw new GraphError('Microsoft Graph did not answer POST restore', 0, 'NetworkError');
      return { id };
    },
    async getById(_kind, id) {
      calls.push(`get ${id}`);
      const left = live.get(id);
      if (left === undefined) return undefined;
      live.set(id, left - 1);
      return left <= 0 ? { id } : undefined;
    },
    requests: () => ({ total: 0, byEndpoint: {} }),
  };
  return { tenant, objects, calls, deleted };
}

/** A clock that moves only when the code under test sleeps: no real waiting, and every wait recorded. */
function fakeTime(timeoutMs = 10_000) {
  let now = 0;
  const waits: number[] = [];
  const confirm: ConfirmOptions = {
    timeoutMs,
    baseDelayMs: 500,
    maxDelayMs: 4_000,
    clock: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    random: () => 0.5,
  };
  return { confirm, waits, now: () => now };
}

const policy = (displayName: string, extra: JsonObject = {}): PlanOperation => ({ kind: 'policy', action: 'create', displayName, changes: [], body: { displayName, ...extra } });
const run = (ops: PlanOperation[], tenant: Tenant, keepGoing = false, confirm = fakeTime().confirm) => executeOperations(ops, tenant, { keepGoing, log: silentLogger, confirm });
const creates = (calls: string[]) => calls.filter((c) => c.startsWith('create'));

describe('a create whose answer was lost', () => {
  test('Graph created it, and the list shows it only on the 4th look: found, applied with its id, never sent again', async () => {
    const { tenant, objects, calls } = fakeTenant(['unclear-created'], { lagLookups: 3 });
    const time = fakeTime();
    const [r] = await run([policy('CA100 - x')], tenant, false, time.confirm);
    expect(r).toMatchObject({ status: 'applied', id: 'id-1' });
    expect(objects).toHaveLength(1);
    expect(calls).toEqual(['create CA100 - x: unclear-created', 'find CA100 - x', 'find CA100 - x', 'find CA100 - x', 'find CA100 - x']);
    // Exponential backoff with jitter (random 0.5: three quarters of each ceiling).
    expect(time.waits).toEqual([375, 750, 1500]);
  });

  test('never found: sent once, looked up until the deadline, then the run stops with "outcome unknown" and plan again, even with keepGoing', async () => {
    const { tenant, objects, calls } = fakeTenant(['unclear-not-created']);
    const time = fakeTime(10_000);
    const results = await run([policy('CA100 - x'), policy('CA101 - y')], tenant, true, time.confirm);
    expect(results.map((r) => r.status)).toEqual(['failed', 'skipped']);
    expect(results[0]).toMatchObject({ unknown: true });
    expect(results[0]!.error).toMatch(/^outcome unknown: the answer to the create was lost \(reset\), and after 10 s of looking \(\d+ look-ups\) no policy named "CA100 - x" is listed.*did not send the create again\. Plan again/);
    expect(results[1]!.error).toMatch(/^not attempted: the outcome of create policy "CA100 - x" is unknown\. Plan again/);
    expect(creates(calls)).toHaveLength(1);
    expect(objects).toHaveLength(0);
    // Bounded: the last look is at the deadline, and there are few of them.
    expect(time.now()).toBe(10_000);
    const looks = calls.filter((c) => c.startsWith('find')).length;
    expect(looks).toBe(time.waits.length + 1);
    expect(looks).toBeLessThanOrEqual(7);
  });

  test('a strength found after its create was lost gets an update, so its combinationConfigurations are written too', async () => {
    const { tenant, calls } = fakeTenant(['unclear-created']);
    const body = { displayName: 'Phishing-resistant (YubiKeys)', allowedCombinations: ['fido2'], combinationConfigurations: [{ '@odata.type': '#microsoft.graph.fido2CombinationConfiguration', appliesToCombinations: ['fido2'], allowedAAGUIDs: ['cb69481e-8ff7-4039-93ec-0a2729a154a8'] }] };
    const op: PlanOperation = { kind: 'authenticationStrength', action: 'create', displayName: body.displayName, changes: [], body };
    const [r] = await run([op], tenant);
    expect(r).toMatchObject({ status: 'applied', id: 'id-1' });
    expect(calls).toEqual(['create Phishing-resistant (YubiKeys): unclear-created', 'find Phishing-resistant (YubiKeys)', 'update authenticationStrength id-1']);
  });

  test('found several (someone else made one too): stops and names every id', async () => {
    const { tenant, calls } = fakeTenant(['unclear-created'], { existing: ['CA100 - x'] });
    // Someone else's policy of that name says something else: not a twin of what caac sent.
    const results = await run([policy('CA100 - x', { grantControls: { operator: 'OR', builtInControls: ['mfa'] } }), policy('CA101 - y')], tenant, true);
    expect(results[0]).toMatchObject({ status: 'failed', unknown: true });
    expect(results[0]!.error).toContain('2 policy objects named "CA100 - x" now exist (ids old-1, id-2)');
    expect(results[1]!.status).toBe('skipped');
    expect(creates(calls)).toHaveLength(1);
  });

  test('every look-up fails: outcome unknown, the reason named, no second create', async () => {
    const { tenant, calls } = fakeTenant(['unclear-not-created'], { lookupFails: true });
    const [r] = await run([policy('CA100 - x')], tenant);
    expect(r).toMatchObject({ status: 'failed', unknown: true });
    expect(r!.error).toContain('last look-up failed: GET failed: HTTP 503');
    expect(creates(calls)).toHaveLength(1);
  });

  test('a clear refusal (400) is not retried nor looked up, and does not stop a keepGoing run', async () => {
    const { tenant, calls } = fakeTenant(['bad-request']);
    const results = await run([policy('CA100 - x'), policy('CA101 - y')], tenant, true);
    expect(results[0]).toMatchObject({ status: 'failed', error: 'POST failed: HTTP 400' });
    expect(results[0]!.unknown).toBeUndefined();
    expect(results[1]!.status).toBe('applied');
    expect(calls).toEqual(['create CA100 - x: bad-request', 'create CA101 - y: ok']);
  });

  test('a name with a control character is escaped in the progress line', async () => {
    const { tenant } = fakeTenant([]);
    const lines: string[] = [];
    await executeOperations([policy('CA100\n[2/2] create policy "forged" ok')], tenant, { keepGoing: false, log: lineLogger((l) => lines.push(l)) });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('CA100\\n[2/2]');
  });
});

describe('a restore', () => {
  const restore = (id: string): PlanOperation => ({ ...policy('CA004 - back'), restoreFrom: id });

  test('whose answer was lost: not sent again; the object is looked up by id until the GET shows it, then updated; no copy', async () => {
    const { tenant, calls } = fakeTenant([], { restore: 'lost', deleted: ['p-4'], lagGets: 2 });
    const [r] = await run([restore('p-4')], tenant);
    expect(r).toMatchObject({ status: 'applied', id: 'p-4' });
    expect(calls).toEqual(['restore p-4', 'get p-4', 'get p-4', 'get p-4', 'update policy p-4']);
  });

  test('whose answer was lost and that never shows: outcome unknown, the recycle bin named, nothing created', async () => {
    const { tenant, calls } = fakeTenant([], { restore: 'lost', deleted: ['p-4'], lagGets: 1000 });
    const [r] = await run([restore('p-4')], tenant);
    expect(r).toMatchObject({ status: 'failed', unknown: true });
    expect(r!.error).toMatch(/not readable by its id; it is not listed in the recycle bin.*did not send the restore again nor create a copy\. Plan again/);
    expect(creates(calls)).toEqual([]);
    expect(calls.filter((c) => c.startsWith('restore'))).toHaveLength(1);
  });

  test('404 at once, not live, not in the recycle bin: gone for sure, created anew', async () => {
    const { tenant, calls } = fakeTenant([], { restore: 'not-found' });
    const [r] = await run([restore('p-4')], tenant);
    expect(r).toMatchObject({ status: 'applied', id: 'id-1' });
    expect(calls).toEqual(['restore p-4', 'get p-4', 'list deleted', 'create CA004 - back: ok']);
  });

  test('404 at once but live (restored by someone else): updated, not created', async () => {
    const { tenant, calls } = fakeTenant([], { restore: 'not-found', live: ['p-4'] });
    const [r] = await run([restore('p-4')], tenant);
    expect(r).toMatchObject({ status: 'applied', id: 'p-4' });
    expect(calls).toEqual(['restore p-4', 'get p-4', 'update policy p-4']);
  });

  test('404 at once while a lagging recycle bin still lists it: polled by id, never created', async () => {
    const { tenant, calls } = fakeTenant([], { restore: 'not-found', deleted: ['p-4'] });
    const [r] = await run([restore('p-4')], tenant);
    expect(r).toMatchObject({ status: 'failed', unknown: true });
    expect(r!.error).toContain('it is still listed in the recycle bin');
    expect(creates(calls)).toEqual([]);
  });
});

describe('polling', () => {
  test('equal jitter: between half and all of a doubling ceiling, capped', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => pollDelay(n, 500, 4000, () => 0))).toEqual([250, 500, 1000, 2000, 2000, 2000]);
    expect([1, 2, 3, 4, 5, 6].map((n) => pollDelay(n, 500, 4000, () => 1))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
  });

  test('bounded: at most about log2(cap/base) + timeout/(cap/2) looks, the last at the deadline', async () => {
    for (const random of [() => 0, () => 1]) {
      let now = 0;
      let looks = 0;
      const seen = await pollUntil(async () => ({ done: (looks++, false), value: looks }), {
        timeoutMs: 60_000,
        clock: () => now,
        sleep: async (ms) => void (now += ms),
        random,
      });
      expect(seen).toMatchObject({ done: false, waitedMs: 60_000 });
      expect(looks).toBeLessThanOrEqual(5 + 60_000 / 4_000 + 1);
      expect(looks).toBeGreaterThanOrEqual(10);
    }
  });

  test('a zero timeout looks once', async () => {
    let looks = 0;
    const seen = await pollUntil(async () => ({ done: (looks++, false), value: 0 }), { timeoutMs: 0 });
    expect(seen.done).toBe(false);
    expect(looks).toBe(1);
  });
});

test('dependency order: locations and strengths, then policies, then policy deletes, then other deletes', () => {
  const op = (kind: DocumentKind, action: PlanOperation['action'], displayName: string): PlanOperation => ({ kind, action, displayName, changes: [], id: action === 'create' ? undefined : displayName });
  const ordered = orderedOperations([
    op('namedLocation', 'delete', 'L-del'),
    op('policy', 'delete', 'P-del'),
    op('policy', 'update', 'P-upd'),
    op('policy', 'noop', 'P-noop'),
    op('authenticationStrength', 'create', 'S-new'),
    op('policy', 'create', 'P-new'),
    op('namedLocation', 'update', 'L-upd'),
  ]);
  expect(ordered.map((o) => o.displayName)).toEqual(['S-new', 'L-upd', 'P-upd', 'P-new', 'P-del', 'L-del']);
});

test('placeholders for objects created in the run are replaced; others are reported missing', () => {
  const missing = new Set<string>();
  const created = new Map([['location:partner network', 'loc-1']]);
  const out = substituteCreated({ a: ['location:Partner network', 'authStrength:Keys'], b: { c: 'location:Partner network' }, d: 'plain' }, created, missing);
  expect(out).toEqual({ a: ['loc-1', 'authStrength:Keys'], b: { c: 'loc-1' }, d: 'plain' });
  expect([...missing]).toEqual(['authStrength:Keys']);
});

test('a policy whose location failed to be created is skipped, even with keepGoing', async () => {
  const { tenant } = fakeTenant(['bad-request']);
  const location: PlanOperation = { kind: 'namedLocation', action: 'create', displayName: 'Partner network', changes: [], body: { displayName: 'Partner network' } };
  const results = await run([location, policy('CA100 - x', { excludeLocations: ['location:Partner network'] }), policy('CA101 - y')], tenant, true);
  expect(results.map((r) => r.status)).toEqual(['failed', 'skipped', 'applied']);
  expect(results[1]!.error).toContain('depends on location:Partner network');
});

test('a delete with steps: the trusted location is marked untrusted, then deleted, in that order', async () => {
  const { tenant, calls } = fakeTenant([]);
  const updates: JsonObject[] = [];
  const update = tenant.update.bind(tenant);
  tenant.update = async (kind, id, body) => {
    updates.push(body);
    return update(kind, id, body);
  };
  const trusted: PlanOperation = { kind: 'namedLocation', action: 'delete', displayName: 'HQ', id: 'loc-1', changes: [], steps: ['markUntrusted', 'delete'] };
  const plain: PlanOperation = { kind: 'namedLocation', action: 'delete', displayName: 'Wi-Fi', id: 'loc-2', changes: [] };
  const results = await run([trusted, plain], tenant);
  expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);
  expect(calls).toEqual(['update namedLocation loc-1', 'remove namedLocation loc-1', 'remove namedLocation loc-2']);
  expect(updates).toEqual([{ '@odata.type': '#microsoft.graph.ipNamedLocation', isTrusted: false }]);
});
