/** The chat reminder for exceptions ending soon (Teams or Slack, through drift's webhook message). */
import type { ExceptionsReport } from '../exceptions/exception-list.js';
import type { WebhookMessage } from './webhook-message.js';

export function exceptionsReminder(report: ExceptionsReport, days: number, link?: { title: string; url: string }): WebhookMessage {
  const n = report.exceptions.length;
  const lines = report.exceptions.map((e) => {
    const when = e.daysLeft === 0 ? 'ends today' : `${e.daysLeft} day${e.daysLeft === 1 ? '' : 's'} left`;
    const who = [...e.who.users, ...e.who.groups, ...e.who.roles].join(', ');
    const policies = e.policies.length ? e.policies.map((p) => `"${p}"`).join(', ') : `"${e.policy}"`;
    return `until ${e.until} (${when}): ${who} from ${policies}; ${e.reason}${e.owner ? `; owner ${e.owner}` : ''}`;
  });
  return {
    title: 'Conditional Access exceptions ending soon',
    text: `${n} exception${n === 1 ? '' : 's'} of caac.yml end${n === 1 ? 's' : ''} within ${days} day${days === 1 ? '' : 's'}${report.tenant ? ` (tenant ${report.tenant})` : ''}: renew in a pull request (move until), or let ${n === 1 ? 'it' : 'them'} end.`,
    facts: [{ name: 'Ending soon', value: String(n) }],
    lines,
    ...(link ? { link } : {}),
    tone: 'warning',
  };
}
