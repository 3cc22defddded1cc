/**
 * `apply --only-expiries`: a plan goes through without review only when every change it makes is
 * an ended exception's removal: an update of a policy whose every field change takes from an
 * exclusion list exactly ids that its `expired` notes name, and adds nothing. Anything else (a
 * create, a delete, another field, an exclusion added, someone removed who is not an ended
 * exception's) is named, and apply refuses before any write.
 */
import { SafetyError } from '../errors.js';
import type { FieldChange, Plan, PlanOperation } from '../model/plan.js';
import { EXCEPTION_LISTS } from './exception-entry.js';

const LIST_PATHS: ReadonlySet<string> = new Set(EXCEPTION_LISTS.map((l) => l.pointer));

/** Why each changing operation is not only an expiry (empty: the plan may go through). */
export function notOnlyExpiries(plan: Pick<Plan, 'operations'>): string[] {
  const reasons: string[] = [];
  for (const op of plan.operations) {
    if (op.action === 'noop') continue;
    const what = `${op.action} ${op.kind} "${op.displayName}"`;
    if (op.kind !== 'policy' || op.action !== 'update') {
      reasons.push(`${what}: not an exception's expiry`);
      continue;
    }
    if (!op.expired?.length) {
      reasons.push(`${what}: changes ${op.changes.map((c) => c.path).join(', ') || 'the policy'}, and no exception of it has ended`);
      continue;
    }
    for (const change of op.changes) {
      const why = notAnExpiry(change, op);
      if (why) reasons.push(`${what}: ${change.path} ${why}`);
    }
  }
  return reasons;
}

function notAnExpiry(change: FieldChange, op: PlanOperation): string | undefined {
  if (!LIST_PATHS.has(change.path)) return 'is not an exclusion list';
  const ids = (v: unknown): string[] | undefined => (v === undefined || v === null ? [] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.map((x) => x.toLowerCase()) : undefined);
  const before = ids(change.before);
  const after = ids(change.after);
  if (!before || !after) return 'is not a list of ids';
  const had = new Set(before);
  const added = after.filter((id) => !had.has(id));
  if (added.length) return `adds ${added.join(', ')}`;
  const ended = new Set((op.expired ?? []).filter((n) => n.path === change.path).flatMap((n) => n.ids.map((id) => id.toLowerCase())));
  const kept = new Set(after);
  const others = before.filter((id) => !kept.has(id) && !ended.has(id));
  return others.length ? `removes ${others.join(', ')}, which no ended exception added` : undefined;
}

/** Throws (before any write) unless every change of the plan is an expiry. */
export function refuseUnlessOnlyExpiries(plan: Pick<Plan, 'operations'>): void {
  const reasons = notOnlyExpiries(plan);
  if (reasons.length === 0) return;
  throw new SafetyError(`apply --only-expiries refused the plan: it makes changes other than ended exceptions' removals, and those need a reviewed plan (caac plan --out, then apply --plan): nothing was changed.\n  ${reasons.join('\n  ')}`);
}
