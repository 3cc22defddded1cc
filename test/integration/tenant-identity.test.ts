/**
 * The token decides the tenant: its `tid`, or Graph's GET /organization for a token that is not a
 * JWT. A configured tenant id (flag, input, AZURE_TENANT_ID) that disagrees stops the run before
 * the first read, naming both ids; a plan made in one tenant is refused in another even when the
 * flag names the plan's tenant. Against the emulator over loopback; writes counted in its log.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runApply } from '../../src/commands/apply.js';
import { reviewedPlanSource } from '../../src/commands/plan-check.js';
import { runPlan } from '../../src/commands/plan.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ConfigurationError, GraphError, SafetyError } from '../../src/errors.js';
import { connectGraph, type GraphConnectionOptions } from '../../src/graph/connect.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';
import { fakeJwt } from '../fixtures/fake-jwt.js';
import { silentLogger } from '../../src/ports/logger.js';

const TENANT_A = 'aaaaaaaa-1111-4111-8111-111111111111';
const TENANT_B = 'bbbbbbbb-2222-4222-8222-222222222222';

let a: RunningEmulator;
let b: RunningEmulator;
const dirs: string[] = [];
beforeAll(async () => {
  a = await startEmulator({ seed: 'sample', tenantId: TENANT_A });
  b = await startEmulator({ seed: 'sample', tenantId: TENANT_B });
});
afterAll(async () => {
  await a.stop();
  await b.stop();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const connect = (emu: RunningEmulator, token: string, extra: Partial<GraphConnectionOptions> = {}) =>
  connectGraph({ graphUrl: emu.url, env: { CAAC_ACCESS_TOKEN: token }, rateLimit: 1000, burst: 1000, maxRetryTimeMs: 2000, retryBaseDelayMs: 10, ...extra });

describe('which tenant a connection works on', () => {
  test('a JWT names its tenant: no GET /organization, and no flag needed', async () => {
    const before = a.requests().total;
    const { tenant } = connect(a, fakeJwt({ tid: TENANT_A }));
    const snap = await tenant.read();
    expect(snap.tenantId).toBe(TENANT_A);
    expect(tenant.tenantId).toBe(TENANT_A);
    expect(tenant.requests().byEndpoint['GET /v1.0/organization']).toBeUndefined();
    expect(a.requests().total - before).toBe(3);
  });

  test('a static token without tid (the emulator\'s "any") still works: one GET /organization', async () => {
    const { tenant } = connect(a, 'any');
    const snap = await tenant.read();
    expect(snap.tenantId).toBe(TENANT_A);
    expect(tenant.requests().byEndpoint['GET /v1.0/organization']).toBe(1);
    // Asked once per connection, not once per read.
    await tenant.read();
    expect(tenant.requests().byEndpoint['GET /v1.0/organization']).toBe(1);
  });

  test('a configured tenant id that agrees (any case) is fine', async () => {
    const { tenant } = connect(a, fakeJwt({ tid: TENANT_A }), { tenantId: TENANT_A.toUpperCase(), tenantIdSource: '--tenant-id' });
    expect((await tenant.read()).tenantId).toBe(TENANT_A);
  });

  test('--tenant-id that is not the token\'s tenant: stopped before the first read, both ids named', async () => {
    const before = a.requests().total;
    const { tenant } = connect(a, fakeJwt({ tid: TENANT_A }), { tenantId: TENANT_B, tenantIdSource: '--tenant-id' });
    const error = await tenant.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(
      `the token belongs to tenant ${TENANT_A}, but --tenant-id says ${TENANT_B}: nothing was read or changed. caac works on the tenant the token belongs to; sign in to tenant ${TENANT_B}, or set --tenant-id to ${TENANT_A} if that is the tenant you mean.`,
    );
    expect(a.requests().total - before).toBe(0);
    expect(tenant.tenantId).toBe('');
    // A write is refused the same way (never a write to a tenant that was not checked).
    await expect(tenant.remove('policy', '00000000-0000-4000-8000-000000000001')).rejects.toBeInstanceOf(ConfigurationError);
    expect(a.requests().total - before).toBe(0);
  });

  test('a static token and a configured tenant id that Graph contradicts: stopped after GET /organization alone', async () => {
    const before = a.requests().total;
    const { tenant } = connect(a, 'any', { tenantId: TENANT_B });
    const error = await tenant.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(`the token belongs to tenant ${TENANT_A}, but the configured tenant id says ${TENANT_B}`);
    expect(a.requests().total - before).toBe(1);
    expect(tenant.requests().byEndpoint).toEqual({ 'GET /v1.0/organization': 1 });
  });

  test('AZURE_TENANT_ID is checked the same way, and named', async () => {
    const { tenant } = connectGraph({ graphUrl: a.url, env: { CAAC_ACCESS_TOKEN: fakeJwt({ tid: TENANT_A }), AZURE_TENANT_ID: TENANT_B }, rateLimit: 1000 });
    await expect(tenant.read()).rejects.toThrow(`but AZURE_TENANT_ID says ${TENANT_B}`);
  });

  test('a tenant id that is not a GUID cannot be checked: a configuration error at once', () => {
    expect(() => connect(a, 'any', { tenantId: 'contoso.onmicrosoft.com', tenantIdSource: '--tenant-id' })).toThrow(
      /--tenant-id is "contoso\.onmicrosoft\.com", which is not a tenant id: give the tenant's id \(a GUID/,
    );
  });

  test('a token whose tid is not a GUID is not believed: Graph is asked', async () => {
    const { tenant } = connect(a, fakeJwt({ tid: 'evil' }));
    expect((await tenant.read()).tenantId).toBe(TENANT_A);
    expect(tenant.requests().byEndpoint['GET /v1.0/organization']).toBe(1);
  });

  test('no tid and no organization id: refused, never an empty tenant', async () => {
    // A loopback Graph that answers every list empty and /organization with no object.
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ value: [] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const { tenant } = connectGraph({ graphUrl: `http://127.0.0.1:${port}`, env: { CAAC_ACCESS_TOKEN: 'any' }, rateLimit: 1000 });
      const error = await tenant.read().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GraphError);
      expect((error as Error).message).toMatch(/cannot tell which tenant the token belongs to/);
      expect(tenant.requests().total).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('apply: the plan\'s tenant against the token\'s', () => {
  async function planIn(emu: RunningEmulator, token: string) {
    const cwd = mkdtempSync(join(tmpdir(), 'caac-tenant-'));
    dirs.push(cwd);
    cpSync(resolve('examples/conditional-access'), join(cwd, 'conditional-access'), { recursive: true });
    const outcome = await runPlan(filePolicyStore('conditional-access', { cwd }), connect(emu, token), { dir: 'conditional-access', apiVersion: 'v1.0' });
    if (outcome.status !== 'planned') throw new Error(`plan stopped: ${outcome.status}`);
    return { plan: outcome.plan, cwd };
  }
  const writes = (emu: RunningEmulator, since: number) => emu.requests().total - since;

  test('the plan names the token\'s tenant', async () => {
    const { plan } = await planIn(a, fakeJwt({ tid: TENANT_A }));
    expect(plan.tenant.id).toBe(TENANT_A);
  });

  test('a plan made in tenant A, applied with a token for tenant B and --tenant-id A: stopped, nothing written', async () => {
    const { plan, cwd } = await planIn(a, fakeJwt({ tid: TENANT_A }));
    const before = b.requests().total;
    const connection = connect(b, fakeJwt({ tid: TENANT_B }), { tenantId: TENANT_A, tenantIdSource: '--tenant-id' });
    const { tenant } = connection;
    const source = reviewedPlanSource(filePolicyStore('conditional-access', { cwd }), connection, 'conditional-access');
    const outcome = await runApply(plan, { tenant, snapshots: fileSnapshotStore(join(cwd, 'snap')), source }, { allowDelete: false, keepGoing: false, log: silentLogger });
    expect(outcome.error).toBeInstanceOf(ConfigurationError);
    expect(String((outcome.error as Error).message)).toContain(`the token belongs to tenant ${TENANT_B}, but --tenant-id says ${TENANT_A}`);
    expect(outcome.applied).toBe(0);
    expect(writes(b, before)).toBe(0);
  });

  test('the same without the flag: the plan\'s tenant is not the token\'s, refused before any write', async () => {
    const { plan, cwd } = await planIn(a, fakeJwt({ tid: TENANT_A }));
    const before = b.requests().total;
    const connection = connect(b, fakeJwt({ tid: TENANT_B }));
    const { tenant } = connection;
    const source = reviewedPlanSource(filePolicyStore('conditional-access', { cwd }), connection, 'conditional-access');
    const error = await runApply(plan, { tenant, snapshots: fileSnapshotStore(join(cwd, 'snap')), source }, { allowDelete: false, keepGoing: false, log: silentLogger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafetyError);
    expect((error as Error).message).toContain(`the plan was made for tenant ${TENANT_A}, but this connection reaches tenant ${TENANT_B}`);
    // Only the three lists: no write.
    expect(writes(b, before)).toBe(3);
  });

  test('a plan file whose tenant id was removed is refused', async () => {
    const { plan, cwd } = await planIn(a, fakeJwt({ tid: TENANT_A }));
    const edited = { ...plan, tenant: { ...plan.tenant, id: '' } };
    const connection = connect(a, fakeJwt({ tid: TENANT_A }));
    const { tenant } = connection;
    const source = reviewedPlanSource(filePolicyStore('conditional-access', { cwd }), connection, 'conditional-access');
    const error = await runApply(edited, { tenant, snapshots: fileSnapshotStore(join(cwd, 'snap')), source }, { allowDelete: false, keepGoing: false, log: silentLogger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafetyError);
    expect((error as Error).message).toContain('the plan was made for tenant (none named)');
  });
});

