/**
 * Emergency-access accounts exist for the day Conditional Access goes wrong: every policy that
 * enforces or reports must leave them out, and so must every contingency policy, whatever its
 * state (it is one command away from enforcement). Report-only counts too: one click from
 * enforcement.
 *
 * Offline, validate compares what the files say with what caac.yml says. Where it cannot tell
 * (caac.yml names `user:bg1@…` and the policy excludes only GUIDs), it says nothing: plan decides
 * by id once references are resolved, and refuses there.
 */
import { displayNameOf } from '../../model/documents.js';
import { emergencyAccessScope } from '../../model/emergency-access.js';
import { viewPolicy } from '../../model/policy-view.js';
import { isGuid, parseReferenceValue } from '../../model/references.js';
import { emergencyAccessMode } from '../../model/settings.js';
import type { Rule, RuleHit } from '../../model/rule.js';

export const breakGlassNotExcluded: Rule = {
  id: 'break-glass-not-excluded',
  severity: 'error',
  description:
    'caac.yml names emergency-access users or groups, and an enabled or report-only policy (or a contingency policy, in any state) does not exclude each of them, unless caac.yml exempts it by name. With emergencyAccess.mode: enforce, plan adds the missing exclusions instead, and only a policy that includes an emergency account by name is an error.',
  check({ documents, settings }) {
    const access = settings.emergencyAccess;
    const users = access?.users ?? [];
    const groups = access?.groups ?? [];
    if (users.length + groups.length === 0) return [];
    const scope = emergencyAccessScope(settings);
    const enforce = emergencyAccessMode(settings) === 'enforce';
    const hits: RuleHit[] = [];
    for (const document of documents) {
      if (document.kind !== 'policy') continue;
      if (!scope.mustExclude(displayNameOf(document), document.value)) continue;
      const u = viewPolicy(document.value).users;
      const lists = [
        { noun: 'account', key: 'excludeUsers', wanted: users, excluded: u.excludeUsers, included: u.includeUsers, includeKey: 'includeUsers' },
        { noun: 'group', key: 'excludeGroups', wanted: groups, excluded: u.excludeGroups, included: u.includeGroups, includeKey: 'includeGroups' },
      ];
      for (const list of lists) {
        const inside = list.wanted.filter((x) => containsIgnoringCase(list.included, x));
        if (inside.length) {
          hits.push({
            document,
            path: `/conditions/users/${list.includeKey}`,
            message: `the policy includes the emergency-access ${list.noun}${inside.length > 1 ? 's' : ''} ${quote(inside)} by name: name the policy in emergencyAccess.exempt if it is meant for them, or remove ${inside.length > 1 ? 'them' : 'it'} from ${list.includeKey}`,
          });
        }
        if (enforce) continue; // plan adds the missing exclusions
        const missing = list.wanted.filter((x) => !containsIgnoringCase(list.excluded, x) && !inside.includes(x) && decidable(x, list.excluded));
        if (missing.length) {
          hits.push({
            document,
            path: `/conditions/users/${list.key}`,
            message: `the emergency-access ${list.noun}${missing.length > 1 ? 's' : ''} ${quote(missing)} must be in ${list.key} (written as in caac.yml), the policy named in emergencyAccess.exempt, or emergencyAccess.mode set to enforce`,
          });
        }
      }
    }
    return hits;
  },
};

const quote = (values: readonly string[]): string => values.map((x) => `"${x}"`).join(', ');

function containsIgnoringCase(list: readonly string[], value: string): boolean {
  const v = value.trim().toLowerCase();
  return list.some((x) => x.trim().toLowerCase() === v);
}

/**
 * False when the list holds values of the other form (an id where caac.yml has a reference, or
 * the reverse): any of them may be the account, which only plan can tell.
 */
function decidable(wanted: string, list: readonly string[]): boolean {
  const asId = (value: string): boolean => {
    const parsed = parseReferenceValue(value.trim(), []);
    return parsed.type === 'guid' || (parsed.type === 'reference' && isGuid(parsed.reference.name));
  };
  const wantedIsId = asId(wanted);
  return !list.some((x) => {
    const parsed = parseReferenceValue(x.trim(), []);
    if (parsed.type !== 'guid' && parsed.type !== 'reference') return false;
    return asId(x) !== wantedIsId;
  });
}
