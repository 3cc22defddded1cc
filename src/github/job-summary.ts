/**
 * The job summary: markdown appended to GITHUB_STEP_SUMMARY through core.summary, kept under
 * GitHub's 1 MiB per step (a larger summary is dropped whole by the runner, with an error).
 */
import { statSync } from 'node:fs';
import * as core from '@actions/core';
import type { JobSummary, JobSummaryResult, SizedReport } from '../ports/github.js';

/** GitHub's limit for one step's summary, in bytes. */
export const STEP_SUMMARY_MAX_BYTES = 1024 * 1024;

export type { JobSummaryResult };

/** Bytes the step may still append (the summary file is shared by everything in the step). */
function remainingBytes(path: string): number {
  let used: number;
  try {
    used = statSync(path).size;
  } catch {
    used = 0;
  }
  return Math.max(0, STEP_SUMMARY_MAX_BYTES - used);
}

const TRUNCATED_NOTE = '\n\n> [!NOTE]\n> The rest of this summary is left out: GitHub keeps at most 1 MiB of summary per step.\n';

/**
 * Cuts markdown to at most `maxBytes` (UTF-8) at a line boundary, closing a code fence left open
 * and ending with a note, so nothing after it renders as code or inside a tag.
 */
export function truncateMarkdown(markdown: string, maxBytes: number): string {
  if (Buffer.byteLength(markdown) <= maxBytes) return markdown;
  const budget = maxBytes - Buffer.byteLength(TRUNCATED_NOTE) - Buffer.byteLength('\n```\n</details>\n');
  const lines = markdown.split('\n');
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const size = Buffer.byteLength(line) + 1;
    if (used + size > budget) break;
    kept.push(line);
    used += size;
  }
  const fences = kept.filter((l) => /^\s{0,3}(`{3,}|~{3,})/.test(l)).length;
  const opened = kept.filter((l) => /<details\b/i.test(l)).length - kept.filter((l) => /<\/details>/i.test(l)).length;
  let out = kept.join('\n');
  if (fences % 2 === 1) out += '\n```';
  if (opened > 0) out += '\n\n</details>';
  return out + TRUNCATED_NOTE;
}

/** Where the step summary stands: the file, and the bytes this step may still append. */
function budgetOf(): { budget: number } | JobSummaryResult {
  const path = process.env['GITHUB_STEP_SUMMARY'];
  if (!path) return { written: false, bytes: 0, truncated: false, reason: 'GITHUB_STEP_SUMMARY is not set (not running in GitHub Actions)' };
  const budget = remainingBytes(path) - 1;
  if (budget < 1024) return { written: false, bytes: 0, truncated: false, reason: 'the step summary is already at its 1 MiB limit' };
  return { budget };
}

async function append(text: string, truncated: boolean): Promise<JobSummaryResult> {
  await core.summary.addRaw(text, true).write();
  return { written: true, bytes: Buffer.byteLength(text) + 1, truncated };
}

/**
 * Appends markdown to the job summary (GITHUB_STEP_SUMMARY, through core.summary), cut at a line
 * boundary when it would pass the step's 1 MiB.
 */
export async function appendJobSummary(markdown: string): Promise<JobSummaryResult> {
  const state = budgetOf();
  if (!('budget' in state)) return state;
  const text = truncateMarkdown(markdown, state.budget);
  return append(text, text !== markdown);
}

export type { SizedReport };

/**
 * A report (the plan's: the same markdown as the comment) in the job summary, allowed up to the
 * step's 1 MiB (characters are 1 to 4 bytes, so it renders shorter until it fits).
 */
export async function appendSizedJobSummary(render: SizedReport): Promise<JobSummaryResult> {
  const state = budgetOf();
  if (!('budget' in state)) return state;
  const { budget } = state;
  let maxChars = budget;
  let report = render(maxChars);
  for (let attempt = 0; Buffer.byteLength(report.markdown) > budget && attempt < 5; attempt++) {
    maxChars = Math.floor(((maxChars * budget) / Buffer.byteLength(report.markdown)) * 0.95);
    report = render(maxChars);
  }
  const text = truncateMarkdown(report.markdown, budget);
  return append(text, report.truncated || text !== report.markdown);
}

/** The JobSummary port over GITHUB_STEP_SUMMARY. */
export const stepSummary: JobSummary = {
  append: appendJobSummary,
  appendSized: appendSizedJobSummary,
};
