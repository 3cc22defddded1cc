/**
 * The drift issue against the loopback fake GitHub API and the emulator: opened once when drift
 * appears (labelled caac-drift, the marker and the state hidden in its body), left alone while the
 * same drift persists, updated when it changes, closed with a comment when the tenant matches again.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runDrift } from '../../src/commands/drift.js';
import { findDriftIssue, stateFromBody, syncDriftIssue, type DriftIssueResult } from '../../src/commands/drift-issue.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { GraphConnection } from '../../src/graph/connect.js';
import { gitHubAdapter } from '../../src/github/adapter.js';
import type { GitHub } from '../../src/ports/github.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { startFakeGitHub, type FakeGitHub } from '../fixtures/fake-github.js';
import { exampleTenant } from '../fixtures/repo-helpers.js';
import { MALLORY, idOf, portalRequest } from '../fixtures/portal-edit.js';

const REPO = 'contoso/identity';
const POLICIES = 'identity/conditionalAccess/policies';
const CA002 = 'CA002 - Require multifactor authentication for all users';

let emu: RunningEmulator;
let cwd: string;
let connection: GraphConnection;
let fake: FakeGitHub;
let github: GitHub;
const dirs: string[] = [];

beforeEach(async () => {
  ({ emu, cwd, connection } = await exampleTenant('caac-drift-issue-', dirs));
  fake = await startFakeGitHub();
  github = gitHubAdapter({ token: fake.token, apiUrl: fake.url, retry: { baseDelayMs: 1 } as never });
});
afterEach(async () => {
  await emu.stop();
  await fake.close();
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** One scheduled run as the action makes it: find the issue, drift with its state, sync. */
async function run(): Promise<DriftIssueResult> {
  const dir = join(cwd, 'conditional-access');
  let existing: Awaited<ReturnType<typeof findDriftIssue>>;
  const outcome = await runDrift(filePolicyStore(dir), connection, {
    dir,
    apiVersion: 'v1.0',
    previous: async (tenantId) => (existing = await findDriftIssue(github, REPO, tenantId, dir))?.state,
  });
  if (outcome.status !== 'reported') throw new Error(outcome.status);
  return syncDriftIssue(github, { repository: REPO, runUrl: 'https://github.com/contoso/identity/actions/runs/1' }, outcome.report, outcome.state, existing);
}

test('opened once, unchanged while drift persists, updated when it changes, closed when clean', async () => {
  expect(await run()).toEqual({ action: 'none' });
  expect(fake.issues(REPO)).toHaveLength(0);

  const id = await idOf(emu.url, POLICIES, CA002);
  await portalRequest(emu.url, MALLORY, 'PATCH', `${POLICIES}/${id}`, { state: 'disabled' });
  const opened = await run();
  expect(opened.action).toBe('opened');
  const [issue] = fake.issues(REPO);
  expect(issue!.labels).toEqual([{ name: 'caac-drift' }]);
  expect(issue!.body).toContain('<!-- caac-drift tenant=');
  expect(issue!.body).toContain('mallory@\u200bcontoso.com');
  expect(issue!.body.length).toBeLessThanOrEqual(65536);
  expect(stateFromBody(issue!.body)?.signature).toMatch(/^[0-9a-f]{64}$/);

  expect(await run()).toMatchObject({ action: 'unchanged', number: opened.number });
  await portalRequest(emu.url, MALLORY, 'PATCH', `${POLICIES}/${id}`, { grantControls: { operator: 'OR', builtInControls: ['block'] } });
  expect(await run()).toMatchObject({ action: 'updated', number: opened.number });
  expect(fake.issues(REPO)).toHaveLength(1);
  expect(fake.issues(REPO)[0]!.body).toContain('grantControls');

  await portalRequest(emu.url, MALLORY, 'PATCH', `${POLICIES}/${id}`, { state: 'enabled', grantControls: { operator: 'OR', builtInControls: ['mfa'] } });
  expect(await run()).toMatchObject({ action: 'closed', number: opened.number });
  expect(fake.issues(REPO)[0]).toMatchObject({ state: 'closed', state_reason: 'completed' });
  expect(fake.comments(REPO, opened.number!).map((c) => c.body)).toEqual([expect.stringContaining('matches the repository again')]);

  // Drift again later: a new issue (the closed one stays closed).
  await portalRequest(emu.url, MALLORY, 'PATCH', `${POLICIES}/${id}`, { state: 'disabled' });
  expect((await run()).action).toBe('opened');
  expect(fake.issues(REPO).map((i) => i.state)).toEqual(['closed', 'open']);
});

test("an issue someone else opened with the label but another tenant's marker is not taken over", async () => {
  await github.createIssue({ repository: REPO, title: 'other', body: '<!-- caac-drift tenant=00000000-0000-0000-0000-000000000001 dir=conditional-access -->', labels: ['caac-drift'] });
  const id = await idOf(emu.url, POLICIES, CA002);
  await portalRequest(emu.url, MALLORY, 'PATCH', `${POLICIES}/${id}`, { state: 'disabled' });
  expect((await run()).action).toBe('opened');
  expect(fake.issues(REPO)).toHaveLength(2);
  expect(fake.issues(REPO)[0]!.body).not.toContain('mallory');
});
