/**
 * The Graph adapters (Tenant, Directory) against the emulator over loopback HTTP: paged reads,
 * writes, bulk directory look-ups, request counts, and errors.
 */
import { randomUUID } from 'node:crypto';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { GraphError } from '../../src/errors.js';
import { connectGraph, type GraphConnectionOptions } from '../../src/graph/connect.js';
import type { JsonObject } from '../../src/model/documents.js';
import { fakeJwt } from '../fixtures/fake-jwt.js';

const TOKEN = 'emulator-token-5f3a9c';

function connect(emu: RunningEmulator, extra: Partial<GraphConnectionOptions> = {}) {
  return connectGraph({ graphUrl: emu.url, env: { CAAC_ACCESS_TOKEN: TOKEN }, rateLimit: 1000, burst: 1000, ...extra });
}

async function admin(emu: RunningEmulator, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emu.url}/_emulator/${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

const guid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

describe('Tenant over Graph (sample tenant)', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ seed: 'sample' });
  });
  afterAll(async () => emu.stop());

  test('read() pages through every kind, following http:// nextLinks', async () => {
    const { tenant } = connect(emu, { pageSize: 5 });
    const snap = await tenant.read();
    expect(snap.policies).toHaveLength(21);
    expect(snap.namedLocations).toHaveLength(3);
    expect(snap.authenticationStrengths).toHaveLength(4);
    expect(new Set(snap.policies.map((p) => p.id)).size).toBe(21);
    expect(snap.apiVersion).toBe('v1.0');
    expect(snap.graphUrl).toBe(emu.url);
    // No tenant id configured and the token is not a JWT: one GET /organization finds it.
    expect(snap.tenantId).toBe(emu.tenantId);
    expect(tenant.tenantId).toBe(emu.tenantId);
    const tally = tenant.requests();
    expect(tally.byEndpoint).toEqual({
      'GET /v1.0/identity/conditionalAccess/policies': 5,
      'GET /v1.0/identity/conditionalAccess/namedLocations': 1,
      'GET /v1.0/policies/authenticationStrengthPolicies': 1,
      'GET /v1.0/organization': 1,
    });
    expect(tally.total).toBe(8);
  });

  test('read() without $top: one request per kind; beta when asked; the token\'s tid names the tenant (no GET /organization)', async () => {
    const { tenant } = connect(emu, { tenantId: emu.tenantId, apiVersion: 'beta', env: { CAAC_ACCESS_TOKEN: fakeJwt({ tid: emu.tenantId }) } });
    const snap = await tenant.read();
    expect(snap.policies).toHaveLength(21);
    expect(snap.apiVersion).toBe('beta');
    expect(tenant.requests()).toEqual({
      total: 3,
      byEndpoint: {
        'GET /beta/identity/conditionalAccess/policies': 1,
        'GET /beta/identity/conditionalAccess/namedLocations': 1,
        'GET /beta/policies/authenticationStrengthPolicies': 1,
      },
    });
  });

  test('create, update and remove round-trip a named location and a policy', async () => {
    const { tenant } = connect(emu, { tenantId: emu.tenantId });
    const location = await tenant.create('namedLocation', {
      '@odata.type': '#microsoft.graph.ipNamedLocation',
      displayName: 'caac test location',
      isTrusted: false,
      ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '192.0.2.0/24' }],
    });
    expect(typeof location.id).toBe('string');
    await tenant.update('namedLocation', String(location.id), { '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'caac test location (renamed)' });

    const policy = await tenant.create('policy', {
      displayName: 'caac test policy',
      state: 'disabled',
      conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['None'] }, locations: { includeLocations: [String(location.id)] } },
      grantControls: { operator: 'OR', builtInControls: ['block'] },
    });
    expect(policy.displayName).toBe('caac test policy');
    await tenant.update('policy', String(policy.id), { state: 'enabledForReportingButNotEnforced' });

    let snap = await tenant.read();
    expect(snap.namedLocations.find((l) => l.id === location.id)?.displayName).toBe('caac test location (renamed)');
    expect(snap.policies.find((p) => p.id === policy.id)?.state).toBe('enabledForReportingButNotEnforced');

    await tenant.remove('policy', String(policy.id));
    await tenant.remove('namedLocation', String(location.id));
    snap = await tenant.read();
    expect(snap.policies.some((p) => p.id === policy.id)).toBe(false);
    expect(snap.namedLocations.some((l) => l.id === location.id)).toBe(false);
    expect(tenant.requests().byEndpoint).toMatchObject({
      'POST /v1.0/identity/conditionalAccess/namedLocations': 1,
      'PATCH /v1.0/identity/conditionalAccess/namedLocations/{id}': 1,
      'DELETE /v1.0/identity/conditionalAccess/namedLocations/{id}': 1,
      'POST /v1.0/identity/conditionalAccess/policies': 1,
      'PATCH /v1.0/identity/conditionalAccess/policies/{id}': 1,
      'DELETE /v1.0/identity/conditionalAccess/policies/{id}': 1,
    });
  });

  test('a 404 is a GraphError with status, code and request id, and no token', async () => {
    const { tenant } = connect(emu, { tenantId: emu.tenantId });
    const missing = randomUUID();
    const err = await tenant.update('policy', missing, { state: 'disabled' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GraphError);
    const g = err as GraphError;
    expect(g.status).toBe(404);
    expect(g.code).toBeDefined();
    expect(g.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(g.message).toContain('PATCH /v1.0/identity/conditionalAccess/policies/{id}');
    expect(g.message).toContain(g.requestId as string);
    expect(`${g.message} ${g.stack ?? ''} ${JSON.stringify(g)}`).not.toContain(TOKEN);
  });

  test('a refused token is a 401 GraphError that says so, without the token', async () => {
    const strict = await startEmulator({ seed: 'sample', tokens: ['the-right-token'] });
    try {
      const { tenant } = connect(strict, { tenantId: strict.tenantId });
      const err = (await tenant.read().catch((e: unknown) => e)) as GraphError;
      expect(err).toBeInstanceOf(GraphError);
      expect(err.status).toBe(401);
      expect(err.message).toMatch(/refused the credential \(a bearer token from CAAC_ACCESS_TOKEN\)/);
      expect(err.message).not.toContain(TOKEN);
      const ok = connectGraph({ graphUrl: strict.url, env: { CAAC_ACCESS_TOKEN: 'the-right-token' }, tenantId: strict.tenantId, rateLimit: 1000 });
      expect((await ok.tenant.read()).policies).toHaveLength(21);
    } finally {
      await strict.stop();
    }
  });
});

describe('Directory over Graph', () => {
  let emu: RunningEmulator;
  const userIds: string[] = [];
  beforeAll(async () => {
    emu = await startEmulator({ seed: 'sample' });
    const state = (await admin(emu, 'GET', 'state')) as { users: JsonObject[]; groups: JsonObject[] };
    for (let i = 1; i <= 1200; i += 1) {
      const id = guid(i);
      userIds.push(id);
      state.users.push({ id, displayName: `Bulk User ${i}`, userPrincipalName: `bulk${i}@contoso.onmicrosoft.com` });
    }
    for (let i = 1; i <= 30; i += 1) state.groups.push({ id: guid(5000 + i), displayName: `Team ${i}` });
    state.groups.push({ id: guid(6001), displayName: 'Duplicate' }, { id: guid(6002), displayName: 'Duplicate' });
    state.groups.push({ id: guid(6003), displayName: "O'Brien's Team" });
    await admin(emu, 'PUT', 'state', state);
  });
  afterAll(async () => emu.stop());

  beforeEach(async () => admin(emu, 'POST', 'requests/reset'));

  test('getByIds: 1500 ids in 2 getByIds calls and one role template list, in one $batch; cached afterwards', async () => {
    const { directory, tenant } = connect(emu, { tenantId: emu.tenantId });
    const ga = '62e90394-69f5-4237-9190-012177145e10';
    const unknown = Array.from({ length: 298 }, (_, i) => guid(900_000 + i));
    const ids = [...userIds, guid(5001), ga, ...unknown];
    expect(ids).toHaveLength(1500);
    const found = await directory.getByIds(ids);
    expect(found).toHaveLength(1202);
    expect(found.find((o) => o.id === ga)).toEqual({ id: ga, type: 'role', displayName: 'Global Administrator' });
    expect(found.find((o) => o.id === guid(5001))).toMatchObject({ type: 'group', displayName: 'Team 1' });
    expect(found.find((o) => o.id === guid(7))).toMatchObject({ type: 'user', userPrincipalName: 'bulk7@contoso.onmicrosoft.com' });
    expect(tenant.requests()).toEqual({ total: 1, byEndpoint: { 'POST /v1.0/$batch': 1 } });
    expect(emu.requests().byEndpoint).toEqual({ 'POST /v1.0/$batch': 1, 'POST /v1.0/directoryObjects/getByIds': 2, 'GET /v1.0/directoryRoleTemplates': 1 });
    // Asked again: everything is cached, including what was not found.
    expect(await directory.getByIds(ids.slice(0, 1300))).toHaveLength(1202);
    expect(tenant.requests().total).toBe(1);
  });

  test('findByNames: 47 look-ups in 5 requests inside one $batch (many values per in-filter); ambiguous, not found, quotes, roles from the template list', async () => {
    const { directory, tenant } = connect(emu, { tenantId: emu.tenantId });
    const queries = [
      ...Array.from({ length: 30 }, (_, i) => ({ kind: 'group' as const, name: `Team ${i + 1}` })),
      ...Array.from({ length: 8 }, (_, i) => ({ kind: 'user' as const, name: `bulk${i + 1}@contoso.onmicrosoft.com` })),
      { kind: 'group' as const, name: 'Duplicate' },
      { kind: 'group' as const, name: 'No Such Group' },
      { kind: 'group' as const, name: "O'Brien's Team" },
      { kind: 'user' as const, name: 'nobody@contoso.onmicrosoft.com' },
      { kind: 'app' as const, name: 'Contoso HR Portal' },
      { kind: 'app' as const, name: '00000002-0000-0ff1-ce00-000000000000' },
      { kind: 'servicePrincipal' as const, name: 'Microsoft Graph' },
      { kind: 'role' as const, name: 'Global Administrator' },
      { kind: 'role' as const, name: 'Not A Role' },
    ];
    const found = await directory.findByNames(queries);
    expect(found.size).toBe(47);
    expect(found.get('group:Team 7')).toEqual([{ id: guid(5007), type: 'group', displayName: 'Team 7' }]);
    expect(found.get('group:Duplicate')?.map((o) => o.id).sort()).toEqual([guid(6001), guid(6002)]);
    expect(found.get('group:No Such Group')).toEqual([]);
    expect(found.get("group:O'Brien's Team")?.[0]?.id).toBe(guid(6003));
    expect(found.get('user:bulk3@contoso.onmicrosoft.com')?.[0]).toMatchObject({ id: guid(3), type: 'user' });
    expect(found.get('user:nobody@contoso.onmicrosoft.com')).toEqual([]);
    expect(found.get('app:Contoso HR Portal')?.[0]).toMatchObject({ type: 'servicePrincipal', displayName: 'Contoso HR Portal' });
    expect(found.get('app:00000002-0000-0ff1-ce00-000000000000')?.[0]).toMatchObject({ appId: '00000002-0000-0ff1-ce00-000000000000', displayName: 'Office 365 Exchange Online' });
    expect(found.get('servicePrincipal:Microsoft Graph')).toHaveLength(1);
    expect(found.get('role:Global Administrator')?.[0]?.id).toBe('62e90394-69f5-4237-9190-012177145e10');
    expect(found.get('role:Not A Role')).toEqual([]);
    expect(tenant.requests()).toEqual({ total: 1, byEndpoint: { 'POST /v1.0/$batch': 1 } });
    // groups, users, service principals by displayName (apps and service principals together), by appId, role templates.
    expect(emu.requests().byEndpoint).toEqual({
      'POST /v1.0/$batch': 1, 'GET /v1.0/groups': 1, 'GET /v1.0/users': 1, 'GET /v1.0/servicePrincipals': 2, 'GET /v1.0/directoryRoleTemplates': 1,
    });

    // Cached for the run: names already looked up and ids they found cost nothing more.
    await directory.findByNames(queries.slice(0, 10));
    await directory.getByIds([guid(5001), guid(6003)]);
    expect(tenant.requests().total).toBe(1);
  });

  test('findByNames: 1,200 userPrincipalNames fill in-filters up to the 2,048-character URL limit, which the emulator enforces', async () => {
    const { directory, tenant } = connect(emu, { tenantId: emu.tenantId });
    const names = Array.from({ length: 1200 }, (_, i) => ({ kind: 'user' as const, name: `bulk${i + 1}@contoso.onmicrosoft.com` }));
    const found = await directory.findByNames(names);
    expect([...found.values()].every((objects) => objects.length === 1)).toBe(true);
    const lookups = emu.requests().byEndpoint['GET /v1.0/users']!;
    // About 45 names fit a URL: far fewer requests than names, and every one was accepted.
    expect(lookups).toBeGreaterThan(1200 / 60);
    expect(lookups).toBeLessThan(1200 / 30);
    expect(emu.requests().byStatus['400']).toBeUndefined();
    expect(tenant.requests().total).toBe(Math.ceil(lookups / 20));
  });

  test('a user found by id costs nothing more when looked up by userPrincipalName', async () => {
    const { directory, tenant } = connect(emu, { tenantId: emu.tenantId });
    await directory.getByIds([guid(11), guid(12)]);
    const found = await directory.findByNames([{ kind: 'user', name: 'BULK11@contoso.onmicrosoft.com' }, { kind: 'user', name: 'bulk12@contoso.onmicrosoft.com' }]);
    expect(found.get('user:BULK11@contoso.onmicrosoft.com')?.[0]?.id).toBe(guid(11));
    expect(tenant.requests().total).toBe(1);
  });

  test('getByAppIds: one request for many appIds', async () => {
    const { directory, tenant } = connect(emu, { tenantId: emu.tenantId });
    const sps = await directory.getByAppIds(['00000003-0000-0000-c000-000000000000', '797f4846-ba00-4fd7-ba43-dac1f8f63013', guid(424242)]);
    expect(sps.map((s) => s.displayName).sort()).toEqual(['Microsoft Graph', 'Windows Azure Service Management API']);
    expect(sps.every((s) => s.type === 'servicePrincipal' && typeof s.appId === 'string')).toBe(true);
    expect(tenant.requests().byEndpoint).toEqual({ 'POST /v1.0/$batch': 1 });
    expect(emu.requests().byEndpoint['GET /v1.0/servicePrincipals']).toBe(1);
  });
});
