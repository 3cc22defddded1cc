/**
 * The one way to the GitHub REST API: @actions/github's Octokit (REST methods, paginate, the
 * runner's proxy settings) with our bounded retry plugin. The base URL is GITHUB_API_URL, as
 * @actions/github reads it, unless the caller names another (GitHub Enterprise Server, a test).
 */
import { getOctokit } from '@actions/github';
import { VERSION } from '../version.js';
import type { Logger } from '../ports/logger.js';
import { DEFAULT_RETRY_POLICY, retryPlugin, type RetryPolicy } from './retry.js';

export type Octokit = ReturnType<typeof getOctokit>;

export interface GitHubConnection {
  token: string;
  /** `https://api.github.com`, or GITHUB_API_URL on GitHub Enterprise Server (default: GITHUB_API_URL). */
  apiUrl?: string;
  log?: Logger;
  /** Overrides of the retry policy (tests shorten the waits). */
  retry?: Partial<RetryPolicy>;
}

export function connectOctokit(connection: GitHubConnection): Octokit {
  const { log } = connection;
  const baseUrl = (connection.apiUrl ?? process.env['GITHUB_API_URL'] ?? 'https://api.github.com').replace(/\/+$/, '');
  const octokit = getOctokit(
    connection.token,
    {
      baseUrl,
      userAgent: `caac/${VERSION}`,
      // Octokit's own notices (a deprecated endpoint) go to our log, not to the console.
      log: {
        debug: (m: string) => log?.debug?.(m),
        info: (m: string) => log?.debug?.(m),
        warn: (m: string) => log?.warning(m),
        error: (m: string) => log?.warning(m),
      },
    },
    retryPlugin({ ...DEFAULT_RETRY_POLICY, ...connection.retry }, log),
  );
  octokit.hook.before('request', (options) => {
    options.headers['accept'] = 'application/vnd.github+json';
    options.headers['x-github-api-version'] = '2022-11-28';
  });
  return octokit;
}
