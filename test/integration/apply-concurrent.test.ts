/**
 * Two applies of the same plan at once (two pipelines, a retried job): both create the new
 * policy, and Graph takes both. Apply settles it after its writes (src/apply/concurrent-twins.ts):
 * the tenant ends with one copy, whatever the interleaving, and an object that differs from what
 * was sent is never removed. Found by `npm run soak` (seeds 21, 29, 37, 45, 53).
 */
import fs from 'node:fs';
import path from 'node:path';
import { runApply } from '../../src/commands/apply.js';
import { reviewedPlanSource } from '../../src/commands/plan-check.js';
import { runPlan } from '../../src/commands/plan.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { GraphConnection } from '../../src/graph/connect.js';
import type { Plan } from '../../src/model/plan.js';
import { silentLogger } from '../../src/ports/logger.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';
import { exampleTenant, emulatorConnection } from '../fixtures/repo-helpers.js';

const ROOT = 'conditional-access';
const NAME = 'CA900 - Require MFA for the pilot group';
let emu: RunningEmulator;
let cwd: string;
const dirs: string[] = [];

beforeEach(async () => {
  ({ emu, cwd } = await exampleTenant('caac-concurrent-', dirs));
  const template = JSON.parse(fs.readFileSync(path.join(cwd, ROOT, 'policies', 'ca002-require-multifactor-authentication-for-all-users.json'), 'utf8')) as Record<string, unknown>;
  delete template['id'];
  fs.writeFileSync(path.join(cwd, ROOT, 'policies', 'ca900.json'), JSON.stringify({ ...template, displayName: NAME, state: 'enabledForReportingButNotEnforced' }, null, 2));
});
afterEach(async () => {
  await emu.stop();
});
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const connect = (): GraphConnection => emulatorConnection(emu.url);
const auth = { authorization: 'Bearer t', 'content-type': 'application/json' };
const named = async (name: string): Promise<{ id: string; state: string }[]> => {
  const all = ((await (await fetch(`${emu.url}/v1.0/identity/conditionalAccess/policies`, { headers: auth })).json()) as { value: { id: string; displayName: string; state: string }[] }).value;
  return all.filter((p) => p.displayName === name);
};

async function planned(connection: GraphConnection): Promise<Plan> {
  const outcome = await runPlan(filePolicyStore(ROOT, { cwd }), connection, { dir: ROOT, apiVersion: 'v1.0' });
  if (outcome.status !== 'planned') throw new Error(`plan stopped: ${outcome.status}`);
  return outcome.plan;
}

const applyIn = (plan: Plan, connection: GraphConnection) =>
  runApply(plan, { tenant: connection.tenant, snapshots: fileSnapshotStore(path.join(cwd, `snap-${Math.random()}`)), source: reviewedPlanSource(filePolicyStore(ROOT, { cwd }), connection, ROOT) }, { allowDelete: false, keepGoing: false, log: silentLogger });

test('two applies of one plan at once leave the new policy once, and both report it verified', async () => {
  const plan = await planned(connect());
  expect(plan.operations.filter((op) => op.action === 'create').map((op) => op.displayName)).toEqual([NAME]);
  const [a, b] = await Promise.all([applyIn(plan, connect()), applyIn(plan, connect())]);
  expect(await named(NAME)).toHaveLength(1);
  for (const outcome of [a, b]) expect(outcome).toMatchObject({ failed: 0, readBack: 'verified', verification: [] });
  // The next plan matches it by name: nothing to do.
  expect((await planned(connect())).summary).toMatchObject({ create: 0, update: 0, delete: 0 });
});

test('an object of the same name that differs from what was sent is not a twin: it stays, reported as a duplicate', async () => {
  const plan = await planned(connect());
  const create = plan.operations.find((op) => op.action === 'create')!;
  // Someone makes a policy of that name, but enabled, while the apply runs (after its read).
  const tenant = connect().tenant;
  const realRead = tenant.read.bind(tenant);
  let once = false;
  tenant.read = async (kinds) => {
    const snapshot = await realRead(kinds);
    if (!once) {
      once = true;
      await fetch(`${emu.url}/v1.0/identity/conditionalAccess/policies`, { method: 'POST', headers: auth, body: JSON.stringify({ ...create.body, state: 'enabled' }) });
    }
    return snapshot;
  };
  const outcome = await runApply(plan, { tenant, snapshots: fileSnapshotStore(path.join(cwd, 'snap')), source: reviewedPlanSource(filePolicyStore(ROOT, { cwd }), connect(), ROOT) }, { allowDelete: false, keepGoing: false, log: silentLogger });
  const copies = await named(NAME);
  expect(copies.map((c) => c.state).sort()).toEqual(['enabled', 'enabledForReportingButNotEnforced']);
  expect(outcome.readBack).toBe('unverified');
  expect(outcome.verification.join('\n')).toMatch(/duplicate: 2 policy objects are named/);
});
