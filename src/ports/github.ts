/**
 * Port: the GitHub side of a run — the sticky pull request comment, issues (for drift reports),
 * and the job summary. src/github/ implements it over @actions/github's Octokit and
 * GITHUB_STEP_SUMMARY; a test may hand in the adapter pointed at a loopback fake, or another.
 *
 * Failures: a token that may not write here (403, 404) is an answer, not an error (`skipped`
 * with the reason); anything else GitHub answers with, after the adapter's bounded retries,
 * throws a GitHubApiError (src/errors.ts) that names the status, method and path.
 */
/** One comment a run keeps up to date on a pull request (or issue), found by a hidden marker. */
export interface StickyComment {
  /** `owner/name`. */
  repository: string;
  issueNumber: number;
  /** The hidden marker (`planCommentMarker`) that identifies the comment. */
  marker: string;
  /** The complete body; the marker is prepended when the body does not contain it. */
  body: string;
  /**
   * Only a comment by this login counts (e.g. `github-actions[bot]`), so that a comment someone
   * else wrote with the marker is never taken over. Default: any author.
   */
  author?: string;
}

export interface StickyCommentResult {
  /** `unchanged`: the comment already said exactly this, so nothing was written. */
  status: 'created' | 'updated' | 'unchanged' | 'skipped';
  url?: string;
  /** Why it was skipped (the token may not comment here), with GitHub's status and message. */
  reason?: string;
}

export interface PullRequestComments {
  /** Creates the sticky comment, or edits the one that carries the marker. */
  upsertStickyComment(comment: StickyComment): Promise<StickyCommentResult>;
}

export interface NewIssue {
  /** `owner/name`. */
  repository: string;
  title: string;
  body: string;
  labels?: readonly string[];
}

export interface IssueLink {
  number: number;
  url: string;
}

export interface Issues {
  /**
   * Opens an issue. Not retried when the answer is lost (5xx, no answer): the issue may exist, and
   * a caller that must not open two looks for it first.
   */
  createIssue(issue: NewIssue): Promise<IssueLink>;
  /** Adds a comment to an issue or pull request (not retried when the answer is lost, as above). */
  commentOnIssue(repository: string, issueNumber: number, body: string): Promise<{ url: string }>;
  /** The oldest open issue with this label whose body carries the marker (the drift issue of one tenant and folder). */
  findOpenIssue(repository: string, label: string, marker: string): Promise<(IssueLink & { body: string }) | undefined>;
  /** Replaces an issue's body, or closes it (`state: closed`, reason completed). */
  updateIssue(repository: string, issueNumber: number, change: { body?: string; state?: 'open' | 'closed' }): Promise<IssueLink>;
}

/** The GitHub REST API side: comments and issues. */
export interface GitHub extends PullRequestComments, Issues {}

export interface JobSummaryResult {
  written: boolean;
  /** Bytes appended. */
  bytes: number;
  /** The markdown was cut (or rendered shorter) to fit. */
  truncated: boolean;
  /** Why nothing was written (no GITHUB_STEP_SUMMARY, or the step's 1 MiB is used up). */
  reason?: string;
}

/** A report that can render itself shorter: cut between objects, saying so, within `maxLength` characters. */
export type SizedReport = (maxLength: number) => { markdown: string; truncated: boolean };

/** The step's job summary (GitHub keeps at most 1 MiB of it per step). */
export interface JobSummary {
  /** Appends markdown, cut at a line boundary when it would not fit. */
  append(markdown: string): Promise<JobSummaryResult>;
  /** Appends a report rendered as long as the room left allows (the plan report). */
  appendSized(render: SizedReport): Promise<JobSummaryResult>;
}
