/**
 * The pull request a workflow run is about, read from the event the runner wrote
 * (`GITHUB_EVENT_PATH`, `GITHUB_EVENT_NAME`, `GITHUB_REPOSITORY`). No network.
 */
import { readFileSync } from 'node:fs';

export interface PullRequestContext {
  number: number;
  /** The head branch lives in another repository: the token is read-only there. */
  isFork: boolean;
  /** `owner/name` of the head repository (undefined when the fork was deleted). */
  headRepo: string | undefined;
  /** `owner/name` of the repository the pull request targets (where the comment goes). */
  baseRepo: string;
}

/** Events whose payload carries `pull_request`. */
export const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment'] as const;

type Env = Record<string, string | undefined>;

function fullName(repo: unknown): string | undefined {
  if (typeof repo !== 'object' || repo === null) return undefined;
  const name = (repo as { full_name?: unknown }).full_name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/**
 * The pull request of this run, or undefined when the run is not about one (a push, a schedule,
 * a workflow_dispatch) or the event file cannot be read.
 */
export function readPullRequest(env: Env = process.env): PullRequestContext | undefined {
  const eventName = env['GITHUB_EVENT_NAME'];
  const eventPath = env['GITHUB_EVENT_PATH'];
  if (!eventName || !eventPath || !(PULL_REQUEST_EVENTS as readonly string[]).includes(eventName)) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(eventPath, 'utf8'));
  } catch {
    return undefined;
  }
  const pr = (payload as { pull_request?: unknown } | null)?.pull_request as
    | { number?: unknown; head?: { repo?: unknown }; base?: { repo?: unknown } }
    | undefined;
  if (!pr || typeof pr.number !== 'number') return undefined;
  const baseRepo = fullName(pr.base?.repo) ?? env['GITHUB_REPOSITORY'];
  if (!baseRepo) return undefined;
  const headRepo = fullName(pr.head?.repo);
  return { number: pr.number, isFork: headRepo === undefined || headRepo.toLowerCase() !== baseRepo.toLowerCase(), headRepo, baseRepo };
}
