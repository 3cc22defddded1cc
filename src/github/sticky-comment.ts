/**
 * One sticky comment per (tenant, folder) on a pull request: found again by a hidden marker in
 * its body and edited in place, so a pull request never collects a second plan comment. Plain
 * fetch against the REST API. A token that may not comment (a fork's read-only token, a workflow
 * without `pull-requests: write`) is not an error: the result says `skipped` and why.
 */

export interface GitHubLog {
  info(message: string): void;
  warning(message: string): void;
  debug?(message: string): void;
}

export interface StickyCommentRequest {
  token: string;
  /** `https://api.github.com`, or GITHUB_API_URL on GitHub Enterprise Server. */
  apiUrl: string;
  /** `owner/name`. */
  repository: string;
  issueNumber: number;
  /** The hidden marker (`planCommentMarker`) that the comment's body contains. */
  marker: string;
  /** The complete body; it should contain the marker, which is prepended when it does not. */
  body: string;
  /**
   * Only a comment by this login counts (e.g. `github-actions[bot]`), so that a comment someone
   * else wrote with the marker is never taken over. Default: any author.
   */
  author?: string;
  log?: GitHubLog;
}

export interface StickyCommentResult {
  status: 'created' | 'updated' | 'skipped';
  url?: string;
  reason?: string;
}

/** An HTTP error from the GitHub API: the status and GitHub's message, never the token. */
export class GitHubApiError extends Error {
  override name = 'GitHubApiError';
  constructor(
    message: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface IssueComment {
  id: number;
  body?: string | null;
  html_url?: string;
  user?: { login?: string } | null;
}

const PER_PAGE = 100;
/** 100 pages of 100: a pull request with more than 10,000 comments is not one we can read. */
const MAX_PAGES = 100;
const TIMEOUT_MS = 30_000;

/** Statuses that mean "this token may not do that here": a warning, not a failure. */
const SKIP_STATUSES = new Set([403, 404]);

function redact(text: string, token: string): string {
  return token ? text.split(token).join('***') : text;
}

function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

class Api {
  constructor(
    private readonly token: string,
    private readonly apiUrl: string,
  ) {}

  url(path: string): string {
    return `${this.apiUrl.replace(/\/+$/, '')}${path}`;
  }

  async request(method: string, url: string, body?: unknown): Promise<Response> {
    try {
      return await fetch(url, {
        method,
        headers: {
          Authorization: `Bearer ${this.token}`,
          Accept: 'application/vnd.github+json',
          'X-GitHub-Api-Version': '2022-11-28',
          'User-Agent': 'caac',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new GitHubApiError(redact(`GitHub API ${method} ${new URL(url).pathname} failed: ${reason}`, this.token), 0, { cause: error });
    }
  }

  /** GitHub's `message` (and the first error detail) from an error response. */
  async describe(method: string, url: string, response: Response): Promise<string> {
    let detail = response.statusText;
    try {
      const text = await response.text();
      try {
        const json = JSON.parse(text) as { message?: unknown; errors?: { message?: unknown; code?: unknown }[] };
        if (typeof json.message === 'string') detail = json.message;
        const first = json.errors?.[0];
        if (first && (typeof first.message === 'string' || typeof first.code === 'string')) detail += ` (${String(first.message ?? first.code)})`;
      } catch {
        if (text.trim()) detail = text.trim().slice(0, 300);
      }
    } catch {
      // no body
    }
    return redact(`GitHub API ${method} ${new URL(url).pathname} answered ${response.status}: ${detail}`, this.token);
  }
}

/** Outcome of one call: the JSON answer, or a reason to skip (403/404). Other errors throw. */
type Answer<T> = { ok: true; value: T; response: Response } | { ok: false; status: number; reason: string };

async function call<T>(api: Api, method: string, url: string, body?: unknown): Promise<Answer<T>> {
  const response = await api.request(method, url, body);
  if (response.ok) return { ok: true, value: (await response.json()) as T, response };
  const message = await api.describe(method, url, response);
  if (SKIP_STATUSES.has(response.status)) return { ok: false, status: response.status, reason: message };
  throw new GitHubApiError(message, response.status);
}

function skipped(status: number, what: string, message: string): StickyCommentResult {
  const hint =
    status === 403
      ? 'the token may not write to this pull request (a pull request from a fork gets a read-only token; otherwise grant `pull-requests: write`)'
      : 'the pull request was not found with this token (check the repository, or grant `pull-requests: write`)';
  return { status: 'skipped', reason: `could not ${what}: ${hint}. ${message}` };
}

/** Creates the sticky comment, or updates it in place when one with the marker exists. */
export async function upsertStickyComment(request: StickyCommentRequest): Promise<StickyCommentResult> {
  const { token, repository, issueNumber, marker, log } = request;
  if (!/^[^/\s]+\/[^/\s]+$/.test(repository)) throw new GitHubApiError(`"${repository}" is not a repository (owner/name)`, 0);
  const api = new Api(token, request.apiUrl);
  const body = request.body.includes(marker) ? request.body : `${marker}\n${request.body}`;
  const base = `/repos/${repository.split('/').map(encodeURIComponent).join('/')}`;

  // Every page of the issue's comments: the marker comment may be anywhere.
  let existing: IssueComment | undefined;
  let url: string | undefined = api.url(`${base}/issues/${issueNumber}/comments?per_page=${PER_PAGE}&page=1`);
  for (let page = 1; url && page <= MAX_PAGES; page++) {
    const answer: Answer<IssueComment[]> = await call<IssueComment[]>(api, 'GET', url);
    if (!answer.ok) return skipped(answer.status, 'read the pull request comments', answer.reason);
    existing ??= answer.value.find((c) => (c.body ?? '').includes(marker) && (!request.author || c.user?.login === request.author));
    if (existing) break;
    const link = nextLink(answer.response.headers.get('link'));
    url = link ?? (answer.value.length >= PER_PAGE ? api.url(`${base}/issues/${issueNumber}/comments?per_page=${PER_PAGE}&page=${page + 1}`) : undefined);
  }

  if (existing) {
    const answer = await call<IssueComment>(api, 'PATCH', api.url(`${base}/issues/comments/${existing.id}`), { body });
    if (answer.ok) {
      log?.info(`Updated the plan comment: ${answer.value.html_url ?? existing.html_url ?? ''}`);
      return { status: 'updated', url: answer.value.html_url ?? existing.html_url };
    }
    if (answer.status === 403) return skipped(answer.status, 'update the plan comment', answer.reason);
    // 404: the comment was deleted since we listed it; write a new one.
    log?.debug?.(`The plan comment ${existing.id} is gone (${answer.reason}); creating a new one.`);
  }

  const created = await call<IssueComment>(api, 'POST', api.url(`${base}/issues/${issueNumber}/comments`), { body });
  if (!created.ok) return skipped(created.status, 'comment on the pull request', created.reason);
  log?.info(`Created the plan comment: ${created.value.html_url ?? ''}`);
  return { status: 'created', url: created.value.html_url };
}
