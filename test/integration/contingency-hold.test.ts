/**
 * An active contingency set against plan and apply, over loopback against the emulator's sample
 * tenant and a copy of examples/conditional-access/ (set `outage-mfa`: CA901–CA903, disabled in
 * the files): a merge planned while the set is active holds its policies; apply leaves them until
 * --end-contingency; a plan made before the activation is stale; a hand-edited plan that would
 * undo the set is refused; a deactivation after the repo changed a policy follows the file; and
 * convention-named policies form a set that `caac contingency` switches.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runApply, type ApplyOptions } from '../../src/commands/apply.js';
import { type ApplyOutcome } from '../../src/model/outcomes.js';
import { runContingency, contingencySucceeded } from '../../src/commands/contingency.js';
import { type ContingencyAction, type ContingencyOutcome } from '../../src/contingency/outcome.js';
import { runPlan } from '../../src/commands/plan.js';
import { renderContingencyStatus } from '../../src/render/contingency-text.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ConfigurationError, SafetyError, StalePlanError } from '../../src/errors.js';
import type { GraphConnection } from '../../src/graph/connect.js';
import type { JsonObject } from '../../src/model/documents.js';
import type { Plan } from '../../src/model/plan.js';
import { readPlanFile, writePlanFile } from '../../src/plan/plan-file.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { madeHere } from '../fixtures/plan-source.js';
import { lineLogger } from '../../src/ports/logger.js';
import { emulatorConnection } from '../fixtures/repo-helpers.js';

const SET = 'outage-mfa';
const CA901 = 'policies/ca901-contingency-require-compliant-device-when-mfa-is-unavailable.json';
const CA902 = 'policies/ca902-contingency-block-access-outside-trusted-networks.json';

let emu: RunningEmulator;
let cwd: string;
let connection: GraphConnection;
let lines: string[];
const dirs: string[] = [];

beforeEach(async () => {
  emu = await startEmulator({ seed: 'sample' });
  cwd = mkdtempSync(join(tmpdir(), 'caac-hold-'));
  dirs.push(cwd);
  cpSync('examples/conditional-access', join(cwd, 'conditional-access'), { recursive: true });
  connection = emulatorConnection(emu.url);
  lines = [];
});
afterEach(async () => {
  await emu.stop();
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const repoDir = (): string => join(cwd, 'conditional-access');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a policy file edited in place, of any shape
function edit(rel: string, f: (o: Record<string, any>) => void): void {
  const path = join(repoDir(), rel);
  const o = JSON.parse(readFileSync(path, 'utf8')) as JsonObject;
  f(o);
  writeFileSync(path, JSON.stringify(o, null, 2) + '\n');
}

async function plan(): Promise<Plan> {
  const outcome = await runPlan(filePolicyStore('conditional-access', { cwd }), connection, { dir: 'conditional-access', apiVersion: 'v1.0' });
  if (outcome.status !== 'planned') throw new Error(`plan stopped: ${outcome.status} ${JSON.stringify(outcome)}`);
  return outcome.plan;
}

let snapshotCount = 0;
async function apply(p: Plan, o: Partial<ApplyOptions> = {}): Promise<ApplyOutcome> {
  const store = fileSnapshotStore(join(cwd, `snapshot-${++snapshotCount}`));
  return runApply(p, { tenant: connection.tenant, snapshots: store, source: madeHere(p, cwd) }, { allowDelete: false, keepGoing: false, log: lineLogger((l) => lines.push(l)), ...o });
}

/** `caac contingency <action> [set]`; `set: null` for the status of every set. */
const contingency = (action: ContingencyAction, set: string | null = SET): Promise<ContingencyOutcome> =>
  runContingency(action, set ?? undefined, { ...connection, store: filePolicyStore(repoDir()) }, { dryRun: false, log: lineLogger((l) => lines.push(l)) });

async function tenantPolicies(): Promise<JsonObject[]> {
  return (await connection.tenant.read()).policies;
}
async function byPrefix(prefix: string): Promise<JsonObject> {
  return (await tenantPolicies()).find((p) => String(p['displayName']).startsWith(prefix))!;
}
async function states(prefix: string): Promise<string[]> {
  return (await tenantPolicies())
    .filter((p) => String(p['displayName']).startsWith(prefix))
    .sort((a, b) => String(a['displayName']).localeCompare(String(b['displayName'])))
    .map((p) => String(p['state']));
}

/** Writes to Conditional Access objects in the emulator's request log. */
function writes(): number {
  return Object.entries(emu.requests().byEndpoint)
    .filter(([k]) => /^(POST|PATCH|DELETE) \/(v1\.0|beta)\/identity\/conditionalAccess/.test(k))
    .reduce((n, [, c]) => n + c, 0);
}

test('a merge planned while a set is active: held in its contingency state, other changes applied; --end-contingency returns the declared states', async () => {
  expect(contingencySucceeded(await contingency('activate'))).toBe(true);
  expect(await states('CA90')).toEqual(['enabled', 'enabled', 'enabled']);

  // The merge: CA901 gets a new description (state still "disabled" in its file), CA902 is now
  // declared report-only, CA903 is untouched (disabled).
  edit(CA901, (p) => (p['description'] = 'Reviewed after the outage drill'));
  edit(CA902, (p) => (p['state'] = 'enabledForReportingButNotEnforced'));
  const held = await plan();

  expect(held.contingency?.sets.map((s) => [s.name, s.source])).toEqual([[SET, 'settings']]);
  expect(held.contingency?.active).toEqual([{ name: SET, since: expect.stringMatching(/^\d{4}-/), policies: [expect.stringMatching(/^CA901/), expect.stringMatching(/^CA902/), expect.stringMatching(/^CA903/)] }]);
  expect(held.contingency?.held.map((h) => [h.displayName.slice(0, 5), h.state, h.declared, h.body['state']])).toEqual([
    ['CA901', 'enabled', 'disabled', 'disabled'],
    ['CA902', 'enabled', 'enabledForReportingButNotEnforced', 'enabledForReportingButNotEnforced'],
    ['CA903', 'enabled', 'disabled', 'disabled'],
  ]);
  const work = held.operations.filter((o) => o.action !== 'noop');
  expect(work.map((o) => [o.action, o.displayName.slice(0, 5), o.changes.map((c) => c.path), o.body?.['state']])).toEqual([['update', 'CA901', ['/description'], 'enabled']]);
  expect(held.summary).toMatchObject({ create: 0, update: 1, delete: 0 });
  expect(held.warnings.filter((w) => w.kind === 'contingency').map((w) => w.displayName)).toEqual([SET]);
  expect(renderPlanText(held)).toMatch(/Contingency \(1 set active in the tenant\):\n {2}outage-mfa: active since \S+; 3 held\n {4}"CA901 [^"]*": tenant: enabled, repository declares: disabled/);
  expect(renderPlanMarkdown(held)).toContain('### 🆘 Contingency');
  // The plan file carries it to the apply job.
  const file = readPlanFile(writePlanFile(held));
  expect(file.contingency).toEqual(held.contingency);

  // apply without --end-contingency: the description is written, the set stays active.
  const kept = await apply(file);
  expect(kept).toMatchObject({ applied: 1, failed: 0, verification: [] });
  expect(lines).toContain('3 policies keep their contingency state, as the plan holds them (apply --end-contingency writes the declared state):');
  expect((await byPrefix('CA901'))['description']).toBe('Reviewed after the outage drill');
  expect(await states('CA90')).toEqual(['enabled', 'enabled', 'enabled']);
  expect((await contingency('status')).sets[0]?.active).toBe(true);

  // Planned again (the description is in): only held policies, no write without the flag.
  const again = await plan();
  expect(again.summary).toMatchObject({ create: 0, update: 0, delete: 0 });
  expect(again.contingency?.held).toHaveLength(3);
  expect(renderPlanText(again)).toContain('\nNo changes to apply. The tenant matches the repository, except for 3 policies held by an active contingency set (see Contingency).\n');
  expect((await apply(again)).applied).toBe(0);

  // --end-contingency: each policy returns to the state its file declares; the set reads back inactive.
  lines = [];
  const ended = await apply(again, { endContingency: true });
  expect(ended).toMatchObject({ applied: 3, failed: 0, verification: [] });
  expect(lines[0]).toBe('--end-contingency: 3 held policies return to the repository\'s declaration:');
  expect(await states('CA90')).toEqual(['disabled', 'enabledForReportingButNotEnforced', 'disabled']);
  expect((await contingency('status')).sets[0]?.active).toBe(false);
  const after = await plan();
  expect(after.summary).toMatchObject({ create: 0, update: 0, delete: 0 });
  expect(after.contingency).toMatchObject({ active: [], held: [] });
});

test('a plan made before the set was activated, applied after: refused as stale, nothing written', async () => {
  edit(CA901, (p) => (p['description'] = 'changed'));
  const before = await plan();
  expect(before.contingency?.active).toEqual([]);
  await contingency('activate');
  const writesBefore = writes();
  const error = await apply(before).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StalePlanError);
  expect((error as Error).message).toMatch(/policy "CA901 [^"]*" \([^)]*\) was changed/);
  expect(writes()).toBe(writesBefore);
  expect(await states('CA90')).toEqual(['enabled', 'enabled', 'enabled']);
});

test('a hand-edited plan that would undo an active set: refused with the set, the policy and the fix; accepted with --end-contingency', async () => {
  await contingency('activate');
  const held = await plan();
  const edited = readPlanFile(writePlanFile(held));
  const heldCa902 = edited.contingency!.held.find((h) => h.displayName.startsWith('CA902'))!;
  const i = edited.operations.findIndex((o) => o.id === heldCa902.id);
  edited.operations[i] = { ...edited.operations[i]!, action: 'update', changes: [{ path: '/state', before: 'enabled', after: 'disabled' }], body: heldCa902.body };
  edited.contingency!.held = edited.contingency!.held.filter((h) => h !== heldCa902);

  const writesBefore = writes();
  const error = await apply(edited).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SafetyError);
  const message = (error as Error).message;
  expect(message).toMatch(/^apply refuses to undo an active contingency set: nothing was changed\./);
  expect(message).toMatch(/contingency set "outage-mfa" is active since \S+: the plan would change "CA902 [^"]*" \(enabled → disabled\)/);
  expect(message).toContain('pass --end-contingency (input end-contingency); or run "caac contingency deactivate outage-mfa" first');
  expect(writes()).toBe(writesBefore);

  const ended = await apply(edited, { endContingency: true });
  expect(ended).toMatchObject({ applied: 3, failed: 0, verification: [] });
  expect(await states('CA90')).toEqual(['disabled', 'disabled', 'disabled']);
});

test('a deactivation after the repo changed one of the set\'s policies: each policy back to its file\'s state, nothing else written', async () => {
  await contingency('activate');
  const description = (await byPrefix('CA902'))['description'];
  edit(CA902, (p) => {
    p['state'] = 'enabledForReportingButNotEnforced';
    p['description'] = 'a change that plan and apply carry, not contingency';
    p['conditions']['clientAppTypes'] = ['browser'];
  });
  const off = await contingency('deactivate');
  expect(contingencySucceeded(off)).toBe(true);
  expect(off.operations.map((o) => [o.displayName.slice(0, 5), o.body])).toEqual([
    ['CA901', { state: 'disabled' }],
    ['CA902', { state: 'enabledForReportingButNotEnforced' }],
    ['CA903', { state: 'disabled' }],
  ]);
  expect(await states('CA90')).toEqual(['disabled', 'enabledForReportingButNotEnforced', 'disabled']);
  const ca902 = await byPrefix('CA902');
  expect(ca902['description']).toEqual(description);
  expect((ca902['conditions'] as JsonObject)['clientAppTypes']).toEqual(['all']);
  expect(off.sets[0]?.active).toBe(false);
  // The other changes are the plan's to show.
  const p = await plan();
  expect(p.operations.filter((o) => o.action !== 'noop').map((o) => [o.displayName.slice(0, 5), o.changes.map((c) => c.path).sort()])).toEqual([
    ['CA902', ['/conditions/clientAppTypes', '/description']],
  ]);
});

describe('convention mode', () => {
  const name = (n: number, tag = 'MFA Disruption', m = 2): string => `EM0${n} - ENABLE IN EMERGENCY: ${tag} [${n}/${m}] - All apps: contingency ${n}`;

  /** Two convention-named policies, disabled, created in the tenant by plan and apply. */
  async function stageConventionSet(): Promise<void> {
    const template = JSON.parse(readFileSync(join(repoDir(), CA901), 'utf8')) as JsonObject;
    for (const n of [1, 2]) writeFileSync(join(repoDir(), `policies/em0${n}.json`), JSON.stringify({ ...template, displayName: name(n) }, null, 2) + '\n');
    const created = await apply(await plan());
    expect(created).toMatchObject({ applied: 2, failed: 0, verification: [] });
  }

  test('policies named "ENABLE IN EMERGENCY: <tag> [n/m]" form a set that caac contingency shows, activates, holds in plan and deactivates', async () => {
    await stageConventionSet();
    const status = await contingency('status', null);
    expect(status.sets.map((s) => [s.name, s.source, s.active])).toEqual([
      [SET, undefined, false],
      ['mfa-disruption', 'convention', false],
    ]);
    expect(status.problems).toEqual([]);
    expect(renderContingencyStatus(status.sets, status.problems)).toContain('mfa-disruption (by name convention): inactive');

    const on = await contingency('activate', 'mfa-disruption');
    expect(contingencySucceeded(on)).toBe(true);
    expect(on.operations.map((o) => o.displayName)).toEqual([name(1), name(2)]);
    expect(await states('EM0')).toEqual(['enabled', 'enabled']);
    expect(on.sets[0]).toMatchObject({ name: 'mfa-disruption', source: 'convention', active: true });

    const held = await plan();
    expect(held.contingency?.sets.find((s) => s.name === 'mfa-disruption')).toEqual({
      name: 'mfa-disruption',
      activate: [name(1), name(2)],
      deactivate: [],
      deactivatedState: 'enabledForReportingButNotEnforced',
      source: 'convention',
    });
    expect(held.contingency?.active.map((a) => a.name)).toEqual(['mfa-disruption']);
    expect(held.contingency?.held.map((h) => h.displayName)).toEqual([name(1), name(2)]);
    expect(held.summary).toMatchObject({ create: 0, update: 0, delete: 0 });

    const off = await contingency('deactivate', 'mfa-disruption');
    expect(contingencySucceeded(off)).toBe(true);
    expect(await states('EM0')).toEqual(['disabled', 'disabled']);
  });

  test('an incomplete convention set: a warning in status, and activation refused (declaring it in caac.yml is the way round)', async () => {
    await stageConventionSet();
    const third = JSON.parse(readFileSync(join(repoDir(), 'policies/em01.json'), 'utf8')) as JsonObject;
    writeFileSync(join(repoDir(), 'policies/em03.json'), JSON.stringify({ ...third, displayName: name(3, 'Network Outage', 3) }, null, 2) + '\n');

    const status = await contingency('status', null);
    expect(status.problems).toEqual([expect.stringContaining('contingency set "network-outage" (by name convention) is incomplete: [n/m] says 3 policies, found 1 (missing 1/3, 2/3)')]);
    expect(renderContingencyStatus(status.sets, status.problems).split('\n')[0]).toMatch(/^warning: contingency set "network-outage"/);

    const writesBefore = writes();
    const error = await contingency('activate', 'network-outage').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/^cannot activate network-outage: .* is incomplete.*Nothing was changed\. .*declare the set in caac\.yml/);
    expect(writes()).toBe(writesBefore);
    // The complete set next to it is not affected.
    expect(contingencySucceeded(await contingency('activate', 'mfa-disruption'))).toBe(true);
  });
});
