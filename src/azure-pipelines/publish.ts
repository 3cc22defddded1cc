/**
 * What the tasks show in Azure Pipelines: findings as issues on file and line
 * (`##vso[task.logissue]`, escaped by the task library per the logging-command rules), reports as
 * sections of the build summary (`##vso[task.uploadsummary]`), the plan as the pull request's thread.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task.js';
import { neutralizeAgentText } from '../azdo/agent-log.js';
import { upsertPlanThread, type ThreadResult } from '../azdo/pr-thread.js';
import { escapeCodeBlock } from '../render/markdown-escape.js';
import { variable } from './inputs.js';

export interface Finding {
  rule: string;
  severity: 'error' | 'warning';
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/** One issue per finding, on its file and line; the message escaped against the agent's own commands. */
export function logFindings(findings: readonly Finding[]): void {
  for (const f of findings) {
    tl.logIssue(f.severity === 'error' ? tl.IssueType.Error : tl.IssueType.Warning, neutralizeAgentText(`${f.rule}: ${f.message}`), neutralizeAgentText(f.file), f.line, f.column);
  }
}

/** The `validate --format json` report's findings, checked field by field (the CLI is trusted, its JSON still is read defensively). */
export function findingsFromJson(text: string): Finding[] {
  const parsed = JSON.parse(text) as { findings?: unknown };
  if (!Array.isArray(parsed.findings)) throw new Error('caac validate --format json wrote no findings array');
  return parsed.findings.flatMap((raw: Record<string, unknown>) => {
    if (typeof raw !== 'object' || raw === null || typeof raw['file'] !== 'string' || typeof raw['message'] !== 'string') return [];
    const num = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
    return [{ rule: String(raw['rule'] ?? 'caac'), severity: raw['severity'] === 'warning' ? 'warning' : 'error', file: raw['file'], line: num(raw['line']), column: num(raw['column']), message: raw['message'] } as Finding];
  });
}

/** `file:line:col error rule message` lines, as plan prints the problems that stopped it. */
export function findingsFromText(text: string): Finding[] {
  const found: Finding[] = [];
  for (const line of text.split('\n')) {
    const m = /^(.+?):(\d+):(\d+) (error|warning) (\S+) (.*)$/.exec(line);
    if (m) found.push({ file: m[1]!, line: Number(m[2]), column: Number(m[3]), severity: m[4] as 'error' | 'warning', rule: m[5]!, message: m[6]! });
  }
  return found;
}

/** Adds a section to the build summary, titled by the file's name. */
export function uploadSummary(title: string, markdown: string): string {
  const dir = mkdtempSync(join(variable('Agent.TempDirectory') ?? tmpdir(), 'caac-summary-'));
  const file = join(dir, `${title.replace(/[^\w .-]+/g, '-')}.md`);
  writeFileSync(file, markdown);
  tl.uploadSummary(file);
  return file;
}

/** A command's console report as a summary section: a fenced block no text inside can close. */
export function consoleAsMarkdown(heading: string, text: string): string {
  return `### ${heading}\n\n\`\`\`text\n${escapeCodeBlock(text.trimEnd())}\n\`\`\`\n`;
}

/** The hidden marker the plan's markdown starts with (render/plan-markdown.ts planCommentMarker). */
export function planMarker(markdown: string): string | undefined {
  return /^<!-- caac-plan [^\n>]*-->/.exec(markdown)?.[0];
}

/** Publishes the plan on the pull request that triggered the build, if one did. */
export async function publishPlanThread(markdown: string): Promise<ThreadResult | undefined> {
  const pullRequestId = variable('System.PullRequest.PullRequestId');
  if (pullRequestId === undefined) return undefined;
  const collectionUri = variable('System.CollectionUri');
  const project = variable('System.TeamProject');
  const repositoryId = variable('Build.Repository.ID');
  const accessToken = variable('System.AccessToken');
  const marker = planMarker(markdown);
  if (!/^\d+$/.test(pullRequestId) || collectionUri === undefined || project === undefined || repositoryId === undefined || marker === undefined) {
    return { status: 'skipped', reason: 'the build does not say which pull request it runs for (System.CollectionUri, System.TeamProject, Build.Repository.ID)' };
  }
  if (accessToken === undefined) {
    return { status: 'skipped', reason: 'System.AccessToken is not available to the task: map it in the step (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)) or allow scripts to access the OAuth token' };
  }
  return upsertPlanThread({ collectionUri, project, repositoryId, pullRequestId: Number(pullRequestId), accessToken }, marker, markdown);
}
