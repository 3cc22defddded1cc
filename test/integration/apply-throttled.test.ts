/**
 * caac apply against the emulator at Graph's real Conditional Access limit (1 request/s, 429s
 * without Retry-After), the client at its default pace: a plan with creates that reference each
 * other by name, updates, and an authentication strength's allowedCombinations (which Graph only
 * changes through updateAllowedCombinations) applies fully, reads back as planned, and re-plans
 * as no changes.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runApply } from '../../src/commands/apply.js';
import { runPlan } from '../../src/commands/plan.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { connectGraph } from '../../src/graph/connect.js';
import type { JsonObject } from '../../src/model/documents.js';
import type { Plan } from '../../src/model/plan.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';
import { partnerNetworkPolicy } from '../fixtures/repo-helpers.js';
import { madeHere } from '../fixtures/plan-source.js';
import { lineLogger } from '../../src/ports/logger.js';

const EXAMPLE = resolve('examples/conditional-access');
let emu: RunningEmulator;
let cwd: string;

beforeAll(async () => {
  emu = await startEmulator({ seed: 'sample', realistic: true });
  cwd = mkdtempSync(join(tmpdir(), 'caac-apply-throttled-'));
  cpSync(EXAMPLE, join(cwd, 'conditional-access'), { recursive: true });
});
afterAll(async () => {
  await emu.stop();
  rmSync(cwd, { recursive: true, force: true });
});

function write(rel: string, value: unknown): void {
  writeFileSync(join(cwd, 'conditional-access', rel), JSON.stringify(value, null, 2) + '\n');
}
function edit(rel: string, f: (o: JsonObject) => void): void {
  const path = join(cwd, 'conditional-access', rel);
  const o = JSON.parse(readFileSync(path, 'utf8')) as JsonObject;
  f(o);
  writeFileSync(path, JSON.stringify(o, null, 2) + '\n');
}

async function plan(connection: ReturnType<typeof connectGraph>): Promise<Plan> {
  const outcome = await runPlan(filePolicyStore('conditional-access', { cwd }), connection, { dir: 'conditional-access', apiVersion: 'v1.0' });
  if (outcome.status !== 'planned') throw new Error(`plan stopped: ${outcome.status}`);
  return outcome.plan;
}

test('at 1 request/s with no Retry-After: creates with placeholders, updates and updateAllowedCombinations apply, verify and re-plan as no changes', async () => {
  // The client at its defaults (1 request/s, burst 2).
  const connection = connectGraph({ graphUrl: emu.url, env: { CAAC_ACCESS_TOKEN: 't' } });

  // An update of a policy.
  edit('policies/ca006-require-compliant-or-hybrid-joined-device.json', (p) => {
    ((p['conditions'] as JsonObject)['users'] as JsonObject)['excludeGroups'] = ['group:CA-BreakGlass', 'group:Finance'];
  });
  // An update of a custom strength's allowedCombinations.
  edit('authentication-strengths/phishing-resistant-mfa-custom.json', (s) => {
    s['allowedCombinations'] = ['fido2', 'windowsHelloForBusiness', 'x509CertificateMultiFactor'];
  });
  // A new named location and a new strength, both referenced by a new policy.
  write('named-locations/partner-network.json', {
    '@odata.type': '#microsoft.graph.ipNamedLocation',
    displayName: 'Partner network',
    ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/24' }],
    isTrusted: false,
  });
  write('authentication-strengths/hardware-keys-custom.json', { displayName: 'Hardware keys (custom)', description: 'FIDO2 only', allowedCombinations: ['fido2'] });
  write('policies/ca020-require-hardware-keys-outside-partner-network.json', partnerNetworkPolicy('CA020 - Require hardware keys outside partner network', { operator: 'OR', builtInControls: [], authenticationStrength: { id: 'authStrength:Hardware keys (custom)' } }));

  const p = await plan(connection);
  expect(p.operations.filter((o) => o.action !== 'noop').map((o) => `${o.action} ${o.kind} ${o.displayName}`).sort()).toEqual([
    'create authenticationStrength Hardware keys (custom)',
    'create namedLocation Partner network',
    'create policy CA020 - Require hardware keys outside partner network',
    'update authenticationStrength Phishing-resistant MFA (custom)',
    'update policy CA006 - Require compliant or hybrid joined device',
  ]);

  const lines: string[] = [];
  const snapshotDir = join(cwd, 'snapshot');
  const outcome = await runApply(p, { tenant: connection.tenant, snapshots: fileSnapshotStore(snapshotDir), source: madeHere(p, cwd) }, { allowDelete: false, keepGoing: false, log: lineLogger((l) => lines.push(l)) });
  expect(outcome.results.map((r) => [r.status, r.error])).toEqual(outcome.results.map(() => ['applied', undefined]));
  expect({ applied: outcome.applied, failed: outcome.failed, skipped: outcome.skipped }).toEqual({ applied: 5, failed: 0, skipped: 0 });
  expect(outcome.verification).toEqual([]);
  // Dependency order: locations and strengths before the policies.
  const progress = lines.filter((l) => /^\[\d\/5\] /.test(l));
  expect(progress).toHaveLength(5);
  for (const l of progress) expect(l).toMatch(/^\[\d\/5\] (create|update) (named location|authentication strength|policy) ".+" ok \d+\.\ds$/);
  expect(progress.map((l) => (/ policy "/.test(l) ? 'policy' : 'other'))).toEqual(['other', 'other', 'other', 'policy', 'policy']);
  // The new policy holds the ids of the objects created in the same run.
  const created = outcome.results.find((r) => r.operation.kind === 'policy' && r.operation.action === 'create')!;
  const location = outcome.results.find((r) => r.operation.kind === 'namedLocation')!;
  const strength = outcome.results.find((r) => r.operation.kind === 'authenticationStrength' && r.operation.action === 'create')!;
  const live = await connection.tenant.read();
  const ca020 = live.policies.find((o) => o['id'] === created.id)!;
  expect(((ca020['conditions'] as JsonObject)['locations'] as JsonObject)['excludeLocations']).toEqual([location.id]);
  expect(((ca020['grantControls'] as JsonObject)['authenticationStrength'] as JsonObject)['id']).toBe(strength.id);
  const custom = live.authenticationStrengths.find((o) => o['displayName'] === 'Phishing-resistant MFA (custom)')!;
  expect([...(custom['allowedCombinations'] as string[])].sort()).toEqual(['fido2', 'windowsHelloForBusiness', 'x509CertificateMultiFactor']);

  // Re-plan: nothing left to do.
  const again = await plan(connection);
  expect(again.operations.filter((o) => o.action !== 'noop')).toEqual([]);
});
