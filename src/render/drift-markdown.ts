/**
 * The drift report as markdown: the drift issue's body and the job summary. Every string from the
 * tenant or a file is escaped; the body stays under GitHub's 65,536-character limit (objects past
 * the room are counted, not shown), with room left for the hidden state block the action adds.
 */
import { escapeCodeBlock, escapeMarkdown } from './markdown-escape.js';
import type { DriftItem, DriftReport } from '../drift/report.js';
import { kindWord, shortValue, summaryLine, wayBack, whoPhrase } from './drift-format.js';
import { canonicalDir, clip } from './plan-markdown.js';

/** Room for the issue body (GitHub's 65,536) minus what the action appends (state, marker). */
export const DRIFT_MARKDOWN_MAX = 60_000;

const md = (text: string): string => escapeMarkdown(clip(text));

/** The hidden marker of the drift issue of one (tenant, folder[, environment]): values URI-encoded so none can end the comment. */
export function driftIssueMarker(tenantId: string, dir: string, environment?: string): string {
  const env = environment === undefined ? '' : ` env=${encodeURIComponent(environment)}`;
  return `<!-- caac-drift tenant=${encodeURIComponent(tenantId.trim().toLowerCase())} dir=${encodeURIComponent(canonicalDir(dir))}${env} -->`;
}

function itemMarkdown(item: DriftItem, report: DriftReport): string {
  const lines: string[] = [];
  const when = item.modifiedDateTime ? ` — ${item.change === 'removed' ? 'deleted' : 'modified'} ${md(item.modifiedDateTime)}` : '';
  lines.push(`### ${item.critical ? '🔴 critical · ' : ''}${item.change}: ${kindWord(item.kind)} ${md(item.displayName)}`);
  lines.push('');
  lines.push(`${item.id ? `id \`${escapeCodeBlock(item.id).replace(/`/g, '')}\`` : 'no id'}${when}${item.file ? ` · file ${md(item.file)}` : ''}`);
  if (item.change === 'removed') lines.push('', item.deleted === 'deletedItems' ? 'Still in deleted items: restorable with its id.' : 'Gone from the tenant (not in deleted items).');
  if (item.fields.length > 0) {
    lines.push('', '| field | repository | tenant |', '|---|---|---|');
    for (const f of item.fields) lines.push(`| ${md(f.path)} | ${md(shortValue(f.repository))} | ${md(shortValue(f.tenant))} |`);
  }
  lines.push('');
  if (report.auditLog.status === 'forbidden') lines.push(`Who: unknown (AuditLog.Read.All not granted).`);
  else if (item.changedBy.length === 0) lines.push('Who: no audit entry in the window.');
  else {
    for (const a of item.changedBy) {
      const props = a.properties.length ? ` (${a.properties.map(md).join(', ')})` : '';
      lines.push(`- ${md(a.at)}: ${md(a.activity)} by **${md(whoPhrase(a))}**${props}`);
    }
  }
  return lines.join('\n') + '\n';
}

export interface DriftMarkdownOptions {
  maxLength?: number;
  /** Where the full report is (the workflow run), linked when objects are left out. */
  detailsUrl?: string;
}

export function renderDriftMarkdown(report: DriftReport, options: DriftMarkdownOptions = {}): string {
  const max = options.maxLength ?? DRIFT_MARKDOWN_MAX;
  const head: string[] = [`## caac drift: ${md(summaryLine(report))}`, ''];
  head.push(`Tenant \`${md(report.tenant.id)}\`, folder \`${md(report.folder)}\`${report.environment ? `, environment \`${md(report.environment)}\`` : ''}, checked ${md(report.generatedAt)}.`, '');
  for (const w of report.warnings) head.push(`> [!WARNING]`, `> ${md(w)}`, '');
  const tail: string[] = [];
  if (report.contingency.length > 0) {
    tail.push('### Active contingency (not drift)', '');
    for (const c of report.contingency) tail.push(`- set **${md(c.set)}**${c.since ? ` since ${md(c.since)}` : ''}: ${c.policies.map(md).join(', ')}`);
    tail.push('');
  }
  if (report.microsoftManaged.length > 0) {
    tail.push(`### Changed by Microsoft itself (${report.microsoftManaged.length}, not drift)`, '');
    for (const i of report.microsoftManaged) tail.push(`- ${i.change} ${kindWord(i.kind)} ${md(i.displayName)}${i.changedBy[0] ? ` by ${md(whoPhrase(i.changedBy[0]))}` : ''}`);
    tail.push('');
  }
  if (report.drift.length > 0) {
    const back = wayBack(report);
    tail.push('### The way back', '', 'Make the tenant match the repository again:', '', '```sh', ...back.revert.map(escapeCodeBlock), '```', '', "Or keep the tenant's change in the repository:", '', '```sh', ...back.keep.map(escapeCodeBlock), '```', '');
  }
  let body = head.join('\n');
  const end = tail.join('\n');
  let shown = 0;
  for (const item of report.drift) {
    const part = itemMarkdown(item, report) + '\n';
    const rest = report.drift.length - shown - 1;
    const note = rest > 0 ? 200 : 0;
    if (body.length + part.length + end.length + note > max) break;
    body += part;
    shown++;
  }
  if (shown < report.drift.length) {
    const left = report.drift.length - shown;
    body += `\n_…and ${left} more drifted object${left === 1 ? '' : 's'}, left out to stay under GitHub's size limit${options.detailsUrl ? `: [the full report](${encodeURI(options.detailsUrl)})` : ' (see the JSON report in the run)'}._\n\n`;
  }
  return body + end;
}
