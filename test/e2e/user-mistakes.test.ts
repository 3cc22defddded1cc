/**
 * The user's mistakes are configuration errors: exit 2, one line that names the flag and the fix,
 * found before any Graph request (the emulator counts them), never "a bug in caac". The bundled
 * CLI as a child process.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { runNode, type ChildResult } from './helpers.js';

const CLI = resolve('dist/cli.js');
const EXAMPLE = resolve('examples/conditional-access');

let emulator: RunningEmulator;
beforeEach(async () => {
  emulator = await startEmulator({ seed: 'sample' });
});
afterEach(async () => {
  await emulator.stop();
});

const graph = () => ['--graph-url', emulator.url, '--rate-limit', '50'];

/** A working directory holding a file `plan.json` and a folder `reports/`. */
function workdir(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'caac-mistakes-'));
  writeFileSync(join(cwd, 'plan.json'), '{}\n');
  mkdirSync(join(cwd, 'reports'));
  return cwd;
}

function expectConfigurationError(r: ChildResult, message: RegExp): void {
  expect(r.stderr).not.toContain('bug in caac');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  // One line, naming the flag (after the sign-in progress line, where the run got that far).
  const lines = r.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('caac: signing in with '));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(r.status).toBe(2);
}

const cases: { name: string; args: () => string[]; message: RegExp }[] = [
  { name: 'plan --out into a folder that does not exist', args: () => ['plan', '--dir', EXAMPLE, ...graph(), '--out', 'missing/plan.json'], message: /^caac: --out missing\/plan\.json: the folder missing does not exist; create it first/ },
  { name: 'plan --out naming a folder', args: () => ['plan', '--dir', EXAMPLE, ...graph(), '--out', 'reports'], message: /^caac: --out reports: that is a folder; give a file name/ },
  { name: 'plan --markdown under a file', args: () => ['plan', '--dir', EXAMPLE, ...graph(), '--markdown', 'plan.json/plan.md'], message: /^caac: --markdown plan\.json\/plan\.md: plan\.json is a file, not a folder/ },
  { name: 'backup --out under a file', args: () => ['backup', '--out', 'plan.json/backup', ...graph()], message: /^caac: --out plan\.json\/backup: \S*plan\.json is a file, not a folder/ },
  { name: 'apply --snapshot-dir under a file', args: () => ['apply', '--auto-approve', '--dir', EXAMPLE, ...graph(), '--snapshot-dir', 'plan.json/snap'], message: /^caac: --snapshot-dir plan\.json\/snap: \S*plan\.json is a file, not a folder/ },
  { name: 'restore --snapshot-dir under a file', args: () => ['restore', '--from', EXAMPLE, '--auto-approve', ...graph(), '--snapshot-dir', 'plan.json/snap'], message: /^caac: --snapshot-dir plan\.json\/snap: \S*plan\.json is a file, not a folder/ },
];

describe('an output path that cannot be written: exit 2 before any Graph request', () => {
  test.each(cases)('$name', async ({ args, message }) => {
    const r = await runNode(CLI, args(), { cwd: workdir(), env: { CAAC_ACCESS_TOKEN: 'e2e' } });
    expectConfigurationError(r, message);
    expect(emulator.requests().total).toBe(0);
  });

  test('plan --detailed-exitcode keeps 2 for "changes": the same mistake exits 1, with the same line', async () => {
    const r = await runNode(CLI, ['plan', '--dir', EXAMPLE, ...graph(), '--detailed-exitcode', '--out', 'missing/plan.json'], { cwd: workdir(), env: { CAAC_ACCESS_TOKEN: 'e2e' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^caac: --out missing\/plan\.json: the folder missing does not exist/);
    expect(emulator.requests().total).toBe(0);
  });

  test('validate --output into a folder that does not exist', async () => {
    const r = await runNode(CLI, ['validate', '--dir', EXAMPLE, '--output', 'missing/report.sarif', '--format', 'sarif'], { cwd: workdir() });
    expectConfigurationError(r, /^caac: --output missing\/report\.sarif: the folder missing does not exist/);
    expect(r.stdout).toBe('');
  });

  test('a writable path still works (the check does not refuse what it should allow)', async () => {
    const cwd = workdir();
    const r = await runNode(CLI, ['plan', '--dir', EXAMPLE, ...graph(), '--out', 'reports/plan.json', '--markdown', 'plan.md'], { cwd, env: { CAAC_ACCESS_TOKEN: 'e2e' } });
    expect(r.stderr).not.toContain('caac: --');
    expect(r.status).toBe(0);
  });
});

describe('caac emulator: a seed or state file that cannot be used', () => {
  test('a missing --seed file: exit 2, one line, before listening', async () => {
    const r = await runNode(CLI, ['emulator', '--seed', 'tenant.json'], { cwd: workdir() });
    expectConfigurationError(r, /^caac: --seed tenant\.json: no such file; give the path of a tenant fixture JSON file, "sample", or "big\[:policies:references\[:seed\]\]"$/m);
    expect(r.stdout).not.toContain('listening');
  });

  test('a --seed that is a folder: exit 2', async () => {
    const r = await runNode(CLI, ['emulator', '--seed', 'reports'], { cwd: workdir() });
    expectConfigurationError(r, /^caac: --seed reports: that is not a file/);
  });

  test('a --state file in a folder that does not exist: exit 2', async () => {
    const r = await runNode(CLI, ['emulator', '--seed', 'sample', '--state', 'missing/state.json'], { cwd: workdir() });
    expectConfigurationError(r, /^caac: --state missing\/state\.json: the folder missing does not exist/);
  });
});

describe('caac backup: a folder caac writes that is in the way', () => {
  test('--out/policies is a file: exit 2 before any Graph request, nothing written', async () => {
    const cwd = workdir();
    mkdirSync(join(cwd, 'backup'));
    writeFileSync(join(cwd, 'backup', 'policies'), 'not a folder\n');
    const r = await runNode(CLI, ['backup', '--out', 'backup', ...graph()], { cwd, env: { CAAC_ACCESS_TOKEN: 'e2e' } });
    expectConfigurationError(r, /^caac: \S*backup\/policies is a file, not a folder: caac backup needs it to be a folder/);
    expect(emulator.requests().total).toBe(0);
  });
});
