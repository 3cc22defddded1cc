/**
 * One sticky comment per (tenant, folder) on a pull request: found again by a hidden marker in
 * its body and edited in place, so a pull request never collects a second plan comment. A token
 * that may not comment (a fork's read-only token, a workflow without `pull-requests: write`) is
 * not an error: the result says `skipped` and why. Any other failure throws a GitHubApiError.
 */
import { ConfigurationError, GitHubApiError } from '../errors.js';
import type { StickyComment, StickyCommentResult } from '../ports/github.js';
import type { Logger } from '../ports/logger.js';
import type { Octokit } from './octokit.js';

interface IssueComment {
  id: number;
  body?: string | null;
  html_url?: string;
  user?: { login?: string } | null;
}

/** 100 pages of 100: a pull request with more than 10,000 comments is not one we can read. */
const MAX_PAGES = 100;
/**
 * Rounds of "look for the comment, then write it". A create whose answer was lost (5xx, no
 * answer) may have happened: the next round looks before it writes, so no second comment appears.
 */
const ROUNDS = 3;

/** Statuses that mean "this token may not do that here": a warning, not a failure. */
function mayNotWrite(error: unknown): error is GitHubApiError {
  return error instanceof GitHubApiError && !error.rateLimited && (error.status === 403 || error.status === 404);
}

/** A write whose outcome is unknown: GitHub failed (5xx) or gave no answer, after it got the request. */
function outcomeUnknown(error: unknown): boolean {
  return error instanceof GitHubApiError && !error.rateLimited && (error.status === undefined || error.status >= 500);
}

function skipped(error: GitHubApiError, what: string): StickyCommentResult {
  const hint =
    error.status === 403
      ? 'the token may not write to this pull request (a pull request from a fork gets a read-only token; otherwise grant `pull-requests: write`)'
      : 'the pull request was not found with this token (check the repository, or grant `pull-requests: write`)';
  return { status: 'skipped', reason: `could not ${what}: ${hint}. ${error.message}` };
}

export function splitRepository(repository: string): { owner: string; repo: string } {
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(repository);
  if (!m) throw new ConfigurationError(`"${repository}" is not a repository (owner/name): check GITHUB_REPOSITORY or the event's repository`);
  return { owner: m[1]!, repo: m[2]! };
}

/** The first comment with the marker (by `author`, when given), reading page after page until found. */
async function findComment(octokit: Octokit, comment: StickyComment): Promise<IssueComment | undefined> {
  let found: IssueComment | undefined;
  let pages = 0;
  await octokit.paginate(
    octokit.rest.issues.listComments,
    { ...splitRepository(comment.repository), issue_number: comment.issueNumber, per_page: 100 },
    (response, done) => {
      found ??= response.data.find((c) => (c.body ?? '').includes(comment.marker) && (!comment.author || c.user?.login === comment.author));
      if (found || ++pages >= MAX_PAGES) done();
      return [];
    },
  );
  return found;
}

/**
 * Creates the sticky comment, or updates the one with the marker; `unchanged` when it already
 * says exactly this. `translate` turns what Octokit throws into GitHubApiErrors.
 */
export async function upsertStickyComment(
  octokit: Octokit,
  comment: StickyComment,
  translate: (error: unknown) => unknown,
  log?: Logger,
): Promise<StickyCommentResult> {
  const { owner, repo } = splitRepository(comment.repository);
  const body = comment.body.includes(comment.marker) ? comment.body : `${comment.marker}\n${comment.body}`;
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw translate(error);
    }
  };

  let lostCreate: GitHubApiError | undefined;
  for (let round = 1; ; round++) {
    let existing: IssueComment | undefined;
    try {
      existing = await call(() => findComment(octokit, comment));
    } catch (error) {
      if (mayNotWrite(error)) return skipped(error, 'read the pull request comments');
      throw error;
    }

    if (existing?.body === body) {
      log?.info(`The plan comment already shows this plan: ${existing.html_url ?? ''}`);
      return { status: lostCreate ? 'created' : 'unchanged', url: existing.html_url };
    }
    if (existing) {
      const id = existing.id;
      try {
        const { data } = await call(() => octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body }));
        log?.info(`Updated the plan comment: ${data.html_url}`);
        return { status: lostCreate ? 'created' : 'updated', url: data.html_url };
      } catch (error) {
        // 404: the comment was deleted since we listed it; write a new one below.
        if (!(error instanceof GitHubApiError && error.status === 404)) {
          if (mayNotWrite(error)) return skipped(error, 'update the plan comment');
          throw error;
        }
        log?.debug?.(`The plan comment ${id} is gone (${error.message}); creating a new one.`);
      }
    }

    try {
      const { data } = await call(() => octokit.rest.issues.createComment({ owner, repo, issue_number: comment.issueNumber, body }));
      log?.info(`Created the plan comment: ${data.html_url}`);
      return { status: 'created', url: data.html_url };
    } catch (error) {
      if (mayNotWrite(error)) return skipped(error, 'comment on the pull request');
      if (!outcomeUnknown(error) || round >= ROUNDS) throw error;
      lostCreate = error as GitHubApiError;
      log?.info(`${lostCreate.message}; looking whether the comment was created before writing it again`);
    }
  }
}
