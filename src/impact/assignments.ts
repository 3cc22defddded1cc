/**
 * Assignments: who (users, groups, roles, guests; or workload identities) and what (applications,
 * app groups, user actions, authentication contexts). Exclusions beat inclusions.
 * Sources: concept-conditional-access-users-groups, concept-conditional-access-cloud-apps (Microsoft Learn).
 */
import type { JsonObject } from '../model/documents.js';
import { inAppGroup, knownApp } from './app-groups.js';
import type { SignIn, SignInTarget, UserIdentity, WorkloadIdentity } from './sign-in.js';
import { commaListAt, containsRef, firstShared, objectAt, sameRef, stringsAt } from './values.js';
import { APPLIES, notApplies, type Verdict } from './verdict.js';

function guestMatch(guests: JsonObject | undefined, user: UserIdentity): boolean {
  if (!guests || !user.guestType) return false;
  if (!containsRef(commaListAt(guests['guestOrExternalUserTypes']), user.guestType)) return false;
  const tenants = objectAt(guests['externalTenants']);
  if (!tenants || tenants['membershipKind'] !== 'enumerated') return true;
  return user.homeTenant !== undefined && containsRef(stringsAt(tenants['members']), user.homeTenant);
}

/** Why the user is in (or out of) one side of the users condition; undefined when not. */
function userMatch(users: JsonObject, side: 'include' | 'exclude', user: UserIdentity): string | undefined {
  const listed = stringsAt(users[`${side}Users`]);
  if (side === 'include' && containsRef(listed, 'All')) return 'all users';
  if (containsRef(listed, user.user)) return user.user;
  if (user.guestType && containsRef(listed, 'GuestsOrExternalUsers')) return 'guests or external users';
  const group = firstShared(stringsAt(users[`${side}Groups`]), user.groups);
  if (group) return `member of ${group}`;
  const role = firstShared(stringsAt(users[`${side}Roles`]), user.roles);
  if (role) return `holds ${role}`;
  if (guestMatch(objectAt(users[`${side}GuestsOrExternalUsers`]), user)) return `guest type ${user.guestType ?? ''}`;
  return undefined;
}

function usersVerdict(conditions: JsonObject, user: UserIdentity): Verdict {
  const workload = objectAt(conditions['clientApplications']);
  if (workload && stringsAt(workload['includeServicePrincipals']).length > 0) return notApplies('targets workload identities, not users');
  const users = objectAt(conditions['users']) ?? {};
  const excluded = userMatch(users, 'exclude', user);
  if (excluded) return notApplies(`user excluded (${excluded})`);
  if (!userMatch(users, 'include', user)) return notApplies('user not included');
  return APPLIES;
}

function workloadVerdict(conditions: JsonObject, workload: WorkloadIdentity): Verdict {
  const clients = objectAt(conditions['clientApplications']);
  const included = stringsAt(clients?.['includeServicePrincipals']);
  if (included.length === 0) return notApplies('targets users, not workload identities');
  if (containsRef(stringsAt(clients?.['excludeServicePrincipals']), workload.servicePrincipal)) return notApplies(`workload identity excluded (${workload.servicePrincipal})`);
  if (!containsRef(included, 'ServicePrincipalsInMyTenant') && !containsRef(included, workload.servicePrincipal)) return notApplies('workload identity not included');
  if (objectAt(clients?.['servicePrincipalFilter'])) return notApplies('cannot evaluate: servicePrincipalFilter reads custom security attributes the engine does not have');
  return APPLIES;
}

export function identityVerdict(conditions: JsonObject, signIn: SignIn): Verdict {
  return signIn.identity.kind === 'user' ? usersVerdict(conditions, signIn.identity) : workloadVerdict(conditions, signIn.identity);
}

/** Whether a policy's application entry covers the app the sign-in targets. */
function appEntryCovers(entry: string, app: string): boolean {
  if (sameRef(entry, 'All')) return true;
  if (sameRef(entry, 'Office365') || sameRef(entry, 'MicrosoftAdminPortals')) return inAppGroup(entry.trim().toLowerCase() === 'office365' ? 'Office365' : 'MicrosoftAdminPortals', app);
  if (sameRef(entry, app)) return true;
  const a = knownApp(entry);
  return a !== undefined && a === knownApp(app);
}

function applicationVerdict(applications: JsonObject, app: string): Verdict {
  const include = stringsAt(applications['includeApplications']);
  if (include.length === 0) return notApplies('targets user actions or authentication contexts, not applications');
  const excludedBy = stringsAt(applications['excludeApplications']).find((entry) => appEntryCovers(entry, app));
  if (excludedBy) return notApplies(`application excluded (${excludedBy})`);
  if (!include.some((entry) => appEntryCovers(entry, app))) return notApplies('application not included');
  if (objectAt(applications['applicationFilter'])) return notApplies('cannot evaluate: applicationFilter reads custom security attributes the engine does not have');
  return APPLIES;
}

export function targetVerdict(conditions: JsonObject, target: SignInTarget): Verdict {
  const applications = objectAt(conditions['applications']) ?? {};
  if (target.kind === 'application') return applicationVerdict(applications, target.application);
  if (target.kind === 'userAction') {
    return containsRef(stringsAt(applications['includeUserActions']), target.userAction) ? APPLIES : notApplies(`user action ${target.userAction} not included`);
  }
  const contexts = stringsAt(applications['includeAuthenticationContextClassReferences']);
  return containsRef(contexts, target.authContext) ? APPLIES : notApplies(`authentication context ${target.authContext} not included`);
}
