/**
 * `caac contingency` against the emulator's sample tenant and examples/conditional-access/ (set
 * `outage-mfa`: the three CA90x policies, disabled in the repo and in the tenant).
 */
import { runCommand } from '../fixtures/run-command.js';
import { registerContingency } from '../../src/cli/contingency-command.js';
import { runContingency, contingencySucceeded } from '../../src/commands/contingency.js';
import { type ContingencyOutcome } from '../../src/contingency/outcome.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ConfigurationError } from '../../src/errors.js';
import { connectGraph, type GraphConnection } from '../../src/graph/connect.js';
import type { JsonObject } from '../../src/model/documents.js';
import { requestsSince } from '../../src/model/tenant.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { lineLogger, silentLogger } from '../../src/ports/logger.js';

const DIR = 'examples/conditional-access';
const SET = 'outage-mfa';

let emu: RunningEmulator;
let graph: GraphConnection;
let lines: string[];

beforeAll(async () => {
  emu = await startEmulator({ seed: 'sample' });
  graph = connectGraph({ graphUrl: emu.url, env: { CAAC_ACCESS_TOKEN: 't' }, rateLimit: 200 });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => {
  lines = [];
});

const run = (action: 'status' | 'activate' | 'deactivate', dryRun = false, set: string | undefined = SET): Promise<ContingencyOutcome> =>
  runContingency(action, set, { ...graph, store: filePolicyStore(DIR) }, { dryRun, log: lineLogger((line) => lines.push(line)) });

async function states(): Promise<Record<string, string>> {
  const snapshot = await graph.tenant.read();
  return Object.fromEntries(snapshot.policies.filter((p) => String(p['displayName']).startsWith('CA9')).map((p) => [String(p['displayName']), String(p['state'])]));
}

const allIn = (s: Record<string, string>, state: string) => Object.keys(s).length === 3 && Object.values(s).every((v) => v === state);

test('status → activate → status → activate again → deactivate → status', async () => {
  const first = await run('status', false, undefined);
  expect(first.sets.map((s) => [s.name, s.active, s.since])).toEqual([[SET, false, undefined]]);
  expect(first.sets[0]?.policies.map((p) => p.state)).toEqual(['disabled', 'disabled', 'disabled']);

  const activated = await run('activate');
  expect(activated.operations.map((op) => op.body)).toEqual([{ state: 'enabled' }, { state: 'enabled' }, { state: 'enabled' }]);
  expect(activated.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
  expect(activated.verification).toEqual([]);
  expect(contingencySucceeded(activated)).toBe(true);
  expect(activated.sets[0]?.active).toBe(true);
  expect(lines.some((l) => l.includes('CA901') && l.includes('off → on'))).toBe(true);
  expect(allIn(await states(), 'enabled')).toBe(true);

  const status = await run('status');
  expect(status.sets[0]?.active).toBe(true);
  expect(status.sets[0]?.since).toMatch(/^\d{4}-\d\d-\d\dT/);

  const again = await run('activate');
  expect(again.operations).toEqual([]);
  expect(again.results).toEqual([]);
  expect(contingencySucceeded(again)).toBe(true);
  expect(lines.at(-1)).toMatch(/already active: nothing to change/);

  const deactivated = await run('deactivate');
  expect(deactivated.operations.map((op) => [op.displayName.slice(0, 5), op.body, op.file?.startsWith(`${DIR}/policies/`)])).toEqual([
    ['CA901', { state: 'disabled' }, true],
    ['CA902', { state: 'disabled' }, true],
    ['CA903', { state: 'disabled' }, true],
  ]);
  expect(contingencySucceeded(deactivated)).toBe(true);
  expect(allIn(await states(), 'disabled')).toBe(true);

  const last = await run('status');
  expect(last.sets[0]?.active).toBe(false);
  expect((await run('deactivate')).operations).toEqual([]);
});

test('--dry-run shows the changes and makes none', async () => {
  const before = await states();
  const dry = await run('activate', true);
  expect(dry.dryRun).toBe(true);
  expect(dry.operations).toHaveLength(3);
  expect(dry.results).toEqual([]);
  expect(dry.sets[0]?.active).toBe(false);
  expect(lines.some((l) => l.startsWith('would change 3 policies'))).toBe(true);
  expect(await states()).toEqual(before);
});

test('an unknown set: a ConfigurationError listing the sets, nothing changed', async () => {
  // The tenant is read (a set may be named by its policies alone, by convention), never written.
  const before = graph.tenant.requests();
  await expect(run('activate', false, 'nope')).rejects.toThrow(ConfigurationError);
  await expect(run('status', false, 'nope')).rejects.toThrow('there is no contingency set "nope": the sets are: outage-mfa');
  const spent = requestsSince(before, graph.tenant.requests());
  expect(spent.total).toBeGreaterThan(0);
  expect(Object.keys(spent.byEndpoint).filter((k) => !k.startsWith('GET '))).toEqual([]);
});

test('the CLI: status exits 0 and prints the sets; an unknown set is a settings mistake: exit 2', async () => {
  const cli = (...args: string[]) => runCommand(registerContingency, ['contingency', ...args, '--dir', DIR, '--graph-url', emu.url, '--rate-limit', '200']);
  const status = await cli('status');
  expect(status.code).toBe(0);
  expect(status.output).toContain('outage-mfa: inactive');
  const unknown = await cli('activate', 'nope', '--dry-run');
  expect(unknown.code).toBe(2);
  expect(unknown.output).toContain('there is no contingency set "nope"');
});

test('activation is refused, before any write, when a policy it switches on would not spare the break-glass group', async () => {
  const snapshot = await graph.tenant.read();
  const ca902 = snapshot.policies.find((p) => String(p['displayName']).startsWith('CA902'))!;
  const conditions = ca902['conditions'] as JsonObject;
  // Someone edited the pre-staged policy in the portal and dropped the exclusion.
  await graph.tenant.update('policy', String(ca902['id']), { conditions: { ...conditions, users: { ...(conditions['users'] as JsonObject), excludeGroups: [] } } });
  try {
    const before = emu.requests();
    for (const dryRun of [true, false]) {
      // A fresh connection each time: nothing remembered from earlier look-ups.
      const fresh = connectGraph({ graphUrl: emu.url, env: { CAAC_ACCESS_TOKEN: 't' }, rateLimit: 200 });
      await expect(runContingency('activate', SET, { ...fresh, store: filePolicyStore(DIR) }, { dryRun, log: silentLogger })).rejects.toThrow(
        /^cannot activate contingency set "outage-mfa": break-glass-not-excluded: after this update, the enabled policy "CA902 [^"]+" would block the emergency-access group:CA-BreakGlass: exclude it\. Nothing was changed/,
      );
    }
    // The guard looks up the break-glass group only: one $batch per attempt, no labels for the
    // rest of the tenant (no getByIds, no role templates).
    const spent = requestsSince(before, emu.requests()).byEndpoint;
    // (the emulator counts the requests inside a $batch too)
    const directory = Object.entries(spent).filter(([endpoint]) => !/conditionalAccess|authenticationStrength|organization/.test(endpoint));
    expect(directory.sort()).toEqual([
      ['GET /v1.0/groups', 2],
      ['POST /v1.0/$batch', 2],
    ]);
    const writes = Object.entries(requestsSince(before, emu.requests()).byEndpoint).filter(([endpoint]) => /^(POST|PATCH|DELETE) /.test(endpoint) && !endpoint.includes('getByIds') && !endpoint.includes('$batch'));
    expect(writes).toEqual([]);
    expect(Object.values(await states())).toEqual(['disabled', 'disabled', 'disabled']);
  } finally {
    await graph.tenant.update('policy', String(ca902['id']), { conditions });
  }
});
