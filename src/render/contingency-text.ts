/** Plain-text reports of `caac contingency`. */
import type { PlanOperation } from '../model/plan.js';
import type { ContingencySetStatus } from '../contingency/contingency.js';
import type { ContingencyOutcome } from '../contingency/outcome.js';
import { resultLines } from './apply-text.js';
import { escapeLogValue as t } from '../model/log-text.js';

const STATE_LABELS: Record<string, string> = {
  enabled: 'on',
  disabled: 'off',
  enabledForReportingButNotEnforced: 'report-only',
};

const stateLabel = (state: string | undefined): string => (state === undefined ? 'missing from the tenant' : (STATE_LABELS[state] ?? t(state)));

/** Every set with its policies' states; `problems` (convention mode) are printed first, as warnings. Names from caac.yml and the tenant are escaped. */
export function renderContingencyStatus(sets: readonly ContingencySetStatus[], problems: readonly string[] = []): string {
  const lines: string[] = problems.map((p) => `warning: ${t(p)}`);
  if (sets.length === 0) {
    lines.push('No contingency sets: caac.yml has no `contingency` key and no policy name carries "ENABLE IN EMERGENCY" with a disruption tag.');
    return lines.join('\n') + '\n';
  }
  for (const set of sets) {
    const by = set.source === 'convention' ? ' (by name convention)' : '';
    lines.push(`${t(set.name)}${by}: ${set.active ? `ACTIVE${set.since ? ` since ${t(set.since)}` : ''}` : 'inactive'}`);
    if (set.description) lines.push(`  ${t(set.description.trim())}`);
    for (const p of set.policies) {
      const ok = p.state === p.expected;
      lines.push(`  ${ok ? '✓' : '·'} ${t(p.displayName)}: ${stateLabel(p.state)} (${stateLabel(p.expected)} while active)`);
    }
  }
  return lines.join('\n') + '\n';
}

export function describeOperation(op: PlanOperation): string {
  const change = op.changes.find((c) => c.path === '/state');
  return `policy "${t(op.displayName)}": ${stateLabel(typeof change?.before === 'string' ? change.before : undefined)} → ${stateLabel(typeof change?.after === 'string' ? change.after : undefined)}`;
}

/** What changed, what did not, what is unverified, then the set's status; printed whatever failed. */
export function renderContingencyOutcome(outcome: ContingencyOutcome): string {
  const lines: string[] = [];
  if (outcome.results.length) {
    const count = (status: string) => outcome.results.filter((r) => r.status === status).length;
    lines.push(`Contingency ${outcome.action}: ${count('applied')} changed, ${count('failed')} failed, ${count('skipped')} not attempted`);
  }
  if (outcome.stopped) lines.push(`Stopped: ${t(outcome.stopped)}`);
  lines.push(...resultLines(outcome.results, outcome.verification));
  const failed = outcome.results.filter((r) => r.status !== 'applied');
  if (failed.length) lines.push(`${failed.length} change(s) not made: the set may be half switched; run the command again.`);
  if (outcome.dryRun && outcome.operations.length) lines.push('Dry run: nothing was changed.');
  if (outcome.stopped && outcome.results.length) lines.push('The read-back failed: the status below may not show the switch.');
  return (lines.length ? lines.join('\n') + '\n' : '') + (outcome.sets.length || !outcome.stopped ? renderContingencyStatus(outcome.sets, outcome.problems) : '');
}
