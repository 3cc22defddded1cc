/**
 * The gates of caac.yml (`rollout.gates`) over one policy's evidence. Every gate that is set must
 * pass; evidence that is incomplete (the page cap stopped the read) or absent (the policy applied
 * to no sign-in in the window, or is not in the tenant) fails closed: advancing on no evidence is
 * the mistake rollout exists to prevent.
 */
import type { RolloutSettings } from '../model/settings.js';
import type { PolicyEvidence } from './evidence.js';

export interface GateCheck {
  gate: 'minDays' | 'maxFailureRate' | 'maxUsersBlocked' | 'evidence';
  pass: boolean;
  /** e.g. "12 days in this stage (at least 7)". */
  message: string;
}

export interface GateResult {
  pass: boolean;
  checks: GateCheck[];
}

export interface GateInput {
  gates: RolloutSettings['gates'];
  /** Whole days since the policy reached its stage; undefined when caac.yml records no `since`. */
  days?: number;
  /** Undefined when the policy is not in the tenant. */
  evidence?: PolicyEvidence;
  truncated: boolean;
}

const percent = (rate: number): string => `${(rate * 100).toFixed(1).replace(/\.0$/, '')}%`;

export function checkGates(input: GateInput): GateResult {
  const gates = input.gates ?? {};
  const checks: GateCheck[] = [];
  const e = input.evidence;
  if (input.truncated) checks.push({ gate: 'evidence', pass: false, message: 'the sign-in log was read only in part (page cap): the figures are a lower bound; raise --max-pages or shorten --since' });
  if (e === undefined) checks.push({ gate: 'evidence', pass: false, message: 'the policy is not in the tenant: there is no sign-in evidence for it yet (apply it first)' });
  if (gates.minDays !== undefined) {
    const d = input.days;
    checks.push(
      d === undefined
        ? { gate: 'minDays', pass: false, message: `caac.yml records no since date for this stage (at least ${gates.minDays} days needed)` }
        : { gate: 'minDays', pass: d >= gates.minDays, message: `${d} day${d === 1 ? '' : 's'} in this stage (at least ${gates.minDays})` },
    );
  }
  if (gates.maxFailureRate !== undefined && e) {
    checks.push(
      e.failureRate === null
        ? { gate: 'maxFailureRate', pass: false, message: 'it applied to no sign-in in the window: no evidence of its failure rate' }
        : { gate: 'maxFailureRate', pass: e.failureRate <= gates.maxFailureRate, message: `failure rate ${percent(e.failureRate)} (${e.failures} of ${e.applied} sign-ins it applied to; at most ${percent(gates.maxFailureRate)})` },
    );
  }
  if (gates.maxUsersBlocked !== undefined && e) {
    checks.push({ gate: 'maxUsersBlocked', pass: e.usersBlocked <= gates.maxUsersBlocked, message: `${e.usersBlocked} user${e.usersBlocked === 1 ? '' : 's'} blocked or would be (at most ${gates.maxUsersBlocked})` });
  }
  return { pass: checks.every((c) => c.pass), checks };
}

/** A stage's `since` (a date, read as UTC midnight, or a date-time) in ms; NaN without one or when unreadable. */
export function sinceTime(since: string | undefined): number {
  if (since === undefined) return Number.NaN;
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(since) ? `${since}T00:00:00Z` : since);
}

/** Whole days from `since` (a date or date-time) to `now`; undefined without a since. */
export function daysSince(since: string | undefined, now: Date): number | undefined {
  if (since === undefined) return undefined;
  const at = sinceTime(since);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.floor((now.getTime() - at) / 86_400_000));
}
