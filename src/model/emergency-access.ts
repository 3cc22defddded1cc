/**
 * Which policies must leave the emergency-access (break-glass) accounts out. One definition for
 * validate (by the names written), plan (by ids, adding exclusions in enforce mode), apply and
 * contingency activation, so that they cannot disagree.
 */
import type { JsonObject } from './documents.js';
import { hasKeyword, isActiveState, mayEnforce, viewPolicy, type PolicyView } from './policy-view.js';
import { exemptPolicyNames, type Settings } from './settings.js';

/** The mark Microsoft's resilience guidance puts in the names of pre-staged contingency policies. */
export const EMERGENCY_NAME_MARK = /\bENABLE IN EMERGENCY\b/i;

/**
 * A policy for workload identities only (service principals, and includeUsers ["None"] or no
 * users at all) cannot touch a person's sign-in; anything else may. A policy that names neither
 * users nor service principals is refused by validate (graph-rule); until it is fixed it is
 * judged as the worst case, one that targets people.
 */
export function targetsPeople(p: PolicyView): boolean {
  const u = p.users;
  const people = u.includeGroups.length + u.includeRoles.length > 0 || u.includeGuestsOrExternalUsers !== undefined || u.includeUsers.some((v) => !hasKeyword([v], 'None'));
  if (people) return true;
  const workloads = p.clientApplications.includeServicePrincipals.length > 0;
  return !workloads && u.includeUsers.length === 0;
}

/**
 * The displayNames (lower-cased) of the policies a contingency set may enable: caac.yml's
 * `activate` lists, and names that carry "ENABLE IN EMERGENCY". A disabled policy of this kind is
 * one command away from enforcement, on the worst day to discover a missing exclusion.
 */
function contingencyNames(settings: Settings): Set<string> {
  return new Set(Object.values(settings.contingency ?? {}).flatMap((set) => set.activate.map((n) => n.trim().toLowerCase())));
}

export interface EmergencyAccessScope {
  /** True when the policy must exclude every emergency-access account and group. */
  mustExclude(displayName: string | undefined, policy: JsonObject): boolean;
}

export function emergencyAccessScope(settings: Settings): EmergencyAccessScope {
  const exempt = exemptPolicyNames(settings);
  const contingency = contingencyNames(settings);
  return {
    mustExclude(displayName, policy) {
      const name = displayName?.trim().toLowerCase();
      if (name !== undefined && exempt.has(name)) return false;
      const view = viewPolicy(policy);
      if (!targetsPeople(view)) return false;
      if (isActiveState(view.state)) return true;
      return name !== undefined && (contingency.has(name) || EMERGENCY_NAME_MARK.test(name));
    },
  };
}

/** The emergency-access ids (lower-case) of each list a policy must name to exclude them. */
export interface EmergencyAccessIds {
  users: string[];
  groups: string[];
}

/** The emergency-access ids a policy does not exclude, by list. */
export function missingExclusions(policy: JsonObject, ids: EmergencyAccessIds): EmergencyAccessIds {
  const u = viewPolicy(policy).users;
  const excludedUsers = new Set(u.excludeUsers.map((id) => id.toLowerCase()));
  const excludedGroups = new Set(u.excludeGroups.map((id) => id.toLowerCase()));
  return { users: ids.users.filter((id) => !excludedUsers.has(id)), groups: ids.groups.filter((id) => !excludedGroups.has(id)) };
}

/**
 * The emergency-access ids a policy includes by name (includeUsers holds the user's id,
 * includeGroups the group's id). Adding an exclusion there would silently void the policy's
 * purpose, so the guard never does: such a policy belongs in `exempt`.
 */
export function explicitlyIncluded(policy: JsonObject, ids: EmergencyAccessIds): string[] {
  const u = viewPolicy(policy).users;
  const included = new Set([...u.includeUsers, ...u.includeGroups].map((id) => id.toLowerCase()));
  return [...ids.users, ...ids.groups].filter((id) => included.has(id));
}

/**
 * True when an enabled policy with the "block" control applies to an emergency-access account or
 * group: All users, or the account or the group named, and not excluded. Exempt or not, that
 * would lock the emergency account out.
 */
export function blocksEmergencyAccess(policy: JsonObject, ids: EmergencyAccessIds): string[] {
  const p = viewPolicy(policy);
  if (!mayEnforce(p.state) || !p.grant || !hasKeyword(p.grant.builtInControls, 'block')) return [];
  const missing = missingExclusions(policy, ids);
  const all = hasKeyword(p.users.includeUsers, 'All');
  const included = new Set([...p.users.includeUsers, ...p.users.includeGroups].map((id) => id.toLowerCase()));
  // Group membership is not looked up: an emergency user counts as blocked unless excluded by id
  // (fail closed; caac.yml may list the users, the group, or both).
  const users = missing.users.filter((id) => all || included.has(id));
  const groups = missing.groups.filter((id) => all || included.has(id));
  return [...users, ...groups];
}
