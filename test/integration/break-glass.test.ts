/**
 * The break-glass guard against the emulator's sample tenant: emergency accounts that must exist,
 * enforce mode adding exclusions beside the ones already there (none lost, before or after apply),
 * unmanaged tenant policies warned about, and a plan refused when a change would expose an
 * emergency account.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runApply } from '../../src/commands/apply.js';
import { runPlan, type PlanOutcome } from '../../src/commands/plan.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { connectGraph, type GraphConnection } from '../../src/graph/connect.js';
import type { JsonObject } from '../../src/model/documents.js';
import type { Plan } from '../../src/model/plan.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { madeHere } from '../fixtures/plan-source.js';
import { silentLogger } from '../../src/ports/logger.js';
import { emulatorConnection } from '../fixtures/repo-helpers.js';

const EXAMPLE = resolve('examples/conditional-access');
const CA006 = 'policies/ca006-require-compliant-or-hybrid-joined-device.json';
const BASE_SETTINGS = readFileSync(join(EXAMPLE, 'caac.yml'), 'utf8');

let emu: RunningEmulator;
let cwd: string;
let connection: GraphConnection;
let ids: { breakGlass: string; finance: string; bg1: string };
const dirs: string[] = [];

beforeEach(async () => {
  emu = await startEmulator({ seed: 'sample' });
  cwd = mkdtempSync(join(tmpdir(), 'caac-break-glass-'));
  dirs.push(cwd);
  cpSync(EXAMPLE, join(cwd, 'conditional-access'), { recursive: true });
  connection = emulatorConnection(emu.url);
  const found = await connection.directory.findByNames([
    { kind: 'group', name: 'CA-BreakGlass' },
    { kind: 'group', name: 'Finance' },
    { kind: 'user', name: 'bg1@contoso.onmicrosoft.com' },
  ]);
  const one = (key: string): string => found.get(key)![0]!.id.toLowerCase();
  ids = { breakGlass: one('group:CA-BreakGlass'), finance: one('group:Finance'), bg1: one('user:bg1@contoso.onmicrosoft.com') };
});
afterEach(async () => {
  await emu.stop();
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const path = (rel: string): string => join(cwd, 'conditional-access', rel);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a policy file edited in place, of any shape
function edit(rel: string, f: (o: Record<string, any>) => void): void {
  const o = JSON.parse(readFileSync(path(rel), 'utf8')) as JsonObject;
  f(o);
  writeFileSync(path(rel), JSON.stringify(o, null, 2) + '\n');
}
function settings(text: string): void {
  writeFileSync(path('caac.yml'), text);
}
/** The sample's caac.yml with its emergencyAccess block replaced. */
function emergencyAccess(block: string): void {
  settings(BASE_SETTINGS.replace(/emergencyAccess:\n( {2}.*\n)+/, `emergencyAccess:\n${block}`));
}

async function plan(): Promise<PlanOutcome> {
  return runPlan(filePolicyStore('conditional-access', { cwd }), connection, { dir: 'conditional-access', apiVersion: 'v1.0' });
}
async function planned(): Promise<Plan> {
  const outcome = await plan();
  if (outcome.status !== 'planned') throw new Error(`plan stopped: ${outcome.status} ${JSON.stringify('problems' in outcome ? outcome.problems : outcome.validation.findings)}`);
  return outcome.plan;
}
const op = (p: Plan, prefix: string) => p.operations.find((o) => o.displayName.startsWith(prefix))!;
const users = (body: JsonObject | undefined): JsonObject => (body!['conditions'] as JsonObject)['users'] as JsonObject;

describe('the emergency accounts must exist in the tenant', () => {
  test('a group that does not exist stops the plan at its line in caac.yml', async () => {
    // In check mode validate already stops it: no policy excludes the misspelled group.
    emergencyAccess('  groups: ["group:CA-BreakGlas"]\n');
    expect((await plan()).status).toBe('invalid');
    // In enforce mode the plan must not "add" a group that does not exist.
    emergencyAccess('  groups: ["group:CA-BreakGlas"]\n  mode: enforce\n');
    const outcome = await plan();
    expect(outcome.status).toBe('unresolved');
    if (outcome.status !== 'unresolved') return;
    const line = readFileSync(path('caac.yml'), 'utf8').split('\n').findIndex((l) => l.includes('CA-BreakGlas"')) + 1;
    expect(outcome.problems).toEqual([
      { file: expect.stringMatching(/caac\.yml$/), path: '/emergencyAccess/groups/0', line, column: expect.any(Number), message: expect.stringMatching(/^group:CA-BreakGlas: no group with this name in the tenant/) },
    ]);
  });

  test('an id that is not in the tenant, and an id of the wrong kind, stop the plan too', async () => {
    emergencyAccess(`  groups: ["group:CA-BreakGlass"]\n  users: ["00000000-0000-4000-8000-00000000dead", "${ids.finance}"]\n  mode: enforce\n`);
    const outcome = await plan();
    expect(outcome.status).toBe('unresolved');
    if (outcome.status !== 'unresolved') return;
    expect(outcome.problems.map((p) => [p.path, p.message])).toEqual([
      ['/emergencyAccess/users/0', expect.stringContaining('user 00000000-0000-4000-8000-00000000dead in emergencyAccess.users does not exist in the tenant')],
      ['/emergencyAccess/users/1', expect.stringContaining(`${ids.finance} in emergencyAccess.users is a group (group:Finance), not a user`)],
    ]);
  });

  test('resolving them costs no extra Graph request when the policies name them too', async () => {
    const fresh = () => connectGraph({ graphUrl: emu.url, env: { CAAC_ACCESS_TOKEN: 't' }, rateLimit: 1000, burst: 1000 });
    const cost = async (): Promise<Plan> => {
      const outcome = await runPlan(filePolicyStore('conditional-access', { cwd }), fresh(), { dir: 'conditional-access', apiVersion: 'v1.0' });
      if (outcome.status !== 'planned') throw new Error(outcome.status);
      return outcome.plan;
    };
    const p = await cost();
    expect(p.guards).toEqual({ users: [], groups: [ids.breakGlass], exemptPolicies: [] });
    settings(BASE_SETTINGS.replace(/emergencyAccess:\n( {2}.*\n)+/, ''));
    const without = await cost();
    expect(without.guards).toEqual({ users: [], groups: [], exemptPolicies: [] });
    expect(p.requests.total).toBe(without.requests.total);

    emergencyAccess('  groups: ["group:CA-BreakGlass"]\n  users: ["user:bg1@contoso.onmicrosoft.com"]\n');
    // bg1 is named by no policy: check mode makes every policy an error until it is excluded.
    const outcome = await plan();
    expect(outcome.status).toBe('invalid');
  });
});

describe('enforce mode', () => {
  beforeEach(() => emergencyAccess('  groups: ["group:CA-BreakGlass"]\n  users: ["user:bg1@contoso.onmicrosoft.com"]\n  mode: enforce\n'));

  test('adds what is missing beside the exclusions already there; nothing is lost, and the plan says the guard added it', async () => {
    // The file drops the break-glass group and adds Finance: the group stays (the tenant has it and
    // the guard keeps it), Finance is added, and bg1 (in no policy yet) is added by the guard.
    edit(CA006, (p) => (p['conditions']['users']['excludeGroups'] = ['group:Finance']));
    const written = users(JSON.parse(readFileSync(path(CA006), 'utf8')) as JsonObject)['excludeUsers'] as string[];
    expect(written).toEqual(['GuestsOrExternalUsers']);
    const p = await planned();
    const ca006 = op(p, 'CA006');
    expect(ca006.action).toBe('update');
    expect(users(ca006.body)['excludeGroups']).toEqual([ids.finance, ids.breakGlass]);
    expect(users(ca006.body)['excludeUsers']).toEqual(['GuestsOrExternalUsers', ids.bg1]);
    expect(ca006.guardAdded).toEqual([{ path: '/conditions/users/excludeUsers', ids: [ids.bg1] }]);
    expect(p.warnings.filter((w) => w.kind === 'break-glass-removed')).toEqual([]);
    // Every enforced or report-only policy gains bg1, each noted as added by the guard.
    const added = p.warnings.filter((w) => w.kind === 'break-glass-added');
    expect(added.length).toBeGreaterThan(10);
    expect(added.find((w) => w.displayName.startsWith('CA006'))!.message).toBe(
      'excludeUsers gains user:bg1@contoso.onmicrosoft.com: added by the break-glass guard (emergencyAccess.mode: enforce), beside the exclusions the file lists',
    );
    expect(renderPlanText(p)).toContain('break-glass exclusion added by the guard: "CA006');
    expect(renderPlanText(p)).toContain('    (added by the break-glass guard (emergencyAccess.mode: enforce): excludeUsers user:bg1@contoso.onmicrosoft.com)');
    // (markdown breaks the @ with a zero-width space, so that GitHub mentions nobody)
    expect(renderPlanMarkdown(p)).toMatch(/\n🛡️ added by the break-glass guard \(emergencyAccess\.mode: enforce\): excludeUsers user:bg1@\u200bcontoso\.onmicrosoft\.com\n/);

    // Applied and read back: all three exclusions are in the tenant; a second plan has nothing to do.
    const outcome = await runApply(p, { tenant: connection.tenant, snapshots: fileSnapshotStore(join(cwd, 'snap')), source: madeHere(p, cwd) }, { allowDelete: false, keepGoing: false, log: silentLogger });
    expect(outcome.verification).toEqual([]);
    expect(outcome.failed).toBe(0);
    const live = (await connection.tenant.read()).policies.find((x) => String(x['displayName']).startsWith('CA006'))!;
    expect(users(live)['excludeGroups']).toEqual(expect.arrayContaining([ids.finance, ids.breakGlass]));
    expect(users(live)['excludeUsers']).toEqual(['GuestsOrExternalUsers', ids.bg1]);
    const again = await planned();
    expect(again.summary).toMatchObject({ create: 0, update: 0, delete: 0 });
  });

  test('a new policy without exclusions is created with them; a disabled one that no set enables is left as written', async () => {
    const base = JSON.parse(readFileSync(path(CA006), 'utf8')) as JsonObject;
    const fresh = (name: string, state: string) => ({
      ...base,
      displayName: name,
      state,
      conditions: { ...(base['conditions'] as JsonObject), users: { includeUsers: ['All'], excludeUsers: [], includeGroups: [], excludeGroups: ['group:Finance'], includeRoles: [], excludeRoles: [] } },
    });
    writeFileSync(path('policies/ca100.json'), JSON.stringify(fresh('CA100 - New report-only policy', 'enabledForReportingButNotEnforced')));
    writeFileSync(path('policies/ca101.json'), JSON.stringify(fresh('CA101 - New disabled policy', 'disabled')));
    const p = await planned();
    const created = op(p, 'CA100');
    expect(created.action).toBe('create');
    expect(users(created.body)['excludeGroups']).toEqual([ids.finance, ids.breakGlass]);
    expect(created.guardAdded).toEqual([
      { path: '/conditions/users/excludeUsers', ids: [ids.bg1] },
      { path: '/conditions/users/excludeGroups', ids: [ids.breakGlass] },
    ]);
    expect(users(op(p, 'CA101').body)['excludeGroups']).toEqual([ids.finance]);
    expect(op(p, 'CA101').guardAdded).toBeUndefined();
  });

  test('a policy that includes an emergency account by name is refused, not silently voided', async () => {
    edit(CA006, (p) => (p['conditions']['users']['includeUsers'] = ['user:bg1@contoso.onmicrosoft.com']));
    const outcome = await plan();
    expect(outcome.status).toBe('invalid');
    if (outcome.status !== 'invalid') return;
    expect(outcome.validation.findings.filter((f) => f.severity === 'error').map((f) => [f.rule, f.path])).toEqual([['break-glass-not-excluded', '/conditions/users/includeUsers']]);
  });
});

describe('the tenant', () => {
  test('an enabled policy caac does not manage that does not exclude them is warned about', async () => {
    await connection.tenant.create('policy', {
      displayName: 'Portal-made MFA policy',
      state: 'enabled',
      conditions: { users: { includeUsers: ['All'], excludeGroups: [ids.finance] }, applications: { includeApplications: ['All'] }, clientAppTypes: ['all'] },
      grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    });
    const p = await planned();
    expect(p.warnings.filter((w) => w.kind === 'break-glass-unmanaged')).toEqual([
      { kind: 'break-glass-unmanaged', displayName: 'Portal-made MFA policy', message: expect.stringContaining('is not managed by caac and does not exclude the emergency-access group:CA-BreakGlass') },
    ]);
    expect(p.unmanaged.map((u) => u.displayName)).toEqual(['Portal-made MFA policy']);
  });
});

describe('a change that would expose an emergency account is refused at plan time', () => {
  test('validate cannot tell an id from a name; plan compares ids and refuses, at the file and line', async () => {
    // caac.yml names group:CA-BreakGlass; the file excludes Finance by id. Offline that may be the
    // group; plan knows it is not.
    edit(CA006, (p) => (p['conditions']['users']['excludeGroups'] = [ids.finance]));
    const outcome = await plan();
    expect(outcome.status).toBe('unsafe');
    if (outcome.status !== 'unsafe') return;
    const text = readFileSync(path(CA006), 'utf8');
    expect(outcome.problems).toEqual([
      {
        file: expect.stringMatching(/ca006-require-compliant-or-hybrid-joined-device\.json$/),
        path: '/conditions/users/excludeGroups',
        line: text.split('\n').findIndex((l) => l.includes('"excludeGroups"')) + 1,
        column: expect.any(Number),
        message: expect.stringContaining('would not exclude the emergency-access group:CA-BreakGlass'),
      },
    ]);
    // Written as the id, the exclusion is recognized.
    edit(CA006, (p) => (p['conditions']['users']['excludeGroups'] = [ids.finance, ids.breakGlass.toUpperCase()]));
    expect((await plan()).status).toBe('planned');
  });

  test('an exempt policy may skip the exclusion, but not block the emergency accounts', async () => {
    emergencyAccess('  groups: ["group:CA-BreakGlass"]\n  exempt: ["CA006 - Require compliant or hybrid joined device"]\n');
    edit(CA006, (p) => {
      p['conditions']['users'] = { includeUsers: ['All'], excludeUsers: [], includeGroups: [], excludeGroups: ['group:Finance'], includeRoles: [], excludeRoles: [] };
    });
    expect((await plan()).status).toBe('planned');
    edit(CA006, (p) => {
      p['state'] = 'enabled';
      p['grantControls'] = { operator: 'OR', builtInControls: ['block'] };
    });
    const outcome = await plan();
    expect(outcome.status).toBe('unsafe');
    if (outcome.status !== 'unsafe') return;
    expect(outcome.problems.map((p) => [p.path, p.message])).toEqual([
      ['/grantControls/builtInControls', expect.stringMatching(/^after this update, the enabled policy "CA006 [^"]+" would block the emergency-access group:CA-BreakGlass: exclude it$/)],
    ]);
  });
});

test('enforce mode: a policy that includes an emergency account by id (validate cannot tell) is refused by plan, not voided', async () => {
  emergencyAccess('  groups: ["group:CA-BreakGlass"]\n  users: ["user:bg1@contoso.onmicrosoft.com"]\n  mode: enforce\n');
  edit(CA006, (p) => (p['conditions']['users']['includeUsers'] = [ids.bg1]));
  const outcome = await plan();
  expect(outcome.status).toBe('unsafe');
  if (outcome.status !== 'unsafe') return;
  expect(outcome.problems.map((p) => [p.path, p.message])).toEqual([
    ['/conditions/users', expect.stringMatching(/^the policy "CA006 [^"]+" includes the emergency-access user:bg1@contoso\.onmicrosoft\.com by id: name the policy in emergencyAccess\.exempt/)],
  ]);
  // Nothing was added to it behind the user's back.
  expect(users(outcome.plan.operations.find((o) => o.displayName.startsWith('CA006'))!.body)['excludeUsers']).toEqual(['GuestsOrExternalUsers']);
});
