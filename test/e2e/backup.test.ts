/**
 * caac backup end to end: the bundled CLI and the bundled action against the emulator's sample
 * tenant, run as child processes; the backup is then validated and planned by the same bundle.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { parseOutputFile, runCompositeAction } from './runner.js';
import { runNode } from './helpers.js';

const CLI = resolve('dist/cli.js');
const ACTION = resolve('dist/action.js');
const COMPOSITE = resolve('actions/backup/action.yml');

let emulator: RunningEmulator;

beforeEach(async () => {
  emulator = await startEmulator({ seed: 'sample' });
});
afterEach(async () => {
  await emulator.stop();
});

const run = runNode;

const connection = () => ['--graph-url', emulator.url, '--rate-limit', '50'];
const env = () => ({ CAAC_ACCESS_TOKEN: 'e2e' });

function files(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const folder of ['policies', 'named-locations', 'authentication-strengths']) {
    for (const name of readdirSync(join(root, folder))) out[`${folder}/${name}`] = readFileSync(join(root, folder, name), 'utf8');
  }
  return out;
}

describe('caac backup (bundled CLI)', () => {
  test('backs up the sample tenant; validate is clean; plan finds no change; a second backup changes nothing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'caac-backup-e2e-'));
    mkdirSync(join(cwd, 'backup'));
    writeFileSync(join(cwd, 'backup', 'README.md'), 'mine\n');

    const first = await run(CLI, ['backup', '--out', 'backup', ...connection()], { cwd, env: env() });
    expect(first.stderr).not.toContain('e2e');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('wrote   backup/policies/ca001-block-legacy-authentication.json');
    expect(first.stdout).toMatch(/^Backup: 25 added, 0 changed, 0 removed, 0 unchanged \(\d+ Graph requests\)$/m);
    const bytes = files(join(cwd, 'backup'));

    const validate = await run(CLI, ['validate', '--dir', 'backup'], { cwd, env: env() });
    expect(validate.status).toBe(0);
    const plan = await run(CLI, ['plan', '--dir', 'backup', '--detailed-exitcode', ...connection()], { cwd, env: env() });
    expect(plan.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 25 unchanged');
    expect(plan.status).toBe(0);

    const second = await run(CLI, ['backup', '--out', 'backup', ...connection()], { cwd, env: env() });
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/^Backup: 0 added, 0 changed, 0 removed, 25 unchanged/m);
    expect(second.stdout).not.toContain('wrote');
    expect(files(join(cwd, 'backup'))).toEqual(bytes);
    expect(readFileSync(join(cwd, 'backup', 'README.md'), 'utf8')).toBe('mine\n');
  });

  test('--ids writes raw ids', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'caac-backup-e2e-'));
    const r = await run(CLI, ['backup', '--out', 'b', '--ids', ...connection()], { cwd, env: env() });
    expect(r.status).toBe(0);
    expect(Object.values(files(join(cwd, 'b'))).join('')).not.toContain('group:');
  });

  test('no credentials: exit 2 (a settings mistake) with what to set, not a stack trace', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'caac-backup-e2e-'));
    const r = await run(CLI, ['backup', '--out', 'b', '--graph-url', emulator.url], { cwd, env: {} });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/caac: .*(CAAC_ACCESS_TOKEN|--auth)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('backup step of the bundled action', () => {
  function actionEnv(cwd: string): { env: Record<string, string>; outputs: string; summary: string } {
    const outputs = join(cwd, 'outputs');
    const summary = join(cwd, 'summary');
    writeFileSync(outputs, '');
    writeFileSync(summary, '');
    return {
      outputs,
      summary,
      env: {
        INPUT_COMMAND: 'backup',
        INPUT_OUT: 'conditional-access',
        'INPUT_GRAPH-URL': emulator.url,
        CAAC_ACCESS_TOKEN: 'e2e',
        GITHUB_OUTPUT: outputs,
        GITHUB_STEP_SUMMARY: summary,
        RUNNER_TEMP: cwd,
      },
    };
  }

  test('outputs changed, the summary by name and the folder; unchanged on the next run', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'caac-backup-action-'));
    const first = actionEnv(cwd);
    const r1 = await run(ACTION, [], { cwd, env: first.env });
    expect(r1.status).toBe(0);
    const out1 = parseOutputFile(readFileSync(first.outputs, 'utf8'));
    expect(out1['changed']).toBe('true');
    expect(out1['out']).toBe('conditional-access');
    expect(out1['summary']).toContain('**Added** (25)');
    expect(out1['summary']).toContain('- CA001 - Block legacy authentication');
    expect(readFileSync(first.summary, 'utf8')).toContain('Backup: 25 added, 0 changed, 0 removed, 0 unchanged');

    const second = actionEnv(cwd);
    const r2 = await run(ACTION, [], { cwd, env: second.env });
    expect(r2.status).toBe(0);
    const out2 = parseOutputFile(readFileSync(second.outputs, 'utf8'));
    expect(out2['changed']).toBe('false');
    expect(out2['summary']).toContain('No change since the last backup.');
  });
});

describe('actions/backup (composite)', () => {
  let server: ChildProcess | undefined;
  afterEach(() => {
    server?.kill();
    server = undefined;
  });

  /** The composite runner is synchronous: the emulator must live in another process. */
  async function emulatorProcess(): Promise<string> {
    server = spawn(process.execPath, [CLI, 'emulator', '--seed', 'sample', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise((ok, fail) => {
      let text = '';
      server!.stdout!.on('data', (c: Buffer) => {
        text += c.toString();
        const url = /listening on (http:\/\/\S+)/.exec(text);
        if (url) ok(url[1]!);
      });
      server!.on('exit', (code) => fail(new Error(`the emulator exited with ${code}: ${text}`)));
    });
  }

  test('every input goes through env:, and the outputs map', async () => {
    const url = await emulatorProcess();
    const cwd = mkdtempSync(join(tmpdir(), 'caac-backup-composite-'));
    const r = runCompositeAction(COMPOSITE, { out: 'ca-backup', 'graph-url': url }, { cwd, env: { CAAC_ACCESS_TOKEN: 'e2e' } });
    expect(r.status).toBe(0);
    expect(r.outputs['changed']).toBe('true');
    expect(r.outputs['out']).toBe('ca-backup');
    expect(r.outputs['summary']).toContain('**Added** (25)');
    expect(readdirSync(join(cwd, 'ca-backup', 'policies')).length).toBe(21);
  });
});
