/**
 * Staged rollout against the emulator's sample tenant and its seeded sign-in log, with
 * examples/conditional-access/ copied to a temporary folder (CA014 listed, report-only on ring
 * `pilot`; CA006 report-only and not listed yet; gates minDays 7, maxFailureRate 5%,
 * maxUsersBlocked 1). The evidence figures are
 * computed here again, straight from the emulator's stored log, not by the code under test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runRolloutAdvance, runRolloutStatus, type RolloutStatus } from '../../src/commands/rollout.js';
import { runPlan } from '../../src/commands/plan.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { connectGraph, type GraphConnection } from '../../src/graph/connect.js';
import type { Plan } from '../../src/model/plan.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { diskTextFiles } from '../../src/repo/text-files.js';
import { exampleTenant } from '../fixtures/repo-helpers.js';

const CA006 = 'CA006 - Require compliant or hybrid joined device';
const CA014 = 'CA014 - Require app protection on mobile devices (pilot)';
const CA006_FILE = 'conditional-access/policies/ca006-require-compliant-or-hybrid-joined-device.json';
const CA014_FILE = 'conditional-access/policies/ca014-require-app-protection-on-mobile-devices-pilot.json';
const SETTINGS = 'conditional-access/caac.yml';
const DAY = 86_400_000;

const dirs: string[] = [];
let emu: RunningEmulator;
let cwd: string;
let graph: GraphConnection;

type StoredSignIn = { createdDateTime: string; userPrincipalName: string; appDisplayName: string; appliedConditionalAccessPolicies: { id: string; result: string }[] };

beforeEach(async () => {
  ({ emu, cwd, connection: graph } = await exampleTenant('caac-rollout-', dirs));
});

afterEach(async () => {
  await emu.stop();
});

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const store = () => filePolicyStore('conditional-access', { cwd });
const ports = (connection = graph) => ({ store: store(), ...connection, files: diskTextFiles(cwd) });
const read = (rel: string) => fs.readFileSync(path.join(cwd, rel), 'utf8');

async function admin(method: string, p: string, body?: unknown): Promise<Response> {
  return fetch(`${emu.url}/_emulator/${p}`, { method, headers: { 'Content-Type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

async function stored(): Promise<{ signIns: StoredSignIn[]; policies: { id: string; displayName: string }[] }> {
  return (await (await admin('GET', 'state')).json()) as { signIns: StoredSignIn[]; policies: { id: string; displayName: string }[] };
}

/** The figures, counted the plain way from the stored log. */
function expected(log: StoredSignIn[], policyId: string, from: Date) {
  const rows = log.filter((s) => new Date(s.createdDateTime) >= from).flatMap((s) => s.appliedConditionalAccessPolicies.filter((p) => p.id === policyId).map((p) => ({ s, result: p.result })));
  const n = (r: string) => rows.filter((x) => x.result === r).length;
  const failed = rows.filter((x) => x.result === 'failure' || x.result === 'reportOnlyFailure');
  const applied = n('success') + n('failure') + n('reportOnlySuccess') + n('reportOnlyFailure') + n('reportOnlyInterrupted');
  return {
    evaluated: rows.length,
    applied,
    failures: failed.length,
    reportOnlyFailures: n('reportOnlyFailure'),
    interrupted: n('reportOnlyInterrupted'),
    usersBlocked: new Set(failed.map((x) => x.s.userPrincipalName)).size,
    topApp: failed.length ? failed.map((x) => x.s.appDisplayName).sort()[0] : undefined,
  };
}

const policyStatus = (status: RolloutStatus, name: string) => status.policies.find((p) => p.displayName === name)!;
const signInRequests = (before: number) => graph.tenant.requests().byEndpoint['GET /v1.0/auditLogs/signIns']! - before;

test('status: the figures of the seeded log, counted again here; CA014 passes the gates, CA006 does not; one page, one policy list', async () => {
  const now = new Date();
  const listed = await runRolloutStatus(ports(), { now, windowMs: 7 * DAY });
  expect(listed.policies.map((p) => p.displayName)).toEqual([CA014]);
  const status = { ...listed, policies: [...(await runRolloutStatus(ports(), { now, windowMs: 7 * DAY }, CA006)).policies, ...listed.policies] };
  const { signIns, policies } = await stored();
  for (const name of [CA006, CA014]) {
    const id = policies.find((p) => p.displayName === name)!.id;
    const want = expected(signIns, id, new Date(now.getTime() - 7 * DAY));
    const got = policyStatus(status, name).evidence!;
    expect(want.evaluated).toBeGreaterThan(0);
    expect({ evaluated: got.evaluated, applied: got.applied, failures: got.failures, reportOnlyFailures: got.reportOnlyFailures, interrupted: got.results['reportOnlyInterrupted'] ?? 0, usersBlocked: got.usersBlocked })
      .toEqual({ evaluated: want.evaluated, applied: want.applied, failures: want.failures, reportOnlyFailures: want.reportOnlyFailures, interrupted: want.interrupted, usersBlocked: want.usersBlocked });
    expect(got.failureRate).toBeCloseTo(want.failures / want.applied, 10);
  }
  // CA006 is not listed: its stage is dated by the tenant's last change (2025-06-03).
  const ca006 = policyStatus(status, CA006);
  expect(ca006).toMatchObject({ ring: '(not listed)', since: '2025-06-03T09:00:41Z', sinceFrom: 'tenant' });
  expect(ca006.gates.pass).toBe(false);
  expect(ca006.gates.checks.filter((c) => !c.pass).map((c) => c.gate).sort()).toEqual(['maxFailureRate', 'maxUsersBlocked']);
  expect(ca006.evidence!.topUsers[0]!.name).toBe('alex.wilber@contoso.onmicrosoft.com');
  expect(policyStatus(status, CA014).gates.pass).toBe(true);
  expect(policyStatus(status, CA014).evidence).toMatchObject({ failures: 0, usersBlocked: 0, usersAffected: 2 });
  // Bounded: one list of policies, one page of sign-ins (all 56 of the week fit in Graph's 1,000).
  expect(listed.requests.byEndpoint).toMatchObject({ 'GET /v1.0/identity/conditionalAccess/policies': 1, 'GET /v1.0/auditLogs/signIns': 1 });
  expect(listed.signIns).toMatchObject({ read: 56, pages: 1, truncated: false });
});

test('paging: small pages follow @odata.nextLink to the same figures; the page cap stops the read, says so, and fails the gates', async () => {
  const small = connectGraph({ graphUrl: emu.url, env: { CAAC_ACCESS_TOKEN: 't' }, rateLimit: 1000, burst: 1000, signInPageSize: 10 });
  const now = new Date();
  const whole = await runRolloutStatus({ store: store(), ...small }, { now, windowMs: 7 * DAY, maxPages: 100 }, CA006);
  expect(whole.policies[0]!.evidence!.failures).toBeGreaterThan(0);
  expect(whole.signIns).toMatchObject({ read: 56, pages: 6, truncated: false });
  expect(whole.requests.byEndpoint['GET /v1.0/auditLogs/signIns']).toBe(6);
  const reference = await runRolloutStatus(ports(), { now, windowMs: 7 * DAY }, CA006);
  expect(whole.policies.map((p) => p.evidence)).toEqual(reference.policies.map((p) => p.evidence));

  const capped = await runRolloutStatus({ store: store(), ...small }, { now, windowMs: 7 * DAY, maxPages: 3 }, CA006);
  expect(capped.signIns).toMatchObject({ read: 30, pages: 3, truncated: true });
  expect(capped.requests.byEndpoint['GET /v1.0/auditLogs/signIns']).toBe(3);
  const cappedCa006 = policyStatus(capped, CA006);
  expect(cappedCa006.gates.checks.find((c) => c.gate === 'evidence')).toMatchObject({ pass: false, message: expect.stringMatching(/page cap/) });
});

test('advance --check: CA014 leaves report-only on ring pilot (its caac.yml entry edited in place, comments kept; JSON indentation kept); CA006 is refused and nothing changes', async () => {
  const settingsBefore = read(SETTINGS);
  const fileBefore = read(CA014_FILE);
  const refused = await runRolloutAdvance(ports(), CA006, { check: true });
  expect(refused.status).toBe('refused');
  expect(read(SETTINGS)).toBe(settingsBefore);
  expect(read(CA006_FILE)).toBe(fs.readFileSync(path.resolve('examples', CA006_FILE), 'utf8'));

  const advanced = await runRolloutAdvance(ports(), CA014, { check: true });
  expect(advanced).toMatchObject({ status: 'advanced', stage: { ring: 'pilot', state: 'enabled' }, edited: [SETTINGS, CA014_FILE] });
  const before = settingsBefore.split('\n');
  const after = read(SETTINGS).split('\n');
  const today = new Date().toISOString().slice(0, 10);
  const at = before.findIndex((l) => l.includes(CA014));
  expect(after).toEqual([...before.slice(0, at), `    "${CA014}": { ring: pilot, since: "${today}" }`, ...before.slice(at + 1)]);
  expect(read(CA014_FILE)).toBe(fileBefore.replace('"state": "enabledForReportingButNotEnforced"', '"state": "enabled"'));

  // A second step at once: the stage is a day old, so the minDays gate refuses.
  const again = await runRolloutAdvance(ports(), CA014, { check: true });
  expect(again.status).toBe('refused');
  expect(again.status === 'refused' && again.reason).toMatch(/0 days in this stage \(at least 7\)/);

  // CA006 is not listed: advance adds its entry after the last one (and leaves report-only).
  const settingsMid = read(SETTINGS).split('\n');
  await runRolloutAdvance(ports(), CA006, {});
  const last = settingsMid.findIndex((l) => l.includes(CA014));
  expect(read(SETTINGS).split('\n')).toEqual([...settingsMid.slice(0, last + 1), `    "${CA006}": { ring: pilot, since: "${today}" }`, ...settingsMid.slice(last + 1)]);
  for (const comment of before.filter((l) => l.trimStart().startsWith('#'))) expect(read(SETTINGS).split('\n')).toContain(comment);
});

/** The planned body of CA006 (its update), or undefined when it does not change. */
async function planCa006(): Promise<{ plan: Plan; users?: Record<string, unknown> }> {
  const outcome = await runPlan(store(), graph, { dir: 'conditional-access', apiVersion: 'v1.0' });
  if (outcome.status !== 'planned') throw new Error(`plan ${outcome.status}: ${JSON.stringify('problems' in outcome ? outcome.problems : outcome.validation.findings)}`);
  const op = outcome.plan.operations.find((o) => o.displayName === CA006 && o.action !== 'noop');
  const users = (op?.body?.['conditions'] as { users?: Record<string, unknown> } | undefined)?.users;
  return { plan: outcome.plan, ...(users ? { users } : {}) };
}

test('plan per ring: enforced CA006 includes the pilot group, then pilot and Finance, then All; its exclusions never change', async () => {
  const tenantUsers = (await graph.tenant.read(['policy'])).policies.find((p) => p['displayName'] === CA006)!['conditions'] as { users: Record<string, unknown> };
  const exclusions = (u: Record<string, unknown>) => ({ excludeUsers: u['excludeUsers'], excludeGroups: u['excludeGroups'], excludeRoles: u['excludeRoles'] });

  await runRolloutAdvance(ports(), CA006, {});
  const pilot = await planCa006();
  const groups = (await (await fetch(`${emu.url}/_emulator/state`)).json()) as { groups: { id: string; displayName: string }[] };
  const idOf = (name: string) => groups.groups.find((g) => g.displayName === name)!.id.toLowerCase();
  expect(pilot.users).toMatchObject({ includeUsers: [], includeGroups: [idOf('CA-Pilot')], includeRoles: [] });
  expect(exclusions(pilot.users!)).toEqual(exclusions(tenantUsers.users));
  const line = pilot.plan.rollout!.policies.find((p) => p.displayName === CA006)!;
  expect(line).toMatchObject({ ring: 'pilot', stage: 'enforced', narrowedTo: [idOf('CA-Pilot')], advance: 'ring finance: adds group:Finance' });

  await runRolloutAdvance(ports(), CA006, {});
  const finance = await planCa006();
  expect(finance.users).toMatchObject({ includeUsers: [], includeGroups: [idOf('CA-Pilot'), idOf('Finance')] });
  expect(exclusions(finance.users!)).toEqual(exclusions(tenantUsers.users));

  await runRolloutAdvance(ports(), CA006, {});
  expect(read(SETTINGS)).toContain(`"${CA006}": { ring: all,`);
  const all = await planCa006();
  // Ring all: the file's own audience (All), which the tenant has: only the state changes.
  expect(all.plan.operations.find((o) => o.displayName === CA006)!.changes.map((c) => c.path)).toEqual(['/state']);
  const done = await runRolloutAdvance(ports(), CA006, {});
  expect(done.status === 'refused' && done.reason).toMatch(/already on ring all/);
});

test('a new policy that caac.yml does not list: as its file says with newPolicies none (the example); report-only by default; with ring0, enforced on the pilot ring only', async () => {
  const policy = JSON.parse(read(CA006_FILE)) as Record<string, unknown>;
  const fresh: Record<string, unknown> = { ...policy, displayName: 'CA020 - Require compliant device for Teams', state: 'enabled' };
  delete fresh['id'];
  fs.writeFileSync(path.join(cwd, 'conditional-access/policies/ca020.json'), JSON.stringify(fresh, null, 2));
  const none = await runPlan(store(), graph, { dir: 'conditional-access', apiVersion: 'v1.0' });
  if (none.status !== 'planned') throw new Error(none.status);
  expect(none.plan.operations.find((o) => o.displayName === fresh['displayName'])!.body!['state']).toBe('enabled');
  fs.writeFileSync(path.join(cwd, SETTINGS), read(SETTINGS).replace('  newPolicies: none\n', ''));
  const outcome = await runPlan(store(), graph, { dir: 'conditional-access', apiVersion: 'v1.0' });
  if (outcome.status !== 'planned') throw new Error(outcome.status);
  const create = outcome.plan.operations.find((o) => o.displayName === fresh['displayName'])!;
  expect(create.action).toBe('create');
  expect(outcome.plan.rollout!.policies.find((p) => p.displayName === fresh['displayName'])!.note).toMatch(/new: created report-only/);
  expect(create.body!['state']).toBe('enabledForReportingButNotEnforced');

  fs.writeFileSync(path.join(cwd, SETTINGS), read(SETTINGS).replace('  gates:\n', '  newPolicies: ring0\n  gates:\n'));
  expect(read(SETTINGS)).toContain('newPolicies: ring0');
  const ring0 = await runPlan(store(), graph, { dir: 'conditional-access', apiVersion: 'v1.0' });
  if (ring0.status !== 'planned') throw new Error(ring0.status);
  const body = ring0.plan.operations.find((o) => o.displayName === fresh['displayName'])!.body!;
  expect(body['state']).toBe('enabled');
  const users = (body['conditions'] as { users: Record<string, unknown> }).users;
  const { groups } = (await (await admin('GET', 'state')).json()) as { groups: { id: string; displayName: string }[] };
  const idOf = (name: string) => groups.find((g) => g.displayName === name)!.id.toLowerCase();
  expect(users).toMatchObject({ includeUsers: [], includeGroups: [idOf('CA-Pilot')], excludeUsers: ['GuestsOrExternalUsers'], excludeGroups: [idOf('CA-BreakGlass')] });
});

test('the emulator: refuses what Graph refuses on signIns, and takes new sign-ins through its admin endpoint', async () => {
  const get = async (query: string) => fetch(`${emu.url}/v1.0/auditLogs/signIns?${query}`, { headers: { Authorization: 'Bearer t' } });
  const policyFilter = await get(`$filter=${encodeURIComponent("appliedConditionalAccessPolicies/any(p:p/id eq 'x')")}`);
  expect(policyFilter.status).toBe(400);
  expect(((await policyFilter.json()) as { error: { code: string; message: string } }).error.message).toMatch(/appliedConditionalAccessPolicies/);
  expect((await get('$skip=5')).status).toBe(400);
  expect((await get('$top=1001')).status).toBe(400);
  expect((await get(`$filter=${encodeURIComponent("createdDateTime ge '2026-01-01T00:00:00Z'")}`)).status).toBe(400);
  expect((await get(`$filter=${encodeURIComponent("createdDateTime ge 2026-01-01T00:00:00Z or userId eq 'a'")}`)).status).toBe(400);
  const one = (await (await get(`$filter=${encodeURIComponent("userPrincipalName eq 'megan.bowen@contoso.onmicrosoft.com'")}&$top=2`)).json()) as { value: { userPrincipalName: string; createdDateTime: string }[]; '@odata.nextLink'?: string };
  expect(one.value.map((s) => s.userPrincipalName)).toEqual(['megan.bowen@contoso.onmicrosoft.com', 'megan.bowen@contoso.onmicrosoft.com']);
  expect(one.value[0]!.createdDateTime >= one.value[1]!.createdDateTime).toBe(true);
  expect(one['@odata.nextLink']).toMatch(/\$skiptoken=/);

  const { policies } = await stored();
  const ca014 = policies.find((p) => p.displayName === CA014)!.id;
  const before = policyStatus(await runRolloutStatus(ports()), CA014);
  expect(before.gates.pass).toBe(true);
  const added = await admin('POST', 'sign-ins', {
    signIns: [{ id: 'added-1', createdDateTime: new Date(Date.now() - 60_000).toISOString(), userId: 'u1', userPrincipalName: 'new.user@contoso.onmicrosoft.com', appId: 'a', appDisplayName: 'Contoso HR Portal', appliedConditionalAccessPolicies: [{ id: ca014, displayName: CA014, result: 'reportOnlyFailure' }] }],
  });
  expect(added.status).toBe(200);
  expect((await admin('POST', 'sign-ins', { signIns: [{ id: 'x', createdDateTime: 'yesterday' }] })).status).toBe(400);
  expect((await admin('POST', 'sign-ins', { signIns: [{ id: 'added-1', createdDateTime: new Date().toISOString() }] })).status).toBe(400);
  const after = policyStatus(await runRolloutStatus(ports()), CA014);
  expect(after.evidence).toMatchObject({ failures: 1, usersBlocked: 1, applied: before.evidence!.applied + 1, topApplications: [{ name: 'Contoso HR Portal', failures: 1 }] });
  expect(after.gates.checks.find((c) => c.gate === 'maxFailureRate')!.pass).toBe(false);
  expect(after.gates.checks.find((c) => c.gate === 'maxUsersBlocked')!.pass).toBe(true);
});

test('status counts its Graph requests: no more sign-in pages than needed', async () => {
  const before = graph.tenant.requests().byEndpoint['GET /v1.0/auditLogs/signIns'] ?? 0;
  await runRolloutStatus(ports(), { windowMs: 14 * DAY });
  expect(signInRequests(before)).toBe(1);
});

test('a ring reference that does not resolve stops the plan at its line in caac.yml', async () => {
  const text = read(SETTINGS).replace('include: ["group:Finance"]', 'include: ["group:Finanse"]');
  fs.writeFileSync(path.join(cwd, SETTINGS), text);
  const outcome = await runPlan(store(), graph, { dir: 'conditional-access', apiVersion: 'v1.0' });
  expect(outcome.status).toBe('unresolved');
  if (outcome.status !== 'unresolved') return;
  const line = text.split('\n').findIndex((l) => l.includes('group:Finanse')) + 1;
  expect(outcome.problems.map((p) => [p.file, p.line])).toEqual([[SETTINGS, line]]);
  expect(outcome.problems[0]!.message).toMatch(/group:Finanse: no group with this name/);
});
