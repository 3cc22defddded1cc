/**
 * executeOperations with a small in-memory Tenant: dependency order, placeholders for objects
 * created in the same run, and what a create does after an unclear failure (Graph may or may not
 * have created the object): never a second copy.
 */
import { executeOperations, orderedOperations, substituteCreated } from '../../src/apply/execute.js';
import { GraphError } from '../../src/errors.js';
import type { DocumentKind, JsonObject } from '../../src/model/documents.js';
import type { PlanOperation } from '../../src/model/plan.js';
import type { Tenant } from '../../src/plan/ports.js';

type Step = 'ok' | 'unclear-created' | 'unclear-not-created' | 'bad-request';

/** A tenant whose creates follow a script, one step per attempt; everything else just works. */
function fakeTenant(script: Step[], options: { lookupFails?: boolean } = {}) {
  const objects: { kind: DocumentKind; id: string; body: JsonObject }[] = [];
  const calls: string[] = [];
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
      if (step !== 'unclear-not-created') objects.push({ kind, id, body });
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
      return objects.filter((o) => o.kind === kind && o.body['displayName'] === displayName).map((o) => ({ ...o.body, id: o.id }));
    },
    readDeleted: async () => [],
    restoreDeleted: async () => undefined,
    requests: () => ({ total: 0, byEndpoint: {} }),
  };
  return { tenant, objects, calls };
}

const policy = (displayName: string, extra: JsonObject = {}): PlanOperation => ({ kind: 'policy', action: 'create', displayName, changes: [], body: { displayName, ...extra } });
const run = (ops: PlanOperation[], tenant: Tenant, keepGoing = false) => executeOperations(ops, tenant, { keepGoing, log: () => {}, createRetryDelayMs: 1 });

describe('a create after an unclear failure', () => {
  test('Graph created it after all: found by name, counted as applied with its id, not sent again', async () => {
    const { tenant, objects, calls } = fakeTenant(['unclear-created']);
    const [r] = await run([policy('CA100 - x')], tenant);
    expect(r).toMatchObject({ status: 'applied', id: 'id-1' });
    expect(objects).toHaveLength(1);
    expect(calls).toEqual(['create CA100 - x: unclear-created', 'find CA100 - x']);
  });

  test('Graph did not create it: sent again, until it is', async () => {
    const { tenant, objects, calls } = fakeTenant(['unclear-not-created', 'unclear-not-created', 'ok']);
    const [r] = await run([policy('CA100 - x')], tenant);
    expect(r).toMatchObject({ status: 'applied' });
    expect(objects).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('create'))).toHaveLength(3);
  });

  test('gives up after its attempts, as a failure', async () => {
    const { tenant, objects } = fakeTenant(Array<Step>(10).fill('unclear-not-created'));
    const [r] = await executeOperations([policy('CA100 - x')], tenant, { keepGoing: false, log: () => {}, createRetryDelayMs: 1, createAttempts: 3 });
    expect(r).toMatchObject({ status: 'failed', error: 'reset' });
    expect(objects).toHaveLength(0);
  });

  test('the look-up fails: a failure, and no second create (it may exist)', async () => {
    const { tenant, calls } = fakeTenant(['unclear-not-created'], { lookupFails: true });
    const [r] = await run([policy('CA100 - x')], tenant);
    expect(r).toMatchObject({ status: 'failed' });
    expect(calls.filter((c) => c.startsWith('create'))).toHaveLength(1);
  });

  test('a clear refusal (400) is not retried nor looked up', async () => {
    const { tenant, calls } = fakeTenant(['bad-request']);
    const [r] = await run([policy('CA100 - x')], tenant);
    expect(r).toMatchObject({ status: 'failed', error: 'POST failed: HTTP 400' });
    expect(calls).toEqual(['create CA100 - x: bad-request']);
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
