/**
 * caac coverage and caac docs (issue 18 points 5 and 6) on the example repository (the sample
 * tenant's policies): the gaps of a sample set; the plain-words text; the HTML page opened in
 * headless Chromium with a screenshot under test-output/; and coverage --live, Graph's What If (the
 * emulator's own evaluation) agreeing with the engine on the matrix sign-ins it can check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { labeller, loadPolicySet, runCoverage } from '../../src/commands/coverage.js';
import { coverage } from '../../src/impact/coverage.js';
import { accessGrid } from '../../src/impact/grid.js';
import type { JsonObject } from '../../src/model/documents.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { renderCoverage } from '../../src/render/coverage-report.js';
import { renderDocsHtml, renderDocsMarkdown } from '../../src/render/docs-page.js';
import { policyInWords } from '../../src/render/policy-words.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { emulatorConnection, exampleTenant } from '../fixtures/repo-helpers.js';
import { chromiumPath, withBrowser } from '../fixtures/browser.js';

const ROOT = 'conditional-access';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('coverage of the example repository', () => {
  let emu: RunningEmulator;
  let cwd: string;
  beforeAll(async () => {
    ({ emu, cwd } = await exampleTenant('caac-coverage-', dirs));
  });
  afterAll(async () => emu.stop());

  test('the gaps of the sample set', async () => {
    const { report } = await runCoverage({ kind: 'repository', store: filePolicyStore(ROOT, { cwd }) });
    // The service accounts are excluded from MFA for all users (CA002) and only blocked outside trusted networks (CA016).
    expect(report.exclusionGaps).toEqual([]);
    expect(report.withoutMfa.map((g) => g.who)).toEqual(expect.arrayContaining(['member of group:CA-ServiceAccounts']));
    // Workload identities: no policy names one.
    expect(report.workloadsWithoutPolicy).toEqual(['a workload identity of the tenant']);
    expect(report.guestsWithoutPolicy).toEqual([]);
    expect(report.neverApply).toEqual([]);
    expect(report.emergencySignIns).toBeGreaterThan(0);
    const text = renderCoverage({ set: await loadPolicySet({ kind: 'repository', store: filePolicyStore(ROOT, { cwd }) }), report }, 'text');
    expect(text).toMatch(/Workload identities without policy \(1\):\n {2}- a workload identity of the tenant/);
  });

  test('a set with gaps: a group excluded from the only MFA policy, a policy that never applies, guests unprotected', () => {
    const mfa: JsonObject = { displayName: 'MFA', state: 'enabled', conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'], excludeGroups: ['group:Contractors', 'group:BG'] } }, grantControls: { operator: 'OR', builtInControls: ['mfa'] } };
    const never: JsonObject = { displayName: 'Never', state: 'enabledForReportingButNotEnforced', conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] }, platforms: { includePlatforms: ['iOS'], excludePlatforms: ['iOS'] } }, grantControls: { operator: 'OR', builtInControls: ['block'] } };
    const r = coverage({ policies: [mfa, never], namedLocations: [], emergency: { users: [], groups: ['group:BG'] } });
    expect(r.exclusionGaps).toEqual([{ group: 'group:Contractors', excludedBy: ['MFA'] }]);
    expect(r.neverApply).toEqual([{ policy: 'Never', reason: 'every platform it includes is excluded' }]);
    expect(r.withoutMfa.map((g) => g.who)).toEqual(expect.arrayContaining(['member of group:Contractors']));
    expect(r.withoutControl.map((g) => g.who)).toEqual(expect.arrayContaining(['member of group:Contractors', 'a workload identity of the tenant']));
    expect(r.withoutMfa.map((g) => g.who)).not.toContain('an ordinary member');
    expect(r.workloadsWithoutPolicy).toEqual(['a workload identity of the tenant']);
  });

  test('policies in plain words', async () => {
    const set = await loadPolicySet({ kind: 'repository', store: filePolicyStore(ROOT, { cwd }) });
    const words = Object.fromEntries(set.policies.map((p) => [String(p['displayName']).slice(0, 5), policyInWords(p)]));
    expect(words['CA002']).toBe('Require MFA for all users except group:CA-BreakGlass and group:CA-ServiceAccounts, on all cloud apps');
    expect(words['CA011']).toBe('Require MFA for all users except group:CA-BreakGlass, when they register security information, outside trusted locations');
    expect(words['CA016']).toBe('Block access for group:CA-ServiceAccounts except group:CA-BreakGlass, on all cloud apps, outside location:Trusted office networks and location:Branch office VPN');
    expect(words['CA006']).toMatch(/^Require a compliant device or a hybrid-joined device for all users except guests and external users and group:CA-BreakGlass, on all cloud apps, on windows, macOS \(report-only\)$/);
  });

  (withBrowser() ? test : test.skip)('the HTML page: self-contained, escaped, and it renders in headless Chromium', async () => {
    const set = await loadPolicySet({ kind: 'repository', store: filePolicyStore(ROOT, { cwd }) });
    const hostile: JsonObject = { displayName: '<script>alert(1)</script> & "quotes"', state: 'enabled', conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['app:<img src=x onerror=alert(2)>'] }, users: { includeGroups: ['group:<b>Evil</b>'] } }, grantControls: { operator: 'OR', builtInControls: ['mfa'] } };
    const policies = [...set.policies, hostile];
    const label = labeller(set);
    const grid = accessGrid({ policies, namedLocations: set.namedLocations, emergency: set.emergency, label });
    const html = renderDocsHtml({ title: 'Contoso <policies>', policies, grid, label });
    expect(html).not.toMatch(/<script|<img|<b>/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(html).not.toMatch(/https?:\/\//); // no external resource
    const markdown = renderDocsMarkdown({ title: 'T', policies, grid, label });
    expect(markdown).not.toMatch(/<script|<img|<b>/i);
    expect(markdown).toContain('&lt;script&gt;alert(1)');

    const out = path.resolve('test-output');
    fs.mkdirSync(out, { recursive: true });
    const file = path.join(out, 'caac-docs.html');
    fs.writeFileSync(file, html);
    const browser = await chromium.launch({ executablePath: chromiumPath() ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.goto(`file://${file}`);
      expect(await page.title()).toBe('Contoso <policies>');
      expect(await page.locator('#policies li').count()).toBe(policies.length);
      const rows = await page.locator('#grid tr').count();
      expect(rows).toBe(grid.rows.length + 1);
      // The emergency account is allowed everywhere; an ordinary member meets MFA; legacy clients are off the base.
      const ordinary = page.locator('#grid tr', { hasText: 'an ordinary member' });
      await expect(ordinary.locator('td').first().textContent()).resolves.toContain('mfa');
      expect(await page.locator('#policies li', { hasText: 'alert(1)' }).textContent()).toContain('<script>alert(1)</script> & "quotes"');
      expect(dialogs).toEqual([]);
      await page.screenshot({ path: path.join(out, 'caac-docs.png'), fullPage: true });
      expect(fs.statSync(path.join(out, 'caac-docs.png')).size).toBeGreaterThan(1000);
    } finally {
      await browser.close();
    }
  });
});

describe('coverage --live', () => {
  test("Graph's What If (the emulator's own evaluation) agrees with the engine on the matrix sign-ins it can check", async () => {
    const { emu, cwd } = await exampleTenant('caac-coverage-live-', dirs);
    try {
      // An ordinary member: a user in no group the policies name.
      const state = (await (await fetch(`${emu.url}/_emulator/state`)).json()) as { users: object[]; groups: Array<{ displayName: string; id: string }>; groupMembers: Record<string, string[]> };
      state.users.push({ id: '0b9d1c36-1f1e-4c5e-9a51-3b9d0e7f5a11', displayName: 'Nestor Wilke', userPrincipalName: 'nestor.wilke@contoso.onmicrosoft.com' });
      await fetch(`${emu.url}/_emulator/state`, { method: 'PUT', body: JSON.stringify(state), headers: { 'Content-Type': 'application/json' } });
      const connection = emulatorConnection(emu.url);
      const result = await runCoverage(
        { kind: 'tenant', tenant: connection.tenant, directory: connection.directory, store: filePolicyStore(ROOT, { cwd }) },
        { whatIf: connection.whatIf, ordinaryUser: '0b9d1c36-1f1e-4c5e-9a51-3b9d0e7f5a11' },
      );
      expect(result.live!.checked).toBeGreaterThanOrEqual(5);
      expect(result.live!.disagreements).toEqual([]);
      expect(connection.whatIf.requests().byEndpoint['POST /v1.0/identity/conditionalAccess/evaluate']).toBe(result.live!.checked);
      expect(renderCoverage(result, 'text')).toContain(`Disagreements with Graph's What If (${result.live!.checked} sign-ins checked`);
    } finally {
      await emu.stop();
    }
  });

  test('a disagreement is reported: a policy the engine reads differently from Graph', async () => {
    const { emu, cwd } = await exampleTenant('caac-coverage-live2-', dirs);
    try {
      const state = (await (await fetch(`${emu.url}/_emulator/state`)).json()) as { users: object[]; groups: Array<{ displayName: string; id: string }>; groupMembers: Record<string, string[]> };
      state.users.push({ id: '0b9d1c36-1f1e-4c5e-9a51-3b9d0e7f5a11', displayName: 'Nestor Wilke', userPrincipalName: 'nestor.wilke@contoso.onmicrosoft.com' });
      // Nestor is a member of Finance in the tenant: the engine's "ordinary member" is not, Graph knows better.
      const finance = state.groups.find((g) => g.displayName === 'Finance')!.id;
      state.groupMembers[finance]!.push('0b9d1c36-1f1e-4c5e-9a51-3b9d0e7f5a11');
      await fetch(`${emu.url}/_emulator/state`, { method: 'PUT', body: JSON.stringify(state), headers: { 'Content-Type': 'application/json' } });
      const connection = emulatorConnection(emu.url);
      const result = await runCoverage({ kind: 'tenant', tenant: connection.tenant, directory: connection.directory, store: filePolicyStore(ROOT, { cwd }) }, { whatIf: connection.whatIf, ordinaryUser: '0b9d1c36-1f1e-4c5e-9a51-3b9d0e7f5a11' });
      expect(result.live!.disagreements).toEqual(expect.arrayContaining([expect.objectContaining({ policy: 'CA015 - Require phishing-resistant MFA for highly confidential data', graph: 'applies' })]));
    } finally {
      await emu.stop();
    }
  });
});
