/**
 * Contingency activation with emergency accounts that cannot be resolved in the tenant (issue [9],
 * point 11, flip 5): the switch must not go ahead unguarded. caac.yml names a break-glass group
 * that is gone (deleted, renamed, or a typo): the guard could check nothing, so activation is
 * refused before any write, dry run or not.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runContingency } from '../../src/commands/contingency.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { SafetyError } from '../../src/errors.js';
import { connectGraph } from '../../src/graph/connect.js';
import { requestsSince } from '../../src/model/tenant.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { silentLogger } from '../../src/ports/logger.js';

const EXAMPLE = resolve('examples/conditional-access');
const SET = 'outage-mfa';

let emu: RunningEmulator;
let dir: string;

beforeAll(async () => {
  emu = await startEmulator({ seed: 'sample' });
  dir = join(mkdtempSync(join(tmpdir(), 'caac-contingency-guard-')), 'conditional-access');
  cpSync(EXAMPLE, dir, { recursive: true });
});

afterAll(async () => {
  await emu.stop();
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

function emergencyAccess(block: string): void {
  const settings = readFileSync(join(EXAMPLE, 'caac.yml'), 'utf8').replace(/^emergencyAccess:\n(?: {2}.*\n)+/m, `emergencyAccess:\n${block}`);
  expect(settings).toContain(block);
  writeFileSync(join(dir, 'caac.yml'), settings);
}

async function contingencyStates(): Promise<string[]> {
  const connection = connectGraph({ graphUrl: emu.url, env: { CAAC_ACCESS_TOKEN: 't' }, rateLimit: 200 });
  const snapshot = await connection.tenant.read();
  return snapshot.policies.filter((p) => String(p['displayName']).startsWith('CA9')).map((p) => String(p['state']));
}

test.each([
  ['a break-glass group that does not exist', '  groups: ["group:CA-BreakGlass-Gone"]\n', /caac\.yml:\d+: group:CA-BreakGlass-Gone: no group with this name/],
  ['an emergency user that does not exist, beside a group that does', '  users: ["user:ghost@contoso.onmicrosoft.com"]\n  groups: ["group:CA-BreakGlass"]\n', /caac\.yml:\d+: user:ghost@contoso\.onmicrosoft\.com: no user with this name/],
  ['an id that is not in the tenant', '  groups: ["00000000-0000-4000-8000-00000000dead"]\n', /caac\.yml:\d+: group 00000000-0000-4000-8000-00000000dead in emergencyAccess\.groups does not exist in the tenant/],
])('%s: activation is refused before any write, dry run or not', async (_, block, reason) => {
  emergencyAccess(block);
  const before = emu.requests();
  for (const dryRun of [true, false]) {
    const connection = connectGraph({ graphUrl: emu.url, env: { CAAC_ACCESS_TOKEN: 't' }, rateLimit: 200 });
    const attempt = runContingency('activate', SET, { ...connection, store: filePolicyStore(dir) }, { dryRun, log: silentLogger });
    await expect(attempt).rejects.toThrow(SafetyError);
    await expect(attempt).rejects.toThrow(/^cannot activate contingency set "outage-mfa": the emergency-access accounts of caac\.yml cannot be checked: .*\. Nothing was changed$/);
    await expect(attempt).rejects.toThrow(reason);
  }
  const writes = Object.keys(requestsSince(before, emu.requests()).byEndpoint).filter((endpoint) => /^(PATCH|DELETE) |^POST .*conditionalAccess/.test(endpoint));
  expect(writes).toEqual([]);
  expect(await contingencyStates()).toEqual(['disabled', 'disabled', 'disabled']);
});

test('with the group resolved, the same set activates (the refusal above is the guard, not the set)', async () => {
  emergencyAccess('  groups: ["group:CA-BreakGlass"]\n');
  const connection = connectGraph({ graphUrl: emu.url, env: { CAAC_ACCESS_TOKEN: 't' }, rateLimit: 200 });
  const outcome = await runContingency('activate', SET, { ...connection, store: filePolicyStore(dir) }, { dryRun: true, log: silentLogger });
  expect(outcome.operations.map((op) => op.body)).toEqual([{ state: 'enabled' }, { state: 'enabled' }, { state: 'enabled' }]);
});
