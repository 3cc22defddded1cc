/**
 * caac.yml's expiring exceptions against the emulator's sample tenant: an active exception's
 * exclusions added after the file's own (and the break-glass guard's), its end (the last moment of
 * its day, then expired), the expiry applied by apply --only-expiries and nothing else let through,
 * and bad entries refused at their line in caac.yml.
 *
 * "Now" is given to every plan. The days are in early 2026, before any run of this test, so the
 * emulator's modifiedDateTime of a policy apply wrote (the real clock) always lies after them, and
 * the sample's policies were last changed in 2025, before them.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runApply } from '../../src/commands/apply.js';
import { runPlan, type PlanOutcome } from '../../src/commands/plan.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { GraphConnection } from '../../src/graph/connect.js';
import type { JsonObject } from '../../src/model/documents.js';
import type { Plan } from '../../src/model/plan.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { readPlanFile } from '../../src/plan/plan-file.js';
import { connectGraph } from '../../src/graph/connect.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { silentLogger } from '../../src/ports/logger.js';
import { madeHere } from '../fixtures/plan-source.js';
import { runCommand } from '../fixtures/run-command.js';
import { registerExceptions } from '../../src/cli/exceptions-command.js';
import { registerApply } from '../../src/cli/apply-command.js';
import { runExceptionsList } from '../../src/commands/exceptions.js';
import { runDrift } from '../../src/commands/drift.js';
import { MALLORY, portalRequest } from '../fixtures/portal-edit.js';
import { endingWithin } from '../../src/exceptions/exception-list.js';
import { renderExceptionsMarkdown, renderExceptionsText } from '../../src/render/exceptions-report.js';
import { emulatorConnection, lineOf } from '../fixtures/repo-helpers.js';
import { runCoverage } from '../../src/commands/coverage.js';
import { renderCoverage } from '../../src/render/coverage-report.js';

const EXAMPLE = resolve('examples/conditional-access');
const CA005 = 'policies/ca005-block-access-from-blocked-countries.json';
const BASE_SETTINGS = readFileSync(join(EXAMPLE, 'caac.yml'), 'utf8');
const ACTIVE = new Date('2026-03-10T09:00:00Z');
/** The last second of 2026-03-20 (UTC), the day an exception `until: 2026-03-20` ends. */
const LAST_SECOND = new Date('2026-03-20T23:59:59Z');
const ENDED = new Date('2026-03-21T00:00:00Z');

let emu: RunningEmulator;
let cwd: string;
let connection: GraphConnection;
let ids: { adele: string; scanner: string; bg1: string; breakGlass: string; finance: string };
const dirs: string[] = [];

beforeEach(async () => {
  emu = await startEmulator({ seed: 'sample' });
  cwd = mkdtempSync(join(tmpdir(), 'caac-exceptions-'));
  dirs.push(cwd);
  cpSync(EXAMPLE, join(cwd, 'conditional-access'), { recursive: true });
  connection = emulatorConnection(emu.url);
  const found = await connection.directory.findByNames([
    { kind: 'user', name: 'adele.vance@contoso.onmicrosoft.com' },
    { kind: 'user', name: 'svc-scanner@contoso.onmicrosoft.com' },
    { kind: 'user', name: 'bg1@contoso.onmicrosoft.com' },
    { kind: 'group', name: 'CA-BreakGlass' },
    { kind: 'group', name: 'Finance' },
  ]);
  const one = (key: string): string => found.get(key)![0]!.id.toLowerCase();
  ids = {
    adele: one('user:adele.vance@contoso.onmicrosoft.com'),
    scanner: one('user:svc-scanner@contoso.onmicrosoft.com'),
    bg1: one('user:bg1@contoso.onmicrosoft.com'),
    breakGlass: one('group:CA-BreakGlass'),
    finance: one('group:Finance'),
  };
});
afterEach(async () => {
  await emu.stop();
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const path = (rel: string): string => join(cwd, 'conditional-access', rel);
function settings(extra: string): void {
  writeFileSync(path('caac.yml'), `${BASE_SETTINGS}\n${extra}`);
}
const TRAVEL = `exceptions:
  - policy: "CA005 - Block access from blocked countries"
    exclude:
      users: ["user:adele.vance@contoso.onmicrosoft.com"]
    until: 2026-03-20
    reason: "Travelling to a blocked country for the Lisbon fair"
    ticket: "CHG-1234"
`;
/** CA005's own file also excludes the scanner account: the exception must never take it away. */
function ownExclusion(): void {
  const o = JSON.parse(readFileSync(path(CA005), 'utf8')) as { conditions: { users: { excludeUsers: string[] } } };
  o.conditions.users.excludeUsers = ['user:svc-scanner@contoso.onmicrosoft.com'];
  writeFileSync(path(CA005), JSON.stringify(o, null, 2) + '\n');
}

async function plan(now: Date): Promise<PlanOutcome> {
  return runPlan(filePolicyStore('conditional-access', { cwd }), connection, { dir: 'conditional-access', apiVersion: 'v1.0', now });
}
async function planned(now: Date): Promise<Plan> {
  const outcome = await plan(now);
  if (outcome.status !== 'planned') throw new Error(`plan stopped: ${outcome.status} ${JSON.stringify('problems' in outcome ? outcome.problems : outcome.validation.findings)}`);
  return outcome.plan;
}
async function apply(p: Plan, onlyExpiries = false) {
  return runApply(p, { tenant: connection.tenant, snapshots: fileSnapshotStore(join(cwd, 'snap')), source: madeHere(p, cwd) }, { allowDelete: false, keepGoing: false, onlyExpiries, log: silentLogger });
}
const starts = (prefix: string) => expect.stringMatching(new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
const sorted = (...list: string[]): string[] => [...list].sort();
const op = (p: Plan, prefix: string) => p.operations.find((o) => o.displayName.startsWith(prefix))!;
const usersOf = (policy: JsonObject | undefined): JsonObject => (policy!['conditions'] as JsonObject)['users'] as JsonObject;
async function tenantCA005(): Promise<JsonObject> {
  const snapshot = await connection.tenant.read(['policy']);
  return snapshot.policies.find((p) => String(p['displayName']).startsWith('CA005'))!;
}

test('an active exception is added after the file\'s own exclusions, and the plan says until when and why', async () => {
  ownExclusion();
  settings(TRAVEL);
  const p = await planned(ACTIVE);
  const ca005 = op(p, 'CA005');
  expect(ca005.action).toBe('update');
  expect(usersOf(ca005.body)['excludeUsers']).toEqual([ids.scanner, ids.adele]);
  expect(usersOf(ca005.body)['excludeGroups']).toEqual([ids.breakGlass]);
  expect(ca005.exceptions).toEqual([
    { path: '/conditions/users/excludeUsers', ids: [ids.adele], until: '2026-03-20', reason: 'Travelling to a blocked country for the Lisbon fair', ticket: 'CHG-1234', entry: 0 },
  ]);
  // No other policy is touched by it.
  expect(p.operations.filter((o) => o.exceptions).map((o) => o.displayName)).toEqual(['CA005 - Block access from blocked countries']);
  expect(renderPlanText(p)).toContain('(excludeUsers user:adele.vance@contoso.onmicrosoft.com: exception until 2026-03-20 (Travelling to a blocked country for the Lisbon fair) [ticket CHG-1234])');
  expect(renderPlanMarkdown(p)).toContain('exception until 2026-03-20');
  // The plan file keeps them (plan.schema.json knows the fields).
  expect(readPlanFile(JSON.stringify(p), 'plan.json').operations.find((o) => o.exceptions)?.exceptions).toEqual(ca005.exceptions);

  // Applied, the tenant holds both, and the plan made again is clean (the exclusion is no drift).
  expect((await apply(p)).failed).toBe(0);
  expect(usersOf(await tenantCA005())['excludeUsers']).toEqual([ids.scanner, ids.adele]);
  const again = await planned(LAST_SECOND);
  expect(op(again, 'CA005').action).toBe('noop');
  expect(op(again, 'CA005').exceptions).toHaveLength(1);
});

test('caac drift does not take an active exception\'s exclusion for drift; a hand-made one beside it is', async () => {
  settings(TRAVEL);
  expect((await apply(await planned(ACTIVE))).failed).toBe(0);
  const driftAt = async (now: Date) => {
    const outcome = await runDrift(filePolicyStore('conditional-access', { cwd }), connection, { dir: 'conditional-access', apiVersion: 'v1.0', now });
    if (outcome.status !== 'reported') throw new Error(outcome.status);
    return outcome.report.drift.map((d) => `${d.change} ${d.displayName}`);
  };
  expect(await driftAt(ACTIVE)).toEqual([]);
  // Someone adds a second person by hand in the portal: that is drift, the exception's person is not.
  const ca005 = await tenantCA005();
  const users = usersOf(ca005);
  await portalRequest(emu.url, MALLORY, 'PATCH', `identity/conditionalAccess/policies/${String(ca005['id'])}`, { conditions: { users: { ...users, excludeUsers: [ids.adele, ids.scanner] } } });
  expect(await driftAt(ACTIVE)).toEqual(['changed CA005 - Block access from blocked countries']);
});

test('a glob names several policies; an entry already in the file adds nothing', async () => {
  settings(`exceptions:
  - policy: "ca00? - block*"
    exclude:
      groups: ["group:Finance", "group:CA-BreakGlass"]
    until: 2026-03-20T18:00:00+01:00
    reason: "Quarter close"
`);
  const p = await planned(ACTIVE);
  expect(p.operations.filter((o) => o.exceptions).map((o) => o.displayName).sort()).toEqual(['CA001 - Block legacy authentication', 'CA005 - Block access from blocked countries']);
  // The break-glass group is in the files already: only Finance is appended.
  expect(usersOf(op(p, 'CA001').body)['excludeGroups']).toEqual([ids.breakGlass, ids.finance]);
  expect(op(p, 'CA001').exceptions![0]!.ids).toEqual([ids.finance]);
  // 17:00Z is the end: after it the plan no longer adds the group.
  const after = await planned(new Date('2026-03-20T17:00:00Z'));
  expect(op(after, 'CA001').action).toBe('noop');
});

test('expiring today stays until the end of the day; then the plan removes it, and --only-expiries applies that without review', async () => {
  ownExclusion();
  settings(TRAVEL);
  expect((await apply(await planned(ACTIVE))).failed).toBe(0);

  const lastDay = await planned(LAST_SECOND);
  expect(op(lastDay, 'CA005').action).toBe('noop');

  const ended = await planned(ENDED);
  const ca005 = op(ended, 'CA005');
  expect(ca005.action).toBe('update');
  // Normalized lists are sorted: compared as sets.
  expect(ca005.changes).toEqual([{ path: '/conditions/users/excludeUsers', before: sorted(ids.scanner, ids.adele), after: [ids.scanner] }]);
  expect(ca005.expired).toEqual([expect.objectContaining({ path: '/conditions/users/excludeUsers', ids: [ids.adele], until: '2026-03-20' })]);
  expect(ca005.exceptions).toBeUndefined();
  expect(readPlanFile(JSON.stringify(ended), 'plan.json').operations.find((o) => o.expired)?.expired).toEqual(ca005.expired);
  expect(renderPlanText(ended)).toContain('exception expired 2026-03-20: removes user:adele.vance@contoso.onmicrosoft.com from the exclusions of "CA005 - Block access from blocked countries"');

  // The block the expiry brings back (Adele, from a blocked country) comes from the exception ending: the plan says so, and apply accepts it.
  const blocked = ended.impact!.groups.filter((g) => g.change === 'blocked');
  expect(blocked).toEqual([expect.objectContaining({ who: ['user:adele.vance@contoso.onmicrosoft.com'], exceptions: [expect.objectContaining({ policy: 'CA005 - Block access from blocked countries', until: '2026-03-20', ended: true })] })]);
  expect(renderPlanText(ended)).toMatch(/apply accepts this impact: its \d+ new block\(s\) come from exceptions ending/);

  const outcome = await apply(ended, true);
  expect([outcome.applied, outcome.failed, outcome.readBack]).toEqual([1, 0, 'verified']);
  const users = usersOf(await tenantCA005());
  expect(users['excludeUsers']).toEqual([ids.scanner]);
  expect(users['excludeGroups']).toEqual([ids.breakGlass]);

  // The entry left in caac.yml after its expiry is no "new" exception: the plan goes on, clean.
  const later = await plan(new Date('2026-04-02T08:00:00Z'));
  expect(later.status).toBe('planned');
  if (later.status === 'planned') expect(later.plan.operations.every((o) => o.action === 'noop')).toBe(true);
  if (later.status === 'planned') expect(later.validation.findings.filter((f) => f.rule === 'exception-expired')).toHaveLength(1);
});

test('--only-expiries refuses, before any write, a plan with anything else in it', async () => {
  settings(TRAVEL);
  expect((await apply(await planned(ACTIVE))).failed).toBe(0);
  // Another change beside the expiry: CA001 goes report-only.
  const ca001 = path('policies/ca001-block-legacy-authentication.json');
  writeFileSync(ca001, readFileSync(ca001, 'utf8').replace('"state": "enabled"', '"state": "enabledForReportingButNotEnforced"'));
  const ended = await planned(ENDED);
  const writes = () => Object.entries(connection.tenant.requests().byEndpoint).filter(([k]) => !k.startsWith('GET')).reduce((n, [, v]) => n + v, 0);
  const before = writes();
  await expect(apply(ended, true)).rejects.toThrow(/only-expiries refused the plan[\s\S]*update policy "CA001 - Block legacy authentication": changes \/state, and no exception of it has ended/);
  expect(writes()).toBe(before);
  expect(usersOf(await tenantCA005())['excludeUsers']).toEqual([ids.adele]);

  // An active exception (an addition) is no expiry either.
  writeFileSync(ca001, readFileSync(ca001, 'utf8').replace('"state": "enabledForReportingButNotEnforced"', '"state": "enabled"'));
  // (CA005's entry stays, ended: its removal is an expiry, and the block it brings back is accepted.)
  settings(TRAVEL + TRAVEL.replace('exceptions:\n', '').replace('2026-03-20', '2026-03-30').replace('CA005 - Block access from blocked countries', 'CA001 - Block legacy authentication'));
  await expect(apply(await planned(ENDED), true)).rejects.toThrow(/CA001[^\n]*no exception of it has ended/);
});

test('the CLI: apply --only-expiries plans at once and refuses a plan with another change, exit 1 (a safety refusal), before any write', async () => {
  const ca001 = path('policies/ca001-block-legacy-authentication.json');
  writeFileSync(ca001, readFileSync(ca001, 'utf8').replace('"state": "enabled"', '"state": "enabledForReportingButNotEnforced"'));
  const run = await runCommand(registerApply, ['apply', '--only-expiries', '--dir', join(cwd, 'conditional-access'), '--graph-url', emu.url, '--rate-limit', '200', '--snapshot-dir', join(cwd, 'snap')]);
  expect(run.code).toBe(1);
  expect(run.output).toContain('apply --only-expiries refused the plan');
  expect(run.output).toContain('update policy "CA001 - Block legacy authentication": changes /state, and no exception of it has ended');
  const snapshot = await connection.tenant.read(['policy']);
  expect(snapshot.policies.find((p) => String(p['displayName']).startsWith('CA001'))!['state']).toBe('enabled');
});

test('the break-glass guard\'s exclusions and an exception\'s sit side by side', async () => {
  ownExclusion();
  writeFileSync(path('caac.yml'), BASE_SETTINGS.replace(/emergencyAccess:\n( {2}.*\n)+/, 'emergencyAccess:\n  groups: ["group:CA-BreakGlass"]\n  users: ["user:bg1@contoso.onmicrosoft.com"]\n  mode: enforce\n') + `\n${TRAVEL}`);
  const p = await planned(ACTIVE);
  const ca005 = op(p, 'CA005');
  expect(usersOf(ca005.body)['excludeUsers']).toEqual([ids.scanner, ids.bg1, ids.adele]);
  expect(ca005.guardAdded).toEqual([{ path: '/conditions/users/excludeUsers', ids: [ids.bg1] }]);
  expect(ca005.exceptions!.map((e) => e.ids)).toEqual([[ids.adele]]);
  expect((await apply(p)).failed).toBe(0);
  // Ended: only the exception's person goes; the guard's and the file's stay.
  const ended = await planned(ENDED);
  expect(op(ended, 'CA005').changes).toEqual([{ path: '/conditions/users/excludeUsers', before: sorted(ids.scanner, ids.bg1, ids.adele), after: sorted(ids.scanner, ids.bg1) }]);
  expect((await apply(ended, true)).failed).toBe(0);
});

test('the exceptions\' people are looked up in the same $batch rounds as the documents\' references, however many they are', async () => {
  const cost = async (): Promise<Plan['requests']> => {
    const fresh = connectGraph({ graphUrl: emu.url, env: { CAAC_ACCESS_TOKEN: 't' }, rateLimit: 1000, burst: 1000 });
    const outcome = await runPlan(filePolicyStore('conditional-access', { cwd }), fresh, { dir: 'conditional-access', apiVersion: 'v1.0', now: ACTIVE });
    if (outcome.status !== 'planned') throw new Error(outcome.status);
    return outcome.plan.requests;
  };
  settings(TRAVEL);
  const one = await cost();
  // Measured: 4 reads of the tenant, 2 $batch rounds (names the tenant's ids did not answer take the
  // second), and the security-defaults GET that any update of an enabled policy costs.
  expect(one.total).toBe(7);
  expect(one.byEndpoint['POST /v1.0/$batch']).toBe(2);
  settings(TRAVEL.replace('users: [', 'groups: ["group:Finance", "group:CA-Pilot"]\n      roles: ["role:Global Reader"]\n      users: ["user:alex.wilber@contoso.onmicrosoft.com", '));
  expect(await cost()).toEqual(one);
});

describe('bad entries are refused at their line in caac.yml', () => {
  const text = () => readFileSync(path('caac.yml'), 'utf8');

  test('an entry that ended before it was ever applied (a new one) stops the plan', async () => {
    settings(TRAVEL.replace('2026-03-20', '2026-03-01'));
    const outcome = await plan(ACTIVE);
    expect(outcome.status).toBe('unresolved');
    if (outcome.status !== 'unresolved') return;
    expect(outcome.problems).toEqual([
      { file: expect.stringMatching(/caac\.yml$/), path: '/exceptions/0/until', line: lineOf(text(), 'until: 2026-03-01'), column: expect.any(Number), message: expect.stringMatching(/^exceptions\[0\]: until 2026-03-01 has passed, and no policy it names holds its exclusions/) },
    ]);
  });

  test('excluding everyone a policy includes is refused by plan too, when the file names them another way (id, not name)', async () => {
    const o = JSON.parse(readFileSync(path(CA005), 'utf8')) as JsonObject & { conditions: { users: JsonObject } };
    o['displayName'] = 'CA099 - Finance only';
    o.conditions.users['includeUsers'] = [];
    o.conditions.users['includeGroups'] = ['group:Finance'];
    writeFileSync(path('policies/ca099.json'), JSON.stringify(o, null, 2));
    settings(`exceptions:\n  - policy: "CA099 - Finance only"\n    exclude:\n      groups: ["${ids.finance}"]\n    until: 2026-03-20\n    reason: "audit"\n`);
    const outcome = await plan(ACTIVE);
    expect(outcome.status).toBe('unresolved');
    if (outcome.status !== 'unresolved') return;
    expect(outcome.problems.map((p) => [p.path, p.line, p.message])).toEqual([
      ['/exceptions/0/exclude', lineOf(text(), 'exclude:'), 'exceptions[0]: with this exception "CA099 - Finance only" would exclude everyone it includes, and apply to no one: exclude fewer people, or change the policy itself in its file'],
    ]);
  });

  test('a person who is not in the tenant, and a reference of the wrong kind', async () => {
    settings(TRAVEL.replace('user:adele.vance@contoso.onmicrosoft.com', 'user:nobody@contoso.onmicrosoft.com'));
    const outcome = await plan(ACTIVE);
    expect(outcome.status).toBe('unresolved');
    if (outcome.status !== 'unresolved') return;
    expect(outcome.problems.map((p) => [p.path, p.line])).toEqual([['/exceptions/0/exclude/users/0', lineOf(text(), 'nobody@')]]);
    expect(outcome.problems[0]!.message).toMatch(/^exceptions\[0\]: user:nobody@contoso.onmicrosoft.com: no user with this name/);
  });

  test('validate\'s errors: unknown policy, no reason, no date, too long, a keyword, the wrong kind', async () => {
    settings(`exceptionsMaxDays: 30
exceptions:
  - policy: "CA999 - Nothing"
    exclude: { users: ["user:adele.vance@contoso.onmicrosoft.com"] }
    until: 2026-03-20
    reason: "x"
  - policy: "CA005 - Block access from blocked countries"
    exclude: { users: ["user:adele.vance@contoso.onmicrosoft.com"] }
    until: 2026-03-20
  - policy: "CA005 - Block access from blocked countries"
    exclude: { users: ["user:adele.vance@contoso.onmicrosoft.com"] }
    until: "20 March"
    reason: "x"
  - policy: "CA005 - Block access from blocked countries"
    exclude: { users: ["user:adele.vance@contoso.onmicrosoft.com"] }
    until: 2026-06-30
    reason: "x"
  - policy: "CA005 - Block access from blocked countries"
    exclude: { users: ["All"], groups: ["user:adele.vance@contoso.onmicrosoft.com"] }
    until: 2026-03-20
    reason: "x"
`);
    const outcome = await plan(ACTIVE);
    expect(outcome.status).toBe('invalid');
    const errors = outcome.validation.findings.filter((f) => f.rule === 'exception').map((f) => [f.path, f.line, f.message]);
    expect(errors).toEqual([
      ['/exceptions/0/policy', lineOf(text(), 'CA999'), starts('exceptions[0]: policy "CA999 - Nothing" matches no policy file (po')],
      ['/exceptions/1', lineOf(text(), '- policy', 1), starts('exceptions[1]: an exception needs a reason (reason: "…"): it is')],
      ['/exceptions/2/until', lineOf(text(), '20 March'), starts('exceptions[2]: until "20 March" is not an ISO date (2026-12-14:')],
      ['/exceptions/3/until', lineOf(text(), '2026-06-30'), starts('exceptions[3]: until 2026-06-30 is 112 days away, more than ex')],
      ['/exceptions/4/exclude/users/0', lineOf(text(), '["All"]'), starts('exceptions[4]: "All" is a keyword, not a person: an exceptio')],
      ['/exceptions/4/exclude/groups/0', lineOf(text(), '["All"]'), starts('exceptions[4]: exclude.groups takes "group:…" references or o')],
    ]);
  });
});

describe('caac exceptions list', () => {
  const TWO = `${TRAVEL}  - policy: "CA00? - Block*"
    exclude:
      groups: ["group:Finance"]
    until: 2026-03-01
    reason: "Quarter | close"
    owner: "user:megan.bowen@contoso.onmicrosoft.com"
`;
  const store = () => filePolicyStore('conditional-access', { cwd });

  test('offline: who, until, days left, and "unknown" for the tenant', async () => {
    settings(TWO);
    const report = await runExceptionsList(store(), undefined, ACTIVE);
    expect(report.exceptions.map((e) => [e.entry, e.policies, e.until, e.daysLeft, e.state, e.inTenant])).toEqual([
      [0, ['CA005 - Block access from blocked countries'], '2026-03-20', 10, 'active', 'unknown'],
      [1, ['CA001 - Block legacy authentication', 'CA005 - Block access from blocked countries'], '2026-03-01', -9, 'ended', 'unknown'],
    ]);
    expect(report.exceptions[0]).toMatchObject({ who: { users: ['user:adele.vance@contoso.onmicrosoft.com'], groups: [], roles: [] }, reason: 'Travelling to a blocked country for the Lisbon fair', ticket: 'CHG-1234', ends: '2026-03-21T00:00:00.000Z', line: lineOf(readFileSync(path('caac.yml'), 'utf8'), '- policy') });
    expect(renderExceptionsText(report)).toContain('[0] conditional-access/caac.yml:');
    expect(renderExceptionsText(report)).toContain('10 days left · in the tenant: unknown (offline)');
    expect(renderExceptionsMarkdown(endingWithin(report, 10))).toContain('| 2026-03-20 | 10 days left |');
    expect(endingWithin(report, 9).exceptions).toEqual([]);
    // A "|" from caac.yml cannot break the table.
    expect(renderExceptionsMarkdown(report)).toContain('Quarter \\| close');
  });

  test('against the tenant: held now or not, with the people looked up in one round', async () => {
    settings(TWO);
    const before = await runExceptionsList(store(), connection, ACTIVE);
    expect(before.exceptions.map((e) => e.inTenant)).toEqual(['no', 'no']);
    expect(before.requests).toBeLessThanOrEqual(4);
    // Applied with the first entry only (the second, ended before it was ever applied, stops a plan).
    settings(TRAVEL);
    expect((await apply(await planned(ACTIVE))).failed).toBe(0);
    settings(TWO);
    expect((await runExceptionsList(store(), connection, ACTIVE)).exceptions.map((e) => e.inTenant)).toEqual(['yes', 'no']);
  });

  test('the CLI prints JSON and exits 0; a bad --ending-within is a usage error', async () => {
    settings(TRAVEL);
    let out = '';
    const cli = async (...args: string[]): Promise<number> => {
      const run = await runCommand(registerExceptions, ['exceptions', 'list', '--dir', join(cwd, 'conditional-access'), ...args]);
      out += run.output;
      return run.code;
    };
    expect(await cli('--format', 'json', '--graph-url', emu.url, '--rate-limit', '200')).toBe(0);
    const report = JSON.parse(out.slice(out.indexOf('{'))) as { exceptions: { inTenant: string; until: string }[] };
    expect(report.exceptions.map((e) => [e.until, e.inTenant])).toEqual([['2026-03-20', 'no']]);
    out = '';
    expect(await cli('--ending-within', 'soon')).toBe(2);
    expect(out).toContain('--ending-within takes a whole number of days');

    // The reminder reuses drift's webhook notifier: one POST when exceptions end soon, none otherwise.
    // (The CLI's "now" is the clock: an until in 2099 is within 100000 days and not within 0.)
    settings(TRAVEL.replace('2026-03-20', '2099-01-01'));
    const posts: string[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        posts.push(body);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      expect(await cli('--ending-within', '0', '--notify', hook)).toBe(0);
      expect(posts).toEqual([]);
      expect(await cli('--ending-within', '100000', '--notify', hook, '--notify-format', 'slack')).toBe(0);
      expect(posts).toHaveLength(1);
      const slack = JSON.parse(posts[0]!) as { text: string; blocks: { text?: { text: string } }[] };
      expect(slack.text).toContain('Conditional Access exceptions ending soon: 1 exception of caac.yml ends within 100000 days');
      expect(JSON.stringify(slack.blocks)).toContain('until 2099-01-01');
      expect(await cli('--ending-within', '3', '--notify', 'http://example.com/hook')).toBe(2);
      expect(await cli('--notify', hook)).toBe(2);
      expect(posts).toHaveLength(1);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });
});

test("the plan's Access impact and coverage count the exception's people apart from the files' own exclusions", async () => {
  // CA002 (MFA for all users): its file now excludes the scanner itself (permanent); the exception adds Adele.
  const ca002 = path('policies/ca002-require-multifactor-authentication-for-all-users.json');
  const o = JSON.parse(readFileSync(ca002, 'utf8')) as { conditions: { users: { excludeUsers: string[] } } };
  o.conditions.users.excludeUsers = ['user:svc-scanner@contoso.onmicrosoft.com'];
  writeFileSync(ca002, JSON.stringify(o, null, 2) + '\n');
  settings(`exceptions:
  - policy: "CA002 - Require multifactor*"
    exclude:
      users: ["user:adele.vance@contoso.onmicrosoft.com"]
    until: 2026-03-20
    reason: "Phone lost | [new one](https://evil.example) ordered"
`);
  const ADELE = 'user:adele.vance@contoso.onmicrosoft.com';
  const SCANNER = 'user:svc-scanner@contoso.onmicrosoft.com';
  const p = await planned(ACTIVE);
  const groups = p.impact!.groups;
  const adele = groups.filter((g) => g.who.includes(ADELE));
  const scanner = groups.filter((g) => g.who.includes(SCANNER));
  expect(adele.length).toBeGreaterThan(0);
  expect(adele.every((g) => g.who.length === 1 && g.exceptions?.[0]?.policy === 'CA002 - Require multifactor authentication for all users' && g.exceptions[0].until === '2026-03-20')).toBe(true);
  expect(adele.some((g) => g.lost.includes('mfa'))).toBe(true);
  // The file's own new exclusion changes the scanner's sign-ins the same way, and is no exception.
  expect(scanner.length).toBeGreaterThan(0);
  expect(scanner.every((g) => g.exceptions === undefined)).toBe(true);
  expect(p.impact!.fromExceptions).toBe(adele.reduce((n, g) => n + g.signIns, 0));
  expect(readPlanFile(JSON.stringify(p), 'plan.json').impact).toEqual(p.impact);
  expect(renderPlanText(p)).toContain(`because of caac.yml's exception until 2026-03-20 (Phone lost | [new one](https://evil.example) ordered): ${ADELE} excluded from "CA002 - Require multifactor authentication for all users"`);
  const md = renderPlanMarkdown(p);
  expect(md).toContain("because of caac.yml's exception until 2026");
  expect(md).not.toContain('](https://evil');

  // Coverage of the repository applies the same exception on the same day, and reports Adele apart.
  const store = filePolicyStore('conditional-access', { cwd });
  const active = await runCoverage({ kind: 'repository', store }, { now: ACTIVE });
  expect(active.report.excludedByException).toEqual([expect.objectContaining({ who: ADELE, policy: 'CA002 - Require multifactor authentication for all users', until: '2026-03-20', outside: 'MFA' })]);
  expect(active.report.withoutMfa.map((g) => g.who)).not.toContain(ADELE);
  expect(active.report.withoutMfa.map((g) => g.who)).toContain(SCANNER);
  expect(renderCoverage(active, 'text')).toContain(`excluded by exception until 2026-03-20 (Phone lost | [new one](https://evil.example) ordered): ${ADELE} — outside "CA002 - Require multifactor authentication for all users"'s MFA`);
  expect(renderCoverage(active, 'markdown')).not.toContain('](https://evil');
  expect(JSON.parse(renderCoverage(active, 'json')).excludedByException).toHaveLength(1);
  // Once it has ended, coverage no longer counts it: Adele is covered again.
  const ended = await runCoverage({ kind: 'repository', store }, { now: ENDED });
  expect(ended.report.excludedByException).toBeUndefined();
  expect(ended.report.withoutMfa.map((g) => g.who)).not.toContain(ADELE);

  // Deployed, coverage --tenant finds the same exclusion among the ids (the people looked up with caac.yml's
  // emergency accounts, in one round), and the scanner's, the file's own, stays a permanent gap.
  expect((await apply(p)).failed).toBe(0);
  const before = connection.tenant.requests().total;
  const tenant = await runCoverage({ kind: 'tenant', tenant: connection.tenant, directory: connection.directory, store }, { now: ACTIVE });
  expect(tenant.report.excludedByException).toEqual([expect.objectContaining({ who: ADELE, policy: 'CA002 - Require multifactor authentication for all users', until: '2026-03-20', outside: 'MFA' })]);
  expect(tenant.report.withoutMfa.map((g) => g.who)).toContain(SCANNER);
  expect(tenant.report.withoutMfa.map((g) => g.who)).not.toContain(ADELE);
  // Two $batch rounds: the ids the policies hold (labels), and the names caac.yml gives (emergency accounts and the exceptions' people together).
  expect(tenant.set.requests).toEqual({ total: 4, byEndpoint: { 'POST /v1.0/$batch': 2, 'GET /v1.0/identity/conditionalAccess/policies': 1, 'GET /v1.0/identity/conditionalAccess/namedLocations': 1 } });
  expect(connection.tenant.requests().total - before).toBe(4);
  expect((await runCoverage({ kind: 'tenant', tenant: connection.tenant, directory: connection.directory, store }, { now: ENDED })).report.excludedByException).toBeUndefined();
});
