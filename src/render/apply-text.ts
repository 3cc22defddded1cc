import type { OperationResult } from '../model/outcomes.js';
import type { ApplyOutcome } from '../model/outcomes.js';
import { KIND_LABELS } from '../model/documents.js';
import { escapeLogValue } from '../model/log-text.js';

const READ_BACK: Record<ApplyOutcome['readBack'], (n: number) => string> = {
  verified: () => 'matches the plan',
  unverified: (n) => `${n} unverified`,
  failed: () => 'failed, what was applied is unverified',
  none: () => 'not done',
};

/** `create policy "CA001 …"`, the name escaped for a log. */
export function describeResult(r: OperationResult): string {
  // A create that brought a deleted object back (same id) is a restore: say so.
  const restored = r.operation.action === 'create' && r.operation.restoreFrom !== undefined && (r.status !== 'applied' || r.id === r.operation.restoreFrom);
  const action = restored ? 'restore' : r.operation.action;
  return `${action} ${KIND_LABELS[r.operation.kind]} "${escapeLogValue(r.operation.displayName)}"${restored ? ' from deleted items' : ''}`;
}

/**
 * Every operation by name — ✓ applied, ✗ failed, ? outcome unknown, - not attempted — then `!`
 * for each thing unverified; names escaped. Shared by apply, restore and contingency.
 */
export function resultLines(results: readonly OperationResult[], verification: readonly string[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    if (r.status === 'applied') lines.push(`  ✓ ${describeResult(r)}${r.id ? ` (${escapeLogValue(r.id)})` : ''}`);
    else if (r.status === 'failed') lines.push(`  ${r.unknown ? '?' : '✗'} ${describeResult(r)}: ${escapeLogValue(r.error ?? 'failed')}`);
    else lines.push(`  - ${describeResult(r)}: ${escapeLogValue(r.error ?? 'not attempted')}`);
  }
  for (const v of verification) lines.push(`  ! ${escapeLogValue(v)}`);
  return lines;
}

/**
 * The end of an apply, for a log: counts, then every operation by name (applied, failed, not
 * attempted), then what is unverified and why. Printed whatever failed, so it always says what the
 * tenant now holds.
 */
export function renderApplyText(outcome: ApplyOutcome): string {
  const lines: string[] = [];
  const attempted = outcome.results.length > 0 && outcome.applied + outcome.failed > 0;
  const readBack = attempted ? `; read back: ${READ_BACK[outcome.readBack](outcome.verification.length)}` : '';
  lines.push(`Apply: ${outcome.applied} applied, ${outcome.failed} failed, ${outcome.skipped} not attempted${readBack}`);
  if (outcome.stopped) lines.push(`Stopped: ${escapeLogValue(outcome.stopped)}`);
  lines.push(...resultLines(outcome.results, outcome.verification));
  if (outcome.results.some((r) => r.unknown)) {
    lines.push('An outcome is unknown: caac did not send that write again. Plan again: the next plan sees what is there, and applying it converges.');
  } else if (outcome.failed + outcome.skipped > 0 || outcome.readBack === 'failed') {
    lines.push('Nothing is lost: plan again and apply to converge; the snapshot holds the objects as they were before this run.');
  }
  if (outcome.snapshotDir) lines.push(`Snapshot: ${outcome.snapshotDir}`);
  lines.push(`Graph requests: ${outcome.requests.total}`);
  return lines.join('\n') + '\n';
}

export function applySucceeded(outcome: ApplyOutcome): boolean {
  return outcome.failed === 0 && outcome.skipped === 0 && outcome.verification.length === 0 && outcome.stopped === undefined;
}
