/**
 * Combinations that Microsoft Graph rejects when a policy is created or updated. Catching them at
 * validate time turns a failed deployment (half-applied, at 1 request per second) into a line in
 * the pull request.
 */
import { activeSessionControls, hasKeyword, viewPolicy, type PolicyView } from '../../model/policy-view.js';
import type { Severity } from '../../model/findings.js';
import type { PreparedDocument, Rule, RuleHit } from '../../model/rule.js';
import { namedLocationCountHits, namedLocationHits } from './graph-rule-named-locations.js';

type Check = (p: PolicyView, document: PreparedDocument) => { path: string; message: string; severity?: Severity }[];

const USERS = '/conditions/users';

const emptyClientAppTypes: Check = (p) =>
  p.clientAppTypes !== undefined && p.clientAppTypes.length === 0
    ? [{ path: '/conditions/clientAppTypes', message: 'clientAppTypes is empty: Graph rejects it (error 1064); write ["all"] to cover every client' }]
    : [];

const passwordChange: Check = (p) => {
  const g = p.grant;
  if (!g || !g.builtInControls.includes('passwordChange')) return [];
  const missing: string[] = [];
  if (!g.builtInControls.includes('mfa') && !g.authenticationStrengthId) missing.push('"mfa" (or an authentication strength) in the grant');
  if (g.operator !== 'AND') missing.push('operator "AND"');
  if (p.userRiskLevels.length === 0) missing.push('conditions.userRiskLevels');
  if (!hasKeyword(p.applications.includeApplications, 'All')) missing.push('includeApplications ["All"]');
  return missing.length
    ? [{ path: '/grantControls/builtInControls', message: `passwordChange requires ${missing.join(', ')}: Graph rejects it otherwise` }]
    : [];
};

const riskRemediation: Check = (p) => {
  const g = p.grant;
  if (!g || !g.builtInControls.includes('riskRemediation')) return [];
  const missing: string[] = [];
  if (!g.authenticationStrengthId) missing.push('an authentication strength');
  if (g.operator !== 'AND') missing.push('operator "AND"');
  return missing.length
    ? [{ path: '/grantControls/builtInControls', message: `riskRemediation requires ${missing.join(' and ')}: Graph rejects it otherwise` }]
    : [];
};

/**
 * Graph's own GET answers both forms, so a raw export holds both; a write with both fails
 * (terraform-provider-azuread#1196). caac drops the keyword before comparing and writing
 * (src/normalize/legacy-guests.ts): a warning, not an error.
 */
const guestsTwice: Check = (p) => {
  const out = [];
  for (const side of ['include', 'exclude'] as const) {
    const list = side === 'include' ? p.users.includeUsers : p.users.excludeUsers;
    const object = side === 'include' ? p.users.includeGuestsOrExternalUsers : p.users.excludeGuestsOrExternalUsers;
    const at = list.findIndex((v) => hasKeyword([v], 'GuestsOrExternalUsers'));
    if (at >= 0 && object) {
      out.push({
        path: `${USERS}/${side}Users/${at}`,
        severity: 'warning' as const,
        message: `"GuestsOrExternalUsers" in ${side}Users repeats ${side}GuestsOrExternalUsers (Graph's GET answers both, but refuses both in a write): caac keeps the object form, which says which guest types, and drops the string before comparing and writing; delete the string from the file`,
      });
    }
  }
  return out;
};

const externalTenantsWithoutTypes: Check = (p) => {
  const out = [];
  for (const side of ['include', 'exclude'] as const) {
    const object = side === 'include' ? p.users.includeGuestsOrExternalUsers : p.users.excludeGuestsOrExternalUsers;
    if (!object) continue;
    const types = object['guestOrExternalUserTypes'];
    const tenants = object['externalTenants'];
    if (tenants && (typeof types !== 'string' || types.trim() === '' || types.trim().toLowerCase() === 'none')) {
      out.push({
        path: `${USERS}/${side}GuestsOrExternalUsers/guestOrExternalUserTypes`,
        message: 'externalTenants needs guestOrExternalUserTypes set (for example "b2bCollaborationGuest,b2bCollaborationMember"): Graph rejects it otherwise',
      });
    }
  }
  return out;
};

const everyTimeWithValue: Check = (p) => {
  const sif = p.session?.['signInFrequency'];
  if (typeof sif !== 'object' || sif === null || Array.isArray(sif)) return [];
  if (sif['frequencyInterval'] !== 'everyTime') return [];
  const set = (['type', 'value'] as const).filter((k) => sif[k] !== null && sif[k] !== undefined);
  return set.length
    ? [{ path: '/sessionControls/signInFrequency', message: `signInFrequency with frequencyInterval "everyTime" must leave ${set.join(' and ')} null: Graph rejects it otherwise` }]
    : [];
};

const blockWithOthers: Check = (p) => {
  const g = p.grant;
  if (!g || !g.builtInControls.includes('block')) return [];
  const others = [
    ...g.builtInControls.filter((c) => c !== 'block'),
    ...(g.authenticationStrengthId ? ['authenticationStrength'] : []),
    ...(g.termsOfUse.length ? ['termsOfUse'] : []),
    ...(g.customAuthenticationFactors.length ? ['customAuthenticationFactors'] : []),
  ];
  return others.length
    ? [{ path: '/grantControls/builtInControls', message: `"block" cannot be combined with other grant controls (${others.join(', ')}): a blocked sign-in cannot satisfy them; split the policy` }]
    : [];
};

const strengthWithMfa: Check = (p) =>
  p.grant && p.grant.authenticationStrengthId && p.grant.builtInControls.includes('mfa')
    ? [{ path: '/grantControls/builtInControls', message: 'an authentication strength cannot be combined with "mfa": the strength already says which methods count; drop "mfa"' }]
    : [];

const nobodyTargeted: Check = (p, document) => {
  const u = p.users;
  const hasUsers = u.includeUsers.length + u.includeGroups.length + u.includeRoles.length > 0 || u.includeGuestsOrExternalUsers !== undefined;
  const c = p.clientApplications;
  const hasWorkloads = c.includeServicePrincipals.length > 0;
  if (hasUsers || hasWorkloads) return [];
  if (!document.value['conditions']) return []; // the schema reports the missing conditions
  return [
    {
      path: '/conditions/users',
      message: 'the policy targets neither users (conditions.users.includeUsers/Groups/Roles) nor workload identities (conditions.clientApplications.includeServicePrincipals): Graph rejects it; write includeUsers ["None"] for a policy that should apply to nobody yet',
    },
  ];
};

const noApplications: Check = (p, document) => {
  const a = p.applications;
  const conditions = document.value['conditions'];
  if (typeof conditions !== 'object' || conditions === null || Array.isArray(conditions) || !conditions['applications']) return [];
  if (a.includeApplications.length + a.includeUserActions.length + a.includeAuthenticationContextClassReferences.length > 0) return [];
  return [
    {
      path: '/conditions/applications',
      message: 'conditions.applications includes nothing: set includeApplications (for example ["All"] or ["None"]), includeUserActions or includeAuthenticationContextClassReferences',
    },
  ];
};

const noControls: Check = (p) => {
  const g = p.grant;
  const grants = g ? g.builtInControls.length + g.termsOfUse.length + g.customAuthenticationFactors.length + (g.authenticationStrengthId ? 1 : 0) : 0;
  if (grants > 0 || activeSessionControls(p.session).length > 0) return [];
  return [
    {
      path: '/grantControls',
      message: 'the policy has no grant control and no session control, so it does nothing: Graph rejects it; add grantControls.builtInControls (for example ["mfa"]) or a session control',
    },
  ];
};

const CHECKS: Check[] = [
  emptyClientAppTypes,
  passwordChange,
  riskRemediation,
  guestsTwice,
  externalTenantsWithoutTypes,
  everyTimeWithValue,
  blockWithOthers,
  strengthWithMfa,
  nobodyTargeted,
  noApplications,
  noControls,
];

export const graphRule: Rule = {
  id: 'graph-rule',
  severity: 'error',
  description:
    'A combination Graph rejects on create or update (empty clientAppTypes, passwordChange without its companions, block with other controls, …), or a named-location limit: CIDR masks of /8 or wider, more than 2,000 ranges in a location, more than 195 named locations, an empty country list. Both guest forms at once ("GuestsOrExternalUsers" and the object, as Graph\'s GET answers) is only a warning: caac keeps the object form.',
  check({ documents }) {
    const hits: RuleHit[] = [];
    for (const document of documents) {
      if (document.kind === 'namedLocation') {
        for (const hit of namedLocationHits(document)) hits.push({ document, ...hit });
        continue;
      }
      if (document.kind !== 'policy') continue;
      const view = viewPolicy(document.value);
      for (const check of CHECKS) for (const hit of check(view, document)) hits.push({ document, ...hit });
    }
    hits.push(...namedLocationCountHits(documents));
    return hits;
  },
};
