import { chmodSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readAction, runCompositeAction, runJavaScriptAction } from './runner.js';
import { GOOD_POLICY, LOCKOUT_POLICY, writeRepo } from './helpers.js';

const ACTION_JS = resolve('dist/action.js');
const COMPOSITE = resolve('actions/validate/action.yml');

describe('root action (node24, dist/action.js)', () => {
  test('metadata runs dist/action.js on node24 with the shared input names', () => {
    const meta = readAction(resolve('action.yml')) as unknown as { runs: { using: string; main: string }; inputs: Record<string, unknown> };
    expect(meta.runs).toEqual({ using: 'node24', main: 'dist/action.js' });
    expect(Object.keys(meta.inputs)).toEqual(['command', 'dir', 'github-token', 'tenant-id', 'client-id', 'auth', 'cloud', 'graph-url', 'environment', 'api-version', 'prune', 'comment', 'artifact-name', 'plan-file', 'allow-delete', 'accept-impact', 'end-contingency', 'only-expiries', 'keep-going', 'snapshot-dir', 'confirm-timeout', 'notify', 'notify-format', 'issue']);
  });

  test('validate with errors: annotations on file and line, outputs, summary table, SARIF, exit 1', () => {
    const cwd = writeRepo({ 'conditional-access/policies/block.json': LOCKOUT_POLICY, 'conditional-access/policies/ok.json': GOOD_POLICY });
    const r = runJavaScriptAction(ACTION_JS, { INPUT_COMMAND: 'validate', 'INPUT_GITHUB-TOKEN': 'ghs_secret' }, cwd);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/::error title=caac lockout-risk,file=conditional-access\/policies\/block\.json,line=\d+,col=\d+::/);
    // No caac.yml: the repository has no emergency-access accounts, which is said on every run.
    expect(r.stdout).toMatch(/::warning title=caac no-emergency-access,file=conditional-access,line=1,col=1::/);
    expect(r.outputs).toMatchObject({ errors: '1', warnings: '1' });
    expect(JSON.parse(readFileSync(r.outputs['sarif-file']!, 'utf8')).version).toBe('2.1.0');
    expect(r.summary).toContain('| ❌ | conditional-access/policies/block.json |');
    // The token is registered as a secret (the runner masks it), and never printed otherwise.
    expect((r.stdout + r.stderr).replace(/^::add-mask::.*$/m, '')).not.toContain('ghs_secret');
  });

  test('only 10 annotations per type; the summary counts the rest and lists every finding', () => {
    const files: Record<string, unknown> = {};
    for (let i = 0; i < 13; i++) files[`conditional-access/policies/p${i}.json`] = { ...LOCKOUT_POLICY, displayName: `Block ${i}` };
    const r = runJavaScriptAction(ACTION_JS, { INPUT_COMMAND: 'validate' }, writeRepo(files));
    expect(r.stdout.match(/^::error title=caac lockout-risk/gm)).toHaveLength(10);
    expect(r.summary.match(/\| ❌ \|/g)).toHaveLength(13);
    expect(r.summary).toContain('3 findings are not shown as annotations');
  });

  test('an unknown command fails with a clear message', () => {
    const r = runJavaScriptAction(ACTION_JS, { INPUT_COMMAND: 'destroy' }, writeRepo({}));
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/::error::input "command" is "destroy": it must be one of validate, plan, apply, backup, contingency/);
  });
});

describe('actions/validate (composite)', () => {
  test('no ${{ }} expression is inlined in a run: script', () => {
    const meta = readAction(COMPOSITE);
    for (const step of meta.runs.steps ?? []) expect(step.run ?? '').not.toMatch(/\$\{\{/);
  });

  test('runs the bundle with inputs through env and maps the outputs', () => {
    const cwd = writeRepo({ 'policies-here/policies/block.json': LOCKOUT_POLICY });
    const r = runCompositeAction(COMPOSITE, { dir: 'policies-here' }, { cwd, githubToken: 'ghs_x' });
    expect(r.status).toBe(1);
    // 1 warning: no caac.yml, so no-emergency-access.
    expect(r.outputs).toMatchObject({ errors: '1', warnings: '1' });
    expect(r.outputs['sarif-file']).toMatch(/caac-validate\.sarif$/);
    expect(r.summary).toContain('lockout-risk');
  });

  test('a clean repository passes', () => {
    const cwd = writeRepo({ 'conditional-access/policies/ok.json': GOOD_POLICY });
    const r = runCompositeAction(COMPOSITE, {}, { cwd });
    expect(r.status).toBe(0);
    expect(r.outputs).toMatchObject({ errors: '0' });
  });

  test('a runner whose node is older than 20 fails with a clear message', () => {
    const fakeBin = writeRepo({ 'node': '#!/bin/sh\nif [ "$1" = "-p" ]; then echo 18; else echo v18.20.0; fi\n' });
    chmodSync(`${fakeBin}/node`, 0o755);
    const r = runCompositeAction(COMPOSITE, {}, { cwd: fakeBin, path: `${fakeBin}:/usr/bin:/bin` });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/needs Node\.js 20 or newer on the runner, found v18\.20\.0/);
  });
});
