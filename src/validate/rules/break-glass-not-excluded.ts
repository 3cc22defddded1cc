/**
 * Emergency-access accounts exist for the day Conditional Access goes wrong: every policy that
 * enforces or reports must leave them out. Report-only counts too, because it is one click away
 * from enforcement.
 */
import { displayNameOf } from '../../model/documents.js';
import { hasKeyword, isActiveState, viewPolicy } from '../../model/policy-view.js';
import type { Rule, RuleHit } from '../rule.js';

export const breakGlassNotExcluded: Rule = {
  id: 'break-glass-not-excluded',
  severity: 'error',
  description:
    'caac.yml names emergency-access users or groups, and an enabled or report-only policy does not exclude each of them (unless caac.yml exempts the policy by name).',
  check({ documents, settings }) {
    const access = settings.emergencyAccess;
    const users = access?.users ?? [];
    const groups = access?.groups ?? [];
    if (users.length + groups.length === 0) return [];
    const exempt = new Set((access?.exemptPolicies ?? []).map((n) => n.trim().toLowerCase()));
    const hits: RuleHit[] = [];
    for (const document of documents) {
      if (document.kind !== 'policy') continue;
      const p = viewPolicy(document.value);
      if (!isActiveState(p.state)) continue;
      const name = displayNameOf(document);
      if (name && exempt.has(name.trim().toLowerCase())) continue;
      const u = p.users;
      // A policy for workload identities only (includeUsers ["None"] or no users at all) cannot
      // touch a person's sign-in.
      const targetsPeople =
        u.includeGroups.length + u.includeRoles.length > 0 ||
        u.includeGuestsOrExternalUsers !== undefined ||
        u.includeUsers.some((v) => !hasKeyword([v], 'None'));
      if (!targetsPeople) continue;
      const missingUsers = users.filter((x) => !containsIgnoringCase(u.excludeUsers, x));
      const missingGroups = groups.filter((x) => !containsIgnoringCase(u.excludeGroups, x));
      if (missingUsers.length) {
        hits.push({
          document,
          path: '/conditions/users/excludeUsers',
          message: `the emergency-access account${missingUsers.length > 1 ? 's' : ''} ${missingUsers.map((x) => `"${x}"`).join(', ')} must be in excludeUsers (written as in caac.yml), or the policy named in emergencyAccess.exemptPolicies`,
        });
      }
      if (missingGroups.length) {
        hits.push({
          document,
          path: '/conditions/users/excludeGroups',
          message: `the emergency-access group${missingGroups.length > 1 ? 's' : ''} ${missingGroups.map((x) => `"${x}"`).join(', ')} must be in excludeGroups (written as in caac.yml), or the policy named in emergencyAccess.exemptPolicies`,
        });
      }
    }
    return hits;
  },
};

function containsIgnoringCase(list: readonly string[], value: string): boolean {
  const v = value.trim().toLowerCase();
  return list.some((x) => x.trim().toLowerCase() === v);
}
