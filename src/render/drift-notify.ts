/** The chat notification for a drift run that matters: drift appeared, changed, or cleared. */
import type { DriftReport } from '../drift/report.js';
import type { DriftTransition } from '../drift/state.js';
import { kindWord, summaryLine, whoPhrase } from './drift-format.js';
import type { WebhookMessage } from './webhook-message.js';

export function driftNotification(report: DriftReport, transition: DriftTransition, link?: { title: string; url: string }): WebhookMessage {
  const where = `tenant ${report.tenant.id}, folder ${report.folder}${report.environment ? `, environment ${report.environment}` : ''}`;
  const title = transition === 'cleared' ? 'Conditional Access drift cleared' : report.summary.critical > 0 ? 'Critical Conditional Access drift' : transition === 'changed' ? 'Conditional Access drift changed' : 'Conditional Access drift';
  const text = transition === 'cleared' ? `The tenant matches the repository again (${where}).` : `${summaryLine(report)} (${where}).`;
  const lines = report.drift.map((i) => {
    const who = report.auditLog.status === 'forbidden' ? 'who unknown' : i.changedBy.length ? `by ${[...new Set(i.changedBy.map(whoPhrase))].join(', ')}` : 'no audit entry';
    return `${i.critical ? 'CRITICAL ' : ''}${i.change} ${kindWord(i.kind)} "${i.displayName}" ${who}`;
  });
  const facts = transition === 'cleared' ? [] : [
    { name: 'Changed', value: String(report.summary.changed) },
    { name: 'Added', value: String(report.summary.added) },
    { name: 'Removed', value: String(report.summary.removed) },
    { name: 'Critical', value: String(report.summary.critical) },
  ];
  return { title, text, facts, lines, ...(link ? { link } : {}), tone: transition === 'cleared' ? 'good' : report.summary.critical > 0 ? 'attention' : 'warning' };
}
