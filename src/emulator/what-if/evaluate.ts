/**
 * What If in the emulator (`POST /identity/conditionalAccess/evaluate`): for one sign-in, which of
 * the tenant's policies apply and, for the others, why not (`analysisReasons`). Written from
 * Microsoft's documentation of Conditional Access and of the evaluate API, by the emulator's own
 * code: it shares nothing with caac's impact engine, so a misreading in one shows up as a
 * disagreement between the two (what `caac coverage --live` reports).
 *
 * Graph answers every policy (or, with `appliedPoliciesOnly`, only those that apply), each as the
 * policy itself plus `policyApplies` and `analysisReasons` (`notSet` when it applies). It does not
 * combine the policies into an outcome: the client does that.
 */
import { badRequest } from '../graph-error.js';
import type { Json, JsonObject, TenantState } from '../types.js';
import { deviceMatches } from './device-filter.js';
import { inRange } from './ip.js';
import type { WhatIfConditions, WhatIfContext, WhatIfRequest } from './request.js';

/** Microsoft's "Office 365" app group, as its documentation lists the core apps (appIds). */
export const OFFICE_365_APPS = new Set([
  '00000002-0000-0ff1-ce00-000000000000', // Exchange Online
  '00000003-0000-0ff1-ce00-000000000000', // SharePoint Online
  '00000004-0000-0ff1-ce00-000000000000', // Skype for Business Online
  '00000005-0000-0ff1-ce00-000000000000', // Yammer
  '00000006-0000-0ff1-ce00-000000000000', // Office 365 portal
  'cc15fd57-2c6c-4117-a88c-83b1d56b4bbe', // Microsoft Teams Services
  '1fec8e78-bce4-4aaf-ab1b-5451cc387264', // Microsoft Teams
  '4345a7b9-9a63-4910-a426-35363201d503', // Office 365 Search / Office.com
]);

/** "Microsoft Admin Portals": the Azure portal and the Microsoft 365, Entra, Intune, Defender and Purview admin centres. */
export const ADMIN_PORTAL_APPS = new Set([
  'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', // Azure portal
  '00000006-0000-0ff1-ce00-000000000000', // Microsoft 365 admin center (Office 365 portal)
]);

const USER_ACTION_URN: Record<string, string> = {
  registerSecurityInformation: 'urn:user:registersecurityinfo',
  registerOrJoinDevices: 'urn:user:registerdevice',
};

/** The enum order of whatIfAnalysisReasons, which the answer lists them in. */
const REASON_ORDER = [
  'users', 'workloadIdentities', 'application', 'userActions', 'authenticationContext', 'devicePlatform', 'devices',
  'clientApps', 'location', 'signInRisk', 'userRisk', 'insiderRisk', 'authenticationFlow', 'policyNotEnabled',
];

type Subject =
  | { kind: 'user'; id: string; groups: Set<string>; roles: Set<string>; guestType?: string; externalTenantId?: string }
  | { kind: 'servicePrincipal'; id: string; inTenant: boolean };

const obj = (v: Json | undefined): JsonObject | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null);
const list = (v: Json | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const flags = (v: Json | undefined): string[] => (typeof v === 'string' ? v.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '') : list(v).map((s) => s.toLowerCase()));
const has = (values: string[], v: string): boolean => values.some((x) => x.toLowerCase() === v.toLowerCase());

/** The groups a directory object is in, through nested groups too. */
function transitiveGroups(state: TenantState, id: string): Set<string> {
  const found = new Set<string>();
  const queue = [id.toLowerCase()];
  while (queue.length > 0) {
    const member = queue.shift()!;
    for (const [group, members] of Object.entries(state.groupMembers)) {
      if (!found.has(group.toLowerCase()) && members.some((m) => m.toLowerCase() === member)) {
        found.add(group.toLowerCase());
        queue.push(group.toLowerCase());
      }
    }
  }
  return found;
}

function subjectOf(state: TenantState, req: WhatIfRequest): Subject {
  const who = req.identity;
  if (who.kind === 'servicePrincipal') {
    const sp = state.servicePrincipals.find((s) => String(s.id).toLowerCase() === who.servicePrincipalId.toLowerCase());
    if (sp === undefined) throw badRequest(`Invalid value for parameter 'signInIdentity.servicePrincipalId': service principal '${who.servicePrincipalId}' was not found in the tenant.`);
    return { kind: 'servicePrincipal', id: String(sp.id), inTenant: sp.appOwnerOrganizationId === state.tenantId };
  }
  const user = state.users.find((u) => String(u.id).toLowerCase() === who.userId.toLowerCase());
  if (user === undefined) throw badRequest(`Invalid value for parameter 'signInIdentity.userId': user '${who.userId}' was not found in the tenant.`);
  const groups = transitiveGroups(state, String(user.id));
  const roles = new Set(
    Object.entries(state.directoryRoleAssignments ?? {})
      .filter(([, principals]) => principals.some((p) => p.toLowerCase() === String(user.id).toLowerCase() || groups.has(p.toLowerCase())))
      .map(([role]) => role.toLowerCase()),
  );
  const guestType = who.externalUserType !== undefined && who.externalUserType !== 'none' ? who.externalUserType : undefined;
  return { kind: 'user', id: String(user.id), groups, roles, ...(guestType === undefined ? {} : { guestType }), ...(who.externalTenantId === undefined ? {} : { externalTenantId: who.externalTenantId }) };
}

function guestsMatch(spec: JsonObject | null, s: Subject & { kind: 'user' }): boolean {
  if (spec === null || s.guestType === undefined || !has(flags(spec.guestOrExternalUserTypes), s.guestType)) return false;
  const tenants = obj(spec.externalTenants);
  if (tenants === null || tenants.membershipKind === 'all' || String(tenants['@odata.type'] ?? '').endsWith('AllExternalTenants')) return true;
  return s.externalTenantId !== undefined && has(list(tenants.members), s.externalTenantId);
}

function userTargeted(users: JsonObject, s: Subject & { kind: 'user' }, side: 'include' | 'exclude'): boolean {
  const ids = list(users[`${side}Users`]);
  if (side === 'include' && has(ids, 'All')) return true;
  if (has(ids, s.id) || (s.guestType !== undefined && has(ids, 'GuestsOrExternalUsers'))) return true;
  if (list(users[`${side}Groups`]).some((g) => s.groups.has(g.toLowerCase()))) return true;
  if (list(users[`${side}Roles`]).some((r) => s.roles.has(r.toLowerCase()))) return true;
  return guestsMatch(obj(users[`${side}GuestsOrExternalUsers`]), s);
}

function identityReason(conditions: JsonObject, s: Subject): string | undefined {
  if (s.kind === 'user') {
    const users = obj(conditions.users);
    if (users === null) return 'users';
    return userTargeted(users, s, 'include') && !userTargeted(users, s, 'exclude') ? undefined : 'users';
  }
  const apps = obj(conditions.clientApplications);
  if (apps === null) return 'workloadIdentities';
  // A filter on custom security attributes cannot be judged without them: treated as no match.
  const include = list(apps.includeServicePrincipals);
  const included = has(include, s.id) || (s.inTenant && has(include, 'ServicePrincipalsInMyTenant'));
  return included && !has(list(apps.excludeServicePrincipals), s.id) ? undefined : 'workloadIdentities';
}

function appIn(values: string[], appId: string): boolean {
  return values.some((v) => {
    const k = v.toLowerCase();
    if (k === 'all') return true;
    if (k === 'office365') return OFFICE_365_APPS.has(appId.toLowerCase());
    if (k === 'microsoftadminportals') return ADMIN_PORTAL_APPS.has(appId.toLowerCase());
    return k === appId.toLowerCase();
  });
}

function contextReason(apps: JsonObject | null, context: WhatIfContext): string | undefined {
  if (context.kind === 'userAction') return has(list(apps?.includeUserActions), USER_ACTION_URN[context.action] ?? '') ? undefined : 'userActions';
  if (context.kind === 'authContext') return has(list(apps?.includeAuthenticationContextClassReferences), context.value) ? undefined : 'authenticationContext';
  const include = list(apps?.includeApplications);
  const exclude = list(apps?.excludeApplications);
  // An applicationFilter reads custom security attributes the request cannot carry: no match.
  if (obj(apps?.applicationFilter) !== null) return 'application';
  return context.appIds.some((a) => appIn(include, a) && !appIn(exclude, a)) ? undefined : 'application';
}

function platformReason(platforms: JsonObject | null, c: WhatIfConditions): string | undefined {
  if (platforms === null) return undefined;
  const include = list(platforms.includePlatforms);
  const exclude = list(platforms.excludePlatforms);
  const p = c.devicePlatform;
  const known = p !== undefined && p !== 'all';
  const included = has(include, 'all') || (known && has(include, p));
  const excluded = known && (has(exclude, p) || has(exclude, 'all'));
  return included && !excluded ? undefined : 'devicePlatform';
}

function deviceReason(devices: JsonObject | null, c: WhatIfConditions): string | undefined {
  const filter = obj(devices?.deviceFilter);
  if (filter === null || typeof filter.rule !== 'string') return undefined;
  const matches = deviceMatches(filter.rule, (c.deviceInfo ?? {}) as Record<string, unknown>);
  if (matches === undefined) return 'devices';
  const applies = String(filter.mode).toLowerCase() === 'include' ? matches : !matches;
  return applies ? undefined : 'devices';
}

function clientAppReason(types: string[], c: WhatIfConditions): string | undefined {
  if (types.length === 0 || has(types, 'all')) return undefined;
  const t = c.clientAppType;
  if (t === undefined || t === 'all') return 'clientApps';
  const ok = has(types, t) || (t === 'exchangeActiveSync' && has(types, 'easSupported'));
  return ok ? undefined : 'clientApps';
}

/** The named locations a sign-in is in (by IP range or country), and whether any of them is trusted. */
function whereIs(state: TenantState, c: WhatIfConditions): { ids: Set<string>; trusted: boolean } {
  const ids = new Set<string>();
  let trusted = false;
  for (const l of state.namedLocations) {
    const type = String(l['@odata.type'] ?? '');
    let inside = false;
    if (type.endsWith('ipNamedLocation') && c.ipAddress !== undefined) {
      inside = (Array.isArray(l.ipRanges) ? l.ipRanges : []).some((r) => typeof obj(r)?.cidrAddress === 'string' && inRange(c.ipAddress!, String(obj(r)!.cidrAddress)));
      if (inside && l.isTrusted === true) trusted = true;
    } else if (type.endsWith('countryNamedLocation')) {
      inside = c.country !== undefined ? has(list(l.countriesAndRegions), c.country) : c.ipAddress !== undefined && l.includeUnknownCountriesAndRegions === true;
    }
    if (inside) ids.add(String(l.id).toLowerCase());
  }
  return { ids, trusted };
}

function locationReason(state: TenantState, locations: JsonObject | null, c: WhatIfConditions): string | undefined {
  if (locations === null) return undefined;
  const at = whereIs(state, c);
  const inAny = (values: string[]): boolean =>
    values.some((v) => v.toLowerCase() === 'all' || (v.toLowerCase() === 'alltrusted' && at.trusted) || at.ids.has(v.toLowerCase()));
  return inAny(list(locations.includeLocations)) && !inAny(list(locations.excludeLocations)) ? undefined : 'location';
}

function riskReasons(conditions: JsonObject, c: WhatIfConditions, s: Subject): string[] {
  const out: string[] = [];
  const check = (levels: string[], level: string, reason: string): void => {
    if (levels.length > 0 && !has(levels, level)) out.push(reason);
  };
  check(list(conditions.signInRiskLevels), c.signInRiskLevel, 'signInRisk');
  check(list(conditions.userRiskLevels), c.userRiskLevel, 'userRisk');
  if (s.kind === 'servicePrincipal') check(list(conditions.servicePrincipalRiskLevels), c.servicePrincipalRiskLevel, 'workloadIdentities');
  check(flags(conditions.insiderRiskLevels), c.insiderRiskLevel, 'insiderRisk');
  check(flags(obj(conditions.authenticationFlows)?.transferMethods), c.transferMethod ?? 'none', 'authenticationFlow');
  return out;
}

/** Why a policy does not apply to the sign-in: empty when it applies. */
export function reasonsAgainst(state: TenantState, policy: JsonObject, req: WhatIfRequest, s: Subject): string[] {
  const conditions = obj(policy.conditions) ?? {};
  const c = req.conditions;
  const found = [
    identityReason(conditions, s),
    contextReason(obj(conditions.applications), req.context),
    platformReason(obj(conditions.platforms), c),
    deviceReason(obj(conditions.devices), c),
    clientAppReason(list(conditions.clientAppTypes), c),
    locationReason(state, obj(conditions.locations), c),
    ...riskReasons(conditions, c, s),
    policy.state === 'disabled' ? 'policyNotEnabled' : undefined,
  ].filter((r): r is string => r !== undefined);
  return REASON_ORDER.filter((r) => found.includes(r));
}

export interface WhatIfVerdict {
  policy: JsonObject;
  applies: boolean;
  /** Graph's `analysisReasons`: `notSet` when the policy applies, else the reasons comma-separated. */
  analysisReasons: string;
}

/** Every policy of the tenant judged against one sign-in. Throws 400 for an unknown user or service principal. */
export function evaluateWhatIf(state: TenantState, req: WhatIfRequest): WhatIfVerdict[] {
  const s = subjectOf(state, req);
  const verdicts = state.policies.map((policy) => {
    const reasons = reasonsAgainst(state, policy, req, s);
    return { policy, applies: reasons.length === 0, analysisReasons: reasons.length === 0 ? 'notSet' : reasons.join(',') };
  });
  return req.appliedPoliciesOnly ? verdicts.filter((v) => v.applies) : verdicts;
}
