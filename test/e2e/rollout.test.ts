/**
 * caac rollout end to end: the bundled CLI as a child process against the emulator's sample tenant
 * and its seeded sign-in log, on a copy of examples/conditional-access/; and actions/rollout's
 * script with a local git remote and a stand-in `gh` that records what it was asked.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { copyExample, runNode } from './helpers.js';

const CLI = resolve('dist/cli.js');
const CA014 = 'CA014 - Require app protection on mobile devices (pilot)';
const CA006 = 'CA006 - Require compliant or hybrid joined device';

let emulator: RunningEmulator;
const made: string[] = [];
const example = (prefix: string): string => {
  const cwd = copyExample(prefix);
  made.push(cwd, `${cwd}-remote.git`, `${cwd}-bin`);
  return cwd;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
beforeEach(async () => {
  emulator = await startEmulator({ seed: 'sample' });
});
afterEach(async () => {
  await emulator.stop();
});

const env = { CAAC_ACCESS_TOKEN: 'e2e' };
const conn = () => ['--graph-url', emulator.url, '--rate-limit', '50'];

test('status --format json, advance --check refused (exit 4, nothing edited), advance --check done (exit 0, PR body)', async () => {
  const cwd = example('caac-e2e-rollout-');
  const status = await runNode(CLI, ['rollout', 'status', '--format', 'json', ...conn()], { cwd, env });
  expect(status.status).toBe(0);
  const parsed = JSON.parse(status.stdout) as { formatVersion: number; policies: { displayName: string; gates: { pass: boolean } }[] };
  expect(parsed.policies.map((p) => [p.displayName, p.gates.pass])).toEqual([[CA014, true]]);

  const settings = join(cwd, 'conditional-access', 'caac.yml');
  const before = readFileSync(settings, 'utf8');
  const refused = await runNode(CLI, ['rollout', 'advance', CA006, '--check', ...conn()], { cwd, env });
  expect(refused.status).toBe(4);
  expect(refused.stdout).toContain('not advanced');
  expect(readFileSync(settings, 'utf8')).toBe(before);

  const done = await runNode(CLI, ['rollout', 'advance', CA014, '--check', '--body', 'body.md', ...conn()], { cwd, env });
  expect(done.status).toBe(0);
  expect(readFileSync(join(cwd, 'body.md'), 'utf8')).toContain('## Rollout: advance CA014');
  expect(readFileSync(settings, 'utf8')).not.toBe(before);

  const bad = await runNode(CLI, ['rollout', 'status', '--since', 'a week', ...conn()], { cwd, env });
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/--since "a week" is not a duration/);
});

/** bash as an async child (the in-process emulator must keep answering while it runs). */
function bash(script: string, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ status: number | null; stderr: string }> {
  return new Promise((ok) => {
    const child = spawn('bash', [script], options);
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.resume();
    child.on('close', (status) => ok({ status, stderr }));
  });
}

test('actions/rollout: one branch and one pull request for the policy whose gates pass, none for the other', async () => {
  const cwd = example('caac-e2e-rollout-action-');
  const git = (...args: string[]) => spawnSync('git', args, { cwd, encoding: 'utf8' });
  const remote = `${cwd}-remote.git`;
  spawnSync('git', ['init', '-q', '--bare', remote]);
  git('init', '-q', '-b', 'main');
  git('add', 'conditional-access');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'init');
  git('remote', 'add', 'origin', remote);
  git('push', '-q', 'origin', 'main');
  const bin = `${cwd}-bin`;
  mkdirSync(bin);
  const ghLog = join(bin, 'gh.log');
  writeFileSync(join(bin, 'gh'), `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >> "${ghLog}"\n`);
  chmodSync(join(bin, 'gh'), 0o755);
  const output = join(bin, 'output');
  const r = await bash(resolve('actions/rollout/rollout.sh'), {
    cwd,
    env: {
      ...process.env, ...env, PATH: `${bin}:${process.env['PATH']}`, GITHUB_ACTION_PATH: resolve('actions/rollout'), RUNNER_TEMP: bin,
      GITHUB_STEP_SUMMARY: join(bin, 'summary.md'), GITHUB_OUTPUT: output, CAAC_DIR: 'conditional-access', CAAC_SINCE: '7d', CAAC_MAX_PAGES: '20',
      CAAC_BASE: 'main', CAAC_DRY_RUN: 'false', GH_TOKEN: 'x', CAAC_AUTH: 'token', CAAC_CLOUD: 'global', CAAC_GRAPH_URL: emulator.url,
    },
  });
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.status).toBe(0);
  expect(readFileSync(output, 'utf8')).toBe('opened=1\n');
  const branches = spawnSync('git', ['branch', '--list'], { cwd: remote, encoding: 'utf8' }).stdout;
  expect(branches).toContain('caac/rollout/ca014-require-app-protection-on-mobile-devices-pilot');
  const calls = readFileSync(ghLog, 'utf8');
  expect(calls).toContain(`pr create --base main --head caac/rollout/ca014-require-app-protection-on-mobile-devices-pilot --title Rollout: advance ${CA014} --body-file`);
  expect(calls).not.toContain('CA006');
  expect(readFileSync(join(bin, 'summary.md'), 'utf8')).toContain('## caac rollout status');
});
