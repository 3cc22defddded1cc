/**
 * caac new and caac validate --fix as a user runs them: the bundled CLI as a child process, the
 * templates read from an in-process emulator over loopback.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, chmodSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { copyExample, runNode, writeRepo } from './helpers.js';

const CLI = resolve('dist/cli.js');
let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ seed: 'sample' });
});
afterAll(() => emu.stop());

function caac(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('caac new (bundled CLI)', () => {
  test('--list, then a template into the repository: validate and plan show it as one create', async () => {
    const cwd = copyExample('caac-e2e-new-');
    const env = { CAAC_ACCESS_TOKEN: 't' };
    const list = await runNode(CLI, ['new', '--list', '--scenario', 'protectAdmins', '--graph-url', emu.url], { cwd, env });
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/Block legacy authentication {2}\[secureFoundation, zeroTrust, remoteWork, protectAdmins\]/);
    const noName = await runNode(CLI, ['new', '--template', 'Block legacy authentication', '--graph-url', emu.url], { cwd, env });
    expect(noName.status).toBe(2);
    expect(noName.stderr).toContain('pass --name "…" (it must match naming.pattern "^CA\\d{3} - " of caac.yml)');
    const made = await runNode(CLI, ['new', '--template', 'Block legacy authentication', '--name', 'CA100 - Block legacy authentication', '--graph-url', emu.url], { cwd, env });
    expect(made.stderr).not.toContain('error');
    expect(made.status).toBe(0);
    expect(made.stdout).toContain('wrote conditional-access/policies/ca100-block-legacy-authentication.json');
    expect(caac(['validate'], cwd).status).toBe(0);
    const plan = await runNode(CLI, ['plan', '--graph-url', emu.url, '--out', 'plan.json'], { cwd, env });
    expect(plan.stdout).toContain('CA100 - Block legacy authentication');
    const operations = (JSON.parse(readFileSync(join(cwd, 'plan.json'), 'utf8')) as { operations: { action: string; displayName: string }[] }).operations.filter((o) => o.action !== 'noop');
    expect(operations).toEqual([expect.objectContaining({ action: 'create', displayName: 'CA100 - Block legacy authentication' })]);
  });
});

describe('caac validate --fix (bundled CLI)', () => {
  test('the seed templates: --dry-run shows the diff and writes nothing (exit 1), --fix repairs them; only the invalid file and the duplicated names remain', () => {
    const cwd = writeRepo({});
    cpSync(resolve('../shared/corpus/seed-templates'), join(cwd, 'seeds'), { recursive: true });
    for (const name of readdirSync(join(cwd, 'seeds'))) chmodSync(join(cwd, 'seeds', name), 0o644);
    const file = join(cwd, 'seeds', 'template-require-mfa-b2b-users.json');
    const original = readFileSync(file, 'utf8');
    const dry = caac(['validate', '--fix', '--dry-run', '--dir', 'seeds'], cwd);
    expect(dry.status).toBe(1);
    expect(dry.stdout).toContain('--- a/seeds/template-require-mfa-b2b-users.json\n+++ b/seeds/template-require-mfa-b2b-users.json\n');
    expect(dry.stdout).toContain('-        "clientAppTypes": [],\n+        "clientAppTypes": [\n+            "all"\n+        ],');
    expect(readFileSync(file, 'utf8')).toBe(original);
    const fixed = caac(['validate', '--fix', '--dir', 'seeds', '--format', 'json'], cwd);
    const report = JSON.parse(fixed.stdout) as { findings: { rule: string; severity: string; file: string; fixed?: boolean }[]; summary: { fixed: number } };
    expect(report.summary.fixed).toBeGreaterThan(10);
    expect(new Set(report.findings.filter((f) => !f.fixed && f.severity === 'error').map((f) => f.rule))).toEqual(new Set(['parse', 'duplicate-name']));
    expect(readFileSync(file, 'utf8')).toBe(original.replace('"clientAppTypes": [],', '"clientAppTypes": [\n            "all"\n        ],'));
    expect(fixed.status).toBe(1);
    expect(caac(['validate', '--dry-run'], cwd).status).toBe(2);
  });
});
