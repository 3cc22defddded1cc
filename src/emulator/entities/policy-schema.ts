/**
 * conditionalAccessPolicy as Graph declares it (v1.0, with the beta-only properties marked). The
 * field order is the order Graph answers in.
 *
 * Beta-only properties follow Graph's beta schema (msgraph-metadata, schemas/type-mappings,
 * August 2026) plus those the caac client knows that it does not declare yet (`sparse`: agents,
 * agentContext, times, networkAccessSecurity, blockSensitiveActions), which /beta accepts and
 * stores but never answers unless set.
 */
import { isObject, type Field, type TypeDef } from '../schema.js';
import type { Json } from '../types.js';

const RISK = ['low', 'medium', 'high', 'hidden', 'none', 'unknownFutureValue'] as const;
const MODE = ['include', 'exclude'] as const;

const filter = (name: string): TypeDef => ({
  name,
  fields: { mode: { k: 'enum', values: MODE }, rule: { k: 'string' } },
});

const str = (keywords?: readonly string[]): Field => ({ k: 'strings', keywords });
const obj = (type: TypeDef, beta = false): Field => ({ k: 'object', type, beta });
const betaStrings: Field = { k: 'strings', beta: true };
/** Beta properties the client knows and Graph's published beta schema does not declare (yet). */
const undeclaredBeta: Field = { k: 'raw', beta: true, sparse: true };

export const USER_KEYWORDS = ['All', 'None', 'GuestsOrExternalUsers'] as const;
export const APP_KEYWORDS = ['All', 'None', 'Office365', 'MicrosoftAdminPortals'] as const;
export const LOCATION_KEYWORDS = ['All', 'AllTrusted'] as const;
export const SP_KEYWORDS = ['ServicePrincipalsInMyTenant'] as const;
export const USER_ACTIONS = ['urn:user:registersecurityinfo', 'urn:user:registerdevice'] as const;

export const GUEST_TYPES = [
  'none', 'internalGuest', 'b2bCollaborationGuest', 'b2bCollaborationMember', 'b2bDirectConnectUser',
  'otherExternalUser', 'serviceProvider', 'unknownFutureValue',
] as const;

/** all | enumerated, from @odata.type or membershipKind; '' when the value names neither. */
function externalTenantsKind(v: Json): string {
  if (!isObject(v)) return '';
  const type = typeof v['@odata.type'] === 'string' ? v['@odata.type'].toLowerCase() : '';
  if (type.endsWith('conditionalaccessallexternaltenants')) return 'all';
  if (type.endsWith('conditionalaccessenumeratedexternaltenants')) return 'enumerated';
  return typeof v.membershipKind === 'string' ? v.membershipKind.toLowerCase() : '';
}

/**
 * externalTenants is polymorphic: a PATCH of the same kind (or one that names no kind) merges into
 * it; one of the other kind replaces it, since the properties of one kind mean nothing on the other.
 */
function mergeExternalTenants(stored: Json, sent: Json): Json {
  if (!isObject(stored) || !isObject(sent)) return sent;
  const kind = externalTenantsKind(sent);
  return kind === '' || kind === externalTenantsKind(stored) ? { ...stored, ...sent } : sent;
}

export const guestsType: TypeDef = {
  name: 'conditionalAccessGuestsOrExternalUsers',
  fields: {
    guestOrExternalUserTypes: { k: 'flags', values: GUEST_TYPES },
    // Polymorphic (all | enumerated); checked and shaped in policies.ts.
    externalTenants: { k: 'raw', merge: mergeExternalTenants },
  },
};

export const usersType: TypeDef = {
  name: 'conditionalAccessUsers',
  fields: {
    includeUsers: str(USER_KEYWORDS),
    excludeUsers: str(USER_KEYWORDS),
    includeGroups: str(),
    excludeGroups: str(),
    includeRoles: str(),
    excludeRoles: str(),
    includeGuestsOrExternalUsers: obj(guestsType),
    excludeGuestsOrExternalUsers: obj(guestsType),
  },
};

export const applicationsType: TypeDef = {
  name: 'conditionalAccessApplications',
  fields: {
    includeApplications: str(APP_KEYWORDS),
    excludeApplications: str(APP_KEYWORDS),
    includeUserActions: str(),
    includeAuthenticationContextClassReferences: str(),
    applicationFilter: obj(filter('conditionalAccessFilter')),
    networkAccess: { k: 'raw', beta: true },
    globalSecureAccess: { k: 'raw', beta: true },
  },
};

const PLATFORMS = ['android', 'iOS', 'windows', 'windowsPhone', 'macOS', 'all', 'unknownFutureValue', 'linux'] as const;
const CLIENT_APP_TYPES = ['all', 'browser', 'mobileAppsAndDesktopClients', 'exchangeActiveSync', 'easSupported', 'other', 'unknownFutureValue'] as const;

export const conditionsType: TypeDef = {
  name: 'conditionalAccessConditionSet',
  fields: {
    userRiskLevels: { k: 'enums', values: RISK },
    signInRiskLevels: { k: 'enums', values: RISK },
    clientAppTypes: { k: 'enums', values: CLIENT_APP_TYPES },
    servicePrincipalRiskLevels: { k: 'enums', values: RISK },
    insiderRiskLevels: { k: 'flags', values: ['minor', 'moderate', 'elevated', 'unknownFutureValue'] },
    agentIdRiskLevels: { k: 'flags', values: ['low', 'medium', 'high', 'unknownFutureValue'], beta: true },
    agents: undeclaredBeta,
    agentContext: undeclaredBeta,
    times: undeclaredBeta,
    platforms: obj({
      name: 'conditionalAccessPlatforms',
      fields: { includePlatforms: { k: 'enums', values: PLATFORMS }, excludePlatforms: { k: 'enums', values: PLATFORMS } },
    }),
    locations: obj({
      name: 'conditionalAccessLocations',
      fields: { includeLocations: str(LOCATION_KEYWORDS), excludeLocations: str(LOCATION_KEYWORDS) },
    }),
    devices: obj({
      name: 'conditionalAccessDevices',
      fields: {
        includeDevices: betaStrings,
        excludeDevices: betaStrings,
        includeDeviceStates: betaStrings,
        excludeDeviceStates: betaStrings,
        deviceFilter: obj(filter('conditionalAccessFilter')),
      },
    }),
    // Deprecated in beta; kept because exports still carry it.
    deviceStates: obj({ name: 'conditionalAccessDeviceStates', fields: { includeStates: str(), excludeStates: str() } }, true),
    clientApplications: obj({
      name: 'conditionalAccessClientApplications',
      fields: {
        includeServicePrincipals: str(SP_KEYWORDS),
        excludeServicePrincipals: str(SP_KEYWORDS),
        servicePrincipalFilter: obj(filter('conditionalAccessFilter')),
        includeAgentIdServicePrincipals: betaStrings,
        excludeAgentIdServicePrincipals: betaStrings,
        agentIdServicePrincipalFilter: obj(filter('conditionalAccessFilter'), true),
      },
    }),
    authenticationFlows: obj({
      name: 'conditionalAccessAuthenticationFlows',
      fields: { transferMethods: { k: 'flags', values: ['none', 'deviceCodeFlow', 'authenticationTransfer', 'unknownFutureValue'] } },
    }),
    applications: obj(applicationsType),
    users: obj(usersType),
  },
};

export const BUILT_IN_CONTROLS = [
  'block', 'mfa', 'compliantDevice', 'domainJoinedDevice', 'approvedApplication', 'compliantApplication',
  'passwordChange', 'unknownFutureValue', 'riskRemediation',
] as const;

export const grantControlsType: TypeDef = {
  name: 'conditionalAccessGrantControls',
  fields: {
    operator: { k: 'enum', values: ['AND', 'OR'] },
    builtInControls: { k: 'enums', values: BUILT_IN_CONTROLS },
    customAuthenticationFactors: str(),
    termsOfUse: str(),
    // Set with {"id": …}; stored as {"id"} and expanded when read. A PATCH replaces the reference.
    authenticationStrength: { k: 'raw' },
  },
};

const enabled = { isEnabled: { k: 'bool' } } as const satisfies Record<string, Field>;

export const sessionControlsType: TypeDef = {
  name: 'conditionalAccessSessionControls',
  fields: {
    disableResilienceDefaults: { k: 'bool' },
    applicationEnforcedRestrictions: obj({ name: 'applicationEnforcedRestrictionsSessionControl', fields: { ...enabled } }),
    cloudAppSecurity: obj({
      name: 'cloudAppSecuritySessionControl',
      fields: { ...enabled, cloudAppSecurityType: { k: 'enum', values: ['mcasConfigured', 'monitorOnly', 'blockDownloads', 'unknownFutureValue'] } },
    }),
    persistentBrowser: obj({
      name: 'persistentBrowserSessionControl',
      fields: { ...enabled, mode: { k: 'enum', values: ['always', 'never', 'unknownFutureValue'] } },
    }),
    signInFrequency: obj({
      name: 'signInFrequencySessionControl',
      fields: {
        ...enabled,
        type: { k: 'enum', values: ['days', 'hours', 'unknownFutureValue'] },
        value: { k: 'int' },
        authenticationType: { k: 'enum', values: ['primaryAndSecondaryAuthentication', 'secondaryAuthentication', 'unknownFutureValue'], def: 'primaryAndSecondaryAuthentication' },
        frequencyInterval: { k: 'enum', values: ['timeBased', 'everyTime', 'unknownFutureValue'], def: 'timeBased' },
      },
    }),
    secureSignInSession: obj({ name: 'secureSignInSessionControl', fields: { ...enabled } }),
    continuousAccessEvaluation: obj(
      { name: 'continuousAccessEvaluationSessionControl', fields: { mode: { k: 'enum', values: ['strictEnforcement', 'disabled', 'unknownFutureValue', 'strictLocation'] } } },
      true,
    ),
    globalSecureAccessFilteringProfile: obj(
      { name: 'globalSecureAccessFilteringProfileSessionControl', fields: { ...enabled, profileId: { k: 'string' } } },
      true,
    ),
    networkAccessSecurity: undeclaredBeta,
    blockSensitiveActions: undeclaredBeta,
  },
};

export const POLICY_STATES = ['enabled', 'disabled', 'enabledForReportingButNotEnforced'] as const;

/** What a client may send on POST or PATCH. */
export const policyInputType: TypeDef = {
  name: 'conditionalAccessPolicy',
  fields: {
    displayName: { k: 'string' },
    description: { k: 'string' },
    state: { k: 'enum', values: POLICY_STATES },
    sessionControls: obj(sessionControlsType),
    conditions: obj(conditionsType),
    grantControls: obj(grantControlsType),
  },
};

/** What is stored and answered, in Graph's order. */
export const policyType: TypeDef = {
  name: 'conditionalAccessPolicy',
  fields: {
    id: { k: 'string' },
    templateId: { k: 'string' },
    displayName: { k: 'string' },
    // The v1.0 reference page omits it, but the v1.0 metadata (CSDL/OpenAPI) declares a
    // nullable description and v1.0 answers with it; treating it as beta-only would make a
    // described policy drift forever under v1.0.
    description: { k: 'string' },
    createdDateTime: { k: 'string' },
    modifiedDateTime: { k: 'string' },
    state: { k: 'enum', values: POLICY_STATES },
    partialEnablementStrategy: { k: 'raw' },
    sessionControls: obj(sessionControlsType),
    conditions: obj(conditionsType),
    grantControls: obj(grantControlsType),
  },
};
