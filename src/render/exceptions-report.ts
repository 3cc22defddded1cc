/**
 * `caac exceptions list` for people (text, markdown for an issue comment) and machines (JSON).
 * Every string comes from caac.yml or the tenant: escaped for the terminal or for markdown.
 */
import type { ExceptionListItem, ExceptionsReport } from '../exceptions/exception-list.js';
import { escapeLogValue } from '../model/log-text.js';
import { escapeMarkdown } from './markdown-escape.js';

export const EXCEPTIONS_FORMATS = ['text', 'json', 'markdown'] as const;
export type ExceptionsFormat = (typeof EXCEPTIONS_FORMATS)[number];

const who = (item: ExceptionListItem): string[] => [...item.who.users, ...item.who.groups, ...item.who.roles];

function left(item: ExceptionListItem): string {
  if (item.daysLeft === undefined) return 'until is no date';
  if (item.state === 'ended') return `ended ${item.until}`;
  return item.daysLeft === 0 ? 'ends today' : `${item.daysLeft} day${item.daysLeft === 1 ? '' : 's'} left`;
}

const IN_TENANT: Record<ExceptionListItem['inTenant'], string> = {
  yes: 'in the tenant',
  partly: 'partly in the tenant',
  no: 'not in the tenant',
  unknown: 'in the tenant: unknown (offline)',
};

export function renderExceptionsText(report: ExceptionsReport): string {
  if (report.exceptions.length === 0) return 'caac.yml has no exceptions\n';
  const out = [`${report.exceptions.length} exception${report.exceptions.length === 1 ? '' : 's'} (${report.now}${report.tenant ? `, tenant ${escapeLogValue(report.tenant)}` : ''})`];
  for (const item of report.exceptions) {
    out.push('');
    out.push(`[${item.entry}] ${escapeLogValue(item.file)}:${item.line} · until ${escapeLogValue(item.until)} · ${left(item)} · ${IN_TENANT[item.inTenant]}`);
    out.push(`    who: ${who(item).map(escapeLogValue).join(', ')}`);
    out.push(`    policies: ${item.policies.length ? item.policies.map((p) => `"${escapeLogValue(p)}"`).join(', ') : `none match "${escapeLogValue(item.policy)}"`}`);
    out.push(`    reason: ${escapeLogValue(item.reason)}${item.ticket ? ` · ticket ${escapeLogValue(item.ticket)}` : ''}${item.owner ? ` · owner ${escapeLogValue(item.owner)}` : ''}`);
  }
  return `${out.join('\n')}\n`;
}

/** A table for a GitHub issue comment (the reminder of examples/workflows/exceptions.yml). */
export function renderExceptionsMarkdown(report: ExceptionsReport): string {
  if (report.exceptions.length === 0) return '_No exception of caac.yml matches._\n';
  const cell = (s: string): string => escapeMarkdown(s);
  const rows = report.exceptions.map((item) =>
    `| ${cell(item.until)} | ${cell(left(item))} | ${who(item).map(cell).join(', ')} | ${item.policies.map(cell).join('<br>') || cell(item.policy)} | ${cell(item.reason)}${item.ticket ? ` (${cell(item.ticket)})` : ''} | ${cell(item.owner ?? '')} | ${IN_TENANT[item.inTenant]} |`,
  );
  return ['| until | left | who | policies | reason | owner | tenant |', '|---|---|---|---|---|---|---|', ...rows, ''].join('\n');
}

export function formatExceptions(report: ExceptionsReport, format: ExceptionsFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return format === 'markdown' ? renderExceptionsMarkdown(report) : renderExceptionsText(report);
}
