/**
 * A bounded retry for Octokit, added through @actions/github's plugin parameter (getOctokit's
 * `additionalPlugins`). @actions/github brings no retry of its own and @octokit/plugin-retry is
 * not a dependency; what we need is small and has rules of our own:
 *
 * - 5xx, or no answer: retried with backoff and jitter, but only for methods that are safe to
 *   send twice (GET, PATCH with the same body, PUT, DELETE). A POST whose answer was lost may
 *   have happened: it is not sent again here, and the caller looks for its result instead.
 * - A rate limit (429, or a 403 that says so): nothing happened, so any method is retried, after
 *   Retry-After (or until x-ratelimit-reset; a minute when GitHub says neither, as its docs ask).
 *   A wait longer than `maxWaitMs` is not waited out: the error is reported at once.
 * - Every attempt has its own time-out, so a stalled connection cannot hang the step.
 */
import type { getOctokit } from '@actions/github';
import { isRateLimited, isRequestError, type OctokitRequestError } from './api-error.js';

type OctokitPlugin = NonNullable<Parameters<typeof getOctokit>[2]>;

export interface RetryPolicy {
  /** Attempts in all, the first included (default 3). */
  attempts: number;
  /** The first backoff after a 5xx; doubled each time, with jitter (default 1 s). */
  baseDelayMs: number;
  /** The longest rate-limit wait worth waiting out (default 60 s). */
  maxWaitMs: number;
  /** One attempt's time-out (default 30 s). */
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 3, baseDelayMs: 1000, maxWaitMs: 60_000, timeoutMs: 30_000 };

/** Methods whose repetition changes nothing (a PATCH here always sends the whole new body). */
const REPEATABLE = new Set(['GET', 'HEAD', 'PATCH', 'PUT', 'DELETE']);

/** How long to wait before the next attempt, or undefined to give up now. */
export function retryDelay(error: unknown, method: string, attempt: number, policy: RetryPolicy, now = Date.now()): number | undefined {
  if (!isRequestError(error) || attempt >= policy.attempts) return undefined;
  if (isRateLimited(error)) {
    const wait = rateLimitWait(error, now);
    return wait <= policy.maxWaitMs ? wait : undefined;
  }
  const lostAnswer = !error.response || error.response.status >= 500;
  if (!lostAnswer || !REPEATABLE.has(method.toUpperCase())) return undefined;
  const backoff = policy.baseDelayMs * 2 ** (attempt - 1);
  return Math.round(backoff * (0.5 + Math.random() / 2));
}

function rateLimitWait(error: OctokitRequestError, now: number): number {
  const headers = error.response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000;
  const reset = Number(headers['x-ratelimit-reset']);
  if (String(headers['x-ratelimit-remaining']) === '0' && Number.isFinite(reset)) return Math.max(0, reset * 1000 - now);
  return 60_000;
}

export interface RetryLog {
  debug?(message: string): void;
}

/** The plugin: wraps every request (pages of a paginate included) in the policy above. */
export function retryPlugin(policy: RetryPolicy = DEFAULT_RETRY_POLICY, log?: RetryLog): OctokitPlugin {
  return (octokit) => {
    octokit.hook.wrap('request', async (request, options) => {
      const method = options.method.toUpperCase();
      for (let attempt = 1; ; attempt++) {
        try {
          return await request({ ...options, request: { ...options.request, signal: AbortSignal.timeout(policy.timeoutMs) } });
        } catch (error) {
          const wait = retryDelay(error, method, attempt, policy);
          if (wait === undefined) throw error;
          const status = isRequestError(error) && error.response ? String(error.response.status) : 'no answer';
          log?.debug?.(`GitHub API ${method} ${options.url}: ${status}; attempt ${attempt + 1} of ${policy.attempts} in ${wait} ms`);
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
    });
  };
}
