/**
 * Access impact in the plan and apply's refusal (issue 18 points 3 and 4), on the emulator's
 * sample tenant with the example repository: an unchanged repository has no impact; report-only
 * moves of a disabled policy have none; a new block for a whole population is refused without
 * --accept-impact and applied with it; a block that reaches the emergency accounts (its policy
 * exempt from the break-glass guard) is refused even with --accept-impact.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runApply } from '../../src/commands/apply.js';
import { madeHereSource } from '../../src/commands/plan-check.js';
import { runPlan, type PlanOutcome } from '../../src/commands/plan.js';
import { SafetyError } from '../../src/errors.js';
import type { GraphConnection } from '../../src/graph/connect.js';
import type { Plan } from '../../src/model/plan.js';
import { silentLogger } from '../../src/ports/logger.js';
import { readPlanFile, writePlanFile } from '../../src/plan/plan-file.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { exampleTenant } from '../fixtures/repo-helpers.js';
import { impactRefusal } from '../../src/apply/impact-guard.js';

const ROOT = 'conditional-access';
const dirs: string[] = [];
let emu: RunningEmulator;
let cwd: string;
let connection: GraphConnection;

beforeEach(async () => {
  ({ emu, cwd, connection } = await exampleTenant('caac-impact-', dirs));
});
afterEach(async () => emu.stop());
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const file = (rel: string) => path.join(cwd, ROOT, rel);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a policy file, edited loosely
function edit(rel: string, change: (doc: Record<string, any>) => void): void {
  const doc = JSON.parse(fs.readFileSync(file(rel), 'utf8'));
  change(doc);
  fs.writeFileSync(file(rel), JSON.stringify(doc, null, 2));
}
const CA005 = 'policies/ca005-block-access-from-blocked-countries.json';

async function plan(): Promise<Plan> {
  const outcome: PlanOutcome = await runPlan(filePolicyStore(ROOT, { cwd }), connection, { dir: ROOT, apiVersion: 'v1.0' });
  if (outcome.status !== 'planned') throw new Error(`plan ${outcome.status}: ${JSON.stringify('problems' in outcome ? outcome.problems : outcome.validation.findings)}`);
  return outcome.plan;
}

const apply = (p: Plan, acceptImpact: boolean) =>
  runApply(p, { tenant: connection.tenant, snapshots: fileSnapshotStore(path.join(cwd, 'snap')), source: madeHereSource(filePolicyStore(ROOT, { cwd }), ROOT) }, { allowDelete: false, keepGoing: false, acceptImpact, log: silentLogger });

test('the example repository against its own tenant: sign-ins evaluated, none changes', async () => {
  const p = await plan();
  expect(p.impact).toMatchObject({ changed: 0, newlyBlocked: 0, emergencyBlocked: 0, groups: [] });
  expect(p.impact!.signIns).toBeGreaterThan(50);
  expect(renderPlanText(p)).toContain(`Access impact (0 of ${p.impact!.signIns} sign-ins evaluated change)`);
  // The plan file keeps it, and reads back under the schema.
  expect(readPlanFile(writePlanFile(p)).impact).toEqual(p.impact);
});

test('a disabled contingency policy moved to report-only: no impact; an enabled one: requirements lost', async () => {
  edit('policies/ca902-contingency-block-access-outside-trusted-networks.json', (d) => (d.state = 'enabledForReportingButNotEnforced'));
  expect((await plan()).impact!.changed).toBe(0);
  edit('policies/ca002-require-multifactor-authentication-for-all-users.json', (d) => (d.state = 'enabledForReportingButNotEnforced'));
  const p = await plan();
  expect(p.impact!.newlyBlocked).toBe(0);
  expect(p.impact!.groups.every((g) => g.change === 'requirements' && g.lost.includes('mfa') && g.gained.length === 0)).toBe(true);
  expect(p.impact!.groups.flatMap((g) => g.who)).toEqual(expect.arrayContaining(['an ordinary member', 'member of group:Finance']));
  expect(p.impact!.groups.flatMap((g) => g.who).some((w) => w.includes('CA-ServiceAccounts') || w.startsWith('emergency'))).toBe(false);
});

test('a block for everyone outside trusted networks: refused without --accept-impact, applied with it', async () => {
  edit('policies/ca902-contingency-block-access-outside-trusted-networks.json', (d) => (d.state = 'enabled'));
  const p = await plan();
  expect(p.impact!.emergencyBlocked).toBe(0);
  expect(p.impact!.newlyBlocked).toBeGreaterThan(0);
  const blocked = p.impact!.groups.filter((g) => g.change === 'blocked');
  expect(blocked.every((g) => g.blockedBy.includes('CA902 - Contingency - Block access outside trusted networks'))).toBe(true);
  const who = blocked.flatMap((g) => g.who);
  expect(who).toEqual(expect.arrayContaining(['an ordinary member', 'member of group:Finance', 'holder of role:Global Administrator (or 13 alike)']));
  const markdown = renderPlanMarkdown(p);
  expect(markdown).toContain('### 👥 Access impact');
  expect(markdown).toContain('--accept-impact');

  const before = connection.tenant.requests().total;
  const refused = await apply(p, false).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(SafetyError);
  expect(String((refused as Error).message)).toMatch(/blocks \d+ sign-in\(s\) that are not blocked today[\s\S]*--accept-impact/);
  // Refused before any write: nothing but reads (lists, and directory look-ups in $batch).
  expect(Object.keys(connection.tenant.requests().byEndpoint).filter((k) => /^(POST|PATCH|DELETE) \/v1\.0\/identity/.test(k))).toEqual([]);
  expect(connection.tenant.requests().total).toBe(before); // the cheap refusal, on the plan as given, comes first

  const outcome = await apply(p, true);
  expect(outcome.applied).toBe(1);
});

test('a block that reaches the emergency accounts: plan stops it, its impact names them, apply refuses it even with --accept-impact', async () => {
  // Exempt from the "must exclude" rule, the policy still may not block them (the break-glass guard).
  const settings = fs.readFileSync(file('caac.yml'), 'utf8').replace('emergencyAccess:\n  groups: ["group:CA-BreakGlass"]', 'emergencyAccess:\n  groups: ["group:CA-BreakGlass"]\n  exempt: ["CA005 - Block access from blocked countries"]');
  fs.writeFileSync(file('caac.yml'), settings);
  edit(CA005, (d) => (d.conditions.users.excludeGroups = []));
  const outcome = await runPlan(filePolicyStore(ROOT, { cwd }), connection, { dir: ROOT, apiVersion: 'v1.0' });
  if (outcome.status !== 'unsafe') throw new Error(`expected an unsafe plan, got ${outcome.status}`);
  const p = outcome.plan;
  expect(p.impact!.emergencyBlocked).toBe(1); // CA005's own combination: all apps (one none names), from its location
  expect(p.impact!.groups[0]).toMatchObject({ change: 'blocked', emergency: true, blockedBy: ['CA005 - Block access from blocked countries'], who: ['emergency account in group:CA-BreakGlass'] });
  expect(p.impact!.groups[0]!.example).toBe('emergency account in group:CA-BreakGlass → an application no policy names, from location:Blocked countries');
  expect(renderPlanText(p)).toMatch(/!! 1 sign-in\(s\) becomes blocked \(by "CA005 - Block access from blocked countries"\): emergency account in group:CA-BreakGlass/);
  expect(renderPlanText(p)).toContain('apply refuses this plan: it blocks 1 sign-in(s) of emergency-access accounts (never accepted).');
  await expect(apply(p, true)).rejects.toThrow(/apply refuses this plan/);
  expect(impactRefusal(p, true)).toMatch(/emergency-access accounts[\s\S]*not even with --accept-impact/);
});
