/**
 * Hostile and careless repositories against the emulator's sample tenant: a symlinked policies/
 * folder stops `plan --prune` before any Graph request (it would otherwise read as "no policies"
 * and propose deleting every tenant object), and a repository without emergency-access accounts
 * gets a `no-emergency-access` plan warning on every run, or the waiver's reason, escaped.
 */
import { readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPlan, type PlanOutcome } from '../../src/commands/plan.js';
import { reportStoppedPlan } from '../../src/cli/plan-command.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { GraphConnection } from '../../src/graph/connect.js';
import type { Plan } from '../../src/model/plan.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { exampleTenant } from '../fixtures/repo-helpers.js';


let emu: RunningEmulator;
let cwd: string;
let connection: GraphConnection;
const dirs: string[] = [];

beforeEach(async () => {
  ({ emu, cwd, connection } = await exampleTenant('caac-hostile-', dirs));
});
afterEach(async () => {
  await emu.stop();
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const path = (rel: string): string => join(cwd, 'conditional-access', rel);

async function plan(prune = false): Promise<PlanOutcome> {
  return runPlan(filePolicyStore('conditional-access', { cwd }), connection, { dir: 'conditional-access', prune, apiVersion: 'v1.0' });
}
async function planned(): Promise<Plan> {
  const outcome = await plan();
  if (outcome.status !== 'planned') throw new Error(`plan stopped: ${outcome.status} ${JSON.stringify('problems' in outcome ? outcome.problems : outcome.validation.findings)}`);
  return outcome.plan;
}

describe('a symlinked folder stops the plan before any Graph request', () => {
  test('plan --prune over a symlinked policies/: invalid, no request made, the link named', async () => {
    renameSync(path('policies'), path('policies-real'));
    symlinkSync('policies-real', path('policies'));
    // The real folder must not count: only the link is under test.
    rmSync(path('policies-real'), { recursive: true });
    symlinkSync(join(cwd, 'elsewhere'), path('named-locations-extra'));
    const before = emu.requests().total;
    const outcome = await plan(true);
    expect(emu.requests().total).toBe(before);
    expect(outcome.status).toBe('invalid');
    const findings = outcome.validation.findings.filter((f) => f.rule === 'file');
    expect(findings.map((f) => [f.file, f.severity])).toEqual([
      ['conditional-access/named-locations-extra', 'error'],
      ['conditional-access/policies', 'error'],
    ]);
    let text = '';
    if (outcome.status !== 'planned') reportStoppedPlan(outcome, (t) => (text += t));
    expect(text).toMatch(/^conditional-access\/policies:1:1 error file conditional-access\/policies is a symbolic link \(to "policies-real"\)/m);
    expect(text).toMatch(/caac plan: stopped before reading the tenant: validate found 2 error\(s\)/);
  });

  test('a symlinked caac.yml stops the plan with a configuration error, no request made', async () => {
    const settings = join(cwd, 'settings.yml');
    writeFileSync(settings, readFileSync(path('caac.yml')));
    unlinkSync(path('caac.yml'));
    symlinkSync(settings, path('caac.yml'));
    const before = emu.requests().total;
    await expect(plan()).rejects.toThrow(/^conditional-access\/caac\.yml is a symbolic link/);
    expect(emu.requests().total).toBe(before);
  });
});

describe('no-emergency-access in the plan', () => {
  test('the example lists its emergency accounts: no such warning', async () => {
    expect((await planned()).warnings.filter((w) => w.kind === 'no-emergency-access')).toEqual([]);
  });

  test('without caac.yml: a plan warning on the folder, in text and markdown', async () => {
    unlinkSync(path('caac.yml'));
    const outcome = await plan();
    if (outcome.status !== 'planned') throw new Error(`plan stopped: ${outcome.status}`);
    const warnings = outcome.plan.warnings.filter((w) => w.kind === 'no-emergency-access');
    expect(warnings).toEqual([{ kind: 'no-emergency-access', displayName: 'conditional-access', message: expect.stringMatching(/^no caac\.yml in "conditional-access": nothing checks/) }]);
    expect(renderPlanText(outcome.plan)).toMatch(/^ {2}! no emergency-access accounts: "conditional-access": no caac\.yml in "conditional-access"/m);
    expect(renderPlanMarkdown(outcome.plan)).toMatch(/^- 🚨 \*\*no emergency-access accounts\*\*: conditional-access: no caac\.yml in "conditional-access"/m);
    // validate said so too.
    expect(outcome.validation.findings.filter((f) => f.rule === 'no-emergency-access').map((f) => f.file)).toEqual(['conditional-access']);
  });

  test('a waiver: the plan shows its reason, escaped in text and markdown', async () => {
    // Bidi overrides and the like are the log neutraliser's (escapeLogValue) to show; here the
    // reason must reach the plan, and not start a line or a markdown construct of its own.
    const reason = 'lab *tenant* <b>x</b>\n::warning title=FAKE::all good';
    writeFileSync(path('caac.yml'), `emergencyAccess:\n  waive: ${JSON.stringify(reason)}\n`);
    const p = await planned();
    const warning = p.warnings.find((w) => w.kind === 'no-emergency-access');
    expect(warning?.message).toMatch(/^the emergency-access check is waived: no policy is checked for sparing a break-glass account\. Reason given: "lab \*tenant\*/);
    const text = renderPlanText(p);
    expect(text).toContain('Reason given: "lab *tenant* <b>x</b>');
    for (const line of text.split('\n')) expect(line).not.toMatch(/^\s*::/);
    const markdown = renderPlanMarkdown(p);
    expect(markdown).not.toContain('*tenant*');
    expect(markdown).not.toContain('<b>');
    expect(markdown).toContain('lab');
  });
});
