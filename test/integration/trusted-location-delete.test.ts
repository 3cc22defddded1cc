/**
 * A trusted named location is deleted in two steps (issue 8, point 6): Graph refuses to delete an
 * ipNamedLocation while isTrusted is true. The plan shows both steps (text, markdown, plan file)
 * and apply marks the location untrusted, then deletes it: the soft-deleted copy Graph keeps is
 * the untrusted one.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runApply } from '../../src/commands/apply.js';
import { runPlan } from '../../src/commands/plan.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { GraphConnection } from '../../src/graph/connect.js';
import { readPlanFile, writePlanFile } from '../../src/plan/plan-file.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { madeHere } from '../fixtures/plan-source.js';
import { silentLogger } from '../../src/ports/logger.js';
import { emulatorConnection } from '../fixtures/repo-helpers.js';

let emu: RunningEmulator;
let cwd: string;
let connection: GraphConnection;

beforeEach(async () => {
  emu = await startEmulator({ seed: 'sample' });
  cwd = mkdtempSync(join(tmpdir(), 'caac-trusted-'));
  cpSync(resolve('examples/conditional-access'), join(cwd, 'conditional-access'), { recursive: true });
  connection = emulatorConnection(emu.url);
});
afterEach(async () => {
  await emu.stop();
  rmSync(cwd, { recursive: true, force: true });
});

test('prune of a trusted location: two steps in the plan, untrusted then deleted by apply', async () => {
  const extra = await connection.tenant.create('namedLocation', {
    '@odata.type': '#microsoft.graph.ipNamedLocation',
    displayName: 'Old HQ',
    isTrusted: true,
    ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.128/25' }],
  });
  const untrusted = await connection.tenant.create('namedLocation', {
    '@odata.type': '#microsoft.graph.ipNamedLocation',
    displayName: 'Old guest Wi-Fi',
    isTrusted: false,
    ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.128/25' }],
  });
  const outcome = await runPlan(filePolicyStore('conditional-access', { cwd }), connection, { dir: 'conditional-access', apiVersion: 'v1.0', prune: true });
  if (outcome.status !== 'planned') throw new Error(outcome.status);
  const plan = outcome.plan;
  const deletes = plan.operations.filter((op) => op.action === 'delete');
  expect(deletes.map((d) => [d.displayName, d.steps])).toEqual([
    ['Old HQ', ['markUntrusted', 'delete']],
    ['Old guest Wi-Fi', undefined],
  ]);

  // The plan file keeps the steps through a round trip; the reports show them in order.
  expect(readPlanFile(writePlanFile(plan)).operations.find((op) => op.id === extra['id'])?.steps).toEqual(['markUntrusted', 'delete']);
  const text = renderPlanText(plan);
  expect(text).toMatch(/- delete named location "Old HQ" \([0-9a-f]{4}…\)\n {4}1\. mark it untrusted \(isTrusted: true → false\)[^\n]*\n {4}2\. delete it\n/);
  expect(text).not.toMatch(/"Old guest Wi-Fi"[^\n]*\n {4}1\./);
  const markdown = renderPlanMarkdown(plan);
  expect(markdown).toContain('deleted from the tenant in 2 steps');
  expect(markdown.indexOf('mark it untrusted')).toBeLessThan(markdown.indexOf('2. delete it'));
  expect(plan.warnings.find((w) => w.displayName === 'Old HQ')?.message).toContain('first marked untrusted');

  const before = emu.requests().byEndpoint;
  const applied = await runApply(plan, { tenant: connection.tenant, snapshots: fileSnapshotStore(join(cwd, 'snap')), source: madeHere(plan, cwd) }, { allowDelete: true, keepGoing: false, log: silentLogger });
  expect(applied.failed).toBe(0);
  expect(applied.verification).toEqual([]);
  const spent = (endpoint: string): number => (emu.requests().byEndpoint[endpoint] ?? 0) - (before[endpoint] ?? 0);
  // One PATCH (the trusted one only), two DELETEs.
  expect(spent('PATCH /v1.0/identity/conditionalAccess/namedLocations/{id}')).toBe(1);
  expect(spent('DELETE /v1.0/identity/conditionalAccess/namedLocations/{id}')).toBe(2);
  // Graph keeps what it deleted: the trusted location was untrusted when the DELETE came.
  const bin = await connection.tenant.readDeleted('namedLocation');
  expect(bin.find((l) => l['id'] === extra['id'])).toMatchObject({ isTrusted: false });
  expect(bin.find((l) => l['id'] === untrusted['id'])).toBeDefined();
  const live = await connection.tenant.read();
  expect(live.namedLocations.map((l) => l['displayName'])).not.toContain('Old HQ');
});
