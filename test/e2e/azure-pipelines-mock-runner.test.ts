/**
 * Each Azure Pipelines task under the task library's own test harness: MockTestRunner runs
 * test/fixtures/azdo-mock-task.cjs, whose TaskMockRunner sets the inputs and loads the packaged
 * task (azure-pipelines/out, npm run package:azdo). The runner would download the Node version
 * task.json names (Node20_1: 20.x) from nodejs.org; it takes the node running the tests instead
 * (its `nodePath`), which is what the agent's Node20_1 handler is too. It runs the task with
 * spawnSync, so the emulator runs as a `caac emulator` child process.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MockTestRunner } from 'azure-pipelines-task-lib/mock-test.js';
import { assertTasksStaged } from './azure-pipelines-agent.js';
import { copyExample, editPolicy, emulatorRequests, startCliEmulator } from './helpers.js';

let emulator: ChildProcessWithoutNullStreams;
let url: string;

beforeAll(async () => {
  assertTasksStaged();
  ({ emulator, url } = await startCliEmulator(['--seed', 'sample', '--rate-limit', '100']));
});
afterAll(() => {
  emulator.kill();
});

interface Spec {
  task: string;
  cwd: string;
  inputs?: Record<string, string>;
  variables?: Record<string, string>;
}

async function runUnderMockRunner(spec: Spec): Promise<MockTestRunner> {
  const dir = mkdtempSync(join(tmpdir(), 'caac-mock-spec-'));
  const temp = mkdtempSync(join(tmpdir(), 'caac-mock-agent-'));
  writeFileSync(join(dir, 'spec.json'), JSON.stringify({ ...spec, env: { CAAC_ACCESS_TOKEN: 'mock-runner', AGENT_TEMPDIRECTORY: temp } }));
  // The runner starts `node <test file>` with its own environment (not Jest's copy of it): the
  // spec's path travels inside a small test file of its own.
  const testFile = join(dir, 'run.cjs');
  writeFileSync(testFile, `process.env.CAAC_MOCK_SPEC = ${JSON.stringify(join(dir, 'spec.json'))};\nrequire(${JSON.stringify(resolve('test/fixtures/azdo-mock-task.cjs'))});\n`);
  const runner = new MockTestRunner(testFile, resolve('azure-pipelines/tasks', spec.task, 'task.json'));
  runner.nodePath = process.execPath;
  await runner.runAsync();
  // The runner counts a run as succeeded unless it saw task.complete Failed: a run that never got there must not pass.
  expect(runner.stdout).toMatch(/##vso\[task\.complete result=/);
  return runner;
}

const tenantInputs = () => ({ graphUrl: url, rateLimit: '100' });
const CA006 = 'ca006-require-compliant-or-hybrid-joined-device.json';

test('the tasks ask for Node 20, which the node running the tests provides', () => {
  const runner = new MockTestRunner(resolve('test/fixtures/azdo-mock-task.cjs'), resolve('azure-pipelines/tasks/CaacValidate/task.json'));
  // Node20_1 in task.json: the runner would fetch Node 20 unless told which node to use.
  expect((runner as unknown as { getNodeVersion(): number }).getNodeVersion()).toBe(20);
  expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(20);
});

test('CaacValidate@1: succeeds on the example, fails with the finding on a broken file', async () => {
  const cwd = copyExample();
  const clean = await runUnderMockRunner({ task: 'CaacValidate', cwd, inputs: { directory: 'conditional-access' } });
  expect(clean.succeeded).toBe(true);
  writeFileSync(join(cwd, 'conditional-access', 'policies', 'broken.json'), '{');
  const broken = await runUnderMockRunner({ task: 'CaacValidate', cwd, inputs: { directory: 'conditional-access' } });
  expect(broken.succeeded).toBe(false);
  expect(broken.errorIssues).toEqual(['caac validate: 1 error(s), 0 warning(s) in conditional-access']);
  expect(broken.stdOutContained('##vso[task.logissue type=error;sourcepath=conditional-access/policies/broken.json;linenumber=1;')).toBe(true);
});

test('CaacPlan@1 then CaacApply@1: the plan file written, applied, and the tenant then matches', async () => {
  const cwd = copyExample();
  editPolicy(cwd, CA006, (p) => p.conditions.users.excludeGroups.push('group:Finance'));
  const plan = await runUnderMockRunner({ task: 'CaacPlan', cwd, inputs: { ...tenantInputs(), planFile: 'plan.json' } });
  expect(plan.succeeded).toBe(true);
  expect(plan.stdOutContained('##vso[task.setvariable variable=hasChanges;isOutput=true;issecret=false;]true')).toBe(true);
  expect(JSON.parse(readFileSync(join(cwd, 'plan.json'), 'utf8')).summary).toMatchObject({ update: 1 });
  const before = emulatorRequests(url);
  const apply = await runUnderMockRunner({ task: 'CaacApply', cwd, inputs: { ...tenantInputs(), planFile: 'plan.json' } });
  expect(apply.succeeded).toBe(true);
  expect(emulatorRequests(url)).toBeGreaterThan(before);
  const after = await runUnderMockRunner({ task: 'CaacPlan', cwd, inputs: { ...tenantInputs(), planFile: 'plan2.json' } });
  expect(after.stdOutContained('##vso[task.setvariable variable=hasChanges;isOutput=true;issecret=false;]false')).toBe(true);
});

test('CaacApply@1 without a plan file fails before reading the tenant', async () => {
  const before = emulatorRequests(url);
  const r = await runUnderMockRunner({ task: 'CaacApply', cwd: copyExample(), inputs: tenantInputs() });
  expect(r.succeeded).toBe(false);
  expect(r.errorIssues).toEqual(['The planFile input is required.']);
  expect(emulatorRequests(url)).toBe(before);
});

test('CaacBackup@1 and CaacContingency@1 (status)', async () => {
  const cwd = copyExample();
  const backup = await runUnderMockRunner({ task: 'CaacBackup', cwd, inputs: { ...tenantInputs(), outputDirectory: 'backup' } });
  expect(backup.succeeded).toBe(true);
  expect(readdirSync(join(cwd, 'backup', 'policies')).length).toBeGreaterThan(10);
  const status = await runUnderMockRunner({ task: 'CaacContingency', cwd, inputs: { ...tenantInputs(), action: 'status' } });
  expect(status.succeeded).toBe(true);
  expect(status.stdOutContained('outage-mfa')).toBe(true);
});

const hasDrift = /Usage: caac drift/.test(spawnSync(process.execPath, [resolve('dist/cli.js'), 'drift', '--help'], { encoding: 'utf8' }).stdout);
(hasDrift ? test : test.skip)('CaacDrift@1: no drift on a fresh sample tenant', async () => {
  // A tenant of its own: the apply above changed the shared one, which is drift for the example.
  const fresh = await startCliEmulator(['--seed', 'sample', '--rate-limit', '100']);
  try {
    const r = await runUnderMockRunner({ task: 'CaacDrift', cwd: copyExample(), inputs: { graphUrl: fresh.url, rateLimit: '100' } });
    expect(r.succeeded).toBe(true);
    expect(r.stdOutContained('##vso[task.setvariable variable=driftDetected;isOutput=true;issecret=false;]false')).toBe(true);
  } finally {
    fresh.emulator.kill();
  }
});
