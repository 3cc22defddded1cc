import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
/**
 * The GitHub adapter (src/github/, @actions/github's Octokit) against a loopback fake of the
 * REST API: the sticky comment, paging, retries, and the errors it reports.
 */
import { ConfigurationError, GitHubApiError } from '../../src/errors.js';
import { gitHubAdapter } from '../../src/github/adapter.js';
import type { Logger } from '../../src/ports/logger.js';
import type { Plan } from '../../src/model/plan.js';
import type { GitHub } from '../../src/ports/github.js';
import { planCommentMarker, renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { startFakeGitHub, type FakeGitHub } from '../fixtures/fake-github.js';

const REPO = 'contoso/identity';
const PR = 42;
const plan = JSON.parse(readFileSync(resolve('test/fixtures/plans/changes.json'), 'utf8')) as Plan;
const marker = planCommentMarker(plan.tenant.id, plan.dir);

let gh: FakeGitHub;
const logged: string[] = [];
const log: Logger = { info: (m) => logged.push(`info ${m}`), warning: (m) => logged.push(`warning ${m}`), debug: (m) => logged.push(`debug ${m}`) };

beforeEach(async () => {
  gh = await startFakeGitHub({ token: 'ghs_s3cr3t_token' });
  logged.length = 0;
});
afterEach(async () => {
  await gh.close();
});

/** The adapter as the action builds it, with the retry waits shortened to a millisecond. */
function adapter(token = gh.token, apiUrl: string | undefined = gh.url): GitHub {
  return gitHubAdapter({ token, apiUrl, log, retry: { baseDelayMs: 1 } });
}

function upsert(body: string, extra: { token?: string; marker?: string; author?: string } = {}) {
  return adapter(extra.token).upsertStickyComment({
    repository: REPO,
    issueNumber: PR,
    marker: extra.marker ?? marker,
    body,
    author: extra.author,
  });
}

async function failure(promise: Promise<unknown>): Promise<GitHubApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GitHubApiError);
    return error as GitHubApiError;
  }
  throw new Error('expected a failure');
}

const count = (method: string, path?: RegExp) => gh.requests.filter((r) => r.method === method && (!path || path.test(r.url))).length;
const LIST = /\/issues\/42\/comments/;

const withMarker = (c: { body: string }): boolean => c.body.includes(marker);

describe('upsertStickyComment against a loopback GitHub', () => {
  test('the first run creates the comment, later runs update it in place: one comment after 3 runs', async () => {
    const first = await upsert(renderPlanMarkdown(plan));
    expect(first.status).toBe('created');
    expect(first.url).toMatch(/^https:\/\/github\.com\/contoso\/identity\/pull\/42#issuecomment-\d+$/);

    const second = await upsert(renderPlanMarkdown({ ...plan, summary: { ...plan.summary, update: 3 } }));
    expect(second).toEqual({ status: 'updated', url: first.url });
    const third = await upsert(renderPlanMarkdown({ ...plan, summary: { ...plan.summary, update: 7 } }));
    expect(third.status).toBe('updated');

    const comments = gh.comments(REPO, PR);
    expect(comments.filter(withMarker)).toHaveLength(1);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('7 to update');
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(gh.requests.filter((r) => r.method === 'PATCH')).toHaveLength(2);
  });

  test('every request carries the token and the GitHub API headers', async () => {
    await upsert(`${marker}\nhello`);
    expect(gh.requests.length).toBeGreaterThan(0);
    for (const r of gh.requests) {
      expect(r.authorization).toBe('token ghs_s3cr3t_token');
      expect(r.headers['accept']).toBe('application/vnd.github+json');
      expect(r.headers['x-github-api-version']).toBe('2022-11-28');
      expect(r.headers['user-agent']).toMatch(/^caac\/\d+\.\d+\.\d+/);
    }
    expect(gh.requests[0]!.url).toBe(`/repos/${REPO}/issues/${PR}/comments?per_page=100`);
  });

  test('the same body again: nothing is written, the result says unchanged', async () => {
    const first = await upsert(`${marker}\nsame`);
    const again = await upsert(`${marker}\nsame`);
    expect(again).toEqual({ status: 'unchanged', url: first.url });
    expect(count('PATCH')).toBe(0);
    expect(count('POST')).toBe(1);
  });

  test('without apiUrl the adapter goes where GITHUB_API_URL points', async () => {
    const saved = process.env['GITHUB_API_URL'];
    process.env['GITHUB_API_URL'] = gh.url;
    try {
      const result = await adapter(gh.token, undefined).upsertStickyComment({ repository: REPO, issueNumber: PR, marker, body: 'x' });
      expect(result.status).toBe('created');
      expect(gh.comments(REPO, PR)).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env['GITHUB_API_URL'];
      else process.env['GITHUB_API_URL'] = saved;
    }
  });

  test("another bot's comment without the marker is left untouched", async () => {
    const other = gh.addComment(REPO, PR, 'Coverage: 91% <!-- coverage-bot -->', 'coverage-bot[bot]');
    await upsert(`${marker}\nfirst`);
    await upsert(`${marker}\nsecond`);
    const comments = gh.comments(REPO, PR);
    expect(comments).toHaveLength(2);
    expect(comments[0]).toEqual(other);
    expect(comments[0]!.body).toBe('Coverage: 91% <!-- coverage-bot -->');
    expect(comments[1]!.body).toBe(`${marker}\nsecond`);
  });

  test('another folder or tenant gets its own comment (the marker names both)', async () => {
    await upsert(`${marker}\nA`);
    const otherMarker = planCommentMarker(plan.tenant.id, 'other-folder');
    await upsert(`${otherMarker}\nB`, { marker: otherMarker });
    await upsert(`${marker}\nA2`);
    const bodies = gh.comments(REPO, PR).map((c) => c.body);
    expect(bodies).toEqual([`${marker}\nA2`, `${otherMarker}\nB`]);
  });

  test('a marker comment on page 2 of 150 comments is found and updated, all pages read', async () => {
    for (let i = 0; i < 120; i++) gh.addComment(REPO, PR, `chatter ${i}`, `user${i}`);
    const ours = gh.addComment(REPO, PR, `${marker}\nold plan`, 'github-actions[bot]');
    for (let i = 120; i < 149; i++) gh.addComment(REPO, PR, `chatter ${i}`, `user${i}`);
    expect(gh.comments(REPO, PR)).toHaveLength(150);

    const result = await upsert(`${marker}\nnew plan`);
    expect(result).toEqual({ status: 'updated', url: ours.html_url });
    expect(gh.comments(REPO, PR)).toHaveLength(150);
    expect(gh.comments(REPO, PR).filter(withMarker)).toHaveLength(1);
    expect(ours.body).toBe(`${marker}\nnew plan`);
    const lists = gh.requests.filter((r) => r.method === 'GET').map((r) => r.url);
    expect(lists).toEqual([`/repos/${REPO}/issues/${PR}/comments?per_page=100`, `/repos/${REPO}/issues/${PR}/comments?per_page=100&page=2`]);
  });

  test('no marker comment among 150: every page is read and one comment is created', async () => {
    for (let i = 0; i < 150; i++) gh.addComment(REPO, PR, `chatter ${i}`);
    expect((await upsert(`${marker}\nplan`)).status).toBe('created');
    expect(gh.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
    expect(gh.comments(REPO, PR)).toHaveLength(151);
  });

  test('the marker is added when the body lacks it', async () => {
    await upsert('just a body');
    expect(gh.comments(REPO, PR)[0]!.body).toBe(`${marker}\njust a body`);
  });

  test('with author set, a marker comment by someone else is not taken over', async () => {
    gh.addComment(REPO, PR, `${marker}\nspoofed plan: no changes`, 'mallory');
    const result = await upsert(`${marker}\nreal plan`, { author: 'github-actions[bot]' });
    expect(result.status).toBe('created');
    expect(gh.comments(REPO, PR).map((c) => c.body)).toEqual([`${marker}\nspoofed plan: no changes`, `${marker}\nreal plan`]);
  });

  test('a fork pull request (read-only token): skipped with a reason, nothing thrown', async () => {
    gh.denyWrites = true;
    const result = await upsert(`${marker}\nplan`);
    expect(result.status).toBe('skipped');
    expect(result.reason).toMatch(/fork/);
    expect(result.reason).toMatch(/pull-requests: write/);
    expect(result.reason).toContain('403');
    expect(result.reason).toContain('Resource not accessible by integration');
    expect(gh.comments(REPO, PR)).toHaveLength(0);
  });

  test('a fork pull request with an existing comment: the update is skipped too', async () => {
    await upsert(`${marker}\nplan`);
    gh.denyWrites = true;
    const result = await upsert(`${marker}\nplan 2`);
    expect(result.status).toBe('skipped');
    expect(gh.comments(REPO, PR)[0]!.body).toBe(`${marker}\nplan`);
  });

  test('404 (no access to the repository) is skipped', async () => {
    gh.failWith = { status: 404, message: 'Not Found' };
    const result = await upsert(`${marker}\nplan`);
    expect(result.status).toBe('skipped');
    expect(result.reason).toContain('404');
  });

  test('a comment deleted between list and update is created again', async () => {
    await upsert(`${marker}\nplan`);
    // Simulate someone deleting the comment after we listed it: the PATCH target no longer exists.
    const comments = gh.comments(REPO, PR);
    const [only] = comments.splice(0, 1);
    comments.push({ ...only!, id: 999999 });
    const result = await upsert(`${marker}\nplan 2`);
    expect(result.status).toBe('created');
  });

  test('500 on every request: a GitHubApiError with status, method, path and request id after 3 attempts, never the token', async () => {
    gh.failWith = { status: 500, message: 'Server Error for ghs_s3cr3t_token' };
    const error = await failure(upsert(`${marker}\nplan`));
    expect(error.name).toBe('GitHubApiError');
    expect(error.status).toBe(500);
    expect(error.method).toBe('GET');
    expect(error.path).toBe(`/repos/${REPO}/issues/${PR}/comments`);
    expect(error.requestId).toBe('FAKE:3');
    expect(error.message).toBe(`GitHub API error 500 on GET /repos/${REPO}/issues/${PR}/comments: Server Error for *** (request id FAKE:3)`);
    expect(JSON.stringify(error)).not.toContain('ghs_s3cr3t_token');
    expect(count('GET')).toBe(3);
  });

  test('a wrong token (401) throws at once, without the token', async () => {
    const error = await failure(upsert(`${marker}\nplan`, { token: 'ghs_wrong_one' }));
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/^GitHub API error 401 on GET \/repos\/contoso\/identity\/issues\/42\/comments: Bad credentials/);
    expect(error.message).not.toContain('ghs_wrong_one');
    expect(gh.requests).toHaveLength(1);
  });

  test('an unreachable API: "no answer", retried, without the token', async () => {
    await gh.close();
    const error = await failure(upsert(`${marker}\nplan`));
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/^GitHub API gave no answer to GET \/repos\/contoso\/identity\/issues\/42\/comments: /);
    expect(error.message).not.toContain(gh.token);
    gh = await startFakeGitHub();
  });
});

describe('the adapter rides out what GitHub does to a client', () => {
  test('502 once on the list: retried, then the comment is created', async () => {
    gh.fail({ status: 502, message: 'Bad Gateway', method: 'GET', times: 1 });
    expect((await upsert(`${marker}\nplan`)).status).toBe('created');
    expect(count('GET')).toBe(2);
    expect(gh.comments(REPO, PR)).toHaveLength(1);
  });

  test('the marker on page 2, and page 2 fails once: retried, found, updated in place', async () => {
    for (let i = 0; i < 100; i++) gh.addComment(REPO, PR, `chatter ${i}`, `user${i}`);
    const ours = gh.addComment(REPO, PR, `${marker}\nold plan`, 'github-actions[bot]');
    gh.fail({ status: 503, message: 'Service Unavailable', method: 'GET', query: /page=2/, times: 1 });
    expect(await upsert(`${marker}\nnew plan`)).toEqual({ status: 'updated', url: ours.html_url });
    expect(gh.requests.filter((r) => r.method === 'GET').map((r) => r.url.replace(/^.*\?/, ''))).toEqual(['per_page=100', 'per_page=100&page=2', 'per_page=100&page=2']);
    expect(gh.comments(REPO, PR).filter(withMarker)).toHaveLength(1);
  });

  test('502 once on the update (a PATCH may be sent again): updated, two PATCHes', async () => {
    await upsert(`${marker}\nplan 1`);
    gh.fail({ status: 502, message: 'Bad Gateway', method: 'PATCH', times: 1 });
    expect((await upsert(`${marker}\nplan 2`)).status).toBe('updated');
    expect(count('PATCH')).toBe(2);
    expect(gh.comments(REPO, PR)[0]!.body).toBe(`${marker}\nplan 2`);
  });

  test('502 on every update: the error names PATCH and the comment, after 3 attempts', async () => {
    const first = await upsert(`${marker}\nplan 1`);
    const id = /issuecomment-(\d+)$/.exec(first.url ?? '')![1];
    gh.fail({ status: 502, message: 'Bad Gateway', method: 'PATCH' });
    const error = await failure(upsert(`${marker}\nplan 2`));
    expect(error.message).toMatch(new RegExp(`^GitHub API error 502 on PATCH /repos/contoso/identity/issues/comments/${id}: Bad Gateway \\(request id FAKE:\\d+\\)$`));
    expect(error).toMatchObject({ status: 502, method: 'PATCH', path: `/repos/${REPO}/issues/comments/${id}`, rateLimited: false });
    expect(count('PATCH')).toBe(3);
    expect(gh.comments(REPO, PR)[0]!.body).toBe(`${marker}\nplan 1`);
  });

  test('a create whose answer is lost (502 after the write): looked for, not sent again, one comment', async () => {
    gh.fail({ status: 502, message: 'Bad Gateway', method: 'POST', times: 1, afterWork: true });
    const result = await upsert(`${marker}\nplan`);
    expect(result.status).toBe('created');
    expect(result.url).toBe(gh.comments(REPO, PR)[0]!.html_url);
    expect(count('POST')).toBe(1);
    expect(count('GET')).toBe(2);
    expect(gh.comments(REPO, PR)).toHaveLength(1);
  });

  test('a create refused with 502 before the write: looked for, then written once', async () => {
    gh.fail({ status: 502, message: 'Bad Gateway', method: 'POST', times: 1 });
    expect((await upsert(`${marker}\nplan`)).status).toBe('created');
    expect(count('POST')).toBe(2);
    expect(gh.comments(REPO, PR)).toHaveLength(1);
  });

  test('a create that always fails with 500: 3 rounds of look-then-write, then the error; no comment', async () => {
    gh.fail({ status: 500, message: 'Internal Server Error', method: 'POST' });
    const error = await failure(upsert(`${marker}\nplan`));
    expect(error).toMatchObject({ status: 500, method: 'POST', path: `/repos/${REPO}/issues/${PR}/comments` });
    expect(count('POST')).toBe(3);
    expect(count('GET', LIST)).toBe(3);
    expect(gh.comments(REPO, PR)).toHaveLength(0);
  });

  test('a secondary rate limit (403 with Retry-After) is waited out, even for a POST: not a "no permission"', async () => {
    gh.fail({ status: 403, message: 'You have exceeded a secondary rate limit', method: 'POST', times: 1, headers: { 'Retry-After': '0' } });
    expect((await upsert(`${marker}\nplan`)).status).toBe('created');
    expect(count('POST')).toBe(2);
    expect(gh.comments(REPO, PR)).toHaveLength(1);
  });

  test('a rate limit longer than a minute is not waited out: an error (rate limited), not skipped', async () => {
    gh.fail({ status: 403, message: 'API rate limit exceeded', headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) + 3600) } });
    const error = await failure(upsert(`${marker}\nplan`));
    expect(error).toMatchObject({ status: 403, rateLimited: true });
    expect(error.message).toContain('API rate limit exceeded');
    expect(gh.requests).toHaveLength(1);
  });

  test('a 403 that is not a rate limit is not retried (a permission does not come back)', async () => {
    gh.fail({ status: 403, message: 'Resource not accessible by integration', method: 'GET' });
    expect((await upsert(`${marker}\nplan`)).status).toBe('skipped');
    expect(gh.requests).toHaveLength(1);
  });
});

describe('issues through the adapter', () => {
  test('opens an issue with labels, and comments on it', async () => {
    const github = adapter();
    const issue = await github.createIssue({ repository: REPO, title: 'Drift in contoso', body: 'details', labels: ['caac-drift'] });
    expect(issue).toEqual({ number: 500, url: `https://github.com/${REPO}/issues/500` });
    expect(gh.issues(REPO)).toMatchObject([{ title: 'Drift in contoso', body: 'details', labels: [{ name: 'caac-drift' }] }]);
    const comment = await github.commentOnIssue(REPO, issue.number, 'still drifting');
    expect(comment.url).toMatch(/\/500#issuecomment-\d+$/);
    expect(gh.comments(REPO, 500).map((c) => c.body)).toEqual(['still drifting']);
  });

  test('a lost answer to "open an issue" is not sent again: one POST, a GitHubApiError', async () => {
    gh.fail({ status: 502, message: 'Bad Gateway', method: 'POST', afterWork: true });
    const error = await failure(adapter().createIssue({ repository: REPO, title: 'Drift', body: '' }));
    expect(error).toMatchObject({ status: 502, method: 'POST', path: `/repos/${REPO}/issues` });
    expect(count('POST')).toBe(1);
    expect(gh.issues(REPO)).toHaveLength(1);
  });

  test('a repository that is not owner/name is refused before any request (a settings mistake)', async () => {
    await expect(adapter().createIssue({ repository: 'no-slash', title: 't', body: '' })).rejects.toThrow(ConfigurationError);
    await expect(adapter().upsertStickyComment({ repository: 'a/b/c', issueNumber: 1, marker, body: '' })).rejects.toThrow(/"a\/b\/c" is not a repository \(owner\/name\)/);
    expect(gh.requests).toHaveLength(0);
  });
});
