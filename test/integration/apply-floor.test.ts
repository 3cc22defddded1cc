/**
 * Apply, restore and contingency at the throttle's floor (issue [11] point 2), counted by the
 * emulator: on the Conditional Access endpoints, a run spends its writes, one paged list of each
 * kind it reads before (shared by the plan made again, the stale check and the snapshot), and one
 * list after of each kind it wrote, nothing more. The sample tenant fits one page per list.
 * Counts only, never times (the wall times belong to the bench).
 */
import fs from 'node:fs';
import path from 'node:path';
import { runApply } from '../../src/commands/apply.js';
import type { ApplyOutcome } from '../../src/model/outcomes.js';
import { runBackup } from '../../src/commands/backup.js';
import { contingencySucceeded, runContingency } from '../../src/commands/contingency.js';
import { madeHereSource, reviewedPlanSource, type PlanSource } from '../../src/commands/plan-check.js';
import { runPlan } from '../../src/commands/plan.js';
import { planRestore, restoreSource } from '../../src/commands/restore.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { GraphConnection } from '../../src/graph/connect.js';
import type { JsonObject } from '../../src/model/documents.js';
import type { Plan } from '../../src/model/plan.js';
import { folderBackupStore } from '../../src/repo/backup-folder.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';
import { exampleTenant, emulatorConnection } from '../fixtures/repo-helpers.js';
import { lineLogger, silentLogger } from '../../src/ports/logger.js';

const POLICIES = 'GET /v1.0/identity/conditionalAccess/policies';
const LOCATIONS = 'GET /v1.0/identity/conditionalAccess/namedLocations';
const STRENGTHS = 'GET /v1.0/policies/authenticationStrengthPolicies';
const PATCH_POLICY = 'PATCH /v1.0/identity/conditionalAccess/policies/{id}';
const PATCH_LOCATION = 'PATCH /v1.0/identity/conditionalAccess/namedLocations/{id}';
const SECURITY_DEFAULTS = 'GET /v1.0/policies/identitySecurityDefaultsEnforcementPolicy';
const ROOT = 'conditional-access';

let emu: RunningEmulator;
let cwd: string;
const dirs: string[] = [];

beforeEach(async () => {
  ({ emu, cwd } = await exampleTenant('caac-floor-', dirs));
});
afterEach(async () => {
  await emu.stop();
});
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh connection, as a new process has: nothing cached from an earlier command. */
const connect = (): GraphConnection => emulatorConnection(emu.url);

/** The emulator's counts since the last reset, on the Conditional Access and strength endpoints (the directory's are not throttled). */
async function tenantRequests(): Promise<Record<string, number>> {
  const counts = ((await (await fetch(`${emu.url}/_emulator/requests`)).json()) as { byEndpoint: Record<string, number> }).byEndpoint;
  return Object.fromEntries(Object.entries(counts).filter(([k]) => /conditionalAccess|authenticationStrength|identitySecurityDefaults/.test(k)));
}
const resetCounts = async (): Promise<void> => void (await fetch(`${emu.url}/_emulator/requests/reset`, { method: 'POST' }));
/** Requests on the endpoints the emulator throttles (identity/conditionalAccess). */
const throttled = (counts: Record<string, number>): number => Object.entries(counts).filter(([k]) => k.includes('/identity/conditionalAccess')).reduce((n, [, c]) => n + c, 0);

function edit(rel: string, f: (o: JsonObject) => void): void {
  const file = path.join(cwd, ROOT, rel);
  const o = JSON.parse(fs.readFileSync(file, 'utf8')) as JsonObject;
  f(o);
  fs.writeFileSync(file, JSON.stringify(o, null, 2) + '\n');
}
const policyFiles = (): string[] => fs.readdirSync(path.join(cwd, ROOT, 'policies')).sort().map((f) => `policies/${f}`);

async function plan(connection: GraphConnection): Promise<{ plan: Plan; snapshot: Awaited<ReturnType<GraphConnection['tenant']['read']>> }> {
  const outcome = await runPlan(filePolicyStore(ROOT, { cwd }), connection, { dir: ROOT, apiVersion: 'v1.0' });
  if (outcome.status !== 'planned') throw new Error(`plan stopped: ${outcome.status}`);
  return outcome;
}

async function apply(p: Plan, connection: GraphConnection, source: PlanSource): Promise<ApplyOutcome> {
  const outcome = await runApply(p, { tenant: connection.tenant, snapshots: fileSnapshotStore(path.join(cwd, `snap-${Math.random()}`)), source }, { allowDelete: false, keepGoing: false, log: silentLogger });
  expect(outcome).toMatchObject({ failed: 0, skipped: 0, readBack: 'verified', verification: [] });
  return outcome;
}

test.each([1, 10])('apply --plan of %i policy update(s): N writes, one list of each kind before, the policies once after', async (n) => {
  for (const file of policyFiles().slice(0, n)) edit(file, (p) => void (p['description'] = `changed with ${n} others`));
  const { plan: reviewed } = await plan(connect());
  await resetCounts();
  // The plan file's path: a new process makes the plan again from the repository and its one read.
  const connection = connect();
  const outcome = await apply(reviewed, connection, reviewedPlanSource(filePolicyStore(ROOT, { cwd }), connection, ROOT));
  expect(outcome.applied).toBe(n);
  const counts = await tenantRequests();
  expect(counts).toEqual({ [POLICIES]: 2, [LOCATIONS]: 1, [STRENGTHS]: 1, [SECURITY_DEFAULTS]: 1, [PATCH_POLICY]: n });
  expect(throttled(counts)).toBe(n + 3);
});

test('apply of a named location and a policy reads back both kinds, once each; the strengths are not read back', async () => {
  edit('named-locations/branch-office-vpn.json', (l) => void (l['isTrusted'] = l['isTrusted'] !== true));
  edit(policyFiles()[0]!, (p) => void (p['description'] = 'changed'));
  const { plan: reviewed } = await plan(connect());
  await resetCounts();
  const connection = connect();
  await apply(reviewed, connection, reviewedPlanSource(filePolicyStore(ROOT, { cwd }), connection, ROOT));
  expect(await tenantRequests()).toEqual({ [POLICIES]: 2, [LOCATIONS]: 2, [STRENGTHS]: 1, [SECURITY_DEFAULTS]: 1, [PATCH_POLICY]: 1, [PATCH_LOCATION]: 1 });
});

test('plan and apply in one run (--auto-approve): apply writes on the plan\'s own read, so one read of each kind in all', async () => {
  for (const file of policyFiles().slice(0, 3)) edit(file, (p) => void (p['description'] = 'changed'));
  await resetCounts();
  const connection = connect();
  const { plan: p, snapshot } = await plan(connection);
  const lines: string[] = [];
  const outcome = await runApply(p, { tenant: connection.tenant, snapshots: fileSnapshotStore(path.join(cwd, 'snap')), source: madeHereSource(filePolicyStore(ROOT, { cwd }), ROOT, { snapshot }) }, { allowDelete: false, keepGoing: false, log: lineLogger((l) => lines.push(l)) });
  expect(outcome).toMatchObject({ applied: 3, readBack: 'verified' });
  expect(lines).toContain('the plan was made from the tenant as read a moment ago: no second read');
  expect(await tenantRequests()).toEqual({ [POLICIES]: 2, [LOCATIONS]: 1, [STRENGTHS]: 1, [SECURITY_DEFAULTS]: 1, [PATCH_POLICY]: 3 });
  // Apply itself read nothing before writing: its requests are the writes and the read-back.
  expect(outcome.requests.byEndpoint).toEqual({ [PATCH_POLICY]: 3, [POLICIES]: 1 });
});

test('a plan made here whose apply waits (no snapshot given) is still checked against a fresh read, and refused when the tenant changed', async () => {
  edit(policyFiles()[0]!, (p) => void (p['description'] = 'changed'));
  const connection = connect();
  const { plan: p } = await plan(connection);
  const victim = (await connection.tenant.read()).policies.find((o) => String(o['displayName']).startsWith('CA002'))!;
  await connection.tenant.update('policy', String(victim['id']), { state: 'disabled' });
  await expect(runApply(p, { tenant: connection.tenant, snapshots: fileSnapshotStore(path.join(cwd, 'snap')), source: madeHereSource(filePolicyStore(ROOT, { cwd }), ROOT) }, { allowDelete: false, keepGoing: false, log: silentLogger })).rejects.toThrow(/the tenant changed since the plan was made/);
});

describe('restore --only', () => {
  let backup: string;
  const auth = { authorization: 'Bearer t', 'content-type': 'application/json' };
  const policyNamed = async (prefix: string): Promise<JsonObject> =>
    (await connect().tenant.read(['policy'])).policies.find((o) => String(o['displayName']).startsWith(prefix))!;
  const disable = async (id: string): Promise<void> => {
    await fetch(`${emu.url}/v1.0/identity/conditionalAccess/policies/${id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ state: 'disabled' }) });
  };

  beforeEach(async () => {
    backup = path.join(cwd, 'backup');
    await runBackup({ ...connect(), store: folderBackupStore(backup) }, { apiVersion: 'v1.0' });
  });

  async function restoreOnly(name: string, autoApprove: boolean): Promise<ApplyOutcome> {
    const connection = connect();
    const outcome = await planRestore(filePolicyStore(backup), connection, { from: backup, only: name, apiVersion: 'v1.0' });
    if (outcome.status !== 'planned') throw new Error(`restore did not plan: ${outcome.status} ${JSON.stringify('problems' in outcome ? outcome.problems : outcome.validation.findings)}`);
    expect(outcome.plan.operations.filter((o) => o.action !== 'noop').map((o) => o.displayName)).toEqual([name]);
    // The plan's own count holds its read of the lists (made before the plan proper).
    expect(outcome.plan.requests?.byEndpoint[POLICIES]).toBe(1);
    const source = restoreSource(filePolicyStore(backup), { from: backup, only: name }, autoApprove ? outcome.snapshot : undefined);
    return apply(outcome.plan, connection, source);
  }

  test('of a policy that names a location: it plans, applies and spends the policies list, the locations list, the write and the policies read back', async () => {
    const ca005 = await policyNamed('CA005');
    const name = String(ca005['displayName']);
    // The backup names its location by name (location:Blocked countries): it resolves against the backup and the tenant.
    expect(fs.readFileSync(path.join(backup, 'policies', fs.readdirSync(path.join(backup, 'policies')).find((f) => f.startsWith('ca005'))!), 'utf8')).toContain('location:');
    await disable(String(ca005['id']));
    await resetCounts();
    const outcome = await restoreOnly(name, true);
    expect(outcome.applied).toBe(1);
    const counts = await tenantRequests();
    expect(counts).toEqual({ [POLICIES]: 2, [LOCATIONS]: 1, [SECURITY_DEFAULTS]: 1, [PATCH_POLICY]: 1 });
    expect(throttled(counts)).toBe(4);
    expect((await policyNamed('CA005'))['state']).toBe(ca005['state']);
  });

  test('of a policy that names no location or strength: no list but the policies\' is read; after a pause, apply reads that list again', async () => {
    const ca002 = await policyNamed('CA002');
    await disable(String(ca002['id']));
    await resetCounts();
    const outcome = await restoreOnly(String(ca002['displayName']), false);
    expect(outcome.applied).toBe(1);
    expect(await tenantRequests()).toEqual({ [POLICIES]: 3, [SECURITY_DEFAULTS]: 2, [PATCH_POLICY]: 1 });
  });

  test('of a policy deleted since the backup: it comes back from the recycle bin, which is read once', async () => {
    const ca004 = await policyNamed('CA004');
    await connect().tenant.remove('policy', String(ca004['id']));
    await resetCounts();
    const outcome = await restoreOnly(String(ca004['displayName']), true);
    expect(outcome.results[0]).toMatchObject({ status: 'applied', id: String(ca004['id']) });
    const counts = await tenantRequests();
    expect(counts['GET /v1.0/identity/conditionalAccess/deletedItems/policies']).toBe(1);
    expect(counts['POST /v1.0/identity/conditionalAccess/deletedItems/policies/{id}/restore']).toBe(1);
    expect(counts[LOCATIONS]).toBeUndefined();
  });

  test('of a policy whose location the tenant lost: refused before any write, naming the location to restore first', async () => {
    const ca005 = await policyNamed('CA005');
    const location = (await connect().tenant.read(['namedLocation'])).namedLocations.find((l) => l['displayName'] === 'Blocked countries')!;
    await connect().tenant.update('policy', String(ca005['id']), { state: 'disabled', conditions: { locations: { includeLocations: ['All'], excludeLocations: [] } } });
    await connect().tenant.remove('namedLocation', String(location['id']));
    await resetCounts();
    const outcome = await planRestore(filePolicyStore(backup), connect(), { from: backup, only: String(ca005['displayName']), apiVersion: 'v1.0' });
    expect(outcome.status).toBe('unresolved');
    const problems = outcome.status === 'unresolved' ? outcome.problems.map((p) => p.message) : [];
    expect(problems).toEqual([expect.stringMatching(/location:Blocked countries.*restore what it references first/)]);
    expect(Object.keys(await tenantRequests()).filter((k) => !k.startsWith('GET'))).toEqual([]);
  });
});

test('contingency activate: one read of the policies, the writes, one read back of the policies', async () => {
  await resetCounts();
  const outcome = await runContingency('activate', 'outage-mfa', { ...connect(), store: filePolicyStore(path.join(cwd, ROOT)) }, { dryRun: false, log: silentLogger });
  expect(contingencySucceeded(outcome)).toBe(true);
  expect(outcome.results).toHaveLength(3);
  const counts = await tenantRequests();
  expect(counts).toEqual({ [POLICIES]: 2, [SECURITY_DEFAULTS]: 1, [PATCH_POLICY]: 3 });
  expect(throttled(counts)).toBe(5);
});
