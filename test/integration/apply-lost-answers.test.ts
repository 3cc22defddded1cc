/**
 * apply, restore and contingency against the emulator when Graph carries a write out and the
 * answer is lost (`kinds=lost`), while its lists and GETs lag behind writes (`listLagMs`): every
 * object exists exactly once afterwards, a write is never sent twice, the read-back waits for the
 * lag (bounded), and whatever fails, the report names what was applied, failed, not attempted and
 * unverified.
 */
import { jest } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { applyAndReport } from '../../src/cli/apply-command.js';
import { renderContingencyOutcome as renderOutcome } from '../../src/render/contingency-text.js';
import { runApply } from '../../src/commands/apply.js';
import { type ApplyOutcome } from '../../src/model/outcomes.js';
import { requestsSince } from '../../src/model/tenant.js';
import { runBackup } from '../../src/commands/backup.js';
import { runContingency, contingencySucceeded } from '../../src/commands/contingency.js';
import { runPlan } from '../../src/commands/plan.js';
import { planRestore } from '../../src/commands/restore.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { GraphError } from '../../src/errors.js';
import { connectGraph, type GraphConnection } from '../../src/graph/connect.js';
import type { JsonObject } from '../../src/model/documents.js';
import type { Plan } from '../../src/model/plan.js';
import type { Tenant } from '../../src/ports/tenant.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';
import { applySucceeded, renderApplyText } from '../../src/render/apply-text.js';
import { partnerNetworkPolicy } from '../fixtures/repo-helpers.js';
import { madeHere } from '../fixtures/plan-source.js';
import { folderBackupStore } from '../../src/repo/backup-folder.js';
import { lineLogger, silentLogger } from '../../src/ports/logger.js';

const EXAMPLE = resolve('examples/conditional-access');
const CA = '/v1.0/identity/conditionalAccess';
const NEW_POLICIES = [21, 22, 23, 24].map((n) => `CA0${n} - Report MFA for Finance outside partner network`);
const dirs: string[] = [];
let emu: RunningEmulator | undefined;

afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function start(listLagMs = 0): Promise<{ emu: RunningEmulator; graph: GraphConnection }> {
  emu = await startEmulator({ seed: 'sample', rateLimit: 1000, listLagMs });
  const graph = connectGraph({ graphUrl: emu.url, env: { CAAC_ACCESS_TOKEN: 't' }, rateLimit: 1000, burst: 1000, retryBaseDelayMs: 20, maxRetryTimeMs: 2_000 });
  return { emu, graph };
}

async function admin(path: string, body: unknown): Promise<void> {
  const r = await fetch(`${emu!.url}/_emulator/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect(r.status).toBe(200);
}
const faults = (spec: string | null) => admin('faults', { spec });

/** The primary's state (no lag, no faults): what the tenant really holds. */
async function state(): Promise<{ policies: JsonObject[]; namedLocations: JsonObject[]; deletedPolicies: JsonObject[] }> {
  return (await (await fetch(`${emu!.url}/_emulator/state`)).json()) as { policies: JsonObject[]; namedLocations: JsonObject[]; deletedPolicies: JsonObject[] };
}
const named = (objects: JsonObject[], name: string) => objects.filter((o) => o['displayName'] === name);

/** examples/conditional-access plus a new named location, four policies that use it, and CA006 switched on. */
function repository(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'caac-lost-'));
  dirs.push(cwd);
  cpSync(EXAMPLE, join(cwd, 'conditional-access'), { recursive: true });
  const write = (rel: string, value: unknown) => writeFileSync(join(cwd, 'conditional-access', rel), JSON.stringify(value, null, 2) + '\n');
  const ca006 = join(cwd, 'conditional-access/policies/ca006-require-compliant-or-hybrid-joined-device.json');
  write('policies/ca006-require-compliant-or-hybrid-joined-device.json', { ...(JSON.parse(readFileSync(ca006, 'utf8')) as object), state: 'enabled' });
  write('named-locations/partner-network.json', {
    '@odata.type': '#microsoft.graph.ipNamedLocation',
    displayName: 'Partner network',
    ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/24' }],
    isTrusted: false,
  });
  NEW_POLICIES.forEach((name, i) => write(`policies/ca0${21 + i}.json`, partnerNetworkPolicy(name)));
  return cwd;
}

async function plan(cwd: string, graph: GraphConnection, prune = false): Promise<Plan> {
  const outcome = await runPlan(filePolicyStore('conditional-access', { cwd }), graph, { dir: 'conditional-access', apiVersion: 'v1.0', prune });
  if (outcome.status !== 'planned') throw new Error(`plan stopped: ${outcome.status}`);
  return outcome.plan;
}

const work = (p: Plan) => p.operations.filter((o) => o.action !== 'noop');

function apply(p: Plan, tenant: Tenant, cwd: string, options: { allowDelete?: boolean; timeoutMs?: number; lines?: string[] } = {}): Promise<ApplyOutcome> {
  return runApply(p, { tenant, snapshots: fileSnapshotStore(join(cwd, `snapshot-${Math.random()}`)), source: madeHere(p, cwd) }, {
    allowDelete: options.allowDelete ?? false,
    keepGoing: false,
    confirmTimeoutMs: options.timeoutMs ?? 5_000,
    confirm: { baseDelayMs: 100 },
    log: lineLogger((l) => options.lines?.push(l)),
  });
}

/** Requests of the emulator's tally whose key starts with `prefix`. */
const spent = (prefix: string) => Object.entries(emu!.requests().byEndpoint).filter(([k]) => k.startsWith(prefix)).reduce((n, [, c]) => n + c, 0);

describe('creates whose answers are lost, under list lag', () => {
  test.each([
    [1, 300],
    [2, 800],
    [3, 1500],
  ])('seed %i, lag %i ms: every create sent once, found by name, each object exactly once, read back verified', async (seed, lag) => {
    const { graph } = await start(lag);
    const cwd = repository();
    const p = await plan(cwd, graph);
    expect(p.summary).toMatchObject({ create: 5, update: 1 });
    await faults(`rate=0.7,kinds=lost,methods=POST,seed=${seed}`);
    const before = emu!.requests();
    const lines: string[] = [];
    const outcome = await apply(p, graph.tenant, cwd, { lines });
    expect(outcome.results.filter((r) => r.status !== 'applied').map((r) => r.error)).toEqual([]);
    expect(outcome).toMatchObject({ applied: 6, failed: 0, skipped: 0, verification: [], readBack: 'verified' });
    expect(applySucceeded(outcome)).toBe(true);
    const lost = (emu!.requests().byStatus['504'] ?? 0) + (emu!.requests().byStatus['reset'] ?? 0) - (before.byStatus['504'] ?? 0) - (before.byStatus['reset'] ?? 0);
    expect(lost).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes('was lost'))).toHaveLength(lost);

    // Never twice: one POST per create, and each object once in the primary.
    expect(spent(`POST ${CA}/policies`)).toBe(4);
    expect(spent(`POST ${CA}/namedLocations`)).toBe(1);
    const now = await state();
    for (const name of NEW_POLICIES) expect(named(now.policies, name)).toHaveLength(1);
    expect(named(now.namedLocations, 'Partner network')).toHaveLength(1);
    // The policies refer to the location by the id the look-up found.
    const locationId = named(now.namedLocations, 'Partner network')[0]!['id'];
    for (const name of NEW_POLICIES) expect((named(now.policies, name)[0]!['conditions'] as { locations: { excludeLocations: string[] } }).locations.excludeLocations).toEqual([locationId]);

    // Bounded: each lost create costs at most one look-up a backoff round within 5 s (≤ 9 with a
    // 100 ms base), and the read-back at most 3 lists a round.
    const lookups = spent(`GET ${CA}/policies`) + spent(`GET ${CA}/namedLocations`) + spent('GET /v1.0/policies/authenticationStrengthPolicies');
    expect(lookups).toBeLessThanOrEqual(3 + lost * 9 + 3 * 9);

    await sleep(lag + 100);
    expect(work(await plan(cwd, graph))).toEqual([]);
  });

  test('the confirm deadline passes before the list shows the policy: the run stops, names it, says to plan again; the next plan sees it', async () => {
    const { graph } = await start(2_500);
    const cwd = repository();
    const p = await plan(cwd, graph);
    await faults('rate=1,kinds=lost,methods=POST,seed=1');
    const listsBefore = spent(`GET ${CA}/namedLocations`);
    const outcome = await apply(p, graph.tenant, cwd, { timeoutMs: 1_000 });
    // The named location comes first: its outcome is unknown, so nothing after it is attempted.
    expect(outcome.results.map((r) => [r.status, r.operation.displayName.slice(0, 7)])).toEqual([
      ['failed', 'Partner'],
      ['skipped', 'CA006 -'],
      ...NEW_POLICIES.map((n) => ['skipped', n.slice(0, 7)]),
    ]);
    expect(outcome.results[0]).toMatchObject({ unknown: true });
    expect(outcome.results[0]!.error).toMatch(/^outcome unknown: .* no named location named "Partner network" is listed\. It may still appear: caac did not send the create again\. Plan again: the next plan sees what is there\.$/);
    expect(applySucceeded(outcome)).toBe(false);
    const report = renderApplyText(outcome);
    expect(report).toContain('Apply: 0 applied, 1 failed, 5 not attempted');
    expect(report).toMatch(/\? create named location "Partner network": outcome unknown/);
    expect(report).toMatch(/- update policy "CA006 [^"]*": not attempted: the outcome of create named location "Partner network" is unknown/);
    expect(report).toContain('An outcome is unknown: caac did not send that write again. Plan again');
    // One POST and a bounded number of look-ups. 1 s with a 100 ms base: the waits are at least 50,
    // 100, 200 and 400 ms (half of each ceiling is fixed), then one last look at the deadline, so
    // at most 6 look-ups by name, beside the stale check's one list of named locations.
    expect(spent(`POST ${CA}/namedLocations`)).toBe(1);
    expect(spent(`GET ${CA}/namedLocations`) - listsBefore).toBeLessThanOrEqual(1 + 6);
    expect(spent(`POST ${CA}/policies`) + spent(`PATCH ${CA}`) + spent(`DELETE ${CA}`)).toBe(0);

    await faults(null);
    await sleep(2_600);
    const again = await plan(cwd, graph);
    expect(work(again).find((o) => o.displayName === 'Partner network')).toBeUndefined();
    const second = await apply(again, graph.tenant, cwd);
    expect(second).toMatchObject({ applied: 5, failed: 0, verification: [] });
    expect(named((await state()).namedLocations, 'Partner network')).toHaveLength(1);
  });

  /**
   * The tenant port, except that right before caac's first policy create someone else creates one
   * by that name (`copy` of caac's body: the same, or changed), and with `lose` the answer to
   * caac's own create is then lost. `raced()` is the other one's id.
   */
  function racedCreate(graph: GraphConnection, options: { copy?: (body: JsonObject) => JsonObject; lose?: boolean } = {}): { spy: Tenant; raced: () => string } {
    const spy: Tenant = Object.create(graph.tenant) as Tenant;
    let raced = '';
    spy.create = async (kind, b) => {
      if (kind === 'policy' && raced === '') {
        const copy = options.copy ? options.copy(b) : b;
        const r = await fetch(`${emu!.url}${CA}/policies`, { method: 'POST', headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' }, body: JSON.stringify(copy) });
        raced = String(((await r.json()) as JsonObject)['id']);
        if (options.lose) await faults('rate=1,kinds=lost,methods=POST,seed=2');
      }
      return graph.tenant.create(kind, b);
    };
    return { spy, raced: () => raced };
  }

  test('a name already taken twice when the answer is lost: stopped, and every id named', async () => {
    const { graph } = await start(0);
    const cwd = repository();
    const p = await plan(cwd, graph);
    // Someone else creates a policy by the name caac is about to create, after the plan, in
    // another state: not a twin of caac's (an identical one would be, see the test below).
    const { spy, raced: racedId } = racedCreate(graph, { copy: (b) => ({ ...b, state: b['state'] === 'disabled' ? 'enabled' : 'disabled' }), lose: true });
    const outcome = await apply(p, spy, cwd, { timeoutMs: 2_000 });
    const failed = outcome.results.find((r) => r.status === 'failed')!;
    expect(failed).toMatchObject({ unknown: true });
    const copies = named((await state()).policies, failed.operation.displayName).map((o) => String(o['id']));
    expect(copies).toHaveLength(2);
    expect(copies).toContain(racedId());
    expect(failed.error).toContain(`2 policy objects named "${failed.operation.displayName}" now exist (ids ${copies.join(', ')})`);
    expect(renderApplyText(outcome)).toContain(racedId());
  });

  test('the answer is lost and an identical copy exists (another apply of the same plan): the earliest stays, applied', async () => {
    const { graph } = await start(0);
    const cwd = repository();
    const p = await plan(cwd, graph);
    const { spy } = racedCreate(graph, { lose: true });
    const outcome = await apply(p, spy, cwd, { timeoutMs: 2_000 });
    const created = outcome.results.find((r) => r.operation.action === 'create' && r.operation.kind === 'policy')!;
    // One copy is left, the earliest created (the same instant: the lowest id), and it is the result.
    const left = named((await state()).policies, created.operation.displayName).map((o) => String(o['id']));
    expect(left).toHaveLength(1);
    expect(created).toMatchObject({ status: 'applied', id: left[0] });
  });

  test('an identical copy made by someone else while the create is answered is a twin: one copy stays, the earliest', async () => {
    const { graph } = await start(0);
    const cwd = repository();
    const p = await plan(cwd, graph);
    const { spy } = racedCreate(graph);
    const outcome = await apply(p, spy, cwd, { timeoutMs: 300 });
    expect(outcome.applied).toBe(6);
    // Indistinguishable from a second apply of the same plan (src/apply/concurrent-twins.ts): the
    // twin created first stays, the other goes, and the read-back verifies. A copy that differs is
    // never removed (test/integration/apply-concurrent.test.ts).
    expect(outcome).toMatchObject({ readBack: 'verified', verification: [] });
    const name = outcome.results.find((r) => r.operation.action === 'create' && r.operation.kind === 'policy')!.operation.displayName;
    expect(named((await state()).policies, name).map((o) => String(o['id']))).toHaveLength(1);
    expect(applySucceeded(outcome)).toBe(true);
  });
});

describe('deletes whose answers are lost, under list lag', () => {
  test.each([
    [1, 400, 'POST|DELETE'],
    [4, 900, 'DELETE'],
  ])('seed %i, lag %i ms, answers lost on %s: the retry answers 404, which is done; the read-back waits until the list no longer shows them', async (seed, lag, methods) => {
    const { graph } = await start(lag);
    const cwd = repository();
    rmSync(join(cwd, 'conditional-access/policies/ca018-monitor-hr-portal-sessions-with-defender-for-cloud-apps.json'));
    rmSync(join(cwd, 'conditional-access/policies/ca017-block-users-with-elevated-insider-risk.json'));
    const p = await plan(cwd, graph, true);
    expect(p.summary).toMatchObject({ create: 5, update: 1, delete: 2 });
    await faults(`rate=0.5,kinds=lost,methods=${methods},seed=${seed}`);
    const outcome = await apply(p, graph.tenant, cwd, { allowDelete: true });
    expect(outcome).toMatchObject({ applied: 8, failed: 0, verification: [], readBack: 'verified' });
    const now = await state();
    for (const prefix of ['CA017', 'CA018']) {
      expect(now.policies.filter((o) => String(o['displayName']).startsWith(prefix))).toEqual([]);
      expect(now.deletedPolicies.filter((o) => String(o['displayName']).startsWith(prefix))).toHaveLength(1);
    }
    for (const name of NEW_POLICIES) expect(named(now.policies, name)).toHaveLength(1);
    expect(spent(`POST ${CA}/policies`)).toBe(4);
  });
});

describe('a restore whose answer is lost, under list lag', () => {
  test.each([
    [1, 300],
    [2, 1200],
  ])('seed %i, lag %i ms: sent once, found by id, updated; exactly the original (same id), no copy', async (seed, lag) => {
    const { graph } = await start(lag);
    const backup = join(mkdtempSync(join(tmpdir(), 'caac-lost-restore-')), 'backup');
    dirs.push(join(backup, '..'));
    await runBackup({ ...graph, store: folderBackupStore(backup) }, { apiVersion: 'v1.0' });
    const victim = (await state()).policies.find((p) => String(p['displayName']).startsWith('CA004'))!;
    await fetch(`${emu!.url}${CA}/policies/${String(victim['id'])}`, { method: 'DELETE', headers: { Authorization: 'Bearer t' } });
    await sleep(lag + 100);
    const planned = await planRestore(filePolicyStore(backup), graph, { from: backup, apiVersion: 'v1.0' });
    if (planned.status !== 'planned') throw new Error(planned.status);
    expect(work(planned.plan)).toEqual([expect.objectContaining({ action: 'create', restoreFrom: victim['id'] })]);

    await faults(`rate=1,kinds=lost,methods=POST,seed=${seed}`);
    const lines: string[] = [];
    const outcome = await apply(planned.plan, graph.tenant, join(backup, '..'), { lines });
    expect(outcome).toMatchObject({ applied: 1, failed: 0, verification: [], readBack: 'verified' });
    expect(outcome.results[0]!.id).toBe(victim['id']);
    expect(lines.some((l) => l.includes('the answer to the restore of policy "CA004'))).toBe(true);
    const now = await state();
    expect(named(now.policies, String(victim['displayName'])).map((o) => o['id'])).toEqual([victim['id']]);
    expect(now.deletedPolicies.filter((o) => o['id'] === victim['id'])).toEqual([]);
    expect(spent(`POST ${CA}/deletedItems/policies/{id}/restore`)).toBe(1);
    expect(spent(`POST ${CA}/policies`)).toBe(0);
    // Looked up by id, a few times while the GET lagged: at most one GET a backoff round in 5 s.
    expect(spent(`GET ${CA}/policies/{id}`)).toBeGreaterThan(0);
    expect(spent(`GET ${CA}/policies/{id}`)).toBeLessThanOrEqual(9);
  });
});

test('a restore that answers 404 at once, with the object purged meanwhile: checked by id and in the recycle bin, then created anew, once', async () => {
  const { graph } = await start(0);
  const backup = join(mkdtempSync(join(tmpdir(), 'caac-lost-restore-')), 'backup');
  dirs.push(join(backup, '..'));
  await runBackup({ ...graph, store: folderBackupStore(backup) }, { apiVersion: 'v1.0' });
  const victim = (await state()).policies.find((p) => String(p['displayName']).startsWith('CA004'))!;
  const auth = { Authorization: 'Bearer t' };
  await fetch(`${emu!.url}${CA}/policies/${String(victim['id'])}`, { method: 'DELETE', headers: auth });
  const planned = await planRestore(filePolicyStore(backup), graph, { from: backup, apiVersion: 'v1.0' });
  if (planned.status !== 'planned') throw new Error(planned.status);
  // Purged between the plan and the apply.
  expect((await fetch(`${emu!.url}${CA}/deletedItems/policies/${String(victim['id'])}`, { method: 'DELETE', headers: auth })).status).toBe(204);
  const before = emu!.requests();
  const outcome = await apply(planned.plan, graph.tenant, join(backup, '..'));
  expect(outcome).toMatchObject({ applied: 1, failed: 0, verification: [] });
  expect(outcome.results[0]!.id).not.toBe(victim['id']);
  expect(named((await state()).policies, String(victim['displayName']))).toHaveLength(1);
  const writes = requestsSince(before, emu!.requests()).byEndpoint;
  expect(writes).toMatchObject({
    [`POST ${CA}/deletedItems/policies/{id}/restore`]: 1,
    [`GET ${CA}/policies/{id}`]: 1,
    [`GET ${CA}/deletedItems/policies`]: 1,
    [`POST ${CA}/policies`]: 1,
  });
});

describe('a report that survives failure', () => {
  test('the read-back fails after the writes: the summary names what was applied, unverified and why; the error keeps exit 1', async () => {
    const { graph } = await start(0);
    const cwd = repository();
    const p = await plan(cwd, graph);
    // The stale check reads 3 lists, then 6 writes: from the 10th request on, every GET fails.
    await faults('rate=1,kinds=503,methods=GET,after=10');
    const outcome = await apply(p, graph.tenant, cwd);
    expect(outcome).toMatchObject({ applied: 6, failed: 0, skipped: 0, readBack: 'failed' });
    expect(outcome.error).toBeInstanceOf(GraphError);
    expect(outcome.stopped).toMatch(/^the read-back failed \(GET \/v1\.0\/identity\/conditionalAccess\/policies failed: HTTP 503/);
    expect(outcome.verification).toHaveLength(6);
    expect(outcome.verification[0]).toMatch(/^create named location "Partner network" \([0-9a-f-]{36}\): not verified: the read-back failed \(GET /);
    const report = renderApplyText(outcome);
    expect(report).toContain('Apply: 6 applied, 0 failed, 0 not attempted; read back: failed, what was applied is unverified');
    for (const name of NEW_POLICIES) expect(report).toContain(`✓ create policy "${name}"`);
    expect(report).toMatch(/✓ update policy "CA006 /);
    expect(applySucceeded(outcome)).toBe(false);
  });

  test('the CLI face: the first read fails; every operation is named as not attempted, nothing is written, and the exit code stays 1', async () => {
    const { graph } = await start(0);
    const cwd = repository();
    const p = await plan(cwd, graph);
    await faults('rate=1,kinds=503,methods=GET');
    const before = emu!.requests();
    const out: string[] = [];
    const err: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
    let code: number;
    try {
      code = await applyAndReport(p, graph.tenant, { source: madeHere(p, cwd), snapshotDir: join(cwd, 'snap'), allowDelete: false, keepGoing: false, endContingency: false, confirmTimeoutMs: 1_000 });
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(code).toBe(1);
    const text = out.join('');
    expect(text).toContain('Apply: 0 applied, 0 failed, 6 not attempted');
    expect(text).toMatch(/Stopped: the tenant could not be read to check the plan is still current \(GET .* HTTP 503.*\): nothing was changed/);
    expect(text).toMatch(/- create named location "Partner network": not attempted: the tenant could not be read/);
    expect(err.join('')).toMatch(/^caac: GET .* failed: HTTP 503/);
    const writes = Object.keys(emu!.requests().byEndpoint).filter((k) => !k.startsWith('GET ') && (emu!.requests().byEndpoint[k] ?? 0) > (before.byEndpoint[k] ?? 0));
    expect(writes).toEqual([]);
  });
});

describe('contingency', () => {
  const DIR = 'examples/conditional-access';

  test('activate under list lag: the read-back waits for the lag and verifies the set as active', async () => {
    const { graph } = await start(900);
    const before = emu!.requests().total;
    const outcome = await runContingency('activate', 'outage-mfa', { ...graph, store: filePolicyStore(DIR) }, { dryRun: false, confirmTimeoutMs: 5_000, confirm: { baseDelayMs: 100 }, log: silentLogger });
    expect(outcome.verification).toEqual([]);
    expect(outcome.sets[0]?.active).toBe(true);
    expect(contingencySucceeded(outcome)).toBe(true);
    // 3 lists to read, 3 PATCHes, then 3 lists a read-back round: bounded by the rounds 5 s allow.
    expect(emu!.requests().total - before).toBeLessThanOrEqual(3 + 3 + 3 * 9);
  });

  test('the first read fails: nothing changed, the report says so, the error is kept; status still throws as before', async () => {
    const { graph } = await start(0);
    await faults('rate=1,kinds=503,methods=GET');
    const outcome = await runContingency('activate', 'outage-mfa', { ...graph, store: filePolicyStore(DIR) }, { dryRun: false, log: silentLogger });
    expect(outcome).toMatchObject({ results: [], operations: [] });
    expect(outcome.error).toBeInstanceOf(GraphError);
    expect(contingencySucceeded(outcome)).toBe(false);
    expect(renderOutcome(outcome)).toMatch(/^Stopped: the tenant could not be read \(GET .* HTTP 503.*\): nothing was changed\n$/);
    await expect(runContingency('status', undefined, { ...graph, store: filePolicyStore(DIR) }, { dryRun: false, log: silentLogger })).rejects.toBeInstanceOf(GraphError);
  });

  test('the read-back fails: the report still says which policies were switched, and the error is kept for the exit code', async () => {
    const { graph } = await start(0);
    // 3 lists, 3 PATCHes; the 7th request, the first read-back, fails (and so does every GET after).
    await faults('rate=1,kinds=503,methods=GET,after=7');
    const outcome = await runContingency('activate', 'outage-mfa', { ...graph, store: filePolicyStore(DIR) }, { dryRun: false, confirmTimeoutMs: 1_000, log: silentLogger });
    expect(outcome.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    expect(outcome.error).toBeInstanceOf(GraphError);
    expect(contingencySucceeded(outcome)).toBe(false);
    const text = renderOutcome(outcome);
    expect(text).toContain('Contingency activate: 3 changed, 0 failed, 0 not attempted');
    expect(text).toMatch(/Stopped: the read-back failed \(GET .* HTTP 503/);
    expect(text.match(/✓ update policy "CA90\d/g)).toHaveLength(3);
    expect(text).toMatch(/! policy "CA901 [^"]*" \([0-9a-f-]{36}\) → enabled: not verified: the read-back failed/);
    expect(text).toContain('The read-back failed: the status below may not show the switch.');
  });
});
