/**
 * The Azure DevOps adapter (src/azdo/) against a loopback fake of the REST API: one plan thread
 * per marker, created once and edited in place; a lost create never doubled; a token that may not
 * write is a skip, not a failure. And the pipeline OIDC token request.
 */
import { neutralizeAgentText } from '../../src/azdo/agent-log.js';
import { requestPipelineOidcToken } from '../../src/azdo/oidc.js';
import { upsertPlanThread, type PullRequestRef } from '../../src/azdo/pr-thread.js';
import { ConfigurationError } from '../../src/errors.js';
import { startFakeAzureDevOps, type FakeAzureDevOps } from '../fixtures/fake-azure-devops.js';

let ado: FakeAzureDevOps;
let pr: PullRequestRef;
let nextPr = 1;
const MARKER = '<!-- caac-plan tenant=t1 dir=conditional-access -->';

beforeAll(async () => {
  ado = await startFakeAzureDevOps();
});
afterAll(async () => {
  await ado.close();
});
beforeEach(() => {
  pr = { collectionUri: ado.collectionUri, project: 'My Project', repositoryId: 'repo-1', pullRequestId: nextPr++, accessToken: ado.token };
});

const calls = (from: number) => ado.requests.slice(from).map((r) => r.method);

test('created once, updated in place, unchanged when it already says this; the project name URL-encoded', async () => {
  const from = ado.requests.length;
  expect(await upsertPlanThread(pr, MARKER, `${MARKER}\nplan one`)).toMatchObject({ status: 'created' });
  expect(await upsertPlanThread(pr, MARKER, `${MARKER}\nplan two`)).toMatchObject({ status: 'updated' });
  expect(await upsertPlanThread(pr, MARKER, `${MARKER}\nplan two`)).toMatchObject({ status: 'unchanged' });
  expect(calls(from)).toEqual(['GET', 'POST', 'GET', 'PATCH', 'GET']);
  expect(ado.requests[from]!.path).toContain('/contoso/My%20Project/_apis/git/repositories/repo-1/pullRequests/');
  const threads = ado.threads('My Project', 'repo-1', pr.pullRequestId);
  expect(threads).toHaveLength(1);
  expect(threads[0]!.comments[0]!.content).toBe(`${MARKER}\nplan two`);
});

test('another tenant or folder (another marker) gets a thread of its own; a body without the marker gets it', async () => {
  await upsertPlanThread(pr, MARKER, 'plan of t1');
  await upsertPlanThread(pr, '<!-- caac-plan tenant=t2 dir=conditional-access -->', 'plan of t2');
  const threads = ado.threads('My Project', 'repo-1', pr.pullRequestId);
  expect(threads.map((t) => t.comments[0]!.content)).toEqual([`${MARKER}\nplan of t1`, '<!-- caac-plan tenant=t2 dir=conditional-access -->\nplan of t2']);
});

test('a create whose answer was lost is looked for before it is sent again: still one thread', async () => {
  ado.fail({ method: 'POST', status: 503, times: 1, afterWork: true });
  const from = ado.requests.length;
  expect(await upsertPlanThread(pr, MARKER, `${MARKER}\nplan`)).toMatchObject({ status: 'created' });
  expect(calls(from)).toEqual(['GET', 'POST', 'GET']);
  expect(ado.threads('My Project', 'repo-1', pr.pullRequestId)).toHaveLength(1);
});

test('a thread whose comment was deleted since it was listed: a new one is written', async () => {
  await upsertPlanThread(pr, MARKER, 'plan one');
  ado.fail({ method: 'PATCH', status: 404, times: 1 });
  const from = ado.requests.length;
  expect(await upsertPlanThread(pr, MARKER, 'plan two')).toMatchObject({ status: 'created' });
  expect(calls(from)).toEqual(['GET', 'PATCH', 'POST']);
});

test('a read or an edit that fails with 5xx is tried again (bounded); a create is never sent blind', async () => {
  await upsertPlanThread(pr, MARKER, 'plan one');
  ado.fail({ method: 'GET', status: 503, times: 1 });
  ado.fail({ method: 'PATCH', status: 502, times: 1, afterWork: true });
  const from = ado.requests.length;
  expect(await upsertPlanThread(pr, MARKER, 'plan two')).toMatchObject({ status: 'updated' });
  expect(calls(from)).toEqual(['GET', 'GET', 'PATCH', 'PATCH']);
  ado.fail({ method: 'GET', status: 500, times: 3 });
  await expect(upsertPlanThread(pr, MARKER, 'plan three')).rejects.toThrow(/HTTP 500/);
  expect(ado.threads('My Project', 'repo-1', pr.pullRequestId)).toHaveLength(1);
});

test('a create refused before the work (400) is not retried and throws', async () => {
  ado.fail({ method: 'POST', status: 400, times: 1 });
  await expect(upsertPlanThread(pr, MARKER, 'plan')).rejects.toThrow(/HTTP 400/);
  expect(ado.threads('My Project', 'repo-1', pr.pullRequestId)).toHaveLength(0);
});

test('a token that may not read or write: skipped with the reason, never the token', async () => {
  const r = await upsertPlanThread({ ...pr, accessToken: 'wrong' }, MARKER, 'plan');
  expect(r.status).toBe('skipped');
  expect(r.reason).toMatch(/HTTP 401/);
  expect(r.reason).not.toContain('wrong');
  ado.fail({ method: 'POST', status: 403, times: 1 });
  expect(await upsertPlanThread(pr, MARKER, 'plan')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('Contribute to pull requests') });
});

test('the OIDC token: POST with the job token for the service connection; a refusal names the connection', async () => {
  const from = ado.requests.length;
  expect(await requestPipelineOidcToken({ requestUri: ado.oidcRequestUri, serviceConnectionId: 'sc-1', accessToken: ado.token })).toBe(ado.oidcToken);
  expect(ado.requests[from]).toMatchObject({ method: 'POST', authorization: `Bearer ${ado.token}` });
  expect(ado.requests[from]!.query.get('serviceConnectionId')).toBe('sc-1');
  const refused = requestPipelineOidcToken({ requestUri: ado.oidcRequestUri, serviceConnectionId: 'sc-1', accessToken: 'nope' });
  await expect(refused).rejects.toThrow(ConfigurationError);
  await expect(requestPipelineOidcToken({ requestUri: ado.oidcRequestUri, serviceConnectionId: 'sc-1', accessToken: 'nope' })).rejects.toThrow(/sc-1 \(HTTP 401\)/);
});

test('neutralizeAgentText: no ##vso[ or ##[ survives, in any case; other text is kept', () => {
  expect(neutralizeAgentText('a ##vso[task.setvariable variable=x]1 ##VSO[task.complete] ##[error]e ## [ok')).toBe(
    'a ##vso\\u005btask.setvariable variable=x]1 ##VSO\\u005btask.complete] ##\\u005berror]e ## [ok',
  );
});
