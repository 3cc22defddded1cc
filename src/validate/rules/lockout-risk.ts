/**
 * An enabled policy that blocks everyone everywhere locks the whole tenant out, administrators
 * included, and only Microsoft support can undo it. Precision matters more than recall here: a
 * false alarm trains people to ignore the rule, so any condition that narrows who or what is
 * blocked (legacy clients only, some platforms, some locations, risky sign-ins, a device filter,
 * a user action) makes the policy not a lockout.
 */
import { hasKeyword, mayEnforce, viewPolicy, type PolicyView } from '../../model/policy-view.js';
import type { Rule, RuleHit } from '../../model/rule.js';

/** The conditions that limit a policy to a subset of sign-ins, named for the message. */
export function narrowingConditions(p: PolicyView): string[] {
  const narrowing: string[] = [];
  // Keywords in any case (Graph accepts "All", "ALL"): the bodies apply and contingency check are
  // not normalised, and a case-sensitive match would read "ALL" as a narrowing condition.
  if (p.clientAppTypes && p.clientAppTypes.length > 0 && !hasKeyword(p.clientAppTypes, 'all')) narrowing.push('clientAppTypes');
  const platforms = p.platforms;
  if (platforms.includePlatforms.length > 0 && (!hasKeyword(platforms.includePlatforms, 'all') || platforms.excludePlatforms.length > 0)) {
    narrowing.push('platforms');
  }
  const loc = p.locations;
  if ((loc.includeLocations.length > 0 && !hasKeyword(loc.includeLocations, 'All')) || loc.excludeLocations.length > 0) narrowing.push('locations');
  if (p.signInRiskLevels.length) narrowing.push('signInRiskLevels');
  if (p.userRiskLevels.length) narrowing.push('userRiskLevels');
  if (p.servicePrincipalRiskLevels.length) narrowing.push('servicePrincipalRiskLevels');
  if (p.insiderRiskLevels) narrowing.push('insiderRiskLevels');
  if (p.deviceFilter) narrowing.push('devices.deviceFilter');
  if (p.transferMethods) narrowing.push('authenticationFlows');
  if (p.applications.includeUserActions.length) narrowing.push('includeUserActions');
  if (p.applications.includeAuthenticationContextClassReferences.length) narrowing.push('includeAuthenticationContextClassReferences');
  if (p.applications.applicationFilter) narrowing.push('applicationFilter');
  return narrowing;
}

export const lockoutRisk: Rule = {
  id: 'lockout-risk',
  severity: 'error',
  description:
    'An enabled policy (or one whose state is missing, judged as enforcing) blocks All users on All applications with no user, group or role excluded and no condition that narrows it: it would lock everyone out.',
  check({ documents }) {
    const hits: RuleHit[] = [];
    for (const document of documents) {
      if (document.kind !== 'policy') continue;
      const p = viewPolicy(document.value);
      // A missing state is judged as enforcing (the schema reports it too).
      if (!mayEnforce(p.state)) continue;
      if (!p.grant || !hasKeyword(p.grant.builtInControls, 'block')) continue;
      if (!hasKeyword(p.users.includeUsers, 'All')) continue;
      if (!hasKeyword(p.applications.includeApplications, 'All')) continue;
      const u = p.users;
      if (u.excludeUsers.length + u.excludeGroups.length + u.excludeRoles.length > 0) continue;
      if (narrowingConditions(p).length > 0) continue;
      hits.push({
        document,
        path: '/conditions/users/excludeUsers',
        message:
          `this ${p.state === 'enabled' ? 'enabled' : 'possibly enforcing (its state is missing or unknown)'} policy blocks All users on All applications and excludes nobody: it would lock out every account, administrators included. Exclude the emergency-access (break-glass) accounts or group, or set state to "enabledForReportingButNotEnforced" first`,
      });
    }
    return hits;
  },
};
