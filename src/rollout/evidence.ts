/**
 * What Entra recorded for one policy in the sign-in log, summarised (never dumped):
 * - evaluated: sign-ins whose appliedConditionalAccessPolicies list the policy (any result);
 * - results: how many of each result (`success`, `failure`, `reportOnlySuccess`, …);
 * - applied: sign-ins the policy applied to (its conditions matched): success, failure and the
 *   report-only success, failure and interrupted results;
 * - failures: `failure` (enforced) plus `reportOnlyFailure` (would have failed); the failure rate
 *   is failures / applied;
 * - users blocked: distinct users with a failure of either kind; users affected also counts
 *   `reportOnlyInterrupted` (they would have been asked for something, e.g. MFA);
 * - the applications and users behind the failures, the most frequent first.
 */
import type { SignInRecord } from '../model/sign-ins.js';

export const TOP = 5;

export interface PolicyEvidence {
  /** Sign-ins from this time on. */
  from: string;
  evaluated: number;
  results: Record<string, number>;
  applied: number;
  failures: number;
  enforcedFailures: number;
  reportOnlyFailures: number;
  /** failures / applied; null when the policy applied to no sign-in. */
  failureRate: number | null;
  usersBlocked: number;
  usersAffected: number;
  topApplications: { name: string; failures: number }[];
  topUsers: { name: string; failures: number }[];
}

const APPLIED = new Set(['success', 'failure', 'reportOnlySuccess', 'reportOnlyFailure', 'reportOnlyInterrupted']);
const FAILED = new Set(['failure', 'reportOnlyFailure']);

export function summarizeEvidence(signIns: readonly SignInRecord[], policyId: string, from: Date): PolicyEvidence {
  const id = policyId.toLowerCase();
  const results: Record<string, number> = {};
  const blocked = new Set<string>();
  const affected = new Set<string>();
  const apps = new Map<string, number>();
  const users = new Map<string, number>();
  let evaluated = 0;
  for (const s of signIns) {
    if (Date.parse(s.createdDateTime) < from.getTime()) continue;
    const hit = s.policies.find((p) => p.id === id);
    if (!hit) continue;
    evaluated++;
    results[hit.result] = (results[hit.result] ?? 0) + 1;
    const who = s.userPrincipalName || s.userId;
    if (FAILED.has(hit.result)) {
      blocked.add(who);
      affected.add(who);
      apps.set(s.appDisplayName || s.appId, (apps.get(s.appDisplayName || s.appId) ?? 0) + 1);
      users.set(who, (users.get(who) ?? 0) + 1);
    } else if (hit.result === 'reportOnlyInterrupted') affected.add(who);
  }
  const count = (r: string): number => results[r] ?? 0;
  const applied = [...APPLIED].reduce((n, r) => n + count(r), 0);
  const failures = count('failure') + count('reportOnlyFailure');
  return {
    from: from.toISOString(),
    evaluated,
    results,
    applied,
    failures,
    enforcedFailures: count('failure'),
    reportOnlyFailures: count('reportOnlyFailure'),
    failureRate: applied === 0 ? null : failures / applied,
    usersBlocked: blocked.size,
    usersAffected: affected.size,
    topApplications: top(apps).map(([name, n]) => ({ name, failures: n })),
    topUsers: top(users).map(([name, n]) => ({ name, failures: n })),
  };
}

function top(counts: Map<string, number>): [string, number][] {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, TOP);
}
