/**
 * The GitHub port (src/ports/github.ts) over @actions/github's Octokit: every error that leaves
 * it is a GitHubApiError (status, method, path, request id; never the token), or a bug.
 */
import type { GitHub } from '../ports/github.js';
import { toGitHubApiError } from './api-error.js';
import { commentOnIssue, createIssue, findOpenIssue, updateIssue } from './issues.js';
import type { GitHubConnection, Octokit } from './octokit.js';
import { upsertStickyComment } from './sticky-comment.js';

export function gitHubAdapter(connection: GitHubConnection): GitHub {
  // Octokit loads on the first call: a step that never talks to GitHub (validate, a plan on a
  // push) does not pay for it at start.
  let octokit: Promise<Octokit> | undefined;
  const client = (): Promise<Octokit> => (octokit ??= import('./octokit.js').then((m) => m.connectOctokit(connection)));
  const translate = (error: unknown): unknown => toGitHubApiError(error, [connection.token]);
  const translated = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw translate(error);
    }
  };
  return {
    upsertStickyComment: async (comment) => upsertStickyComment(await client(), comment, translate, connection.log),
    createIssue: (issue) => translated(async () => createIssue(await client(), issue)),
    commentOnIssue: (repository, issueNumber, body) => translated(async () => commentOnIssue(await client(), repository, issueNumber, body)),
    findOpenIssue: (repository, label, marker) => translated(async () => findOpenIssue(await client(), repository, label, marker)),
    updateIssue: (repository, issueNumber, change) => translated(async () => updateIssue(await client(), repository, issueNumber, change)),
  };
}
