/**
 * restore = plan a backup with restore semantics + apply: an object deleted since the backup comes
 * back from the recycle bin with its id; --only restores one object; --prune removes what is new.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runApply } from '../../src/commands/apply.js';
import { runBackup } from '../../src/commands/backup.js';
import { planRestore } from '../../src/commands/restore.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ConfigurationError } from '../../src/errors.js';
import { connectGraph } from '../../src/graph/connect.js';
import type { Plan } from '../../src/model/plan.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';
import { madeHere } from '../fixtures/plan-source.js';
import { folderBackupStore } from '../../src/repo/backup-folder.js';
import { lineLogger } from '../../src/ports/logger.js';
import type { Logger } from '../../src/ports/logger.js';
import { runCommand } from '../fixtures/run-command.js';
import { registerRestore } from '../../src/cli/restore-command.js';

let emulator: RunningEmulator;
let graph: ReturnType<typeof connectGraph>;
let backup: string;

beforeEach(async () => {
  emulator = await startEmulator({ seed: 'sample' });
  graph = connectGraph({ graphUrl: emulator.url, env: { CAAC_ACCESS_TOKEN: 't' }, rateLimit: 200 });
  backup = join(mkdtempSync(join(tmpdir(), 'caac-restore-')), 'backup');
  await runBackup({ ...graph, store: folderBackupStore(backup) }, { apiVersion: 'v1.0' });
});
afterEach(async () => {
  await emulator.stop();
});

const auth = { authorization: 'Bearer t', 'content-type': 'application/json' };
const policies = async () =>
  ((await (await fetch(`${emulator.url}/v1.0/identity/conditionalAccess/policies`, { headers: auth })).json()) as { value: { id: string; displayName: string }[] }).value;

async function restore(options: { only?: string; prune?: boolean; log?: Logger } = {}): Promise<Plan> {
  const outcome = await planRestore(filePolicyStore(backup), graph, { from: backup, apiVersion: 'v1.0', ...options });
  if (outcome.status !== 'planned') throw new Error(`restore did not plan: ${outcome.status}`);
  return outcome.plan;
}

test('a policy deleted since the backup is restored from deletedItems with its id kept', async () => {
  const victim = (await policies()).find((p) => p.displayName.startsWith('CA004'))!;
  await fetch(`${emulator.url}/v1.0/identity/conditionalAccess/policies/${victim.id}`, { method: 'DELETE', headers: auth });
  const lines: string[] = [];
  const plan = await restore({ log: lineLogger((line) => lines.push(line)) });
  const op = plan.operations.find((o) => o.action === 'create')!;
  expect(op).toMatchObject({ displayName: victim.displayName, restoreFrom: victim.id });
  const outcome = await runApply(plan, { tenant: graph.tenant, snapshots: fileSnapshotStore(join(backup, '..', 'snap')), source: madeHere(plan) }, { allowDelete: false, keepGoing: false, log: lineLogger((line) => lines.push(line)) });
  // It says where the object comes back from, when it plans and when it applies.
  expect(lines).toContain(`"${victim.displayName}" is in deleted items (the recycle bin): restore from deleted items, keeping its id ${victim.id}`);
  expect(lines.some((l) => l.includes(`restore policy "${victim.displayName}" from deleted items ok`))).toBe(true);
  expect(outcome).toMatchObject({ applied: 1, failed: 0, verification: [] });
  expect((await policies()).find((p) => p.displayName === victim.displayName)?.id).toBe(victim.id);
  expect(emulator.requests().byEndpoint['POST /v1.0/identity/conditionalAccess/deletedItems/policies/{id}/restore']).toBe(1);
  expect(emulator.requests().byEndpoint['POST /v1.0/identity/conditionalAccess/policies']).toBeUndefined();
});

test('--only restores one object; a change elsewhere is left alone; --prune removes what was created since', async () => {
  const all = await policies();
  const ca002 = all.find((p) => p.displayName.startsWith('CA002'))!;
  const ca003 = all.find((p) => p.displayName.startsWith('CA003'))!;
  for (const id of [ca002.id, ca003.id]) {
    await fetch(`${emulator.url}/v1.0/identity/conditionalAccess/policies/${id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ state: 'disabled' }) });
  }
  const only = await restore({ only: ca002.displayName });
  expect(only.operations.filter((o) => o.action !== 'noop').map((o) => o.displayName)).toEqual([ca002.displayName]);
  expect(only.summary.unmanaged).toBe(0);

  await fetch(`${emulator.url}/v1.0/identity/conditionalAccess/policies`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ displayName: 'CA999 - created after the backup', state: 'disabled', conditions: { clientAppTypes: ['all'], users: { includeUsers: ['None'] }, applications: { includeApplications: ['None'] } }, grantControls: { operator: 'OR', builtInControls: ['mfa'] } }),
  });
  const pruned = await restore({ prune: true });
  expect(pruned.operations.filter((o) => o.action === 'delete').map((o) => o.displayName)).toEqual(['CA999 - created after the backup']);
  await expect(restore({ only: 'CA002', prune: true })).rejects.toBeInstanceOf(ConfigurationError);
  await expect(restore({ only: 'no such policy' })).rejects.toThrow(/holds no object named "no such policy"/);
});

test("the restore CLI's plan says restore accepts the blocks it brings back (not --accept-impact), and restores them", async () => {
  // CA005 (block from blocked countries) was turned off since the backup: restoring it blocks sign-ins again.
  const ca005 = (await policies()).find((p) => p.displayName.startsWith('CA005'))!;
  await fetch(`${emulator.url}/v1.0/identity/conditionalAccess/policies/${ca005.id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ state: 'disabled' }) });
  const { code, output: text } = await runCommand(registerRestore, ['restore', '--from', backup, '--only', ca005.displayName, '--auto-approve', '--graph-url', emulator.url, '--rate-limit', '200', '--snapshot-dir', join(backup, '..', 'snap-cli')]);
  expect(text).toMatch(/becomes blocked \(by "CA005/);
  expect(text).toMatch(/restore accepts the \d+ new block\(s\): it brings back rules the tenant had/);
  expect(text).not.toContain('unless run with --accept-impact');
  expect(code).toBe(0);
  const after = (await (await fetch(`${emulator.url}/v1.0/identity/conditionalAccess/policies/${ca005.id}`, { headers: auth })).json()) as { state: string };
  expect(after.state).toBe('enabled');
});
