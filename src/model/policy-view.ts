/**
 * A typed, read-only view of a policy document that tolerates any shape: rules run over documents
 * whose schema check may have failed, and must never throw on them.
 */
import { isJsonObject, type JsonObject, type JsonValue } from './documents.js';

export interface PolicyView {
  state: string | undefined;
  users: {
    includeUsers: string[];
    excludeUsers: string[];
    includeGroups: string[];
    excludeGroups: string[];
    includeRoles: string[];
    excludeRoles: string[];
    includeGuestsOrExternalUsers: JsonObject | undefined;
    excludeGuestsOrExternalUsers: JsonObject | undefined;
  };
  applications: {
    includeApplications: string[];
    excludeApplications: string[];
    includeUserActions: string[];
    includeAuthenticationContextClassReferences: string[];
    applicationFilter: JsonObject | undefined;
  };
  clientApplications: {
    includeServicePrincipals: string[];
    excludeServicePrincipals: string[];
    servicePrincipalFilter: JsonObject | undefined;
  };
  /** `undefined` when the property is absent, `[]` when written empty. */
  clientAppTypes: string[] | undefined;
  platforms: { includePlatforms: string[]; excludePlatforms: string[] };
  locations: { includeLocations: string[]; excludeLocations: string[] };
  signInRiskLevels: string[];
  userRiskLevels: string[];
  servicePrincipalRiskLevels: string[];
  insiderRiskLevels: string | undefined;
  deviceFilter: JsonObject | undefined;
  transferMethods: string | undefined;
  grant:
    | {
        operator: string | undefined;
        builtInControls: string[];
        authenticationStrengthId: string | undefined;
        termsOfUse: string[];
        customAuthenticationFactors: string[];
      }
    | undefined;
  session: JsonObject | undefined;
}

export function viewPolicy(doc: JsonObject): PolicyView {
  const conditions = obj(doc['conditions']);
  const users = obj(conditions?.['users']);
  const apps = obj(conditions?.['applications']);
  const clientApps = obj(conditions?.['clientApplications']);
  const platforms = obj(conditions?.['platforms']);
  const locations = obj(conditions?.['locations']);
  const devices = obj(conditions?.['devices']);
  const flows = obj(conditions?.['authenticationFlows']);
  const grant = obj(doc['grantControls']);
  const strength = obj(grant?.['authenticationStrength']);
  const clientAppTypes = conditions?.['clientAppTypes'];
  return {
    state: str(doc['state']),
    users: {
      includeUsers: strs(users?.['includeUsers']),
      excludeUsers: strs(users?.['excludeUsers']),
      includeGroups: strs(users?.['includeGroups']),
      excludeGroups: strs(users?.['excludeGroups']),
      includeRoles: strs(users?.['includeRoles']),
      excludeRoles: strs(users?.['excludeRoles']),
      includeGuestsOrExternalUsers: obj(users?.['includeGuestsOrExternalUsers']),
      excludeGuestsOrExternalUsers: obj(users?.['excludeGuestsOrExternalUsers']),
    },
    applications: {
      includeApplications: strs(apps?.['includeApplications']),
      excludeApplications: strs(apps?.['excludeApplications']),
      includeUserActions: strs(apps?.['includeUserActions']),
      includeAuthenticationContextClassReferences: strs(apps?.['includeAuthenticationContextClassReferences']),
      applicationFilter: obj(apps?.['applicationFilter']),
    },
    clientApplications: {
      includeServicePrincipals: strs(clientApps?.['includeServicePrincipals']),
      excludeServicePrincipals: strs(clientApps?.['excludeServicePrincipals']),
      servicePrincipalFilter: obj(clientApps?.['servicePrincipalFilter']),
    },
    clientAppTypes: Array.isArray(clientAppTypes) ? strs(clientAppTypes) : undefined,
    platforms: { includePlatforms: strs(platforms?.['includePlatforms']), excludePlatforms: strs(platforms?.['excludePlatforms']) },
    locations: { includeLocations: strs(locations?.['includeLocations']), excludeLocations: strs(locations?.['excludeLocations']) },
    signInRiskLevels: strs(conditions?.['signInRiskLevels']),
    userRiskLevels: strs(conditions?.['userRiskLevels']),
    servicePrincipalRiskLevels: strs(conditions?.['servicePrincipalRiskLevels']),
    insiderRiskLevels: nonEmpty(str(conditions?.['insiderRiskLevels'])),
    deviceFilter: obj(devices?.['deviceFilter']),
    transferMethods: nonEmpty(str(flows?.['transferMethods'])),
    grant: grant
      ? {
          operator: str(grant['operator']),
          builtInControls: strs(grant['builtInControls']),
          authenticationStrengthId: str(strength?.['id']),
          termsOfUse: strs(grant['termsOfUse']),
          customAuthenticationFactors: strs(grant['customAuthenticationFactors']),
        }
      : undefined,
    session: obj(doc['sessionControls']),
  };
}

/** Case-insensitive membership, for Graph keywords (`All`, `None`, …) that files write in any case. */
export function hasKeyword(values: readonly string[], keyword: string): boolean {
  const k = keyword.toLowerCase();
  return values.some((v) => v.toLowerCase() === k);
}

/**
 * True when a policy enforces or reports (the states in which an exclusion matters), or when its
 * state is missing or unreadable: a safety check judges the worst case (validate reports the
 * missing state as an error of its own), it never skips the policy.
 */
export function isActiveState(state: string | undefined): boolean {
  return state !== 'disabled';
}

/**
 * True unless the policy is known not to enforce (disabled or report-only). A missing or
 * unreadable state may be enforcing: the safety rules treat it so.
 */
export function mayEnforce(state: string | undefined): boolean {
  return state !== 'disabled' && state !== 'enabledForReportingButNotEnforced';
}

/** Session controls that are actually switched on (an object whose values are all null is none). */
export function activeSessionControls(session: JsonObject | undefined): string[] {
  if (!session) return [];
  return Object.entries(session)
    .filter(([key, value]) => {
      if (key.includes('@')) return false;
      if (value === null || value === false) return false;
      if (isJsonObject(value) && value['isEnabled'] === false) return false;
      return true;
    })
    .map(([key]) => key);
}

function obj(value: JsonValue | undefined): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

function str(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function strs(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' && value.trim().toLowerCase() !== 'none' ? value : undefined;
}
