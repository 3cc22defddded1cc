/**
 * Names cost what ids cost, at scale: a 195-policy tenant whose policies reference 3,000 distinct
 * users, groups, roles, apps and named locations (the emulator's `big` seed), backed up with
 * names and planned back, counted by the emulator. Targets (issue [11]): plan ≤ 10 HTTP requests
 * (a $batch counts once), ≤ 40 counting every request inside a $batch, ≤ 5 on the throttled
 * Conditional Access endpoints; backup no dearer than plan. Counts only: timings belong in bench/.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBackup } from '../../src/commands/backup.js';
import { runPlan } from '../../src/commands/plan.js';
import { hasChanges } from '../../src/model/plan.js';
import { bigTenantShape } from '../../src/emulator/big-tenant.js';
import { startEmulator, type RequestCounts, type RunningEmulator } from '../../src/emulator/index.js';
import { connectGraph } from '../../src/graph/connect.js';
import { folderBackupStore } from '../../src/repo/backup-folder.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fakeJwt } from '../fixtures/fake-jwt.js';

let emu: RunningEmulator;
let out: string;

beforeAll(async () => {
  emu = await startEmulator({ seed: 'big' });
  out = mkdtempSync(join(tmpdir(), 'caac-names-at-scale-'));
});
afterAll(async () => {
  await emu.stop();
  rmSync(out, { recursive: true, force: true });
});

/** A fresh connection (nothing cached), fast enough pacing that the test does not wait on it. */
const connect = () => connectGraph({ graphUrl: emu.url, env: { CAAC_ACCESS_TOKEN: fakeJwt({ tid: emu.tenantId }) }, tenantId: emu.tenantId, rateLimit: 1000, burst: 100 });

async function resetCounts(): Promise<void> {
  const res = await fetch(`${emu.url}/_emulator/requests/reset`, { method: 'POST' });
  expect(res.status).toBe(204);
}

interface Cost {
  http: number;
  all: number;
  throttled: number;
}

function cost(c: RequestCounts): Cost {
  const throttled = Object.entries(c.byEndpoint)
    .filter(([key]) => / \/(v1\.0|beta)\/identity\/conditionalAccess\//.test(key))
    .reduce((n, [, count]) => n + count, 0);
  return { http: c.total - c.inBatch, all: c.total, throttled };
}

test('the big seed: 195 policies referencing 3,000 distinct objects, with more in the directory', () => {
  const shape = bigTenantShape(3000);
  expect(shape.users + shape.groups + shape.roles + shape.apps + shape.locations).toBe(3000);
});

test('backup (names) and plan of the 3,000-reference tenant stay within the request targets', async () => {
  await resetCounts();
  const backup = await runBackup({ ...connect(), store: folderBackupStore(out) }, { apiVersion: 'v1.0' });
  const backupCounts = emu.requests();
  const backupCost = cost(backupCounts);
  expect(readdirSync(join(out, 'policies'))).toHaveLength(195);
  expect(backup.warnings).toEqual([]);

  // The backup wrote names, not ids: every reference of the tenant is a `kind:name`.
  const texts = readdirSync(join(out, 'policies')).map((f) => readFileSync(join(out, 'policies', f), 'utf8'));
  const refs = new Set(texts.flatMap((t) => [...t.matchAll(/"((?:user|group|role|app|location):[^"]+)"/g)].map((m) => m[1]!)));
  expect(refs.size).toBe(3000);
  // No raw id left in a list (the documents' own ids are `"id": …`).
  expect(texts.join('\n')).not.toMatch(/^\s+"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",?$/m);

  await resetCounts();
  const plan = await runPlan(filePolicyStore(out), connect(), { dir: out, apiVersion: 'v1.0' });
  const planCounts = emu.requests();
  const planCost = cost(planCounts);
  expect(plan.status).toBe('planned');
  if (plan.status !== 'planned') return;
  expect(hasChanges(plan.plan)).toBe(false);

  process.stdout.write(`3,000 references: backup ${JSON.stringify(backupCost)}, plan ${JSON.stringify(planCost)}\n`);
  expect(planCost.http).toBeLessThanOrEqual(10);
  expect(planCost.all).toBeLessThanOrEqual(40);
  expect(planCost.throttled).toBeLessThanOrEqual(5);
  // Backup no dearer than plan: the same requests as Graph's throttling counts them (every request
  // inside a $batch, not the envelopes), the same on the throttled endpoints. It needs one $batch
  // envelope more: it must learn the names (by id) before it can prove them unique (by name),
  // where the plan has the names from the repository and asks both at once.
  const graphCounted = (c: RequestCounts): number => c.total - (c.byEndpoint['POST /v1.0/$batch'] ?? 0);
  expect(graphCounted(backupCounts)).toBeLessThanOrEqual(graphCounted(planCounts));
  expect(backupCost.throttled).toBeLessThanOrEqual(planCost.throttled);
  expect(backupCost.http).toBeLessThanOrEqual(planCost.http + 1);
}, 120_000);

test('an ambiguous name is still refused at scale: a second group, and a second app, with a referenced one\'s name', async () => {
  type Obj = Record<string, unknown>;
  const state = (await (await fetch(`${emu.url}/_emulator/state`)).json()) as { groups: Obj[]; servicePrincipals: Obj[]; policies: Obj[] };
  const conditions = state.policies[0]!['conditions'] as Record<string, Record<string, string[]>>;
  const group = state.groups.find((g) => g['id'] === conditions['users']!['includeGroups']![0])!;
  const app = state.servicePrincipals.find((sp) => sp['appId'] === conditions['applications']!['includeApplications']![0])!;
  state.groups.push({ id: '0f0f0f0f-0000-4000-8000-00000000abcd', displayName: group['displayName'] });
  state.servicePrincipals.push({ id: '0f0f0f0f-0000-4000-8000-00000000abce', appId: '0f0f0f0f-0000-4000-8000-00000000abcf', displayName: app['displayName'] });
  await fetch(`${emu.url}/_emulator/state`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(state) });
  const plan = await runPlan(filePolicyStore(out), connect(), { dir: out, apiVersion: 'v1.0' });
  expect(plan.status).toBe('unresolved');
  if (plan.status !== 'unresolved') return;
  const problem = (path: RegExp, message: string) => expect.objectContaining({ file: expect.stringMatching(/ca0000-/), path: expect.stringMatching(path), message: expect.stringContaining(message), line: expect.any(Number) });
  expect(plan.problems).toEqual([
    problem(/^\/conditions\/users\/includeGroups\/\d+$/, `group:${String(group['displayName'])} is ambiguous: 2 groups have this name`),
    problem(/^\/conditions\/applications\/includeApplications\/\d+$/, `app:${String(app['displayName'])} is ambiguous: 2 applications have this name`),
  ]);
}, 120_000);
