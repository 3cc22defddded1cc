import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPullRequest } from '../../src/github/pull-request.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'caac-event-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function event(payload: unknown, name = 'pull_request'): Record<string, string> {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof payload === 'string' ? payload : JSON.stringify(payload));
  return { GITHUB_EVENT_PATH: path, GITHUB_EVENT_NAME: name, GITHUB_REPOSITORY: 'contoso/identity' };
}

const pr = (head: string | null, base = 'contoso/identity') => ({
  pull_request: { number: 7, head: { repo: head === null ? null : { full_name: head } }, base: { repo: { full_name: base } } },
});

describe('readPullRequest', () => {
  test('a pull request from a branch of the same repository', () => {
    expect(readPullRequest(event(pr('contoso/identity')))).toEqual({ number: 7, isFork: false, headRepo: 'contoso/identity', baseRepo: 'contoso/identity' });
  });

  test('a pull request from a fork', () => {
    expect(readPullRequest(event(pr('mallory/identity')))).toEqual({ number: 7, isFork: true, headRepo: 'mallory/identity', baseRepo: 'contoso/identity' });
  });

  test('a fork that was deleted (head.repo null) counts as a fork', () => {
    expect(readPullRequest(event(pr(null)))).toMatchObject({ isFork: true, headRepo: undefined });
  });

  test('pull_request_target carries the pull request too', () => {
    expect(readPullRequest(event(pr('contoso/identity'), 'pull_request_target'))?.number).toBe(7);
  });

  test('the base repository falls back to GITHUB_REPOSITORY', () => {
    const payload = { pull_request: { number: 9, head: { repo: { full_name: 'contoso/identity' } }, base: {} } };
    expect(readPullRequest(event(payload))).toMatchObject({ number: 9, baseRepo: 'contoso/identity', isFork: false });
  });

  test('not a pull request: push, schedule, a missing or broken event file', () => {
    expect(readPullRequest(event({ ref: 'refs/heads/main' }, 'push'))).toBeUndefined();
    expect(readPullRequest(event(pr('contoso/identity'), 'schedule'))).toBeUndefined();
    expect(readPullRequest({ GITHUB_EVENT_NAME: 'pull_request' })).toBeUndefined();
    expect(readPullRequest({ ...event('{not json'), GITHUB_EVENT_NAME: 'pull_request' })).toBeUndefined();
    expect(readPullRequest(event({ pull_request: { head: {}, base: {} } }))).toBeUndefined();
  });
});
