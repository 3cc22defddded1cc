/**
 * Issues: open one, comment on one, find the open one that carries a marker, update or close it
 * (drift reports). Each is one POST, never sent twice by the
 * retry plugin when its answer is lost: the caller decides whether to look for it.
 */
import type { IssueLink, NewIssue } from '../ports/github.js';
import type { Octokit } from './octokit.js';
import { splitRepository } from './sticky-comment.js';

export async function createIssue(octokit: Octokit, issue: NewIssue): Promise<IssueLink> {
  const { data } = await octokit.rest.issues.create({
    ...splitRepository(issue.repository),
    title: issue.title,
    body: issue.body,
    ...(issue.labels ? { labels: [...issue.labels] } : {}),
  });
  return { number: data.number, url: data.html_url };
}

export async function commentOnIssue(octokit: Octokit, repository: string, issueNumber: number, body: string): Promise<{ url: string }> {
  const { data } = await octokit.rest.issues.createComment({ ...splitRepository(repository), issue_number: issueNumber, body });
  return { url: data.html_url };
}

export async function findOpenIssue(octokit: Octokit, repository: string, label: string, marker: string): Promise<(IssueLink & { body: string }) | undefined> {
  // Oldest first, so that two issues (a lost answer, a race) always resolve to the same one.
  const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { ...splitRepository(repository), labels: label, state: 'open', sort: 'created', direction: 'asc', per_page: 100 });
  const found = issues.find((i) => !('pull_request' in i && i.pull_request) && typeof i.body === 'string' && i.body.includes(marker));
  return found === undefined ? undefined : { number: found.number, url: found.html_url, body: found.body ?? '' };
}

export async function updateIssue(octokit: Octokit, repository: string, issueNumber: number, change: { body?: string; state?: 'open' | 'closed' }): Promise<IssueLink> {
  const { data } = await octokit.rest.issues.update({
    ...splitRepository(repository),
    issue_number: issueNumber,
    ...(change.body === undefined ? {} : { body: change.body }),
    ...(change.state === undefined ? {} : { state: change.state, ...(change.state === 'closed' ? { state_reason: 'completed' as const } : {}) }),
  });
  return { number: data.number, url: data.html_url };
}
