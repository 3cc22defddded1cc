/**
 * Apply's refusal of access impact (the plan's "Access impact", made again by apply from the
 * repository and the live tenant, never taken from the plan file): a sign-in of an emergency
 * account that becomes blocked is always refused; any other sign-in that was not blocked and
 * becomes blocked is refused unless the run accepts the impact (--accept-impact, input
 * accept-impact), which the plan comment names. A block that comes only from an exception of
 * caac.yml ending is the file's own reviewed rule returning on the reviewed date: accepted.
 */
import type { Plan, PlanImpactGroup } from '../model/plan.js';
import { onlyEndedExceptions, refusableBlocks } from '../impact/exception-exclusions.js';

const MAX_SHOWN = 5;

function lines(groups: readonly PlanImpactGroup[]): string {
  const shown = groups.slice(0, MAX_SHOWN).map((g) => `${g.signIns} sign-in(s) blocked by ${g.blockedBy.map((n) => `"${n}"`).join(', ')}: ${g.who.slice(0, 3).join(', ')}${g.who.length > 3 ? ` and ${g.who.length - 3} more` : ''} (e.g. ${g.example})`);
  return [...shown, ...(groups.length > MAX_SHOWN ? [`and ${groups.length - MAX_SHOWN} more group(s)`] : [])].join('\n  ');
}

/** Why apply must not write this plan, or undefined when its impact may be applied. */
export function impactRefusal(plan: Plan, acceptImpact: boolean): string | undefined {
  const impact = plan.impact;
  if (impact === undefined) return undefined;
  const blocked = impact.groups.filter((g) => g.change === 'blocked');
  if (impact.emergencyBlocked > 0) {
    return `the plan blocks ${impact.emergencyBlocked} sign-in(s) of emergency-access accounts, the people who would have to undo it; apply never accepts that, not even with --accept-impact:\n  ${lines(blocked.filter((g) => g.emergency))}\nExclude the emergency accounts from the blocking policies and make the plan again.`;
  }
  const refused = refusableBlocks(impact.groups);
  if (refused > 0 && !acceptImpact) {
    return `the plan blocks ${refused} sign-in(s) that are not blocked today:\n  ${lines(blocked.filter((g) => !onlyEndedExceptions(g)))}\nnothing was changed. Review the plan's Access impact; if it is intended, apply with --accept-impact (input accept-impact: true).`;
  }
  return undefined;
}
