/**
 * Security defaults (issue 8, points 1 and 6): the emulator serves
 * policies/identitySecurityDefaultsEnforcementPolicy as Graph does and refuses to enable a policy
 * while it is on; caac plan reads it (one GET, only when the plan enables a policy) and stops with
 * the fix; a 403 is a warning, not a failure.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runApply } from '../../src/commands/apply.js';
import { runContingency } from '../../src/commands/contingency.js';
import { runPlan } from '../../src/commands/plan.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';
import { SafetyError } from '../../src/errors.js';
import { connectGraph, type GraphConnection } from '../../src/graph/connect.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { harness, minimalPolicy, type Harness } from '../fixtures/emulator/client.js';
import { madeHere } from '../fixtures/plan-source.js';
import { lineLogger, silentLogger } from '../../src/ports/logger.js';

const SD = '/policies/identitySecurityDefaultsEnforcementPolicy';
const POLICIES = '/identity/conditionalAccess/policies';
const SD_GET = 'GET /v1.0/policies/identitySecurityDefaultsEnforcementPolicy';

describe('the emulator', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(async () => h.emu.stop());

  test('GET and PATCH as in Graph, on v1.0 and beta; read-only and unknown properties refused', async () => {
    const r = await h.g('GET', SD);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      '@odata.context': `${h.emu.url}/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy/$entity`,
      id: '00000000-0000-0000-0000-000000000005',
      displayName: 'Security Defaults',
      isEnabled: false,
    });
    expect(typeof r.body.description).toBe('string');
    const patched = await h.g('PATCH', SD, { isEnabled: true });
    expect(patched.status).toBe(204);
    expect(patched.body).toBeUndefined();
    expect((await h.g('GET', `/beta${SD}`)).body.isEnabled).toBe(true);
    for (const body of [{ displayName: 'x' }, { description: 'x' }, { isEnabled: 'yes' }, { enabled: true }, [true]]) {
      const bad = await h.g('PATCH', SD, body);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'BadRequest' });
      expect(typeof bad.body.error.innerError['request-id']).toBe('string');
    }
    expect((await h.g('GET', SD)).body.isEnabled).toBe(true);
    expect((await h.g('DELETE', SD)).status).toBe(405);
  });

  test('while security defaults are on, no policy can be enabled (create or PATCH); report-only and disabled can', async () => {
    expect((await h.g('PATCH', SD, { isEnabled: true })).status).toBe(204);
    const enabled = await h.g('POST', POLICIES, minimalPolicy({ state: 'enabled' }));
    expect(enabled.status).toBe(400);
    expect(enabled.body.error.message).toMatch(/^1046: Conditional Access policies cannot be enabled while security defaults are enabled/);
    expect((await h.g('GET', POLICIES)).body.value).toHaveLength(0);
    const reportOnly = await h.g('POST', POLICIES, minimalPolicy());
    expect(reportOnly.status).toBe(201);
    const id = reportOnly.body.id as string;
    expect((await h.g('PATCH', `${POLICIES}/${id}`, { state: 'enabled' })).status).toBe(400);
    expect((await h.g('GET', `${POLICIES}/${id}`)).body.state).toBe('enabledForReportingButNotEnforced');
    expect((await h.g('PATCH', `${POLICIES}/${id}`, { state: 'disabled' })).status).toBe(204);
    // Off again: enabling works.
    expect((await h.g('PATCH', SD, { isEnabled: false })).status).toBe(204);
    expect((await h.g('PATCH', `${POLICIES}/${id}`, { state: 'enabled' })).status).toBe(204);
  });

  test('a tenant fixture sets security defaults; a malformed setting is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'caac-sd-'));
    try {
      writeFileSync(join(dir, 'on.json'), JSON.stringify({ securityDefaults: { isEnabled: true } }));
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ securityDefaults: { isEnabled: 'on' } }));
      const on = await harness({ seed: join(dir, 'on.json') });
      try {
        expect((await on.g('GET', SD)).body.isEnabled).toBe(true);
      } finally {
        await on.emu.stop();
      }
      await expect(harness({ seed: join(dir, 'bad.json') })).rejects.toThrow(/securityDefaults/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('caac plan', () => {
  let h: Harness;
  let cwd: string;
  let connection: GraphConnection;
  const CA014 = 'policies/ca014-require-app-protection-on-mobile-devices-pilot.json';
  beforeEach(async () => {
    h = await harness({ seed: 'sample' });
    cwd = mkdtempSync(join(tmpdir(), 'caac-sd-plan-'));
    cpSync(resolve('examples/conditional-access'), join(cwd, 'conditional-access'), { recursive: true });
    connection = connectGraph({ graphUrl: h.emu.url, env: { CAAC_ACCESS_TOKEN: 't' }, rateLimit: 1000, burst: 1000, maxRetryTimeMs: 2000, retryBaseDelayMs: 10 });
  });
  afterEach(async () => {
    await h.emu.stop();
    rmSync(cwd, { recursive: true, force: true });
  });
  const plan = () => runPlan(filePolicyStore('conditional-access', { cwd }), connection, { dir: 'conditional-access', apiVersion: 'v1.0' });
  const enableCa014 = () => {
    const path = join(cwd, 'conditional-access', CA014);
    writeFileSync(path, readFileSync(path, 'utf8').replace('"enabledForReportingButNotEnforced"', '"enabled"'));
  };

  test('security defaults on and a policy to enable: the plan stops, naming the file and line and the two ways out', async () => {
    expect((await h.g('PATCH', SD, { isEnabled: true })).status).toBe(204);
    enableCa014();
    const error = await plan().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SafetyError);
    const message = (error as Error).message;
    expect(message).toMatch(/security defaults are on/);
    expect(message).toContain(`${CA014}:4: "CA014 - Require app protection on mobile devices (pilot)" (update, state: enabled)`);
    expect(message).toMatch(/turn security defaults off/);
    expect(message).toMatch(/"state": "enabledForReportingButNotEnforced"/);
    expect(h.emu.requests().byEndpoint[SD_GET]).toBe(1);
  });

  test('security defaults on and nothing to enable: the plan goes on, without reading them', async () => {
    expect((await h.g('PATCH', SD, { isEnabled: true })).status).toBe(204);
    const outcome = await plan();
    expect(outcome.status).toBe('planned');
    expect(h.emu.requests().byEndpoint[SD_GET]).toBeUndefined();
  });

  test('security defaults off: a policy to enable is planned, one GET spent and counted', async () => {
    enableCa014();
    const outcome = await plan();
    if (outcome.status !== 'planned') throw new Error(outcome.status);
    expect(outcome.plan.summary.update).toBe(1);
    expect(outcome.plan.requests.byEndpoint[SD_GET]).toBe(1);
    expect(outcome.plan.warnings.filter((w) => w.kind === 'security-defaults')).toEqual([]);
  });

  test('security defaults switched on after the plan: apply refuses before any write, and so does a contingency activation', async () => {
    enableCa014();
    const planned = await plan();
    if (planned.status !== 'planned') throw new Error(planned.status);
    expect((await h.g('PATCH', SD, { isEnabled: true })).status).toBe(204);
    const writes = () => Object.entries(h.emu.requests().byEndpoint).filter(([k]) => /^(POST|PATCH|DELETE) \/v1\.0\/identity/.test(k)).length;
    const error = await runApply(planned.plan, { tenant: connection.tenant, snapshots: fileSnapshotStore(join(cwd, 'snap')), source: madeHere(planned.plan, cwd) }, { allowDelete: false, keepGoing: false, log: silentLogger }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SafetyError);
    expect((error as Error).message).toMatch(/^apply refused, nothing was changed: security defaults are on/);
    expect((error as Error).message).toContain(`${CA014}: "CA014 - Require app protection on mobile devices (pilot)" (update, state: enabled)`);
    expect(writes()).toBe(0);

    const lines: string[] = [];
    const dry = runContingency('activate', 'outage-mfa', { ...connection, store: filePolicyStore(join(cwd, 'conditional-access')) }, { dryRun: true, log: lineLogger((l) => lines.push(l)) });
    await expect(dry).rejects.toThrow(/^activate contingency set "outage-mfa" refused, nothing was changed: security defaults are on .* would enable 3 policies/s);
    await expect(runContingency('activate', 'outage-mfa', { ...connection, store: filePolicyStore(join(cwd, 'conditional-access')) }, { dryRun: false, log: silentLogger })).rejects.toBeInstanceOf(SafetyError);
    expect(writes()).toBe(0);
  });

  test('security defaults unreadable (403): a warning in the plan, not a failure', async () => {
    enableCa014();
    const tenant = connection.tenant;
    const unreadable = Object.assign(Object.create(Object.getPrototypeOf(tenant) as object) as typeof tenant, tenant, { securityDefaultsEnabled: async () => undefined });
    const outcome = await runPlan(filePolicyStore('conditional-access', { cwd }), { ...connection, tenant: unreadable }, { dir: 'conditional-access', apiVersion: 'v1.0' });
    if (outcome.status !== 'planned') throw new Error(outcome.status);
    const warning = outcome.plan.warnings.find((w) => w.kind === 'security-defaults');
    expect(warning?.message).toMatch(/could not be read \(403/);
    expect(renderPlanText(outcome.plan)).toMatch(/! security defaults not checked: "CA014/);
  });
});

test('the Graph adapter reads a 403 on security defaults as unknown', async () => {
  const server: Server = createServer((_req, res) => {
    res.writeHead(403, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.', innerError: {} } }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const c = connectGraph({ graphUrl: url, tenantId: '8f2c4b1e-3d5a-4c6e-9b7f-1a2b3c4d5e6f', env: { CAAC_ACCESS_TOKEN: 't' }, rateLimit: 1000, burst: 1000, maxRetryTimeMs: 200, retryBaseDelayMs: 10 });
    await expect(c.tenant.securityDefaultsEnabled!()).resolves.toBeUndefined();
  } finally {
    await new Promise<void>((done) => server.close(() => done()));
  }
});
