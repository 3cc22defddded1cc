/**
 * Issues: open one, or comment on one (drift reports). Each is one POST, never sent twice by the
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
