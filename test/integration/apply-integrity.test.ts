/**
 * A plan file is a claim, and apply checks it (issue [9]): every hand-edited plan is refused before
 * any write with exit 3 and the difference named; a plan made from other documents is refused with
 * that reason; a plan from another commit with the same documents is applied. Against the emulator
 * (sample tenant); "no write" is read from the emulator's own request log. The plan goes through
 * the plan file (written, edited as JSON, read back) as it does between the plan and apply jobs.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runApply } from '../../src/commands/apply.js';
import { type ApplyOutcome } from '../../src/model/outcomes.js';
import { runContingency, contingencySucceeded } from '../../src/commands/contingency.js';
import { madeHereSource, reviewedPlanSource } from '../../src/commands/plan-check.js';
import { planRestore, restoreStore } from '../../src/commands/restore.js';
import { runPlan } from '../../src/commands/plan.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { PlanMismatchError } from '../../src/errors.js';
import { reportTenantCommandError } from '../../src/cli/fail.js';
import type { GraphConnection } from '../../src/graph/connect.js';
import type { JsonObject } from '../../src/model/documents.js';
import type { Plan, PlanOperation } from '../../src/model/plan.js';
import { readPlanFile, writePlanFile } from '../../src/plan/plan-file.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';
import { exampleTenant, emulatorConnection } from '../fixtures/repo-helpers.js';
import { lineLogger, silentLogger } from '../../src/ports/logger.js';

const EXAMPLE = resolve('examples/conditional-access');
const CA006 = 'policies/ca006-require-compliant-or-hybrid-joined-device.json';
const CA016 = 'policies/ca016-block-service-accounts-outside-trusted-networks.json';

let emu: RunningEmulator;
let cwd: string;
let connection: GraphConnection;
const dirs: string[] = [];

beforeEach(async () => {
  ({ emu, cwd } = await exampleTenant('caac-integrity-', dirs));
  connection = connect();
});
afterEach(async () => {
  await emu.stop();
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a policy file edited in place, of any shape
function edit(rel: string, f: (o: Record<string, any>) => void, folder = 'conditional-access'): void {
  const path = join(cwd, folder, rel);
  const o = JSON.parse(readFileSync(path, 'utf8')) as JsonObject;
  f(o);
  writeFileSync(path, JSON.stringify(o, null, 2) + '\n');
}

/** A plan as the plan job writes it, with CA006 switched on and CA016 excluding Finance too. */
async function planFile(prune = false): Promise<string> {
  edit(CA006, (p) => (p['state'] = 'enabled'));
  edit(CA016, (p) => (p['conditions']['users']['excludeGroups'] = ['group:CA-BreakGlass', 'group:Finance']));
  const outcome = await runPlan(filePolicyStore('conditional-access', { cwd }), connection, { dir: 'conditional-access', apiVersion: 'v1.0', prune });
  if (outcome.status !== 'planned') throw new Error(`plan stopped: ${outcome.status}`);
  expect(outcome.plan.summary).toMatchObject({ create: 0, update: 2, delete: 0 });
  return writePlanFile(outcome.plan);
}

/** The plan file edited as JSON, then read back as apply reads it. */
function tampered(text: string, f: (plan: Plan) => void): Plan {
  const plan = JSON.parse(text) as Plan;
  f(plan);
  return readPlanFile(JSON.stringify(plan), 'plan.json');
}

const lines: string[] = [];
const connect = () => emulatorConnection(emu.url);
/** Apply as the apply job runs it: its own connection (nothing cached from the plan), the folder given to it. */
async function apply(plan: Plan, dir = 'conditional-access', allowDelete = false): Promise<ApplyOutcome> {
  const graph = connect();
  return runApply(
    plan,
    { tenant: graph.tenant, snapshots: fileSnapshotStore(join(cwd, `snap-${Math.random()}`)), source: reviewedPlanSource(filePolicyStore(dir, { cwd }), graph, dir) },
    { allowDelete, keepGoing: false, log: lineLogger((l) => lines.push(l)) },
  );
}

/** Writes to Conditional Access objects and strengths in the emulator's request log. */
function writesLogged(): string[] {
  return Object.entries(emu.requests().byEndpoint)
    .filter(([k]) => /^(POST|PATCH|DELETE) \/(v1\.0|beta)\/(identity\/conditionalAccess|policies\/authenticationStrengthPolicies)/.test(k))
    .map(([k, n]) => `${k} ×${n}`);
}

/** Applies the plan, expects a refusal: the error, exit 3, and no write. */
async function refused(plan: Plan, dir?: string): Promise<string> {
  const writes = writesLogged();
  const error = await apply(plan, dir, true).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlanMismatchError);
  const printed: string[] = [];
  expect(reportTenantCommandError(error, (l) => printed.push(l))).toBe(3);
  expect(printed.join('\n')).toMatch(/^caac: .*nothing was changed/s);
  expect(writesLogged()).toEqual(writes);
  return (error as Error).message;
}

const policies = async (): Promise<JsonObject[]> => (await connection.tenant.read()).policies;
const named = (plan: Plan, prefix: string): PlanOperation => plan.operations.find((o) => o.displayName.startsWith(prefix))!;

describe('a hand-edited plan file is refused before any write (exit 3), naming the difference', () => {
  test('a body changed to state: disabled with a new name', async () => {
    const plan = tampered(await planFile(), (p) => {
      const body = named(p, 'CA006').body!;
      body['state'] = 'disabled';
      body['displayName'] = 'CA006 - Harmless rename';
    });
    const message = await refused(plan);
    expect(message).toMatch(/operation \d \(update policy "CA006 - Require compliant or hybrid joined device" \([0-9a-f-]+\)\): body\/displayName: the plan file has "CA006 - Harmless rename", made again it is "CA006 - Require compliant or hybrid joined device"; body\/state: the plan file has "disabled", made again it is "enabled"/);
    expect(message).toMatch(/make the plan again and review it/);
  });

  test('guards emptied together with the break-glass exclusion removed from the body', async () => {
    const plan = tampered(await planFile(), (p) => {
      const breakGlass = p.guards!.groups;
      expect(breakGlass).toHaveLength(1);
      const users = (named(p, 'CA016').body!['conditions'] as JsonObject)['users'] as JsonObject;
      users['excludeGroups'] = (users['excludeGroups'] as string[]).filter((id) => !breakGlass.includes(id));
      p.guards = { users: [], groups: [], exemptPolicies: [] };
    });
    const message = await refused(plan);
    expect(message).toMatch(/update policy "CA016 [^"]*" \([0-9a-f-]+\)\): body\/conditions\/users\/excludeGroups: the plan file has \["[0-9a-f-]+"\], made again it is \["[0-9a-f-]+","[0-9a-f-]+"\]/);
    expect(message).toMatch(/guards: the plan file lists \{"users":\[\],"groups":\[\],"exemptPolicies":\[\]\}, but caac.yml gives .*\(apply uses caac.yml's\)/);
  });

  test("a delete added with another policy's id and an innocent displayName", async () => {
    const victim = (await policies()).find((o) => String(o['displayName']).startsWith('CA001'))!;
    const plan = tampered(await planFile(), (p) => {
      p.operations.push({ kind: 'policy', action: 'delete', displayName: 'Old test policy (unused)', id: String(victim['id']), changes: [] });
      p.summary.delete = 1;
    });
    const message = await refused(plan);
    expect(message).toContain(`(delete policy "Old test policy (unused)" (${String(victim['id'])})) is in the plan file, but the repository and the tenant make no such operation`);
    expect((await policies()).some((o) => o['id'] === victim['id'])).toBe(true);
  });

  test("an update's id swapped to overwrite another policy", async () => {
    const other = (await policies()).find((o) => String(o['displayName']).startsWith('CA002'))!;
    let original = '';
    const plan = tampered(await planFile(), (p) => {
      const op = named(p, 'CA006');
      original = op.id!;
      op.id = String(other['id']);
    });
    const message = await refused(plan);
    expect(message).toContain(`id: the plan file has "${String(other['id'])}", made again it is "${original}"`);
  });

  test('an extra create', async () => {
    const plan = tampered(await planFile(), (p) => {
      p.operations.splice(1, 0, {
        kind: 'policy',
        action: 'create',
        displayName: 'CA100 - Block everyone',
        changes: [],
        body: { displayName: 'CA100 - Block everyone', state: 'enabledForReportingButNotEnforced', conditions: { users: { includeUsers: ['None'] }, applications: { includeApplications: ['None'] }, clientAppTypes: ['all'] }, grantControls: { operator: 'OR', builtInControls: ['block'] } },
      });
      p.summary.create = 1;
    });
    const message = await refused(plan);
    expect(message).toContain('operation 2 (create policy "CA100 - Block everyone") is in the plan file, but the repository and the tenant make no such operation');
  });

  test('an operation taken out (the reviewer saw two changes; the file holds one)', async () => {
    const plan = tampered(await planFile(), (p) => {
      p.operations = p.operations.filter((o) => !o.displayName.startsWith('CA016'));
    });
    expect(await refused(plan)).toMatch(/the plan file lacks the operation update policy "CA016 [^"]*" \([0-9a-f-]+\) that the repository and the tenant make/);
  });

  test('--prune claimed by the file: made again with prune, its deletions must be in the file too', async () => {
    // A policy no file describes: plan --prune would delete it, plan without leaves it alone.
    const extra = await connection.tenant.create('policy', {
      displayName: 'Made in the portal',
      state: 'disabled',
      conditions: { users: { includeUsers: ['None'] }, applications: { includeApplications: ['None'] }, clientAppTypes: ['all'] },
      grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    });
    const plan = tampered(await planFile(), (p) => {
      expect(p.unmanaged.map((u) => u.displayName)).toEqual(['Made in the portal']);
      p.source!.prune = true;
    });
    expect(await refused(plan)).toContain(`the plan file lacks the operation delete policy "Made in the portal" (${String(extra['id'])}) that the repository and the tenant make`);
  });
});

describe('the documents the plan was made from', () => {
  test('a file edited after the plan: refused with the digest reason, naming the file, before any request', async () => {
    const plan = readPlanFile(await planFile(), 'plan.json');
    edit(CA006, (p) => (p['state'] = 'disabled'));
    const before = emu.requests().total;
    const message = await refused(plan);
    expect(emu.requests().total).toBe(before);
    expect(message).toMatch(/^the plan was made from other documents than "conditional-access" holds now \(digest [0-9a-f]{12} at commit none; here [0-9a-f]{12} at commit none\): nothing was changed\./);
    expect(message).toContain(`"${CA006}" was changed`);
  });

  test('a file added, or caac.yml changed: refused the same way', async () => {
    const plan = readPlanFile(await planFile(), 'plan.json');
    writeFileSync(join(cwd, 'conditional-access', 'policies', 'new.json'), readFileSync(join(cwd, 'conditional-access', CA006)));
    expect(await refused(plan)).toContain('"policies/new.json" was added');
    rmSync(join(cwd, 'conditional-access', 'policies', 'new.json'));
    writeFileSync(join(cwd, 'conditional-access', 'caac.yml'), readFileSync(join(cwd, 'conditional-access', 'caac.yml'), 'utf8').replace(/^emergencyAccess:/m, 'prune: false\nemergencyAccess:'));
    expect(await refused(plan)).toContain('"caac.yml" was changed');
  });

  test('the plan file cannot choose the folder: apply reads its own (--dir), and names both when they differ', async () => {
    const plan = tampered(await planFile(), (p) => {
      p.dir = 'examples/other';
    });
    cpSync(EXAMPLE, join(cwd, 'elsewhere'), { recursive: true });
    const message = await refused(plan, 'elsewhere');
    expect(message).toContain('The plan was made from the folder "examples/other"; apply reads "elsewhere" (--dir, input dir).');
  });

  test('the same documents in another folder, at another commit: applied, and what is written is the plan made again', async () => {
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'pipe' }).toString().trim();
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'policies');
    const planned = git('rev-parse', 'HEAD');
    const text = await planFile();
    git('commit', '-qam', 'the pull request');
    const plan = readPlanFile(text, 'plan.json');
    expect(plan.source).toMatchObject({ commit: planned, prune: false, documents: 25 });
    // The merge: another commit with the same documents, in a folder by another name.
    writeFileSync(join(cwd, 'README.md'), 'merged\n');
    git('add', 'README.md');
    git('commit', '-qm', 'merge');
    renameSync(join(cwd, 'conditional-access'), join(cwd, 'ca'));
    lines.length = 0;
    const outcome = await apply(plan, 'ca');
    expect(outcome).toMatchObject({ applied: 2, failed: 0, readBack: 'verified' });
    expect(lines).toContain('the plan file matches the plan made again from ca and the tenant (2 change(s))');
    const ca006 = (await policies()).find((o) => String(o['displayName']).startsWith('CA006'))!;
    expect(ca006['state']).toBe('enabled');
  });

  test('a plan of format version 1 (no digest) is refused: make the plan again', async () => {
    const old = { ...(JSON.parse(await planFile()) as Plan), formatVersion: 1 };
    delete old.source;
    expect(() => readPlanFile(JSON.stringify(old), 'plan.json')).toThrow(/plan.json: \/formatVersion: format version 1 records no digest of the documents .*make the plan again with this caac/);
    const noDigest = JSON.parse(await planFile()) as Plan;
    delete noDigest.source;
    expect(() => readPlanFile(JSON.stringify(noDigest), 'plan.json')).toThrow('plan.json: /source: expected an object');
  });
});

test('the contingency hold as the plan records it: a held policy released by hand is refused, also with --end-contingency', async () => {
  const on = await runContingency('activate', 'outage-mfa', { ...connection, store: filePolicyStore(join(cwd, 'conditional-access')) }, { dryRun: false, log: silentLogger });
  expect(contingencySucceeded(on)).toBe(true);
  const outcome = await runPlan(filePolicyStore('conditional-access', { cwd }), connection, { dir: 'conditional-access', apiVersion: 'v1.0' });
  if (outcome.status !== 'planned') throw new Error(outcome.status);
  const plan = tampered(writePlanFile(outcome.plan), (p) => {
    const held = p.contingency!.held.find((h) => h.displayName.startsWith('CA902'))!;
    const i = p.operations.findIndex((o) => o.id === held.id);
    p.operations[i] = { ...p.operations[i]!, action: 'update', changes: [{ path: '/state', before: 'enabled', after: 'disabled' }], body: held.body };
    p.contingency!.held = p.contingency!.held.filter((h) => h !== held);
  });
  for (const endContingency of [false, true]) {
    const writes = writesLogged();
    const graph = connect();
    const source = reviewedPlanSource(filePolicyStore('conditional-access', { cwd }), graph, 'conditional-access');
    const error = await runApply(plan, { tenant: graph.tenant, snapshots: fileSnapshotStore(join(cwd, 'snap')), source }, { allowDelete: false, keepGoing: false, endContingency, log: silentLogger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanMismatchError);
    const message = (error as Error).message;
    expect(message).toMatch(/operation \d+ \(update policy "CA902 [^"]*" \([0-9a-f-]+\)\): action: the plan file has "update", made again it is "noop"/);
    expect(message).toMatch(/contingency: the plan file does not hold policy "CA902 [^"]*" \([0-9a-f-]+\), which an active contingency set holds/);
    expect(writesLogged()).toEqual(writes);
  }
});

test('restore: the backup folder changed between the plan shown and the apply: refused, the file named, nothing written', async () => {
  const backup = join(cwd, 'conditional-access');
  const store = restoreStore(filePolicyStore(backup), { from: backup });
  const outcome = await planRestore(store, connection, { from: backup, apiVersion: 'v1.0' });
  if (outcome.status !== 'planned') throw new Error(outcome.status);
  edit(CA006, (p) => (p['state'] = 'enabled'));
  const writes = writesLogged();
  const error = await runApply(outcome.plan, { tenant: connection.tenant, snapshots: fileSnapshotStore(join(cwd, 'snap')), source: madeHereSource(store, backup) }, { allowDelete: false, keepGoing: false, log: silentLogger }).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlanMismatchError);
  expect((error as Error).message).toContain(`"${CA006}" was changed`);
  expect(writesLogged()).toEqual(writes);
});

test('Graph requests: apply --plan makes the plan again from the stale check\'s read (no second tenant read); it adds only the directory look-ups', async () => {
  const plan = readPlanFile(await planFile(), 'plan.json');
  const directory = (byEndpoint: Record<string, number>) => Object.entries(byEndpoint).filter(([k]) => !/conditionalAccess|authenticationStrength|identitySecurityDefaults/.test(k));
  const outcome = await apply(plan);
  expect(outcome).toMatchObject({ applied: 2, failed: 0, readBack: 'verified' });
  const by = outcome.requests.byEndpoint;
  // One read for the stale check (each list once: the sample tenant fits one page) and one
  // read-back of the kind written only (policies).
  expect(by['GET /v1.0/identity/conditionalAccess/policies']).toBe(2);
  expect(by['GET /v1.0/identity/conditionalAccess/namedLocations']).toBe(1);
  expect(by['GET /v1.0/policies/authenticationStrengthPolicies']).toBe(1);
  // The plan made again resolves its references as the plan did: the same directory requests.
  expect(Object.fromEntries(directory(by))).toEqual(Object.fromEntries(directory(plan.requests.byEndpoint)));
  // 7 here: 3 lists, security defaults, 2 PATCH, the policies read back; and the look-ups (two $batch calls).
  const lookups = directory(plan.requests.byEndpoint).reduce((n, [, count]) => n + count, 0);
  expect(lookups).toBe(2);
  expect(outcome.requests.total).toBe(7 + lookups);
});
