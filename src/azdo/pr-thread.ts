/**
 * One caac thread per (tenant, folder) on an Azure Repos pull request, found again by the hidden
 * marker in its first comment and edited in place, so a pull request never collects a second
 * plan thread. Azure DevOps REST 7.1 with the job's `System.AccessToken`:
 *   GET/POST  {collection}{project}/_apis/git/repositories/{repo}/pullRequests/{pr}/threads
 *   PATCH     …/threads/{threadId}/comments/{commentId}
 * A token that may not write (the build service lacks "Contribute to pull requests") is not an
 * error: the result says `skipped` and why. A create whose answer was lost is never sent twice
 * without first looking whether it happened.
 */
export interface PullRequestRef {
  /** `System.CollectionUri`, e.g. https://dev.azure.com/contoso/ */
  collectionUri: string;
  /** `System.TeamProject` (a name; it is URL-encoded here). */
  project: string;
  /** `Build.Repository.ID`. */
  repositoryId: string;
  /** `System.PullRequest.PullRequestId`. */
  pullRequestId: number;
  /** `System.AccessToken`. */
  accessToken: string;
}

export interface ThreadResult {
  status: 'created' | 'updated' | 'unchanged' | 'skipped';
  threadId?: number;
  reason?: string;
}

interface ThreadComment {
  id: number;
  parentCommentId?: number;
  content?: string;
  isDeleted?: boolean;
}
interface Thread {
  id: number;
  isDeleted?: boolean;
  comments?: ThreadComment[];
}

export class AzureDevOpsApiError extends Error {
  override name = 'AzureDevOpsApiError';
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

const ROUNDS = 3;
/** Statuses that say "this token may not do that here". */
const mayNotWrite = (e: unknown): e is AzureDevOpsApiError => e instanceof AzureDevOpsApiError && (e.status === 401 || e.status === 403);
const outcomeUnknown = (e: unknown): boolean => e instanceof AzureDevOpsApiError && (e.status === undefined || e.status >= 500);

function threadsUrl(pr: PullRequestRef, suffix = ''): string {
  const base = pr.collectionUri.endsWith('/') ? pr.collectionUri : `${pr.collectionUri}/`;
  const path = `${encodeURIComponent(pr.project)}/_apis/git/repositories/${encodeURIComponent(pr.repositoryId)}/pullRequests/${pr.pullRequestId}/threads${suffix}`;
  return `${base}${path}?api-version=7.1`;
}

/** Attempts of a read or an edit (both idempotent) when Azure DevOps fails (5xx) or gives no answer. */
const IDEMPOTENT_ATTEMPTS = 3;

/** A GET or PATCH, tried again after a short pause on 5xx or no answer; a POST once (its caller looks before it writes again). */
async function call(pr: PullRequestRef, method: string, url: string, body: unknown, fetchImpl: typeof fetch): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await callOnce(pr, method, url, body, fetchImpl);
    } catch (error) {
      if (method === 'POST' || !outcomeUnknown(error) || attempt >= IDEMPOTENT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt * Math.random()));
    }
  }
}

async function callOnce(pr: PullRequestRef, method: string, url: string, body: unknown, fetchImpl: typeof fetch): Promise<unknown> {
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method,
      headers: { Authorization: `Bearer ${pr.accessToken}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new AzureDevOpsApiError(`${method} pull request threads: no answer from Azure DevOps (${(error as Error).message})`, undefined);
  }
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    let message = '';
    try {
      const parsed = JSON.parse(text) as { message?: unknown };
      if (typeof parsed.message === 'string') message = `: ${parsed.message.slice(0, 300)}`;
    } catch {
      // not JSON: the status says enough
    }
    throw new AzureDevOpsApiError(`${method} pull request threads answered HTTP ${res.status}${message}`, res.status);
  }
  return res.json();
}

/** The thread whose first comment holds the marker (not deleted), and that comment. */
async function findThread(pr: PullRequestRef, marker: string, fetchImpl: typeof fetch): Promise<{ thread: Thread; comment: ThreadComment } | undefined> {
  const answer = (await call(pr, 'GET', threadsUrl(pr), undefined, fetchImpl)) as { value?: Thread[] };
  for (const thread of answer.value ?? []) {
    if (thread.isDeleted) continue;
    const first = (thread.comments ?? []).find((c) => !c.isDeleted && (c.parentCommentId ?? 0) === 0);
    if (first && (first.content ?? '').includes(marker)) return { thread, comment: first };
  }
  return undefined;
}

/** Creates the plan thread, or updates the one with the marker; `unchanged` when it already says this. */
export async function upsertPlanThread(pr: PullRequestRef, marker: string, body: string, fetchImpl: typeof fetch = fetch): Promise<ThreadResult> {
  const content = body.includes(marker) ? body : `${marker}\n${body}`;
  let lost = false;
  for (let round = 1; ; round++) {
    let found: Awaited<ReturnType<typeof findThread>>;
    try {
      found = await findThread(pr, marker, fetchImpl);
    } catch (error) {
      if (mayNotWrite(error)) return { status: 'skipped', reason: `could not read the pull request threads: ${error.message}` };
      throw error;
    }
    if (found && found.comment.content === content) return { status: lost ? 'created' : 'unchanged', threadId: found.thread.id };
    if (found) {
      try {
        await call(pr, 'PATCH', threadsUrl(pr, `/${found.thread.id}/comments/${found.comment.id}`), { content }, fetchImpl);
        return { status: lost ? 'created' : 'updated', threadId: found.thread.id };
      } catch (error) {
        if (mayNotWrite(error)) return { status: 'skipped', reason: `could not update the plan thread (grant the build service "Contribute to pull requests"): ${error.message}` };
        // 404: the comment was deleted since it was listed; a new thread is written below.
        if (!(error instanceof AzureDevOpsApiError && error.status === 404)) throw error;
      }
    }
    try {
      // status 4 (closed): the plan informs the review, it does not block completion under a
      // "comments must be resolved" branch policy.
      const created = (await call(pr, 'POST', threadsUrl(pr), { comments: [{ parentCommentId: 0, content, commentType: 1 }], status: 4 }, fetchImpl)) as { id?: number };
      return { status: 'created', threadId: created.id };
    } catch (error) {
      if (mayNotWrite(error)) return { status: 'skipped', reason: `could not comment on the pull request (grant the build service "Contribute to pull requests"): ${error.message}` };
      if (!outcomeUnknown(error) || round >= ROUNDS) throw error;
      lost = true;
    }
  }
}
