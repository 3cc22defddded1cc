/**
 * The drift issue: one open issue per (tenant, folder), labelled `caac-drift`, found by a hidden
 * marker. Opened when drift appears, its body replaced while drift persists (only when it says
 * something new), closed with a comment when the tenant matches again. The body also carries the
 * run's state in a hidden block, so the next run knows what it last said (the action has no disk
 * that lasts between runs).
 */
import type { DriftReport } from '../drift/report.js';
import { parseDriftState, type DriftState } from '../drift/state.js';
import type { Issues } from '../ports/github.js';
import { driftIssueMarker, renderDriftMarkdown } from '../render/drift-markdown.js';

export const DRIFT_LABEL = 'caac-drift';
const STATE_OPEN = '<!-- caac-drift-state ';
const STATE_CLOSE = ' -->';

/** The state as a hidden block (base64 of its JSON: nothing in it can end the HTML comment). */
export function stateBlock(state: DriftState): string {
  return `${STATE_OPEN}${Buffer.from(JSON.stringify(state)).toString('base64')}${STATE_CLOSE}`;
}

/** The state an issue body carries, or undefined (none, or not one this caac wrote). */
export function stateFromBody(body: string): DriftState | undefined {
  const start = body.lastIndexOf(STATE_OPEN);
  if (start < 0) return undefined;
  const end = body.indexOf(STATE_CLOSE, start + STATE_OPEN.length);
  if (end < 0) return undefined;
  try {
    return parseDriftState(JSON.parse(Buffer.from(body.slice(start + STATE_OPEN.length, end), 'base64').toString('utf8')));
  } catch {
    return undefined;
  }
}

export interface DriftIssueResult {
  action: 'opened' | 'updated' | 'unchanged' | 'closed' | 'none';
  number?: number;
  url?: string;
}

export interface DriftIssueTarget {
  repository: string;
  /** Link to the workflow run, for the closing comment and cut reports. */
  runUrl?: string;
}

/** Finds the open drift issue of the report's (tenant, folder) and its last state. */
export async function findDriftIssue(issues: Issues, repository: string, tenantId: string, folder: string, environment?: string): Promise<{ number: number; url: string; body: string; state?: DriftState } | undefined> {
  const found = await issues.findOpenIssue(repository, DRIFT_LABEL, driftIssueMarker(tenantId, folder, environment));
  if (found === undefined) return undefined;
  const state = stateFromBody(found.body);
  return { ...found, ...(state === undefined ? {} : { state }) };
}

/** Brings the issue in line with the report; `existing` is what findDriftIssue found before the run. */
export async function syncDriftIssue(issues: Issues, target: DriftIssueTarget, report: DriftReport, state: DriftState, existing: { number: number; url: string; body: string } | undefined): Promise<DriftIssueResult> {
  const marker = driftIssueMarker(report.tenant.id, report.folder, report.environment);
  if (!report.failing && report.drift.length === 0) {
    if (existing === undefined) return { action: 'none' };
    await issues.commentOnIssue(target.repository, existing.number, `The tenant matches the repository again (checked ${report.generatedAt}${target.runUrl ? `, [run](${encodeURI(target.runUrl)})` : ''}). Closing.`);
    const stateAt = existing.body.lastIndexOf(STATE_OPEN);
    const closed = await issues.updateIssue(target.repository, existing.number, { state: 'closed', body: `${stateAt < 0 ? existing.body : existing.body.slice(0, stateAt)}${stateBlock(state)}` });
    return { action: 'closed', ...closed };
  }
  const body = `${marker}\n${renderDriftMarkdown(report, target.runUrl ? { detailsUrl: target.runUrl } : {})}\n${stateBlock(state)}`;
  if (existing === undefined) {
    const where = `tenant ${report.tenant.id}, ${report.folder}${report.environment ? `, ${report.environment}` : ''}`;
    const opened = await issues.createIssue({ repository: target.repository, title: `Conditional Access drift: ${where}`.slice(0, 250), body, labels: [DRIFT_LABEL] });
    return { action: 'opened', ...opened };
  }
  // The state's generatedAt changes every run: compare what people read.
  const readable = (text: string): string => text.replace(/<!-- caac-drift-state [^>]*-->/g, '').replace(/checked \S+\./, '');
  if (existing.body === body || (readable(existing.body) === readable(body) && stateFromBody(existing.body)?.signature === state.signature)) {
    return { action: 'unchanged', number: existing.number, url: existing.url };
  }
  const updated = await issues.updateIssue(target.repository, existing.number, { body });
  return { action: 'updated', ...updated };
}
