/**
 * The emulator as a running service: authentication, throttling, fault injection, latency,
 * eventual consistency, request counts, admin endpoints, seeds and the state file.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFaultSpec, startEmulator } from '../../src/emulator/index.js';
import { call, harness, minimalPolicy, withEmulator } from '../fixtures/emulator/client.js';

const POLICIES = '/identity/conditionalAccess/policies';

describe('authentication', () => {
  test('no bearer token is 401 in Graph shape; any bearer token is accepted', async () => {
    await withEmulator({}, async (h) => {
      const res = await fetch(`${h.emu.url}/v1.0${POLICIES}`);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { code: string; innerError: Record<string, string> } };
      expect(body.error.code).toBe('InvalidAuthenticationToken');
      expect(body.error.innerError['request-id']).toBeDefined();
      expect((await h.g('GET', POLICIES, undefined, { Authorization: 'Basic abc' })).status).toBe(401);
      expect((await h.g('GET', POLICIES, undefined, { Authorization: 'Bearer anything-goes' })).status).toBe(200);
    });
  });

  test('the tokens option restricts the accepted tokens', async () => {
    await withEmulator({ tokens: ['good'] }, async (h) => {
      expect((await h.g('GET', POLICIES, undefined, { Authorization: 'Bearer bad' })).status).toBe(401);
      expect((await h.g('GET', POLICIES, undefined, { Authorization: 'Bearer good' })).status).toBe(200);
    });
  });
});

describe('throttling', () => {
  test('CA endpoints answer 429 without Retry-After past the rate; directory endpoints are not limited', async () => {
    // 0.001 requests/s: the bucket never refills during the test, so the outcome does not depend on timing.
    await withEmulator({ rateLimit: 0.001, burst: 2 }, async (h) => {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await h.g('GET', POLICIES)).status);
      expect(statuses).toEqual([200, 200, 429, 429]);
      const r = await h.g('GET', '/identity/conditionalAccess/namedLocations');
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBeNull();
      expect(r.body.error.code).toBe('TooManyRequests');
      expect((await h.g('GET', '/users')).status).toBe(200);
      expect((await h.g('GET', '/policies/authenticationStrengthPolicies')).status).toBe(200);
    });
  });

  test('retryAfter adds a Retry-After header', async () => {
    await withEmulator({ rateLimit: 0.001, burst: 1, retryAfter: 7 }, async (h) => {
      await h.g('GET', POLICIES);
      const r = await h.g('GET', POLICIES);
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBe('7');
    });
  });

  test('realistic: a small burst, then 429s', async () => {
    await withEmulator({ realistic: true }, async (h) => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await h.g('GET', POLICIES)).status);
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses).toContain(429);
    });
  });
});

describe('fault injection', () => {
  const spec = 'rate=0.5,kinds=503|504|429|reset,seed=42';

  async function outcomes(url: string, n: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      try {
        out.push(String((await call(`${url}/v1.0/users`, 'GET')).status));
      } catch {
        out.push('reset');
      }
    }
    return out;
  }

  test('the same seed gives the same sequence of outcomes', async () => {
    const a = await startEmulator({ port: 0, faults: spec });
    const b = await startEmulator({ port: 0, faults: spec });
    try {
      const first = await outcomes(a.url, 40);
      const second = await outcomes(b.url, 40);
      expect(second).toEqual(first);
      expect(new Set(first)).toEqual(new Set(['200', '503', '504', '429', 'reset']));
      expect(a.requests().byStatus.reset).toBe(first.filter((o) => o === 'reset').length);
      // Setting the spec again through the admin endpoint restarts the sequence.
      expect((await call(`${a.url}/_emulator/faults`, 'POST', { spec })).status).toBe(200);
      expect(await outcomes(a.url, 40)).toEqual(first);
      // A different seed gives a different sequence.
      await call(`${a.url}/_emulator/faults`, 'POST', { spec: 'rate=0.5,kinds=503|504|429|reset,seed=43' });
      expect(await outcomes(a.url, 40)).not.toEqual(first);
      // Clearing faults.
      await call(`${a.url}/_emulator/faults`, 'POST', { spec: null });
      expect(new Set(await outcomes(a.url, 10))).toEqual(new Set(['200']));
      expect((await call(`${a.url}/_emulator/faults`, 'POST', { spec: 'rate=2' })).status).toBe(400);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  test('parseFaultSpec parses and explains bad input', () => {
    expect(parseFaultSpec('rate=0.05,kinds=503|504|reset|429,seed=42')).toEqual({ rate: 0.05, kinds: ['503', '504', 'reset', '429'], seed: 42 });
    expect(parseFaultSpec('rate=1')).toEqual({ rate: 1, kinds: ['503', '504', '429', 'reset'], seed: 1 });
    expect(() => parseFaultSpec('')).toThrow(/empty/);
    expect(() => parseFaultSpec('rate=1.5')).toThrow(/from 0 to 1/);
    expect(() => parseFaultSpec('rate=0.1,kinds=500')).toThrow(/'500' is unknown/);
    expect(() => parseFaultSpec('rate=0.1,seed=-1')).toThrow(/seed/);
    expect(() => parseFaultSpec('kinds=503')).toThrow(/needs a rate/);
    expect(() => parseFaultSpec('rate=0.1,colour=red')).toThrow(/unknown/);
    expect(() => parseFaultSpec('rate')).toThrow(/key=value/);
  });

  test('startEmulator refuses a bad spec', async () => {
    await expect(startEmulator({ port: 0, faults: 'rate=abc' })).rejects.toThrow(/rate/);
  });
});

test('latency delays requests but they still succeed', async () => {
  await withEmulator({ latencyMs: 5 }, async (h) => {
    expect((await h.g('GET', POLICIES)).status).toBe(200);
  });
});

test('eventual consistency: a GET of a just-created object is 404 within the window, list shows it', async () => {
  await withEmulator({ eventualConsistencyMs: 60_000 }, async (h) => {
    const c = await h.g('POST', POLICIES, minimalPolicy());
    expect(c.status).toBe(201);
    expect((await h.g('GET', `${POLICIES}/${c.body.id}`)).status).toBe(404);
    expect((await h.g('GET', POLICIES)).body.value.map((p: { id: string }) => p.id)).toContain(c.body.id);
  });
  await withEmulator({ eventualConsistencyMs: 1 }, async (h) => {
    const c = await h.g('POST', POLICIES, minimalPolicy());
    await new Promise((r) => setTimeout(r, 20));
    expect((await h.g('GET', `${POLICIES}/${c.body.id}`)).status).toBe(200);
  });
});

test('request counts: per endpoint with ids normalized, per status; admin calls not counted', async () => {
  await withEmulator({ seed: 'sample' }, async (h) => {
    const list = await h.g('GET', POLICIES);
    const [a, b] = list.body.value;
    await h.g('GET', `${POLICIES}/${a.id}`);
    await h.g('GET', `${POLICIES}/${b.id}`);
    await h.g('GET', `/beta${POLICIES}/${b.id}`);
    await h.g('GET', "/servicePrincipals(appId='00000002-0000-0ff1-ce00-000000000000')");
    await h.g('GET', `${POLICIES}/nope`);
    await h.g('POST', '/v1.0/$batch', { requests: [{ id: '1', method: 'GET', url: '/users/bg1@contoso.onmicrosoft.com' }] });
    await h.g('GET', '/_emulator/state');
    const counts = (await h.g('GET', '/_emulator/requests')).body;
    expect(counts).toEqual({
      total: 8,
      byEndpoint: {
        'GET /v1.0/identity/conditionalAccess/policies': 1,
        'GET /v1.0/identity/conditionalAccess/policies/{id}': 3,
        'GET /beta/identity/conditionalAccess/policies/{id}': 1,
        "GET /v1.0/servicePrincipals(appId='{id}')": 1,
        'POST /v1.0/$batch': 1,
        'GET /v1.0/users/{id}': 1,
      },
      byStatus: { '200': 7, '404': 1 },
      // The $batch's one item: 7 requests went over HTTP.
      inBatch: 1,
    });
    expect(h.emu.requests()).toEqual(counts);
    expect((await h.g('POST', '/_emulator/requests/reset')).status).toBe(204);
    expect(h.emu.requests()).toEqual({ total: 0, byEndpoint: {}, byStatus: {}, inBatch: 0 });
  });
});

describe('state', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'caac-emulator-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('the state file keeps the tenant across a restart', async () => {
    const stateFile = join(dir, 'nested', 'tenant.json');
    const first = await harness({ seed: 'sample', stateFile });
    const created = await first.g('POST', POLICIES, minimalPolicy({ displayName: 'Survives restarts' }));
    const sample = (await first.g('GET', `${POLICIES}?$filter=${encodeURIComponent("displayName eq 'CA001 - Block legacy authentication'")}`)).body.value[0];
    await first.g('DELETE', `${POLICIES}/${sample.id}`);
    const tenantId = first.emu.tenantId;
    await first.emu.stop();
    expect(readdirSync(join(dir, 'nested'))).toEqual(['tenant.json']);

    // No seed this time: the state file wins.
    const second = await harness({ stateFile });
    try {
      expect(second.emu.tenantId).toBe(tenantId);
      expect((await second.g('GET', `${POLICIES}/${created.body.id}`)).body.displayName).toBe('Survives restarts');
      expect((await second.g('GET', `${POLICIES}/${sample.id}`)).status).toBe(404);
      const deleted = await second.g('GET', '/identity/conditionalAccess/deletedItems/policies');
      expect(deleted.body.value.map((p: { id: string }) => p.id)).toEqual([sample.id]);
      expect((await second.g('GET', '/groups')).body.value.map((g: { displayName: string }) => g.displayName)).toContain('CA-BreakGlass');
    } finally {
      await second.emu.stop();
    }
  });

  test('a fixture seed is normalized with Graph defaults; the tenantId option overrides', async () => {
    await withEmulator({ seed: 'test/fixtures/emulator/tenant.json' }, async (h) => {
      expect(h.emu.tenantId).toBe('aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee');
      const p = (await h.g('GET', `${POLICIES}/30000000-0000-4000-8000-000000000001`)).body;
      expect(p.conditions.clientAppTypes).toEqual(['all']);
      expect(p.conditions.users.excludeGroups).toEqual([]);
      expect(p.modifiedDateTime).toBeNull();
      // Role templates come with every tenant even when a fixture leaves them out.
      expect((await h.g('GET', '/directoryRoleTemplates/62e90394-69f5-4237-9190-012177145e10')).status).toBe(200);
    });
    await withEmulator({ seed: 'test/fixtures/emulator/tenant.json', tenantId: 'bbbbbbbb-0000-4000-8000-000000000000' }, async (h) => {
      expect(h.emu.tenantId).toBe('bbbbbbbb-0000-4000-8000-000000000000');
    });
    await expect(startEmulator({ port: 0, seed: join(dir, 'missing.json') })).rejects.toThrow(/Cannot read the tenant fixture/);
  });

  test('admin: GET/PUT state and reset to the seed', async () => {
    await withEmulator({ seed: 'sample' }, async (h) => {
      const state = (await h.g('GET', '/_emulator/state')).body;
      expect(state.policies.length).toBeGreaterThan(0);
      expect((await h.g('PUT', '/_emulator/state', { ...state, policies: [] })).status).toBe(204);
      expect((await h.g('GET', POLICIES)).body.value).toEqual([]);
      expect((await h.g('PUT', '/_emulator/state', { policies: 'nope' })).status).toBe(400);
      expect((await h.g('POST', '/_emulator/reset')).status).toBe(204);
      expect((await h.g('GET', POLICIES)).body.value).toHaveLength(state.policies.length);
      expect((await h.g('GET', '/_emulator/nothing')).status).toBe(404);
    });
  });
});
