/**
 * The GitHub port (src/ports/github.ts) over @actions/github's Octokit: every error that leaves
 * it is a GitHubApiError (status, method, path, request id; never the token), or a bug.
 */
import type { GitHub } from '../ports/github.js';
import { toGitHubApiError } from './api-error.js';
import { commentOnIssue, createIssue } from './issues.js';
import { connectOctokit, type GitHubConnection } from './octokit.js';
import { upsertStickyComment } from './sticky-comment.js';

export function gitHubAdapter(connection: GitHubConnection): GitHub {
  const octokit = connectOctokit(connection);
  const translate = (error: unknown): unknown => toGitHubApiError(error, [connection.token]);
  const translated = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw translate(error);
    }
  };
  return {
    upsertStickyComment: (comment) => upsertStickyComment(octokit, comment, translate, connection.log),
    createIssue: (issue) => translated(() => createIssue(octokit, issue)),
    commentOnIssue: (repository, issueNumber, body) => translated(() => commentOnIssue(octokit, repository, issueNumber, body)),
  };
}
