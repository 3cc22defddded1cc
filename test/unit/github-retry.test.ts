/**
 * The retry rule (src/github/retry.ts) and the error translation (src/github/api-error.ts) on
 * plain data: errors shaped as @octokit/request-error's RequestError (name HttpError, status,
 * request, response), the way @octokit/request builds them.
 */
import { GitHubApiError } from '../../src/errors.js';
import { reportError } from '../../src/cli/fail.js';
import { toGitHubApiError } from '../../src/github/api-error.js';
import { DEFAULT_RETRY_POLICY, retryDelay } from '../../src/github/retry.js';

function httpError(status: number, options: { headers?: Record<string, string>; data?: unknown; answered?: boolean; method?: string; message?: string } = {}): Error {
  const error = new Error(options.message ?? 'failed') as Error & Record<string, unknown>;
  error.name = 'HttpError';
  error['status'] = status;
  error['request'] = { method: options.method ?? 'PATCH', url: 'https://api.github.com/repos/o/r/issues/comments/7?x=1', headers: { authorization: 'token [REDACTED]' } };
  if (options.answered !== false) error['response'] = { status, url: '', headers: options.headers ?? {}, data: options.data ?? { message: 'nope' } };
  return error;
}

const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1000 };
const NOW = 1_700_000_000_000;

describe('retryDelay', () => {
  test.each(['GET', 'PATCH', 'PUT', 'DELETE'])('%s after a 502: a backoff within [base/2, base] on the first retry, doubled on the next', (method) => {
    const first = retryDelay(httpError(502), method, 1, policy, NOW)!;
    expect(first).toBeGreaterThanOrEqual(500);
    expect(first).toBeLessThanOrEqual(1000);
    const second = retryDelay(httpError(502), method, 2, { ...policy, attempts: 5 }, NOW)!;
    expect(second).toBeGreaterThanOrEqual(1000);
    expect(second).toBeLessThanOrEqual(2000);
  });

  test('a POST after a 5xx or no answer is not retried: it may have happened', () => {
    expect(retryDelay(httpError(502), 'POST', 1, policy, NOW)).toBeUndefined();
    expect(retryDelay(httpError(500, { answered: false }), 'POST', 1, policy, NOW)).toBeUndefined();
  });

  test('no answer is retried for a GET', () => {
    expect(retryDelay(httpError(500, { answered: false }), 'GET', 1, policy, NOW)).toBeGreaterThan(0);
  });

  test('the last attempt is the last', () => {
    expect(retryDelay(httpError(502), 'GET', 3, policy, NOW)).toBeUndefined();
    expect(retryDelay(httpError(429, { headers: { 'retry-after': '1' } }), 'GET', 3, policy, NOW)).toBeUndefined();
  });

  test('4xx other than a rate limit is not retried', () => {
    for (const status of [400, 401, 403, 404, 409, 422]) expect(retryDelay(httpError(status), 'GET', 1, policy, NOW)).toBeUndefined();
  });

  test('a rate limit is waited out for any method: Retry-After, else until x-ratelimit-reset, else a minute', () => {
    expect(retryDelay(httpError(429, { headers: { 'retry-after': '7' } }), 'POST', 1, policy, NOW)).toBe(7000);
    expect(retryDelay(httpError(403, { headers: { 'retry-after': '0' } }), 'POST', 1, policy, NOW)).toBe(0);
    const reset = String(NOW / 1000 + 30);
    expect(retryDelay(httpError(403, { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } }), 'GET', 1, policy, NOW)).toBe(30_000);
    expect(retryDelay(httpError(403, { data: { message: 'You have exceeded a secondary rate limit.' } }), 'POST', 1, policy, NOW)).toBe(60_000);
  });

  test('a rate-limit wait longer than maxWaitMs is not waited', () => {
    expect(retryDelay(httpError(429, { headers: { 'retry-after': '61' } }), 'GET', 1, policy, NOW)).toBeUndefined();
    const reset = String(NOW / 1000 + 3600);
    expect(retryDelay(httpError(403, { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } }), 'GET', 1, policy, NOW)).toBeUndefined();
  });

  test('what is not an Octokit request error is never retried', () => {
    expect(retryDelay(new TypeError('x is undefined'), 'GET', 1, policy, NOW)).toBeUndefined();
    expect(retryDelay('502', 'GET', 1, policy, NOW)).toBeUndefined();
  });
});

describe('toGitHubApiError', () => {
  test('status, method, path without the query, GitHub message with its first detail, request id', () => {
    const error = toGitHubApiError(
      httpError(422, { method: 'patch', headers: { 'x-github-request-id': 'AB:12' }, data: { message: 'Validation Failed', errors: [{ message: 'Body is too long' }] } }),
      ['ghs_x'],
    ) as GitHubApiError;
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toMatchObject({ status: 422, method: 'PATCH', path: '/repos/o/r/issues/comments/7', requestId: 'AB:12', rateLimited: false });
    expect(error.message).toBe('GitHub API error 422 on PATCH /repos/o/r/issues/comments/7: Validation Failed (Body is too long) (request id AB:12)');
  });

  test('a token GitHub echoed is redacted', () => {
    const error = toGitHubApiError(httpError(500, { data: { message: 'boom ghs_secret boom' } }), ['ghs_secret']) as GitHubApiError;
    expect(error.message).toContain('boom *** boom');
    expect(error.message).not.toContain('ghs_secret');
  });

  test('no answer: status undefined, "gave no answer", the fetch reason', () => {
    const error = toGitHubApiError(httpError(500, { answered: false, method: 'GET', message: 'connect ECONNREFUSED 127.0.0.1:9' }), []) as GitHubApiError;
    expect(error.status).toBeUndefined();
    expect(error.message).toBe('GitHub API gave no answer to GET /repos/o/r/issues/comments/7: connect ECONNREFUSED 127.0.0.1:9');
  });

  test('a rate-limit 403 is marked as such', () => {
    expect((toGitHubApiError(httpError(403, { headers: { 'x-ratelimit-remaining': '0' } }), []) as GitHubApiError).rateLimited).toBe(true);
    expect((toGitHubApiError(httpError(403), []) as GitHubApiError).rateLimited).toBe(false);
  });

  test('anything else passes through unchanged (a bug stays a bug)', () => {
    const bug = new TypeError('cannot read x');
    expect(toGitHubApiError(bug, [])).toBe(bug);
  });
});

describe('the CLI face', () => {
  test('a GitHubApiError is reported as itself with exit 1, not as a bug', () => {
    const lines: string[] = [];
    const code = reportError(new GitHubApiError('GitHub API error 502 on PATCH /repos/o/r/issues/comments/7: Bad Gateway', 502, 'PATCH', '/repos/o/r/issues/comments/7'), (l) => lines.push(l));
    expect(code).toBe(1);
    expect(lines).toEqual(['caac: GitHub API error 502 on PATCH /repos/o/r/issues/comments/7: Bad Gateway']);
  });
});
