import type { ApplyOutcome } from '../commands/apply.js';
import { sanitizeLogText } from './plan-format.js';

/** The end of an apply, for a log: counts, what failed or was skipped, and the verification. */
export function renderApplyText(outcome: ApplyOutcome): string {
  const lines: string[] = [];
  const verified = outcome.verification.length === 0;
  lines.push(`Apply: ${outcome.applied} applied, ${outcome.failed} failed, ${outcome.skipped} skipped${outcome.results.length ? `; read back: ${verified ? 'matches the plan' : `${outcome.verification.length} difference(s)`}` : ''}`);
  for (const r of outcome.results.filter((r) => r.status !== 'applied')) {
    lines.push(`  ${r.status === 'failed' ? '✗' : '-'} ${r.operation.action} ${r.operation.kind} "${sanitizeLogText(r.operation.displayName)}": ${sanitizeLogText(r.error ?? r.status)}`);
  }
  for (const v of outcome.verification) lines.push(`  ! ${sanitizeLogText(v)}`);
  if (outcome.failed + outcome.skipped > 0) lines.push('Nothing is lost: plan again and apply to converge; the snapshot holds the objects as they were before this run.');
  if (outcome.snapshotDir) lines.push(`Snapshot: ${outcome.snapshotDir}`);
  lines.push(`Graph requests: ${outcome.requests.total}`);
  return lines.join('\n') + '\n';
}

export function applySucceeded(outcome: ApplyOutcome): boolean {
  return outcome.failed === 0 && outcome.skipped === 0 && outcome.verification.length === 0;
}
