import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plan } from '../../src/model/plan.js';
import { upsertStickyComment, type GitHubLog } from '../../src/github/sticky-comment.js';
import { planCommentMarker, renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { startFakeGitHub, type FakeGitHub } from '../fixtures/fake-github.js';

const REPO = 'contoso/identity';
const PR = 42;
const plan = JSON.parse(readFileSync(resolve('test/fixtures/plans/changes.json'), 'utf8')) as Plan;
const marker = planCommentMarker(plan.tenant.id, plan.dir);

let gh: FakeGitHub;
const logged: string[] = [];
const log: GitHubLog = { info: (m) => logged.push(`info ${m}`), warning: (m) => logged.push(`warning ${m}`), debug: (m) => logged.push(`debug ${m}`) };

beforeEach(async () => {
  gh = await startFakeGitHub({ token: 'ghs_s3cr3t_token' });
  logged.length = 0;
});
afterEach(async () => {
  await gh.close();
});

function upsert(body: string, extra: { token?: string; marker?: string; author?: string } = {}) {
  return upsertStickyComment({
    token: extra.token ?? gh.token,
    apiUrl: gh.url,
    repository: REPO,
    issueNumber: PR,
    marker: extra.marker ?? marker,
    body,
    author: extra.author,
    log,
  });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

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

  test('every request carries the bearer token and the GitHub API headers', async () => {
    await upsert(`${marker}\nhello`);
    for (const r of gh.requests) {
      expect(r.authorization).toBe('Bearer ghs_s3cr3t_token');
      expect(r.headers['accept']).toBe('application/vnd.github+json');
      expect(r.headers['x-github-api-version']).toBe('2022-11-28');
    }
    expect(gh.requests[0]!.url).toBe(`/repos/${REPO}/issues/${PR}/comments?per_page=100&page=1`);
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
    expect(lists).toEqual([`/repos/${REPO}/issues/${PR}/comments?per_page=100&page=1`, `/repos/${REPO}/issues/${PR}/comments?per_page=100&page=2`]);
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

  test('500: an error with the status and GitHub message, never the token', async () => {
    gh.failWith = { status: 500, message: 'Server Error for ghs_s3cr3t_token' };
    const error = await failure(upsert(`${marker}\nplan`));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('GitHubApiError');
    expect(error.message).toContain('500');
    expect(error.message).toContain('Server Error');
    expect(error.message).not.toContain('ghs_s3cr3t_token');
    expect(JSON.stringify(error)).not.toContain('ghs_s3cr3t_token');
  });

  test('a wrong token (401) throws, without the token', async () => {
    const error = await failure(upsert(`${marker}\nplan`, { token: 'ghs_wrong_one' }));
    expect(error.message).toMatch(/401: Bad credentials/);
    expect(error.message).not.toContain('ghs_wrong_one');
  });

  test('an unreachable API throws a clear error, without the token', async () => {
    await gh.close();
    const error = await failure(upsert(`${marker}\nplan`));
    expect(error.message).toMatch(/GitHub API GET \/repos\/contoso\/identity\/issues\/42\/comments failed/);
    expect(error.message).not.toContain(gh.token);
    gh = await startFakeGitHub();
  });
});
