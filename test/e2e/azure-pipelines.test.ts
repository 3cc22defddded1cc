/**
 * The Azure Pipelines tasks as an agent runs them: the packaged task (azure-pipelines/out, built
 * by npm run package:azdo) as a child process with the agent's variables, against the emulator
 * (the sample tenant) and a loopback fake of the Azure DevOps REST API (pull request threads,
 * the pipeline's OIDC token).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { startFakeAzureDevOps, type FakeAzureDevOps } from '../fixtures/fake-azure-devops.js';
import { assertTasksStaged, runAgentTask, type AgentRun } from './azure-pipelines-agent.js';
import { copyExample, editPolicy } from './helpers.js';

const CA006 = 'ca006-require-compliant-or-hybrid-joined-device.json';
const PROJECT = 'Identity Platform';
const REPOSITORY = '5f0e1c2a-0000-4000-8000-00000000c0de';

let emulator: RunningEmulator;
let ado: FakeAzureDevOps;

beforeAll(async () => {
  assertTasksStaged();
  ado = await startFakeAzureDevOps();
});
beforeEach(async () => {
  emulator = await startEmulator({ seed: 'sample' });
});
afterEach(async () => {
  await emulator.stop();
});
afterAll(async () => {
  await ado.close();
});

/**
 * The log without the task library's own debug lines: getVariable writes every variable's value
 * to `##vso[task.debug]`, where the agent masks the ones it knows as secrets (System.AccessToken
 * is one). Everything caac writes must hold no token at all.
 */
const withoutDebug = (stdout: string): string => stdout.split('\n').filter((l) => !l.startsWith('##vso[task.debug]')).join('\n');

/** A tenant task signed in to the emulator with a static token in the step's env:, as the README shows. */
const emulatorRun = (cwd: string, inputs: Record<string, string>, extra: Partial<AgentRun> = {}): AgentRun => ({
  cwd,
  inputs: { graphUrl: emulator.url, rateLimit: '50', ...inputs },
  env: { CAAC_ACCESS_TOKEN: 'azdo-e2e-token' },
  ...extra,
});

/** The variables of a build for pull request 42 of REPOSITORY, with the job's access token. */
const pullRequestBuild = (pullRequestId = '42'): Partial<AgentRun> => ({
  variables: {
    'System.CollectionUri': ado.collectionUri,
    'System.TeamProject': PROJECT,
    'Build.Repository.ID': REPOSITORY,
    'System.PullRequest.PullRequestId': pullRequestId,
    'Build.Reason': 'PullRequest',
  },
  secrets: { 'System.AccessToken': ado.token },
});

describe('CaacValidate@1', () => {
  test('a clean repository succeeds with no issue', async () => {
    const r = await runAgentTask('CaacValidate', { cwd: copyExample(), inputs: { directory: 'conditional-access' } });
    expect(r.result).toBe('Succeeded');
    expect(r.issues).toEqual([]);
  });

  test('a finding becomes an error issue on its file and line, and the task fails', async () => {
    const cwd = copyExample();
    writeFileSync(join(cwd, 'conditional-access', 'policies', 'broken.json'), '{\n  "displayName": "x",\n');
    const r = await runAgentTask('CaacValidate', { cwd, inputs: {} });
    expect(r.result).toBe('Failed');
    expect(r.issues).toEqual([
      expect.objectContaining({ properties: expect.objectContaining({ type: 'error', sourcepath: 'conditional-access/policies/broken.json', linenumber: '3' }), message: expect.stringMatching(/^parse: /) }),
    ]);
  });

  test('a finding whose text holds ; ] and a newline is escaped, and cannot forge a command', async () => {
    const cwd = copyExample();
    // A file name with the characters the logging-command syntax uses: the property must survive the round trip.
    writeFileSync(join(cwd, 'conditional-access', 'policies', 'a;b]c.json'), '{ "displayName": "##vso[task.setvariable variable=pwned]yes" ');
    const r = await runAgentTask('CaacValidate', { cwd, inputs: {} });
    expect(r.result).toBe('Failed');
    expect(r.issues.map((i) => i.properties['sourcepath'])).toContain('conditional-access/policies/a;b]c.json');
    expect(r.commands.filter((c) => c.command === 'task.setvariable')).toEqual([]);
  });

  test('a boolean input that is not true or false fails the task and names the input', async () => {
    const r = await runAgentTask('CaacPlan', emulatorRun(copyExample(), { prune: 'yes' }));
    expect(r.result).toBe('Failed');
    expect(r.stdout).toContain('The prune input takes true or false, not "yes".');
    expect(emulator.requests().total).toBe(0);
  });
});

describe('CaacPlan@1 on a pull request', () => {
  test('one thread, created once, then updated in place; the plan in the build summary; hasChanges set', async () => {
    const cwd = copyExample();
    const before = ado.requests.length;
    const first = await runAgentTask('CaacPlan', emulatorRun(cwd, {}, pullRequestBuild('42')));
    expect(first.result).toBe('Succeeded');
    expect(first.variables['hasChanges']).toBe('false');
    expect(first.summaries).toHaveLength(1);
    expect(first.summaries[0]).toMatch(/^<!-- caac-plan tenant=[0-9a-f-]+ dir=conditional-access -->/);
    expect(existsSync(first.variables['planFile']!)).toBe(true);

    editPolicy(cwd, CA006, (p) => p.conditions.users.excludeGroups.push('group:Finance'));
    const second = await runAgentTask('CaacPlan', emulatorRun(cwd, {}, pullRequestBuild('42')));
    expect(second.result).toBe('Succeeded');
    expect(second.variables['hasChanges']).toBe('true');
    const again = await runAgentTask('CaacPlan', emulatorRun(cwd, {}, pullRequestBuild('42')));
    expect(again.result).toBe('Succeeded');

    const threads = ado.threads(PROJECT, REPOSITORY, 42);
    expect(threads).toHaveLength(1);
    expect(threads[0]!.comments[0]!.content).toBe(second.summaries[0]);
    expect(threads[0]!.comments[0]!.content).toContain('1 to update');
    const calls = ado.requests.slice(before).map((q) => `${q.method} ${q.path.replace(/.*\/pullRequests\//, '')}`);
    // run 1: list, create; run 2: list, edit the first comment; run 3: list (already says this).
    expect(calls).toEqual(['GET 42/threads', 'POST 42/threads', 'GET 42/threads', `PATCH 42/threads/${threads[0]!.id}/comments/1`, 'GET 42/threads']);
    expect(ado.requests.slice(before).every((q) => q.authorization === `Bearer ${ado.token}`)).toBe(true);
    for (const r of [first, second, again]) expect(withoutDebug(r.stdout)).not.toContain(ado.token);
  });

  test('a token that may not write the thread: the plan still succeeds, with a warning', async () => {
    const r = await runAgentTask('CaacPlan', emulatorRun(copyExample(), {}, { ...pullRequestBuild('43'), secrets: { 'System.AccessToken': 'not-the-token' } }));
    expect(r.result).toBe('Succeeded');
    expect(r.commands.some((c) => c.command === 'task.issue' && c.properties['type'] === 'warning' && /not posted on the pull request/.test(c.message))).toBe(true);
    expect(ado.threads(PROJECT, REPOSITORY, 43)).toEqual([]);
  });

  test('a policy name that holds a logging command is relayed inert', async () => {
    const cwd = copyExample();
    editPolicy(cwd, CA006, (p) => {
      p.displayName = 'CA006 ##vso[task.setvariable variable=pwned]yes';
    });
    const r = await runAgentTask('CaacPlan', emulatorRun(cwd, {}));
    expect(r.result).toBe('Succeeded');
    expect(r.stdout).toContain('##vso\\u005btask.setvariable variable=pwned]yes');
    expect(Object.keys(r.variables).sort()).toEqual(['hasChanges', 'planFile']);
  });

  test('an unresolvable reference fails the task with an issue on the file and line', async () => {
    const cwd = copyExample();
    editPolicy(cwd, CA006, (p) => p.conditions.users.excludeGroups.push('group:Finanse'));
    const r = await runAgentTask('CaacPlan', emulatorRun(cwd, {}));
    expect(r.result).toBe('Failed');
    expect(r.issues).toEqual([expect.objectContaining({ properties: expect.objectContaining({ type: 'error', sourcepath: `conditional-access/policies/${CA006}`, linenumber: expect.stringMatching(/^\d+$/) }) })]);
  });
});

describe('CaacApply@1, CaacBackup@1, CaacContingency@1', () => {
  test('apply takes the plan file CaacPlan wrote; a second plan then shows no changes', async () => {
    const cwd = copyExample();
    editPolicy(cwd, CA006, (p) => p.conditions.users.excludeGroups.push('group:Finance'));
    const plan = await runAgentTask('CaacPlan', emulatorRun(cwd, { planFile: 'out/plan.json' }));
    expect(plan.variables['planFile']).toBe(resolve(cwd, 'out/plan.json'));
    const apply = await runAgentTask('CaacApply', emulatorRun(cwd, { planFile: 'out/plan.json' }));
    expect(apply.result).toBe('Succeeded');
    expect(apply.summaries[0]).toContain('```text');
    const after = await runAgentTask('CaacPlan', emulatorRun(cwd, { planFile: 'out/plan2.json' }));
    expect(after.variables['hasChanges']).toBe('false');
  });

  test('apply refuses a stale plan and fails', async () => {
    const cwd = copyExample();
    editPolicy(cwd, CA006, (p) => p.conditions.users.excludeGroups.push('group:Finance'));
    await runAgentTask('CaacPlan', emulatorRun(cwd, { planFile: 'plan.json' }));
    editPolicy(cwd, CA006, (p) => p.conditions.users.excludeGroups.pop());
    const apply = await runAgentTask('CaacApply', emulatorRun(cwd, { planFile: 'plan.json' }));
    expect(apply.result).toBe('Failed');
  });

  test('backup writes the tenant as a repository that plans to no change', async () => {
    const cwd = copyExample();
    const backup = await runAgentTask('CaacBackup', emulatorRun(cwd, { outputDirectory: 'backup' }));
    expect(backup.result).toBe('Succeeded');
    expect(readdirSync(join(cwd, 'backup', 'policies')).length).toBeGreaterThan(10);
  });

  test('contingency: status succeeds; activate without a set is refused before the tenant is read', async () => {
    const cwd = copyExample();
    const status = await runAgentTask('CaacContingency', emulatorRun(cwd, { action: 'status' }));
    expect(status.result).toBe('Succeeded');
    expect(status.summaries[0]).toContain('outage-mfa');
    const before = emulator.requests().total;
    const refused = await runAgentTask('CaacContingency', emulatorRun(cwd, { action: 'activate' }));
    expect(refused.result).toBe('Failed');
    expect(refused.stdout).toContain('The set input is required to activate a contingency set.');
    const bogus = await runAgentTask('CaacContingency', emulatorRun(cwd, { action: 'Activate', set: 'outage-mfa' }));
    expect(bogus.stdout).toContain('The action input takes one of status, activate, deactivate, not "Activate".');
    expect(emulator.requests().total).toBe(before);
  });
});

describe('sign-in through an Azure Resource Manager service connection', () => {
  const CONNECTION = '0d9c7c64-1111-4a2b-9c3d-5e6f7a8b9c0d';
  const TENANT = '11111111-2222-3333-4444-555555555555';
  const APP = '66666666-7777-8888-9999-000000000000';

  test('workload identity federation: the pipeline OIDC token is requested for the connection, and no token is ever printed', async () => {
    const before = ado.requests.length;
    const r = await runAgentTask('CaacBackup', {
      cwd: copyExample(),
      inputs: { outputDirectory: 'backup', connectedServiceNameARM: CONNECTION, graphUrl: emulator.url },
      variables: { 'System.OidcRequestUri': ado.oidcRequestUri },
      secrets: { 'System.AccessToken': ado.token },
      endpoint: { id: CONNECTION, scheme: 'WorkloadIdentityFederation', parameters: { tenantid: TENANT, serviceprincipalid: APP }, data: { environment: 'AzureCloud' } },
      // Entra ID is out of reach here: the exchange of the OIDC token fails, as it should, offline.
      env: { HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '' },
    });
    const oidc = ado.requests.slice(before).filter((q) => q.path.endsWith('/_apis/oidctoken'));
    expect(oidc.length).toBeGreaterThanOrEqual(1);
    expect(oidc[0]).toMatchObject({ method: 'POST', authorization: `Bearer ${ado.token}` });
    expect(oidc[0]!.query.get('serviceConnectionId')).toBe(CONNECTION);
    expect(r.stdout).toMatch(/workload identity \(token file .*\) for app 66666666… in tenant 11111111…/);
    expect(r.result).toBe('Failed');
    expect(r.stdout + r.stderr).not.toContain(ado.oidcToken);
    expect(withoutDebug(r.stdout) + r.stderr).not.toContain(ado.token);
    expect(emulator.requests().total).toBe(0);
  });

  test('a service principal secret: --auth secret for the connection\'s app and tenant; the secret never printed by caac', async () => {
    const secret = 'sp-secret-value-0123456789';
    const r = await runAgentTask('CaacBackup', {
      cwd: copyExample(),
      inputs: { outputDirectory: 'backup', connectedServiceNameARM: CONNECTION, graphUrl: emulator.url },
      endpoint: { id: CONNECTION, scheme: 'ServicePrincipal', parameters: { tenantid: TENANT, serviceprincipalid: APP, serviceprincipalkey: secret, authenticationType: 'spnKey' } },
      env: { HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '' },
    });
    expect(r.stdout).toMatch(/client secret for app 66666666… in tenant 11111111…/);
    expect(r.result).toBe('Failed');
    expect(withoutDebug(r.stdout) + r.stderr).not.toContain(secret);
    expect(emulator.requests().total).toBe(0);
  });

  test('a connection with another scheme is refused with the schemes caac takes', async () => {
    const r = await runAgentTask('CaacBackup', {
      cwd: copyExample(),
      inputs: { outputDirectory: 'backup', connectedServiceNameARM: CONNECTION },
      endpoint: { id: CONNECTION, scheme: 'ManagedServiceIdentity', parameters: { tenantid: TENANT } },
    });
    expect(r.result).toBe('Failed');
    expect(r.stdout).toMatch(/names no tenant id or service principal id|uses the "ManagedServiceIdentity" scheme/);
  });
});

/** Someone changes a policy in the tenant, outside the repository (Graph, as the portal would). */
async function changeInTenant(displayName: string, patch: Record<string, unknown>): Promise<void> {
  const headers = { Authorization: 'Bearer portal-user', 'Content-Type': 'application/json' };
  const list = (await (await fetch(`${emulator.url}/v1.0/identity/conditionalAccess/policies`, { headers })).json()) as { value: { id: string; displayName: string }[] };
  const policy = list.value.find((p) => p.displayName === displayName);
  if (!policy) throw new Error(`no policy ${displayName} in the emulator`);
  const res = await fetch(`${emulator.url}/v1.0/identity/conditionalAccess/policies/${policy.id}`, { method: 'PATCH', headers, body: JSON.stringify(patch) });
  if (!res.ok) throw new Error(`PATCH answered ${res.status}`);
}

/** CaacDrift runs `caac drift`, which another branch adds: its tests run once the CLI has it. */
const hasDrift = /Usage: caac drift/.test(spawnSync(process.execPath, [resolve('dist/cli.js'), 'drift', '--help'], { encoding: 'utf8' }).stdout);
(hasDrift ? describe : describe.skip)('CaacDrift@1', () => {
  test('no drift succeeds with driftDetected=false; drift fails (onDrift: fail) or warns (onDrift: warn), the report in the summary', async () => {
    const cwd = copyExample();
    const clean = await runAgentTask('CaacDrift', emulatorRun(cwd, {}));
    expect(clean.result).toBe('Succeeded');
    expect(clean.variables['driftDetected']).toBe('false');
    await changeInTenant(JSON.parse(readFileSync(join(cwd, 'conditional-access', 'policies', CA006), 'utf8')).displayName, { state: 'disabled' });
    const drifted = await runAgentTask('CaacDrift', emulatorRun(cwd, {}));
    expect(drifted.result).toBe('Failed');
    expect(drifted.variables['driftDetected']).toBe('true');
    expect(drifted.summaries[0]!.length).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(drifted.variables['driftReport']!, 'utf8'))).toMatchObject({ failing: true });
    const warned = await runAgentTask('CaacDrift', emulatorRun(cwd, { onDrift: 'warn' }));
    expect(warned.result).toBe('SucceededWithIssues');
  });
});

test('every task.json runs index.js with the Node20_1 handler, and the README names each task, input and output variable', () => {
  const readme = readFileSync(resolve('README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Azure Pipelines\n'), readme.indexOf('\n## Development\n'));
  expect(section.length).toBeGreaterThan(100);
  for (const name of readdirSync(resolve('azure-pipelines/tasks'))) {
    const meta = JSON.parse(readFileSync(resolve('azure-pipelines/tasks', name, 'task.json'), 'utf8'));
    expect(meta.execution).toEqual({ Node20_1: { target: 'index.js', argumentFormat: '' } });
    expect(meta.name).toBe(name);
    expect(meta.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(section).toContain(`${name}@${meta.version.Major}`);
    for (const input of meta.inputs) expect(section).toContain(`\`${input.name}\``);
    for (const output of meta.outputVariables ?? []) expect(section).toContain(`\`${output.name}\``);
  }
});
