/**
 * The impact engine: which policies apply to one sign-in and what they require, following
 * Microsoft's documented Conditional Access evaluation (docs/impact.md gives the rules and sources):
 * a policy applies when every assignment and every configured condition matches; disabled
 * policies never apply; report-only ones are listed apart and never enforced; every applying
 * policy is enforced together and block wins.
 */
import type { JsonObject } from '../model/documents.js';
import { identityVerdict, targetVerdict } from './assignments.js';
import { clientAppVerdict, deviceVerdict, flowVerdict, platformVerdict, risksVerdict } from './conditions.js';
import type { EvaluationContext } from './context.js';
import type { Assumption, Evaluation, PolicyRequirement, SessionControls } from './evaluation.js';
import { addSession, combineGrants, isBlock, requirementOf } from './grant.js';
import { locationVerdict, resolveLocation, type ResolvedLocation } from './locations.js';
import type { SignIn } from './sign-in.js';
import { objectAt } from './values.js';
import type { Assume, Verdict } from './verdict.js';

export const REPORT_ONLY_STATE = 'enabledForReportingButNotEnforced';

export function policyName(policy: JsonObject, index: number): string {
  const name = policy['displayName'];
  return typeof name === 'string' && name.trim() !== '' ? name : `policy #${index + 1}`;
}

/** Assignments first, then conditions: the first that does not match is the reason. */
export function policyVerdict(policy: JsonObject, signIn: SignIn, where: ResolvedLocation, assume: Assume): Verdict {
  const conditions = objectAt(policy['conditions']) ?? {};
  const checks: Array<() => Verdict> = [
    () => identityVerdict(conditions, signIn),
    () => targetVerdict(conditions, signIn.target),
    () => (signIn.identity.kind === 'workload' && isBlock(policy) === false && objectAt(policy['grantControls'])
      ? { applies: false, reason: 'workload identity policies enforce only block' }
      : { applies: true }),
    () => locationVerdict(conditions, where, assume),
    () => platformVerdict(conditions, signIn, assume),
    () => clientAppVerdict(conditions, signIn, assume),
    () => risksVerdict(conditions, signIn, assume),
    () => deviceVerdict(conditions, signIn, assume),
    () => flowVerdict(conditions, signIn, assume),
  ];
  for (const check of checks) {
    const verdict = check();
    if (!verdict.applies) return verdict;
  }
  return { applies: true };
}

function assumptionCollector(): { assumptions: Assumption[]; forPolicy: (name: string) => Assume } {
  const assumptions: Assumption[] = [];
  return {
    assumptions,
    forPolicy: (name) => (input, assumed) => {
      const known = assumptions.find((a) => a.input === input && a.assumed === assumed);
      if (!known) assumptions.push({ input, assumed, policies: [name] });
      else if (!known.policies.includes(name)) known.policies.push(name);
    },
  };
}

export function evaluate(policies: readonly JsonObject[], signIn: SignIn, context: EvaluationContext): Evaluation {
  const where = resolveLocation(signIn.location, context);
  const collector = assumptionCollector();
  const result: Evaluation = { outcome: 'allow', grant: null, session: {}, applied: [], blockedBy: [], reportOnly: [], notApplied: [], assumptions: collector.assumptions };
  const requirements: PolicyRequirement[] = [];
  const session: SessionControls = {};
  policies.forEach((policy, index) => {
    const name = policyName(policy, index);
    const state = policy['state'];
    if (state !== 'enabled' && state !== REPORT_ONLY_STATE) {
      result.notApplied.push({ name, reason: state === 'disabled' ? 'disabled' : `state ${String(state)} is not enabled` });
      return;
    }
    const verdict = policyVerdict(policy, signIn, where, collector.forPolicy(name));
    if (!verdict.applies) {
      result.notApplied.push({ name, reason: verdict.reason });
      return;
    }
    if (state === REPORT_ONLY_STATE) {
      result.reportOnly.push(name);
      return;
    }
    result.applied.push(name);
    if (isBlock(policy)) result.blockedBy.push(name);
    const requirement = requirementOf(name, policy);
    if (requirement && !isBlock(policy)) requirements.push(requirement);
    addSession(session, policy);
  });
  if (result.blockedBy.length > 0) return { ...result, outcome: 'block' };
  return { ...result, outcome: requirements.length > 0 ? 'grant' : 'allow', grant: requirements.length > 0 ? combineGrants(requirements) : null, session };
}
