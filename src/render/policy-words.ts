/**
 * A policy in plain words, for `caac docs`: "Require MFA for all users except group:CA-BreakGlass,
 * on all cloud apps, outside location:Trusted offices". Plain text (the caller escapes it for its
 * output); ids are shown through the labels given.
 */
import type { JsonObject, JsonValue } from '../model/documents.js';

const obj = (v: JsonValue | undefined): JsonObject | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined);
const strs = (v: JsonValue | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' && v !== '' ? v.split(',') : []);

const CONTROLS: Record<string, string> = {
  mfa: 'MFA', compliantDevice: 'a compliant device', domainJoinedDevice: 'a hybrid-joined device', approvedApplication: 'an approved client app',
  compliantApplication: 'an app protection policy', passwordChange: 'a password change', riskRemediation: 'risk remediation',
};
const KEYWORDS: Record<string, string> = {
  All: 'all users', None: 'no one', GuestsOrExternalUsers: 'guests and external users', Office365: 'Office 365', MicrosoftAdminPortals: 'Microsoft admin portals',
  AllTrusted: 'trusted locations', '00000000-0000-0000-0000-000000000000': 'the MFA trusted IPs',
};

function list(values: string[], label: (id: string) => string): string {
  const shown = values.map((v) => KEYWORDS[v] ?? label(v));
  return shown.length <= 1 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

function action(policy: JsonObject, label: (id: string) => string): string {
  const grant = obj(policy['grantControls']);
  const controls = strs(grant?.['builtInControls']);
  if (controls.includes('block')) return 'Block access';
  const strength = obj(grant?.['authenticationStrength']);
  const asked = [...controls.map((c) => CONTROLS[c] ?? c), ...(strength ? [`the authentication strength ${String(strength['displayName'] ?? label(String(strength['id'])))}`] : []), ...strs(grant?.['termsOfUse']).map((t) => `terms of use ${label(t)}`)];
  if (asked.length > 0) return `Require ${asked.join(grant?.['operator'] === 'AND' ? ' and ' : ' or ')}`;
  const session = obj(policy['sessionControls']);
  const parts = Object.entries(session ?? {}).filter(([, v]) => obj(v)?.['isEnabled'] === true || v === true).map(([k]) => k.replace(/([A-Z])/g, ' $1').toLowerCase());
  return parts.length > 0 ? `Apply session controls (${parts.join(', ')})` : 'Grant access';
}

function who(c: JsonObject, label: (id: string) => string): string {
  const users = obj(c['users']);
  const workloads = obj(c['clientApplications']);
  const sps = strs(workloads?.['includeServicePrincipals']);
  if (sps.length > 0) return `workload identities ${sps.map((s) => (s === 'ServicePrincipalsInMyTenant' ? 'of this tenant' : label(s))).join(', ')}`;
  const guests = strs(obj(users?.['includeGuestsOrExternalUsers'])?.['guestOrExternalUserTypes']);
  const included = [...strs(users?.['includeUsers']), ...strs(users?.['includeGroups']), ...strs(users?.['includeRoles'])];
  const excluded = [...strs(users?.['excludeUsers']), ...strs(users?.['excludeGroups']), ...strs(users?.['excludeRoles'])];
  const inc = [list(included, label), guests.length ? `guests (${guests.join(', ')})` : ''].filter((s) => s !== '').join(' and ');
  return `${inc || 'no one'}${excluded.length ? ` except ${list(excluded, label)}` : ''}`;
}

function what(c: JsonObject, label: (id: string) => string): string {
  const apps = obj(c['applications']);
  const actions = strs(apps?.['includeUserActions']);
  if (actions.length) return `when they ${actions.map((a) => (a === 'urn:user:registersecurityinfo' ? 'register security information' : a === 'urn:user:registerdevice' ? 'register or join devices' : a)).join(' or ')}`;
  const contexts = strs(apps?.['includeAuthenticationContextClassReferences']);
  if (contexts.length) return `on data protected by authentication context ${contexts.join(', ')}`;
  const included = strs(apps?.['includeApplications']);
  const excluded = strs(apps?.['excludeApplications']);
  const inc = included.length === 1 && included[0] === 'All' ? 'all cloud apps' : list(included, label);
  return `on ${inc}${excluded.length ? ` except ${list(excluded, label)}` : ''}`;
}

function conditions(c: JsonObject, label: (id: string) => string): string[] {
  const out: string[] = [];
  const locations = obj(c['locations']);
  const inLoc = strs(locations?.['includeLocations']);
  const exLoc = strs(locations?.['excludeLocations']);
  if (inLoc.length && !(inLoc.length === 1 && inLoc[0] === 'All')) out.push(`from ${list(inLoc, label)}`);
  if (exLoc.length) out.push(`outside ${list(exLoc, label)}`);
  const platforms = obj(c['platforms']);
  const inPl = strs(platforms?.['includePlatforms']).filter((p) => p !== 'all');
  if (inPl.length) out.push(`on ${inPl.join(', ')}`);
  const exPl = strs(platforms?.['excludePlatforms']);
  if (exPl.length) out.push(`not on ${exPl.join(', ')}`);
  const types = strs(c['clientAppTypes']).filter((t) => t !== 'all');
  if (types.length) out.push(`with ${types.join(', ')} clients`);
  for (const [key, name] of [['signInRiskLevels', 'sign-in risk'], ['userRiskLevels', 'user risk'], ['servicePrincipalRiskLevels', 'service principal risk'], ['insiderRiskLevels', 'insider risk']] as const) {
    const levels = strs(c[key]);
    if (levels.length) out.push(`at ${name} ${levels.join(' or ')}`);
  }
  const flows = strs(obj(c['authenticationFlows'])?.['transferMethods']);
  if (flows.length) out.push(`through ${flows.join(' or ')}`);
  const filter = obj(obj(c['devices'])?.['deviceFilter']);
  if (filter) out.push(`${filter['mode'] === 'exclude' ? 'except on' : 'only on'} devices matching ${String(filter['rule'])}`);
  return out;
}

const STATES: Record<string, string> = { enabled: '', disabled: ' (disabled)', enabledForReportingButNotEnforced: ' (report-only)' };

/** "Require MFA for all users except group:CA-BreakGlass, on all cloud apps, outside location:Trusted offices". */
export function policyInWords(policy: JsonObject, label: (id: string) => string = (id) => id): string {
  const c = obj(policy['conditions']) ?? {};
  return `${[`${action(policy, label)} for ${who(c, label)}`, what(c, label), ...conditions(c, label)].join(', ')}${STATES[String(policy['state'])] ?? ''}`;
}
