import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { copyExample, GOOD_POLICY, writeRepo } from './helpers.js';

const CLI = resolve('dist/cli.js');

/** Starts `caac emulator` and resolves with its URL once it printed the listening line. */
function startCli(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; url: string }> {
  const child = spawn(process.execPath, [CLI, 'emulator', ...args]);
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^caac emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m) ok({ child, url: m[1]! });
    });
    child.on('exit', (code) => fail(new Error(`emulator exited ${code}: ${out}`)));
  });
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((ok) => child.on('exit', (code) => ok(code)));
}

const auth = { authorization: 'Bearer test' };

describe('caac emulator (bundled CLI)', () => {
  test('prints one listening line, serves Graph, and on SIGTERM flushes state and exits 0', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'caac-emu-')), 'tenant.json');
    const { child, url } = await startCli(['--port', '0', '--seed', 'sample', '--state', state]);
    const list = await fetch(`${url}/v1.0/identity/conditionalAccess/policies`, { headers: auth });
    expect(list.status).toBe(200);
    const created = await fetch(`${url}/v1.0/identity/conditionalAccess/namedLocations`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ '@odata.type': '#microsoft.graph.countryNamedLocation', displayName: 'Restart check', countriesAndRegions: ['NL'] }),
    });
    expect(created.status).toBe(201);
    const exited = exitOf(child);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(state)).toBe(true);
    expect(readFileSync(state, 'utf8')).toContain('Restart check');

    // Started again on the same state file, the tenant is as it was left.
    const again = await startCli(['--state', state]);
    const locations = (await (await fetch(`${again.url}/v1.0/identity/conditionalAccess/namedLocations`, { headers: auth })).json()) as {
      value: { displayName: string }[];
    };
    expect(locations.value.map((l) => l.displayName)).toContain('Restart check');
    const stopped = exitOf(again.child);
    again.child.kill('SIGINT');
    expect(await stopped).toBe(0);
  });

  test('bound beyond loopback, it warns on stderr that the admin endpoints have no authentication; on loopback it does not', async () => {
    for (const [host, warns] of [['0.0.0.0', true], ['127.0.0.1', false]] as const) {
      const child = spawn(process.execPath, [CLI, 'emulator', '--host', host, '--port', '0']);
      let out = '';
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const port = await new Promise<string>((ok, fail) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /^caac emulator listening on http:\/\/[^\s]+:(\d+)$/m.exec(out);
          if (m) ok(m[1]!);
        });
        child.on('exit', (code) => fail(new Error(`emulator exited ${code}: ${out}${err}`)));
      });
      // Served without a token, from this machine.
      expect(await (await fetch(`http://127.0.0.1:${port}/_emulator/health`)).json()).toMatchObject({ status: 'ok' });
      const exited = exitOf(child);
      child.kill('SIGTERM');
      expect(`${host} exit ${await exited}`).toBe(`${host} exit 0`);
      if (warns) expect(err).toMatch(/^warning: --host 0\.0\.0\.0 binds the emulator beyond loopback\. The emulator's admin endpoints \(\/_emulator\/…\) have no authentication: anyone who can reach http:\/\/0\.0\.0\.0:\d+ can read and replace the tenant/);
      else expect(err).toBe('');
    }
  });

  test('bad flags and a busy port exit 2 with a message', async () => {
    const faults = spawnSync(process.execPath, [CLI, 'emulator', '--faults', 'rate=2'], { encoding: 'utf8' });
    expect(faults.status).toBe(2);
    expect(faults.stderr).toMatch(/--faults: /);
    const port = spawnSync(process.execPath, [CLI, 'emulator', '--port', 'abc'], { encoding: 'utf8' });
    expect(port.status).toBe(2);
    expect(port.stderr).toMatch(/--port takes a whole number/);

    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', () => ok()));
    const busy = (blocker.address() as { port: number }).port;
    const r = spawnSync(process.execPath, [CLI, 'emulator', '--port', String(busy)], { encoding: 'utf8' });
    blocker.close();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/already in use/);
  });
});

describe('caac demo (bundled CLI)', () => {
  test('runs the pipeline against the embedded emulator from any directory, exits 0, and leaves nothing behind', () => {
    // Its own temp folder and working directory: whatever the demo leaves there is litter.
    const temp = mkdtempSync(join(tmpdir(), 'caac-demo-temp-'));
    const cwd = mkdtempSync(join(tmpdir(), 'caac-demo-cwd-'));
    const r = spawnSync(process.execPath, [CLI, 'demo'], { cwd, encoding: 'utf8', env: { ...process.env, TMPDIR: temp, TMP: temp, TEMP: temp } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(temp); // the backup folder it showed was in that temp folder
    expect(readdirSync(temp)).toEqual([]);
    expect(readdirSync(cwd)).toEqual([]);
    expect(r.stdout).toMatch(/Step 1\/\d+ +start the Graph emulator/);
    expect(r.stdout).toMatch(/caac validate --dir .*examples\/conditional-access/);
    expect(r.stdout).toMatch(/0 errors/);
    expect(r.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 25 unchanged');
    // The drift made in step 4 shows in step 5.
    expect(r.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete, 24 unchanged');
    // Step 6 applies it, and step 7 plans no changes again.
    expect(r.stdout).toContain('Apply: 1 applied, 0 failed, 0 not attempted; read back: matches the plan');
    expect(r.stdout.split('Step 7/17')[1]!.split('Step 8/17')[0]).toContain('No changes.');
    // Steps 8 and 9: a backup, planned against the tenant, shows no changes.
    expect(r.stdout).toMatch(/Backup: 25 added, 0 changed, 0 removed, 0 unchanged/);
    expect(r.stdout.split('Step 9/17')[1]!.split('Step 10/17')[0]).toContain('No changes.');
    // Steps 10 to 12: the contingency set goes on, a plan made meanwhile holds it, then it goes off.
    expect(r.stdout.split('Step 10/17')[1]!.split('Step 11/17')[0]).toMatch(/outage-mfa: ACTIVE since/);
    const during = r.stdout.split('Step 11/17')[1]!.split('Step 12/17')[0]!;
    expect(during).toMatch(/Contingency \(1 set active in the tenant\):\n +outage-mfa: active since \S+; 3 held/);
    expect(during).toContain('No changes to apply. The tenant matches the repository, except for 3 policies held by an active contingency set');
    expect(r.stdout.split('Step 12/17')[1]!.split('Step 13/17')[0]).toMatch(/outage-mfa: inactive/);
    // Steps 13 and 14: a policy deleted in the portal is restored from the recycle bin while Graph
    // loses the restore's answer and its lists lag: looked up by id, never sent twice, one copy.
    const restored = r.stdout.split('Step 14/17')[1]!;
    expect(r.stdout.split('Step 13/17')[1]!.split('Step 14/17')[0]).toMatch(/is in deleted items \(the recycle bin\): restore from deleted items, keeping its id/);
    expect(restored).toMatch(/the answer to the restore of policy "CA001 - Block legacy authentication" \([0-9a-f-]+\) was lost .*looking for it by id, without sending it again/);
    expect(restored).toContain('✓ restore policy "CA001 - Block legacy authentication" from deleted items');
    expect(restored).toMatch(/"CA001 - Block legacy authentication": 1 copy in the tenant, id [0-9a-f-]+ \(its old id\)/);
    // Step 15: a portal edit by mallory@contoso.com; caac drift names her, and the way back puts the tenant back.
    const drift = r.stdout.split('Step 15/17')[1]!.split('Step 16/17')[0]!;
    expect(drift).toMatch(/caac drift: tenant \S+, folder .*: 1 drifted object \(1 changed, 0 added, 0 removed\)/);
    expect(drift).toMatch(/\/state: repository "enabledForReportingButNotEnforced" → tenant "enabled"/);
    expect(drift).toMatch(/who: \S+ Update conditional access policy by mallory@contoso\.com \[state\]/);
    expect(drift).not.toContain('by app caac emulator client'); // the earlier steps' edits are before the window
    expect(drift).toContain('Apply: 1 applied, 0 failed, 0 not attempted; read back: matches the plan');
    // Step 16: the repository promoted to a second emulated tenant by environment.
    const promoted = r.stdout.split('Step 16/17')[1]!;
    expect(promoted).toContain('caac plan · environment prod · tenant d0c0ffee-5eed-4a11-8b0b-000000000002');
    expect(promoted).toContain('Plan: 1 to create, 0 to update, 0 to delete, 24 unchanged');
    expect(promoted).toContain('Apply: 1 applied, 0 failed, 0 not attempted; read back: matches the plan');
    expect(promoted).toMatch(/prod matches the repository: 25 unchanged/);
    // Step 17: staged rollout on a copy: CA014 passes its gates on the seeded sign-ins and is enforced on the pilot ring.
    const rollout = r.stdout.split('Step 17/17')[1]!;
    expect(rollout).toMatch(/## Rollout: advance CA014 - Require app protection on mobile devices \(pilot\)/);
    expect(rollout).toContain('**report-only on ring pilot** → **enabled on ring pilot**');
    expect(rollout).toContain('| Users blocked / affected | 0 / 2 |');
    expect(rollout).toMatch(/includes only: group:CA-Pilot \(exclusions unchanged\)/);
  });
});

describe('caac demo --dir (bundled CLI)', () => {
  /** Every file under a folder with its content: the demo must leave the repository it is given as it was. */
  const contents = (root: string): Record<string, string> =>
    Object.fromEntries(
      readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => [join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name), 'utf8')]),
    );

  test('runs the same story on a copy of the example repository, and leaves the copy as it was', () => {
    const cwd = copyExample('caac-demo-dir-');
    const before = contents(join(cwd, 'conditional-access'));
    const r = spawnSync(process.execPath, [CLI, 'demo', '--dir', 'conditional-access'], { cwd, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Step 2/17  caac validate --dir conditional-access\n');
    expect(r.stdout).toMatch(/Step 3\/17 {2}caac plan --dir conditional-access --graph-url http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 25 unchanged');
    // The edit is a policy the repository describes; the contingency set is the one its caac.yml defines.
    expect(r.stdout).toMatch(/Step 4\/17 {2}someone edits the tenant in the portal: the report-only policy "CA\d{3} - [^"]+" is switched on/);
    expect(r.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete, 24 unchanged');
    expect(r.stdout).toContain('Step 10/17 an outage: caac contingency activate outage-mfa\n');
    expect(r.stdout).toContain('outage-mfa: Multifactor authentication is unavailable (an MFA provider or Entra outage).');
    expect(r.stdout.split('Step 11/17')[1]!.split('Step 12/17')[0]).toMatch(/outage-mfa: active since \S+; 3 held/);
    expect(r.stdout).toMatch(/: 1 copy in the tenant, id [0-9a-f-]+ \(its old id\)/);
    expect(contents(join(cwd, 'conditional-access'))).toEqual(before);
  });

  test('on a repository with its own policies and contingency set, the tenant takes it first, and the set named in its caac.yml is switched', () => {
    const cwd = writeRepo({
      'ca/caac.yml': 'emergencyAccess:\n  groups: ["group:CA-BreakGlass"]\ncontingency:\n  token-outage:\n    description: Tokens cannot be issued. Second sentence.\n    activate: ["Ours - Standby"]\n',
      'ca/policies/live.json': { ...GOOD_POLICY, displayName: 'Ours - Live', state: 'enabledForReportingButNotEnforced', conditions: { ...GOOD_POLICY.conditions, users: { includeUsers: ['All'], excludeGroups: ['group:CA-BreakGlass'] } } },
      'ca/policies/standby.json': { ...GOOD_POLICY, displayName: 'Ours - Standby', state: 'disabled', conditions: { ...GOOD_POLICY.conditions, users: { includeUsers: ['All'], excludeGroups: ['group:CA-BreakGlass'] } } },
    });
    const r = spawnSync(process.execPath, [CLI, 'demo', '--dir', 'ca'], { cwd, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Plan: 2 to create, 0 to update, 0 to delete, 0 unchanged; 25 not managed here');
    expect(r.stdout).toContain("caac apply --auto-approve: the emulator's tenant takes the repository");
    expect(r.stdout).toContain('someone edits the tenant in the portal: the report-only policy "Ours - Live" is switched on');
    expect(r.stdout).toContain('Step 10/17 an outage: caac contingency activate token-outage\n');
    expect(r.stdout).toContain('token-outage: Tokens cannot be issued.\n');
    expect(r.stdout).toMatch(/token-outage: active since \S+; 1 held/);
    expect(r.stdout).toMatch(/Step 12\/17 .*token-outage/);
  });

  test('on a repository with no policies and no contingency set, says which steps it skips, and still exits 0', () => {
    const cwd = writeRepo({ 'empty/policies/.gitkeep': '' });
    const r = spawnSync(process.execPath, [CLI, 'demo', '--dir', 'empty'], { cwd, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Step 4/17  someone edits the tenant in the portal: skipped, no policy of the repository is in the tenant to edit');
    expect(r.stdout).toContain('Step 10/17 an outage: caac contingency activate … skipped, the repository defines no contingency set');
    expect(r.stdout).toMatch(/Step 14\/17 .*\n[^]*: 1 copy in the tenant, id [0-9a-f-]+ \(its old id\)/);
  });

  test('a --dir that is not a folder is a usage error that names it, before any emulator starts', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'caac-demo-nodir-'));
    const r = spawnSync(process.execPath, [CLI, 'demo', '--dir', 'missing'], { cwd, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--dir missing: no such folder');
    expect(r.stdout).toBe('');
  });
});

