/**
 * `caac coverage` and `caac docs` as a user runs them: the bundled CLI in a child process, offline
 * on a copy of the example repository (text, JSON, the docs folder), its mistakes (exit 2), and
 * --tenant / --live against the sample tenant in an emulator process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { copyExample, runNode, useCliEmulator } from './helpers.js';

const CLI = resolve('dist/cli.js');

describe('caac coverage and caac docs (bundled CLI)', () => {
  const cwd = copyExample('caac-coverage-e2e-');

  test('coverage, offline: text and JSON', async () => {
    const text = await runNode(CLI, ['coverage'], { cwd });
    expect([text.status, text.stderr]).toEqual([0, '']);
    expect(text.stdout).toMatch(/^caac coverage · repository · 21 policies · \d+ sign-ins evaluated/);
    expect(text.stdout).toContain('Workload identities without policy (1):\n  - a workload identity of the tenant');
    const json = await runNode(CLI, ['coverage', '--format', 'json'], { cwd });
    expect(json.status).toBe(0);
    expect(Object.keys(JSON.parse(json.stdout))).toEqual(['source', 'policies', 'signIns', 'emergencySignIns', 'withoutMfa', 'withoutControl', 'guestsWithoutPolicy', 'workloadsWithoutPolicy', 'neverApply', 'exclusionGaps']);
  });

  test('docs --out writes policies.md and a self-contained index.html', async () => {
    const r = await runNode(CLI, ['docs', '--out', 'site'], { cwd });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/wrote site\/policies\.md and site\/index\.html: 21 policies, \d+ people × \d+ targets/);
    const html = readFileSync(join(cwd, 'site', 'index.html'), 'utf8');
    expect(html).toContain('Require MFA for all users except group:CA-BreakGlass and group:CA-ServiceAccounts, on all cloud apps');
    expect(html).not.toMatch(/<script|src=|href=/i);
    expect(existsSync(join(cwd, 'site', 'policies.md'))).toBe(true);
  });

  test('mistakes exit 2: an unknown format, --live-limit not a number, --graph-url without --tenant, docs without --out', async () => {
    for (const args of [['coverage', '--format', 'pdf'], ['coverage', '--live', '--live-limit', 'many', '--graph-url', 'http://127.0.0.1:9'], ['coverage', '--graph-url', 'http://127.0.0.1:9'], ['docs']]) {
      const r = await runNode(CLI, args, { cwd, env: { CAAC_ACCESS_TOKEN: 't' } });
      expect([args.join(' '), r.status]).toEqual([args.join(' '), 2]);
    }
  });

  describe('against the sample tenant', () => {
    const emulator = useCliEmulator(['--seed', 'sample', '--port', '0']);

    test('--tenant reads the deployed policies; --live asks Graph and reports the disagreements', async () => {
      const env = { CAAC_ACCESS_TOKEN: 't' };
      const tenant = await runNode(CLI, ['coverage', '--tenant', '--graph-url', emulator.url, '--format', 'json'], { cwd, env });
      expect(tenant.status).toBe(0);
      expect(JSON.parse(tenant.stdout)).toMatchObject({ source: 'tenant', policies: 21, workloadsWithoutPolicy: ['a workload identity of the tenant'] });
      const live = await runNode(CLI, ['coverage', '--live', '--live-user', 'adele.vance@contoso.onmicrosoft.com', '--graph-url', emulator.url, '--format', 'json'], { cwd, env });
      expect(live.status).toBe(0);
      const out = JSON.parse(live.stdout);
      expect(out.live.checked).toBeGreaterThan(0);
      // Adele is in Finance in the tenant; "an ordinary member" is in no group: Graph applies CA015 to her.
      expect(out.live.disagreements).toEqual(expect.arrayContaining([expect.objectContaining({ policy: 'CA015 - Require phishing-resistant MFA for highly confidential data', graph: 'applies' })]));
      expect(live.stderr).toMatch(/caac: \d+ Graph request\(s\)/);
    });
  });
});
