/**
 * `caac what-if` as a user runs it: the bundled CLI in a child process, offline on a copy of the
 * example repository (text and the JSON contract), its mistakes (exit 2), and --tenant / --live
 * against the sample tenant in an emulator process.
 */
import { resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyExample, runNode, useCliEmulator } from './helpers.js';

const CLI = resolve('dist/cli.js');
const MEMBER = ['--user', 'adele.vance@contoso.onmicrosoft.com', '--member-of', 'Finance', '--app', 'Office365', '--client-app-type', 'browser', '--platform', 'windows', '--ip', '203.0.113.10'];

describe('caac what-if (bundled CLI)', () => {
  const cwd = copyExample('caac-whatif-');

  test('offline, text: the outcome, the deciding policies, and what was assumed', async () => {
    const r = await runNode(CLI, ['what-if', ...MEMBER], { cwd });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("caac what-if (the repository's policies)\noutcome: GRANT, requires mfa\napplied (1):\n  \"CA002 - Require multifactor authentication for all users\"\n");
    expect(r.stdout).toContain('report-only, would apply, not enforced (1):\n  "CA006 - Require compliant or hybrid joined device"');
    expect(r.stdout).toContain('  signInRisk: none (no risk detected) ("CA007 - Require MFA for medium and high sign-in risk")');
  });

  test('offline, JSON: the README contract', async () => {
    const r = await runNode(CLI, ['what-if', ...MEMBER, '--role', 'Global Administrator', '--format', 'json'], { cwd });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['source', 'outcome', 'grant', 'session', 'applied', 'blockedBy', 'reportOnly', 'notApplied', 'assumptions']);
    expect(out).toMatchObject({
      source: 'repository',
      outcome: 'grant',
      grant: { operator: 'AND', controls: ['mfa'], authenticationStrength: ['authStrength:Phishing-resistant MFA (custom)'], anyOf: [] },
      session: { persistentBrowser: 'never' },
      blockedBy: [],
    });
    expect(out.notApplied[0]).toEqual({ name: 'CA001 - Block legacy authentication', reason: 'client app type not included (browser)' });
  });

  test('a device from --device-json: a compliant Windows device; a property filters do not know is refused', async () => {
    writeFileSync(join(cwd, 'device.json'), JSON.stringify({ isCompliant: true, trustType: 'AzureAD' }));
    const ok = await runNode(CLI, ['what-if', ...MEMBER, '--device-json', 'device.json', '--format', 'json'], { cwd });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).assumptions.map((a: { input: string }) => a.input)).not.toContain('device');
    writeFileSync(join(cwd, 'bad-device.json'), JSON.stringify({ colour: 'red' }));
    const bad = await runNode(CLI, ['what-if', ...MEMBER, '--device-json', 'bad-device.json'], { cwd });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--device-json bad-device.json: "colour" is not a device property filters read');
  });

  test.each([
    [['--app', 'Office365'], 'what-if needs who signs in: --user REF (with --member-of, --role, --guest) or --workload REF'],
    [['--user', 'a@b.c'], 'what-if needs exactly one of --app REF, --user-action URN, --auth-context ID'],
    [['--user', 'a@b.c', '--app', 'X', '--ip', '300.1.1.1'], '--ip takes an IPv4 or IPv6 address, not "300.1.1.1"'],
    [['--user', 'a@b.c', '--app', 'X', '--platform', 'amiga'], '--platform takes one of android, iOS, windows, windowsPhone, macOS, linux, not "amiga"'],
    [['--user', 'a@b.c', '--auth-context', 'c100'], '--auth-context takes c1 to c99, not "c100"'],
  ])('a mistake in the flags exits 2 and says which: %j', async (args, message) => {
    const r = await runNode(CLI, ['what-if', ...args], { cwd });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`caac: ${message}\n`);
  });

  describe('against the sample tenant', () => {
    const emulator = useCliEmulator(['--seed', 'sample', '--port', '0']);

    test('--tenant: references resolved to ids, the same verdict as the repository; --live: Graph agrees', async () => {
      const env = { CAAC_ACCESS_TOKEN: 't' };
      const args = ['what-if', ...MEMBER.filter((a) => a !== 'Office365' && a !== '--app'), '--app', 'Office 365 SharePoint Online', '--graph-url', emulator.url, '--format', 'json'];
      const tenant = await runNode(CLI, [...args, '--tenant'], { cwd, env });
      expect(tenant.status).toBe(0);
      expect(JSON.parse(tenant.stdout)).toMatchObject({ source: 'tenant', outcome: 'grant', applied: ['CA002 - Require multifactor authentication for all users'] });
      expect(tenant.stderr).toContain('caac: 4 Graph request(s)');
      const live = await runNode(CLI, [...args, '--live'], { cwd, env });
      expect(live.status).toBe(0);
      expect(JSON.parse(live.stdout).live).toEqual({ policies: 21, disagreements: [] });
    });

    test('without --tenant, a Graph URL is a mistake: what-if is offline by default', async () => {
      const r = await runNode(CLI, ['what-if', ...MEMBER, '--graph-url', emulator.url], { cwd });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('add --tenant');
    });
  });
});
