/**
 * References by name (`group:Finance`) in place of object ids, and where a policy may hold them.
 * The validator checks their form offline; the plan resolves them against the target tenant.
 */

export type ReferenceKind = 'user' | 'group' | 'role' | 'app' | 'servicePrincipal' | 'location' | 'authStrength';

export const REFERENCE_KINDS: readonly ReferenceKind[] = ['user', 'group', 'role', 'app', 'servicePrincipal', 'location', 'authStrength'];

export interface Reference {
  kind: ReferenceKind;
  name: string;
}

export interface ReferenceSlot {
  /** JSON pointer of a string array (or, with `single`, a string) in a policy. */
  pointer: string;
  /** The reference kind this slot holds. */
  kind: ReferenceKind | 'tenant' | 'termsOfUse' | 'customFactor';
  /** Graph keywords accepted in place of an id. */
  keywords: readonly string[];
  single?: boolean;
}

const USERS = '/conditions/users';
const APPS = '/conditions/applications';
const LOCATIONS = '/conditions/locations';
const CLIENT_APPS = '/conditions/clientApplications';
const USER_KEYWORDS = ['All', 'None', 'GuestsOrExternalUsers'];
const APP_KEYWORDS = ['All', 'None', 'Office365', 'MicrosoftAdminPortals', 'AllAgentIdResources'];

/** Keywords that only Graph's beta endpoint knows: accepted with a warning. */
export const BETA_KEYWORDS: readonly string[] = ['AllAgentIdResources'];
const LOCATION_KEYWORDS = ['All', 'AllTrusted'];
const SP_KEYWORDS = ['ServicePrincipalsInMyTenant'];

/** Every place in a policy where Graph holds an object id. */
export const POLICY_REFERENCE_SLOTS: readonly ReferenceSlot[] = [
  { pointer: `${USERS}/includeUsers`, kind: 'user', keywords: USER_KEYWORDS },
  { pointer: `${USERS}/excludeUsers`, kind: 'user', keywords: USER_KEYWORDS },
  { pointer: `${USERS}/includeGroups`, kind: 'group', keywords: [] },
  { pointer: `${USERS}/excludeGroups`, kind: 'group', keywords: [] },
  { pointer: `${USERS}/includeRoles`, kind: 'role', keywords: [] },
  { pointer: `${USERS}/excludeRoles`, kind: 'role', keywords: [] },
  { pointer: `${USERS}/includeGuestsOrExternalUsers/externalTenants/members`, kind: 'tenant', keywords: [] },
  { pointer: `${USERS}/excludeGuestsOrExternalUsers/externalTenants/members`, kind: 'tenant', keywords: [] },
  { pointer: `${APPS}/includeApplications`, kind: 'app', keywords: APP_KEYWORDS },
  { pointer: `${APPS}/excludeApplications`, kind: 'app', keywords: APP_KEYWORDS },
  { pointer: `${LOCATIONS}/includeLocations`, kind: 'location', keywords: LOCATION_KEYWORDS },
  { pointer: `${LOCATIONS}/excludeLocations`, kind: 'location', keywords: LOCATION_KEYWORDS },
  { pointer: `${CLIENT_APPS}/includeServicePrincipals`, kind: 'servicePrincipal', keywords: SP_KEYWORDS },
  { pointer: `${CLIENT_APPS}/excludeServicePrincipals`, kind: 'servicePrincipal', keywords: SP_KEYWORDS },
  { pointer: '/grantControls/authenticationStrength/id', kind: 'authStrength', keywords: [], single: true },
  { pointer: '/grantControls/termsOfUse', kind: 'termsOfUse', keywords: [] },
];

/**
 * The "MFA Trusted IPs" location (the legacy per-user MFA service's trusted IPs): Graph accepts
 * this id in includeLocations/excludeLocations (its own create example excludes it), but it is no
 * named location object, so it is never looked up, never reported missing, and never renamed.
 */
export const MFA_TRUSTED_IPS_LOCATION_ID = '00000000-0000-0000-0000-000000000000';

/** Built-in authentication strengths: present in every tenant, referable by name. */
export const BUILT_IN_AUTH_STRENGTHS: Readonly<Record<string, string>> = {
  'Multifactor authentication': '00000000-0000-0000-0000-000000000002',
  'Passwordless MFA': '00000000-0000-0000-0000-000000000003',
  'Phishing-resistant MFA': '00000000-0000-0000-0000-000000000004',
};

const BUILT_IN_IDS = new Set(Object.values(BUILT_IN_AUTH_STRENGTHS));

/** The id of one of Microsoft's built-in authentication strengths (any case). */
export function isBuiltInStrengthId(id: string): boolean {
  return BUILT_IN_IDS.has(id.toLowerCase());
}

/** Microsoft's built-in authentication strengths: in every tenant, never managed, never backed up. */
export function isBuiltInStrength(object: Readonly<Record<string, unknown>>): boolean {
  return object['policyType'] === 'builtIn' || (typeof object['id'] === 'string' && isBuiltInStrengthId(object['id']));
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

export type ParsedReferenceValue =
  | { type: 'guid'; id: string }
  | { type: 'keyword'; keyword: string; exact: boolean }
  | { type: 'reference'; reference: Reference }
  | { type: 'unknown-kind'; kind: string; name: string }
  | { type: 'malformed' };

/** Reads one value of a reference slot: an id, a keyword, or `kind:name`. */
export function parseReferenceValue(value: string, keywords: readonly string[]): ParsedReferenceValue {
  const trimmed = value.trim();
  if (isGuid(trimmed)) return { type: 'guid', id: trimmed };
  const keyword = keywords.find((k) => k.toLowerCase() === trimmed.toLowerCase());
  if (keyword) return { type: 'keyword', keyword, exact: keyword === value };
  const colon = trimmed.indexOf(':');
  if (colon > 0) {
    const kind = trimmed.slice(0, colon);
    const name = trimmed.slice(colon + 1).trim();
    if (name === '') return { type: 'malformed' };
    const known = REFERENCE_KINDS.find((k) => k.toLowerCase() === kind.toLowerCase());
    if (known) return { type: 'reference', reference: { kind: known, name } };
    return { type: 'unknown-kind', kind, name };
  }
  return { type: 'malformed' };
}

export function formatReference(ref: Reference): string {
  return `${ref.kind}:${ref.name}`;
}
