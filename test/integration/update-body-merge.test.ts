/**
 * Update bodies that say everything (issue 8, point 4): Graph's PATCH merges, so an update whose
 * file removed a nested condition must clear it with null. Against the emulator: the plan's body
 * carries the nulls, Graph's merge (emulated here on the live object) of that body gives the file,
 * and apply converges (the next plan has no changes).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runApply } from '../../src/commands/apply.js';
import { runPlan } from '../../src/commands/plan.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { GraphConnection } from '../../src/graph/connect.js';
import type { JsonObject } from '../../src/model/documents.js';
import type { Plan } from '../../src/model/plan.js';
import { normalizeDocument } from '../../src/normalize/normalize-document.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';
import { madeHere } from '../fixtures/plan-source.js';
import { silentLogger } from '../../src/ports/logger.js';
import { emulatorConnection } from '../fixtures/repo-helpers.js';

const EXAMPLE = resolve('examples/conditional-access');
const CA013 = 'policies/ca013-limit-administrator-sessions.json';
const CA014 = 'policies/ca014-require-app-protection-on-mobile-devices-pilot.json';

let emu: RunningEmulator;
let cwd: string;
let connection: GraphConnection;

beforeEach(async () => {
  emu = await startEmulator({ seed: 'sample' });
  cwd = mkdtempSync(join(tmpdir(), 'caac-merge-'));
  cpSync(EXAMPLE, join(cwd, 'conditional-access'), { recursive: true });
  connection = emulatorConnection(emu.url);
});
afterEach(async () => {
  await emu.stop();
  rmSync(cwd, { recursive: true, force: true });
});

function edit(rel: string, f: (o: Record<string, Record<string, unknown>>) => void): void {
  const path = join(cwd, 'conditional-access', rel);
  const o = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, unknown>>;
  f(o);
  writeFileSync(path, JSON.stringify(o, null, 2) + '\n');
}

async function plan(): Promise<Plan> {
  const outcome = await runPlan(filePolicyStore('conditional-access', { cwd }), connection, { dir: 'conditional-access', apiVersion: 'v1.0' });
  if (outcome.status !== 'planned') throw new Error(`plan stopped: ${outcome.status}`);
  return outcome.plan;
}

/** Graph's PATCH as its reference describes it: objects merge recursively, arrays and scalars replace, null clears. */
function mergePatch(stored: JsonObject, body: JsonObject): JsonObject {
  const out: JsonObject = structuredClone(stored);
  for (const [key, value] of Object.entries(body)) {
    const current = out[key];
    const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
    out[key] = isObj(value) && isObj(current) ? mergePatch(current, value) : structuredClone(value);
  }
  return out;
}

test('a file that removes nested conditions and a session control: the body clears them, Graph would merge to the file, apply converges', async () => {
  // Start from a tenant that holds what the examples declare.
  const first = await plan();
  if (first.summary.create + first.summary.update > 0) await runApply(first, { tenant: connection.tenant, snapshots: fileSnapshotStore(join(cwd, 's0')), source: madeHere(first, cwd) }, { allowDelete: false, keepGoing: false, log: silentLogger });

  edit(CA014, (o) => {
    delete o['conditions']!['platforms'];
  });
  edit(CA013, (o) => {
    delete o['sessionControls']!['signInFrequency'];
  });
  const p = await plan();
  const live = await connection.tenant.read();
  const updates = p.operations.filter((op) => op.action === 'update');
  expect(updates.map((op) => op.displayName).sort()).toEqual([
    'CA013 - Limit administrator sessions',
    'CA014 - Require app protection on mobile devices (pilot)',
  ]);
  const ca014 = updates.find((op) => op.displayName.startsWith('CA014'))!;
  const ca013 = updates.find((op) => op.displayName.startsWith('CA013'))!;
  expect((ca014.body!['conditions'] as JsonObject)['platforms']).toBeNull();
  expect((ca013.body!['sessionControls'] as JsonObject)['signInFrequency']).toBeNull();
  expect(ca014.changes.map((c) => c.path)).toContain('/conditions/platforms');

  // What Graph would store after the PATCH is what the file says.
  for (const op of updates) {
    const stored = live.policies.find((x) => x['id'] === op.id)!;
    expect(normalizeDocument('policy', mergePatch(stored, op.body!), { apiVersion: 'v1.0' })).toEqual(normalizeDocument('policy', op.body!, { apiVersion: 'v1.0' }));
  }

  const outcome = await runApply(p, { tenant: connection.tenant, snapshots: fileSnapshotStore(join(cwd, 's1')), source: madeHere(p, cwd) }, { allowDelete: false, keepGoing: false, log: silentLogger });
  expect(outcome.failed).toBe(0);
  expect(outcome.verification).toEqual([]);
  const after = await connection.tenant.read();
  const stored014 = after.policies.find((x) => x['id'] === ca014.id)!;
  expect((stored014['conditions'] as JsonObject)['platforms'] ?? null).toBeNull();
  const again = await plan();
  expect(again.summary).toMatchObject({ create: 0, update: 0, delete: 0 });
});

test('a file that keeps an object but drops some of its values (sign-in frequency from every 4 hours to every time): the body clears them, apply converges', async () => {
  const first = await plan();
  if (first.summary.create + first.summary.update > 0) await runApply(first, { tenant: connection.tenant, snapshots: fileSnapshotStore(join(cwd, 's0')), source: madeHere(first, cwd) }, { allowDelete: false, keepGoing: false, log: silentLogger });
  edit(CA013, (o) => {
    o['sessionControls']!['signInFrequency'] = { isEnabled: true, frequencyInterval: 'everyTime', authenticationType: 'primaryAndSecondaryAuthentication' };
    o['sessionControls']!['persistentBrowser'] = { isEnabled: true };
  });
  const p = await plan();
  const op = p.operations.find((x) => x.action === 'update')!;
  expect(op.displayName).toBe('CA013 - Limit administrator sessions');
  const frequency = (op.body!['sessionControls'] as JsonObject)['signInFrequency'] as JsonObject;
  expect(frequency).toMatchObject({ frequencyInterval: 'everyTime', type: null, value: null });
  const outcome = await runApply(p, { tenant: connection.tenant, snapshots: fileSnapshotStore(join(cwd, 's1')), source: madeHere(p, cwd) }, { allowDelete: false, keepGoing: false, log: silentLogger });
  expect(outcome.results.map((r) => r.error ?? r.status)).toEqual(['applied']);
  expect(outcome.verification).toEqual([]);
  expect((await plan()).summary).toMatchObject({ create: 0, update: 0, delete: 0 });
});
