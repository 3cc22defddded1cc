/**
 * What Graph accepts, caac accepts, end to end against the emulator through the real Graph
 * adapter: a policy that excludes the MFA Trusted IPs location id and a workload-identity policy
 * (clientApplications, no users) validate, plan, apply, read back and plan to no change; a tenant
 * policy that Graph answers with both guest forms backs up to the object form, plans to no change
 * (from the backup, and from a raw export that keeps both forms), and updates without sending
 * both (which Graph refuses).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runApply } from '../../src/commands/apply.js';
import { runBackup } from '../../src/commands/backup.js';
import { runPlan } from '../../src/commands/plan.js';
import { runValidate } from '../../src/commands/validate.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { GraphConnection } from '../../src/graph/connect.js';
import type { JsonObject } from '../../src/model/documents.js';
import type { Plan } from '../../src/model/plan.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';
import { applySucceeded } from '../../src/render/apply-text.js';
import { madeHere } from '../fixtures/plan-source.js';
import { folderBackupStore } from '../../src/repo/backup-folder.js';
import { silentLogger } from '../../src/ports/logger.js';
import { emulatorConnection } from '../fixtures/repo-helpers.js';

const EXAMPLE = resolve('examples/conditional-access');
const MFA_TRUSTED_IPS = '00000000-0000-0000-0000-000000000000';

let emu: RunningEmulator;
let connection: GraphConnection;
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'caac-accepts-'));
  dirs.push(d);
  return d;
};

beforeEach(async () => {
  emu = await startEmulator({ seed: 'sample' });
  connection = emulatorConnection(emu.url);
});
afterEach(async () => {
  await emu.stop();
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emu.url}${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}
const storedPolicies = async (): Promise<JsonObject[]> => ((await admin('GET', '/_emulator/state')) as { policies: JsonObject[] }).policies;

async function plan(root: string): Promise<Plan> {
  const outcome = await runPlan(filePolicyStore(root), connection, { dir: root, apiVersion: 'v1.0' });
  if (outcome.status !== 'planned') {
    const detail = outcome.status === 'invalid' ? outcome.validation.findings : outcome.problems;
    throw new Error(`plan stopped (${outcome.status}): ${JSON.stringify(detail, null, 2)}`);
  }
  return outcome.plan;
}
const work = (p: Plan) => p.operations.filter((o) => o.action !== 'noop').map((o) => `${o.action} ${o.displayName}`);

async function applyAll(p: Plan, snapshotDir: string): Promise<void> {
  const outcome = await runApply(p, { tenant: connection.tenant, snapshots: fileSnapshotStore(snapshotDir), source: madeHere(p) }, { allowDelete: false, keepGoing: false, log: silentLogger });
  expect(applySucceeded(outcome)).toBe(true);
}

describe('the MFA Trusted IPs id and a workload-identity policy', () => {
  test('validate, plan, apply, read back, and plan again to no change', async () => {
    const cwd = tempDir();
    const root = join(cwd, 'conditional-access');
    cpSync(EXAMPLE, root, { recursive: true });
    const trustedIps = {
      displayName: 'CA020 - Require MFA outside MFA trusted IPs',
      state: 'enabledForReportingButNotEnforced',
      conditions: {
        clientAppTypes: ['all'],
        applications: { includeApplications: ['All'] },
        users: { includeUsers: ['All'], excludeGroups: ['group:CA-BreakGlass'] },
        locations: { includeLocations: ['All'], excludeLocations: [MFA_TRUSTED_IPS, 'location:Trusted office networks'] },
      },
      grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    };
    const workload = {
      displayName: 'CA021 - Block risky workload identities',
      state: 'enabledForReportingButNotEnforced',
      conditions: {
        clientAppTypes: ['all'],
        applications: { includeApplications: ['All'] },
        clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'] },
        servicePrincipalRiskLevels: ['high'],
      },
      grantControls: { operator: 'OR', builtInControls: ['block'] },
    };
    writeFileSync(join(root, 'policies', 'ca020.json'), JSON.stringify(trustedIps, null, 2) + '\n');
    writeFileSync(join(root, 'policies', 'ca021.json'), JSON.stringify(workload, null, 2) + '\n');

    // validate: no finding on the two new files (caac.yml names an emergency-access group; the
    // workload policy needs no exclusion of it)
    const validation = runValidate(filePolicyStore(root));
    expect(validation.findings.filter((f) => /ca02[01]\.json$/.test(f.file))).toEqual([]);

    const first = await plan(root);
    expect(work(first).sort()).toEqual(['create CA020 - Require MFA outside MFA trusted IPs', 'create CA021 - Block risky workload identities']);
    const created = first.operations.find((o) => o.displayName.startsWith('CA020'))!;
    expect(((created.body!['conditions'] as JsonObject)['locations'] as JsonObject)['excludeLocations']).toContain(MFA_TRUSTED_IPS);
    expect(first.labels[MFA_TRUSTED_IPS]).toBe('MFA Trusted IPs');

    await applyAll(first, join(cwd, 'snapshot'));
    const stored = await storedPolicies();
    const ca020 = stored.find((p) => p['displayName'] === trustedIps.displayName)!;
    expect(((ca020['conditions'] as JsonObject)['locations'] as JsonObject)['excludeLocations']).toContain(MFA_TRUSTED_IPS);
    const ca021 = stored.find((p) => p['displayName'] === workload.displayName)!;
    expect((ca021['conditions'] as JsonObject)['users'] ?? null).toBeNull();
    expect(((ca021['conditions'] as JsonObject)['clientApplications'] as JsonObject)['includeServicePrincipals']).toEqual(['ServicePrincipalsInMyTenant']);

    expect(work(await plan(root))).toEqual([]);

    // A backup keeps the MFA Trusted IPs id raw (it has no named location object) and plans to no change.
    const out = join(tempDir(), 'backup');
    await runBackup({ ...connection, store: folderBackupStore(out) }, { ids: false, apiVersion: 'v1.0' });
    const backedUp = readdirSync(join(out, 'policies'))
      .map((n) => JSON.parse(readFileSync(join(out, 'policies', n), 'utf8')) as JsonObject)
      .find((d) => d['displayName'] === trustedIps.displayName)!;
    expect(((backedUp['conditions'] as JsonObject)['locations'] as JsonObject)['excludeLocations']).toEqual([MFA_TRUSTED_IPS, 'location:Trusted office networks']);
    // A backup writes no caac.yml: no-emergency-access is expected, nothing else.
    expect(runValidate(filePolicyStore(out)).findings.filter((f) => f.rule !== 'no-emergency-access')).toEqual([]);
    expect(work(await plan(out))).toEqual([]);
  });
});

describe('a tenant policy that Graph answers with both guest forms', () => {
  const NAME = 'CA030 - Require MFA for guests';
  const GUESTS = { guestOrExternalUserTypes: 'internalGuest,b2bCollaborationGuest', externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' } };

  async function seedBothForms(): Promise<void> {
    const state = (await admin('GET', '/_emulator/state')) as { policies: JsonObject[]; groups: JsonObject[] };
    const breakGlass = String(state.groups.find((g) => g['displayName'] === 'CA-BreakGlass')!['id']);
    state.policies.push({
      id: 'aaaaaaaa-0000-4000-8000-000000000030',
      displayName: NAME,
      state: 'enabledForReportingButNotEnforced',
      createdDateTime: '2025-06-01T00:00:00Z',
      modifiedDateTime: null,
      conditions: {
        clientAppTypes: ['all'],
        applications: { includeApplications: ['All'] },
        // What Graph's GET answers: the legacy keyword beside the object.
        users: { includeUsers: ['GuestsOrExternalUsers'], includeGuestsOrExternalUsers: GUESTS, excludeGroups: [breakGlass] },
      },
      grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    });
    await admin('PUT', '/_emulator/state', state);
  }

  test('backup writes the object form; the backup and the raw export both plan to no change; an update never sends both', async () => {
    await seedBothForms();
    const out = join(tempDir(), 'backup');
    await runBackup({ ...connection, store: folderBackupStore(out) }, { ids: false, apiVersion: 'v1.0' });
    const file = readdirSync(join(out, 'policies')).find((n) => n.startsWith('ca030'))!;
    const path = join(out, 'policies', file);
    const doc = JSON.parse(readFileSync(path, 'utf8')) as JsonObject;
    const users = (doc['conditions'] as JsonObject)['users'] as JsonObject;
    expect(users['includeUsers']).toEqual([]);
    expect(users['includeGuestsOrExternalUsers']).toMatchObject({ guestOrExternalUserTypes: 'internalGuest,b2bCollaborationGuest' });
    // A backup writes no caac.yml: no-emergency-access is expected, nothing else.
    expect(runValidate(filePolicyStore(out)).findings.filter((f) => f.rule !== 'no-emergency-access')).toEqual([]);
    expect(work(await plan(out))).toEqual([]);

    // The raw export form (both): a warning, and still no change.
    users['includeUsers'] = ['GuestsOrExternalUsers'];
    writeFileSync(path, JSON.stringify(doc, null, 2) + '\n');
    const findings = runValidate(filePolicyStore(out)).findings.filter((f) => f.rule !== 'no-emergency-access');
    expect(findings.map((f) => [f.rule, f.severity, f.path])).toEqual([['graph-rule', 'warning', '/conditions/users/includeUsers/0']]);
    expect(work(await plan(out))).toEqual([]);

    // An update from that file: the body carries the object form only, which Graph (and the emulator) accept.
    doc['description'] = 'guests must use MFA';
    writeFileSync(path, JSON.stringify(doc, null, 2) + '\n');
    const update = await plan(out);
    expect(work(update)).toEqual([`update ${NAME}`]);
    const body = update.operations.find((o) => o.displayName === NAME)!.body!;
    expect(((body['conditions'] as JsonObject)['users'] as JsonObject)['includeUsers']).toEqual([]);
    await applyAll(update, join(tempDir(), 'snapshot'));
    const stored = (await storedPolicies()).find((p) => p['displayName'] === NAME)!;
    expect(stored['description']).toBe('guests must use MFA');
    expect(work(await plan(out))).toEqual([]);
  });
});

describe('a policy without state', () => {
  test('stops plan before the tenant is read: a schema error with the fix, never a policy created enforcing', async () => {
    const cwd = tempDir();
    const root = join(cwd, 'conditional-access');
    cpSync(EXAMPLE, root, { recursive: true });
    const blockAll = {
      displayName: 'CA022 - Block everything',
      conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] } },
      grantControls: { operator: 'OR', builtInControls: ['block'] },
    };
    writeFileSync(join(root, 'policies', 'ca022.json'), JSON.stringify(blockAll, null, 2) + '\n');
    const before = emu.requests().total;
    const outcome = await runPlan(filePolicyStore(root), connection, { dir: root, apiVersion: 'v1.0' });
    expect(outcome.status).toBe('invalid');
    const mine = outcome.validation.findings.filter((f) => f.file.endsWith('ca022.json'));
    // The schema error, and the safety rules judging it as enforcing (lockout, break-glass).
    expect(mine.map((f) => [f.rule, f.severity]).sort()).toEqual([
      ['break-glass-not-excluded', 'error'],
      ['lockout-risk', 'error'],
      ['schema', 'error'],
    ]);
    expect(mine.find((f) => f.rule === 'schema')!.message).toContain('"enabledForReportingButNotEnforced" (report-only: start a new policy this way');
    expect(emu.requests().total).toBe(before);
  });
});
