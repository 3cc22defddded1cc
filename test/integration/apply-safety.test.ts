/**
 * caac apply's refusals and failures against the emulator (sample tenant, no throttle): a failure
 * in the middle (stop or keep going, then converge with nothing lost), a stale plan, deletions
 * without --allow-delete, the snapshot before the first write, unsafe bodies, another tenant.
 * "Zero writes" is checked in the emulator's own request log.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runApply, type ApplyOptions } from '../../src/commands/apply.js';
import { type ApplyOutcome } from '../../src/model/outcomes.js';
import { runPlan } from '../../src/commands/plan.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { SafetyError, StalePlanError } from '../../src/errors.js';
import type { GraphConnection } from '../../src/graph/connect.js';
import type { JsonObject } from '../../src/model/documents.js';
import type { Plan } from '../../src/model/plan.js';
import type { Tenant } from '../../src/ports/tenant.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';
import { type SnapshotStore } from '../../src/ports/snapshot-store.js';
import { applySucceeded, renderApplyText } from '../../src/render/apply-text.js';
import { exampleTenant, partnerNetworkPolicy } from '../fixtures/repo-helpers.js';
import { madeHere } from '../fixtures/plan-source.js';
import { reviewedPlanSource, type PlanSource } from '../../src/commands/plan-check.js';
import { lineLogger } from '../../src/ports/logger.js';

/** The snapshot is in the backup format (files named from displayNames): find a document by its id. */
function snapshotDocument(dir: string, folder: string, id: string): JsonObject | undefined {
  const path = join(dir, folder);
  if (!existsSync(path)) return undefined;
  for (const name of readdirSync(path)) {
    const doc = JSON.parse(readFileSync(join(path, name), 'utf8')) as JsonObject;
    if (doc['id'] === id) return doc;
  }
  return undefined;
}

const CA006 = 'policies/ca006-require-compliant-or-hybrid-joined-device.json';
const CA007 = 'policies/ca007-require-mfa-for-medium-and-high-sign-in-risk.json';
const CA009 = 'policies/ca009-require-mfa-for-guests-and-external-users.json';
const CA016 = 'policies/ca016-block-service-accounts-outside-trusted-networks.json';
const CA018 = 'policies/ca018-monitor-hr-portal-sessions-with-defender-for-cloud-apps.json';

let emu: RunningEmulator;
let cwd: string;
let connection: GraphConnection;
const dirs: string[] = [];

beforeEach(async () => {
  ({ emu, cwd, connection } = await exampleTenant('caac-apply-', dirs));
});
afterEach(async () => {
  await emu.stop();
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a policy file edited in place, of any shape
function edit(rel: string, f: (o: Record<string, any>) => void): void {
  const path = join(cwd, 'conditional-access', rel);
  const o = JSON.parse(readFileSync(path, 'utf8')) as JsonObject;
  f(o);
  writeFileSync(path, JSON.stringify(o, null, 2) + '\n');
}
function write(rel: string, value: unknown): void {
  writeFileSync(join(cwd, 'conditional-access', rel), JSON.stringify(value, null, 2) + '\n');
}

async function plan(prune = false): Promise<Plan> {
  const outcome = await runPlan(filePolicyStore('conditional-access', { cwd }), connection, { dir: 'conditional-access', apiVersion: 'v1.0', prune });
  if (outcome.status !== 'planned') throw new Error(`plan stopped: ${outcome.status}`);
  return outcome.plan;
}

const lines: string[] = [];
const options = (o: Partial<ApplyOptions> = {}): ApplyOptions => ({ allowDelete: false, keepGoing: false, log: lineLogger((l) => lines.push(l)), ...o });
const snapshots = (name = 'snapshot') => fileSnapshotStore(join(cwd, name));
/** Applied as a plan file is: made again from the folder and compared (`source` madeHere for a plan edited on purpose). */
async function apply(p: Plan, o: Partial<ApplyOptions> = {}, ports: { tenant?: Tenant; snapshots?: SnapshotStore; source?: PlanSource } = {}): Promise<ApplyOutcome> {
  const source = ports.source ?? reviewedPlanSource(filePolicyStore('conditional-access', { cwd }), connection, 'conditional-access');
  return runApply(p, { tenant: ports.tenant ?? connection.tenant, snapshots: ports.snapshots ?? snapshots(), source }, options(o));
}

async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emu.url}${path}`, { method, headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}
const resetLog = () => admin('POST', '/_emulator/requests/reset');
/** Writes to Conditional Access objects in the emulator's request log (not directory look-ups). */
function writesLogged(): string[] {
  return Object.entries(emu.requests().byEndpoint)
    .filter(([k]) => /^(POST|PATCH|DELETE) \/(v1\.0|beta)\/(identity\/conditionalAccess|policies\/authenticationStrengthPolicies)/.test(k))
    .map(([k, n]) => `${k} ×${n}`);
}
async function policies(): Promise<JsonObject[]> {
  return ((await admin('GET', '/_emulator/state')) as { policies: JsonObject[] }).policies;
}
const work = (p: Plan) => p.operations.filter((o) => o.action !== 'noop');

/** A Tenant that delegates everything to another, and calls `beforeWrite` before each create, update, remove. */
function watched(inner: Tenant, beforeWrite: (what: string) => void): Tenant {
  return new Proxy(inner, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const f = (value as (...args: unknown[]) => unknown).bind(target);
      if (prop !== 'create' && prop !== 'update' && prop !== 'remove') return f;
      return (...args: unknown[]) => {
        beforeWrite(prop);
        return f(...args);
      };
    },
  });
}

/** Five changes: a new location and a policy using it, and three policy updates, CA007's body made unacceptable to Graph. */
async function planWithABadOperation(): Promise<Plan> {
  write('named-locations/partner-network.json', {
    '@odata.type': '#microsoft.graph.ipNamedLocation',
    displayName: 'Partner network',
    ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/24' }],
    isTrusted: false,
  });
  write('policies/ca021.json', partnerNetworkPolicy('CA021 - Report MFA for Finance outside partner network'));
  for (const f of [CA006, CA007, CA009]) edit(f, (p) => (p['conditions']['users']['excludeGroups'] = ['group:CA-BreakGlass', 'group:Finance']));
  const p = await plan();
  expect(p.summary).toMatchObject({ create: 2, update: 3, delete: 0 });
  // A reference to a strength that does not exist: Graph answers 400, every time.
  const ca007 = p.operations.find((o) => o.displayName.startsWith('CA007'))!;
  (ca007.body!['grantControls'] as JsonObject)['authenticationStrength'] = { id: '00000000-0000-4000-8000-00000000dead' };
  ((ca007.body!['grantControls'] as JsonObject)['builtInControls'] as string[]).length = 0;
  return p;
}

describe('a failure in the middle', () => {
  test('stops by default: what ran is applied, the failure named, the rest skipped; a fresh plan and apply converge with nothing lost', async () => {
    const before = (await policies()).map((o) => o['id']);
    const p = await planWithABadOperation();
    lines.length = 0;
    const outcome = await apply(p, {}, { source: madeHere(p, cwd) });
    expect(outcome.results.map((r) => [r.status, r.operation.action, r.operation.displayName.slice(0, 5)])).toEqual([
      ['applied', 'create', 'Partn'],
      ['applied', 'update', 'CA006'],
      ['failed', 'update', 'CA007'],
      ['skipped', 'update', 'CA009'],
      ['skipped', 'create', 'CA021'],
    ]);
    expect(outcome).toMatchObject({ applied: 2, failed: 1, skipped: 2, verification: [] });
    expect(outcome.results[2]!.error).toMatch(/PATCH .*policies\/\{id\} failed: HTTP 400/);
    expect(applySucceeded(outcome)).toBe(false); // exit 1
    const report = renderApplyText(outcome);
    expect(report).toContain('Apply: 2 applied, 1 failed, 2 not attempted; read back: matches the plan');
    expect(report).toMatch(/✓ create named location "Partner network" \(/);
    expect(report).toMatch(/✗ update policy "CA007 [^"]*": PATCH/);
    expect(report).toMatch(/- update policy "CA009 [^"]*": not attempted/);
    expect(report).toMatch(/- create policy "CA021 [^"]*": not attempted/);
    expect(lines.filter((l) => l.startsWith('['))).toEqual([
      expect.stringMatching(/^\[1\/5\] create named location "Partner network" ok \d+\.\ds$/),
      expect.stringMatching(/^\[2\/5\] update policy "CA006 - [^"]*" ok \d+\.\ds$/),
      expect.stringMatching(/^\[3\/5\] update policy "CA007 - [^"]*" failed: PATCH/),
    ]);

    // Apply again from a fresh plan: the rest goes through, and nothing that was there is gone.
    const again = await plan();
    expect(work(again).map((o) => `${o.action} ${o.displayName.slice(0, 5)}`).sort()).toEqual(['create CA021', 'update CA007', 'update CA009']);
    const second = await apply(again, {}, { snapshots: snapshots('snapshot-2') });
    expect(second).toMatchObject({ applied: 3, failed: 0, skipped: 0, verification: [] });
    expect(work(await plan())).toEqual([]);
    const after = (await policies()).map((o) => o['id']);
    expect(after).toEqual(expect.arrayContaining(before));
    expect(after).toHaveLength(before.length + 1);
  });

  test('--keep-going: every other operation is applied', async () => {
    const p = await planWithABadOperation();
    const outcome = await apply(p, { keepGoing: true }, { source: madeHere(p, cwd) });
    expect(outcome.results.map((r) => `${r.status} ${r.operation.displayName.slice(0, 5)}`)).toEqual(['applied Partn', 'applied CA006', 'failed CA007', 'applied CA009', 'applied CA021']);
    expect(outcome).toMatchObject({ applied: 4, failed: 1, skipped: 0, verification: [] });
    expect(applySucceeded(outcome)).toBe(false);
    expect(work(await plan()).map((o) => `${o.action} ${o.displayName.slice(0, 5)}`)).toEqual(['update CA007']);
  });
});

test('a stale plan: refused, naming the policy that changed, and nothing written', async () => {
  edit(CA006, (p) => (p['state'] = 'enabled'));
  const p = await plan();
  const ca004 = (await policies()).find((o) => String(o['displayName']).startsWith('CA004'))!;
  await resetLog();
  await admin('PATCH', `/v1.0/identity/conditionalAccess/policies/${String(ca004['id'])}`, { state: 'disabled' });
  const error = await apply(p).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StalePlanError);
  expect((error as Error).message).toContain(`policy "CA004 - Require MFA for Azure management" (${String(ca004['id'])}) was changed`);
  expect((error as Error).message).toMatch(/Make the plan again/);
  expect(writesLogged()).toEqual(['PATCH /v1.0/identity/conditionalAccess/policies/{id} ×1']);
  expect(existsSync(join(cwd, 'snapshot'))).toBe(false);
});

describe('deletions', () => {
  test('without allowDelete: refused before any request; with it: deleted, into deletedItems, and in the snapshot', async () => {
    rmSync(join(cwd, 'conditional-access', CA018));
    const p = await plan(true);
    const op = work(p)[0]!;
    expect(work(p)).toEqual([expect.objectContaining({ action: 'delete', kind: 'policy', displayName: 'CA018 - Monitor HR portal sessions with Defender for Cloud Apps' })]);
    await resetLog();
    const error = await apply(p).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafetyError);
    expect((error as Error).message).toMatch(/deletes 1 object.*"CA018 [^"]*".*nothing was changed.*--allow-delete/s);
    expect(emu.requests().total).toBe(0);
    expect(existsSync(join(cwd, 'snapshot'))).toBe(false);

    const outcome = await apply(p, { allowDelete: true });
    expect(outcome).toMatchObject({ applied: 1, failed: 0, skipped: 0, verification: [] });
    expect((await policies()).some((o) => o['id'] === op.id)).toBe(false);
    const deleted = (await admin('GET', '/v1.0/identity/conditionalAccess/deletedItems/policies')) as { value: JsonObject[] };
    expect(deleted.value.map((o) => o['id'])).toContain(op.id);
    const saved = snapshotDocument(join(cwd, 'snapshot'), 'policies', op.id!)!;
    expect(saved['displayName']).toBe(op.displayName);
  });
});

describe('the snapshot', () => {
  test('holds every object the plan updates or deletes before the first write', async () => {
    edit(CA006, (p) => (p['state'] = 'enabled'));
    edit('named-locations/branch-office-vpn.json', (l) => (l['isTrusted'] = true));
    rmSync(join(cwd, 'conditional-access', CA018));
    const p = await plan(true);
    const touched = work(p).filter((o) => o.id);
    expect(touched).toHaveLength(3);
    let checked = 0;
    const tenant = watched(connection.tenant, () => {
      if (checked++ > 0) return;
      for (const op of touched) {
        const folder = op.kind === 'policy' ? 'policies' : 'named-locations';
        expect(snapshotDocument(join(cwd, 'snapshot'), folder, op.id!)?.['id']).toBe(op.id);
      }
    });
    const outcome = await apply(p, { allowDelete: true }, { tenant });
    expect(outcome).toMatchObject({ applied: 3, failed: 0, verification: [], snapshotDir: join(cwd, 'snapshot') });
    expect(checked).toBe(3);
    // The snapshot holds the objects as they were (before the writes).
    const ca006 = snapshotDocument(join(cwd, 'snapshot'), 'policies', touched.find((o) => o.displayName.startsWith('CA006'))!.id!)!;
    expect(ca006['state']).toBe('enabledForReportingButNotEnforced');
    expect(readdirSync(join(cwd, 'snapshot', 'named-locations'))).toHaveLength(1);
  });

  test('a snapshot that cannot be written stops apply before any write', async () => {
    edit(CA006, (p) => (p['state'] = 'enabled'));
    const p = await plan();
    await resetLog();
    const broken: SnapshotStore = {
      write() {
        throw new Error('ENOSPC: no space left on device');
      },
    };
    const error = await apply(p, {}, { snapshots: broken }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafetyError);
    expect((error as Error).message).toMatch(/snapshot .* could not be written \(ENOSPC: no space left on device\): nothing was changed/);
    expect(writesLogged()).toEqual([]);
    expect(work(await plan())).toHaveLength(1);
  });
});

describe('safety of the plan file', () => {
  test('an update body hand-edited to block All users on All apps, excluding nobody: refused, nothing written', async () => {
    edit(CA006, (p) => (p['state'] = 'enabled'));
    const p = await plan();
    const body = work(p)[0]!.body!;
    const conditions = body['conditions'] as JsonObject;
    conditions['users'] = { includeUsers: ['All'], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [] };
    conditions['platforms'] = null;
    body['grantControls'] = { operator: 'OR', builtInControls: ['block'] };
    await resetLog();
    const error = await apply(p).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafetyError);
    expect((error as Error).message).toMatch(/lockout-risk: update policy "CA006 [^"]*"/);
    expect(emu.requests().total).toBe(0);
  });

  test('a body that drops the break-glass exclusion the plan guards: refused, nothing written', async () => {
    edit(CA016, (p) => (p['conditions']['users']['excludeGroups'] = ['group:CA-BreakGlass', 'group:Finance']));
    const p = await plan();
    expect(p.guards?.groups).toHaveLength(1);
    const users = (work(p)[0]!.body!['conditions'] as JsonObject)['users'] as JsonObject;
    users['excludeGroups'] = (users['excludeGroups'] as string[]).filter((id) => !p.guards!.groups.includes(id));
    await resetLog();
    const error = await apply(p).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafetyError);
    expect((error as Error).message).toMatch(/break-glass-not-excluded: after this update, the policy "CA016 [^"]*" would not exclude the emergency-access group:CA-BreakGlass/);
    expect(emu.requests().total).toBe(0);
  });

  test('a plan made for another tenant: refused, nothing written', async () => {
    edit(CA006, (p) => (p['state'] = 'enabled'));
    const p = await plan();
    p.tenant.id = '99999999-9999-4999-8999-999999999999';
    await resetLog();
    const error = await apply(p).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafetyError);
    expect((error as Error).message).toContain('the plan was made for tenant 99999999-9999-4999-8999-999999999999');
    expect((error as Error).message).toContain(emu.tenantId);
    expect(writesLogged()).toEqual([]);
    expect(existsSync(join(cwd, 'snapshot'))).toBe(false);
  });
});
