/**
 * caac drift as shipped: the bundled CLI (exit codes, the JSON contract on stdout) and the drift
 * step of the bundled action (INPUT_COMMAND=drift) against the emulator and the loopback fake
 * GitHub API, run as child processes: the issue opened on drift with outputs drifted, critical and
 * issue-number, the job failed on critical drift, the issue closed when the tenant matches again.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { startFakeGitHub, type FakeGitHub } from '../fixtures/fake-github.js';
import { MALLORY, idOf, portalRequest } from '../fixtures/portal-edit.js';
import { parseOutputFile } from './runner.js';
import { copyExample, runNode } from './helpers.js';

const CLI = resolve('dist/cli.js');
const ACTION = resolve('dist/action.js');
const POLICIES = 'identity/conditionalAccess/policies';
const CA002 = 'CA002 - Require multifactor authentication for all users';

let emu: RunningEmulator;
let github: FakeGitHub;
beforeEach(async () => {
  emu = await startEmulator({ seed: 'sample' });
  github = await startFakeGitHub();
});
afterEach(async () => {
  await emu.stop();
  await github.close();
});

test('the CLI: exit 0 without drift, 2 with it, the JSON contract on stdout naming mallory', async () => {
  const cwd = copyExample('caac-e2e-drift-');
  const args = ['drift', '--graph-url', emu.url, '--rate-limit', '100', '--format', 'json'];
  const env = { CAAC_ACCESS_TOKEN: 'e2e' };
  const clean = await runNode(CLI, args, { cwd, env });
  expect([clean.status, clean.stderr]).toEqual([0, expect.any(String)]);
  await portalRequest(emu.url, MALLORY, 'PATCH', `${POLICIES}/${await idOf(emu.url, POLICIES, CA002)}`, { state: 'disabled' });
  const drifted = await runNode(CLI, args, { cwd, env });
  expect(drifted.status).toBe(2);
  const report = JSON.parse(drifted.stdout) as Record<string, unknown>;
  expect(Object.keys(report)).toEqual(expect.arrayContaining(['tenant', 'folder', 'generatedAt', 'summary', 'drift', 'contingency', 'microsoftManaged', 'warnings']));
  expect(report['drift']).toEqual([expect.objectContaining({ kind: 'policy', displayName: CA002, change: 'changed', critical: false, changedBy: [expect.objectContaining({ actor: 'mallory@contoso.com' })] })]);
  expect(drifted.stderr).toMatch(/Graph requests; drift appeared/);
});

test('the action: opens the drift issue and fails the job on critical drift; closes it when clean', async () => {
  const cwd = copyExample('caac-e2e-drift-action-');
  appendFileSync(join(cwd, 'conditional-access', 'caac.yml'), '\ndrift:\n  critical: ["CA002 - *"]\n');
  await portalRequest(emu.url, MALLORY, 'PATCH', `${POLICIES}/${await idOf(emu.url, POLICIES, CA002)}`, { state: 'disabled' });
  const step = async () => {
    const outputs = join(cwd, 'outputs');
    const summary = join(cwd, 'summary');
    writeFileSync(outputs, '');
    writeFileSync(summary, '');
    const r = await runNode(ACTION, [], {
      cwd,
      env: {
        INPUT_COMMAND: 'drift',
        INPUT_DIR: 'conditional-access',
        'INPUT_GRAPH-URL': emu.url,
        'INPUT_GITHUB-TOKEN': github.token,
        CAAC_ACCESS_TOKEN: 'e2e',
        GITHUB_REPOSITORY: 'contoso/policies',
        GITHUB_RUN_ID: '42',
        GITHUB_API_URL: github.url,
        GITHUB_OUTPUT: outputs,
        GITHUB_STEP_SUMMARY: summary,
        RUNNER_TEMP: cwd,
      },
    });
    return { ...r, outputs: parseOutputFile(readFileSync(outputs, 'utf8')), summary: readFileSync(summary, 'utf8') };
  };
  const first = await step();
  expect(first.status).toBe(1);
  expect(first.stdout).toMatch(/::error::caac drift: 1 critical object\(s\) drifted: "CA002/);
  expect(first.outputs).toEqual({ drifted: 'true', critical: '1', 'issue-number': '500' });
  expect(first.summary).toContain('## caac drift: 1 drifted object');
  const [issue] = github.issues('contoso/policies');
  expect(issue).toMatchObject({ number: 500, state: 'open', labels: [{ name: 'caac-drift' }] });
  expect(issue!.body).toContain('mallory@\u200bcontoso.com');

  await portalRequest(emu.url, MALLORY, 'PATCH', `${POLICIES}/${await idOf(emu.url, POLICIES, CA002)}`, { state: 'enabled' });
  const second = await step();
  expect(second.status).toBe(0);
  expect(second.outputs).toEqual({ drifted: 'false', critical: '0', 'issue-number': '' });
  expect(github.issues('contoso/policies')).toEqual([expect.objectContaining({ number: 500, state: 'closed' })]);
  expect(github.comments('contoso/policies', 500)).toEqual([expect.objectContaining({ body: expect.stringContaining('matches the repository again') })]);
});
