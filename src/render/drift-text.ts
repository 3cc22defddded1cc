/** The drift report as plain text for a terminal or a CI log (the CLI neutralizes it on the way out). */
import { escapeLogValue } from '../model/log-text.js';
import { WHO_UNKNOWN, type DriftItem, type DriftReport } from '../drift/report.js';
import { kindWord, shortValue, summaryLine, wayBack, whoPhrase } from './drift-format.js';

const q = (text: string): string => `"${escapeLogValue(text)}"`;

function itemLines(item: DriftItem, report: DriftReport): string[] {
  const head = `${item.critical ? 'CRITICAL ' : ''}${item.change} ${kindWord(item.kind)} ${q(item.displayName)}${item.id ? ` (${escapeLogValue(item.id)})` : ''}`;
  const when = item.modifiedDateTime ? ` — ${item.change === 'removed' ? 'deleted' : 'modified'} ${escapeLogValue(item.modifiedDateTime)}` : '';
  const lines = [`  ${head}${when}`];
  if (item.change === 'removed') lines.push(item.deleted === 'deletedItems' ? '      still in deleted items: restorable with its id for 30 days after deletion' : '      gone from the tenant (not in deleted items)');
  for (const f of item.fields) lines.push(`      ${escapeLogValue(f.path)}: repository ${escapeLogValue(shortValue(f.repository))} → tenant ${escapeLogValue(shortValue(f.tenant))}`);
  if (report.auditLog.status === 'forbidden') lines.push(`      ${WHO_UNKNOWN}`);
  else if (item.changedBy.length === 0 && report.auditLog.status === 'read') lines.push('      who: no audit entry in the window (older than the audit log, or not logged)');
  for (const a of item.changedBy) {
    const props = a.properties.length ? ` [${a.properties.map(escapeLogValue).join(', ')}]` : '';
    lines.push(`      who: ${escapeLogValue(a.at)} ${escapeLogValue(a.activity)} by ${escapeLogValue(whoPhrase(a))}${props}`);
  }
  return lines;
}

export function renderDriftText(report: DriftReport): string {
  const out: string[] = [];
  out.push(`caac drift: tenant ${escapeLogValue(report.tenant.id)}, folder ${escapeLogValue(report.folder)}${report.environment ? `, environment ${escapeLogValue(report.environment)}` : ''}: ${summaryLine(report)}`);
  for (const item of report.drift) out.push(...itemLines(item, report));
  for (const c of report.contingency) {
    out.push(`contingency set ${q(c.set)} is active${c.since ? ` since ${escapeLogValue(c.since)}` : ''} (not drift): ${c.policies.map(q).join(', ')}`);
  }
  if (report.microsoftManaged.length > 0) {
    out.push(`changed by Microsoft itself (${report.microsoftManaged.length}; not drift${report.failing && report.drift.length === 0 ? ', but drift.failOnMicrosoftManaged is set' : ''}):`);
    for (const item of report.microsoftManaged) out.push(...itemLines(item, report));
  }
  for (const w of report.warnings) out.push(`warning: ${escapeLogValue(w)}`);
  if (report.drift.length > 0) {
    const back = wayBack(report);
    out.push('the way back:');
    out.push('  to make the tenant match the repository again:');
    for (const line of back.revert) out.push(`    ${escapeLogValue(line)}`);
    out.push('  to keep the tenant\'s change instead:');
    for (const line of back.keep) out.push(`    ${escapeLogValue(line)}`);
  }
  return out.join('\n') + '\n';
}
