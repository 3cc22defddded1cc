/**
 * conditionalAccessPolicy as Graph declares it (v1.0, with the beta-only properties marked). The
 * field order is the order Graph answers in.
 */
import type { Field, TypeDef } from '../schema.js';

const RISK = ['low', 'medium', 'high', 'hidden', 'none', 'unknownFutureValue'] as const;
const MODE = ['include', 'exclude'] as const;

const filter = (name: string): TypeDef => ({
  name,
  fields: { mode: { k: 'enum', values: MODE }, rule: { k: 'string' } },
});

const str = (keywords?: readonly string[]): Field => ({ k: 'strings', keywords });
const obj = (type: TypeDef, beta = false): Field => ({ k: 'object', type, beta });

export const USER_KEYWORDS = ['All', 'None', 'GuestsOrExternalUsers'] as const;
export const APP_KEYWORDS = ['All', 'None', 'Office365', 'MicrosoftAdminPortals'] as const;
export const LOCATION_KEYWORDS = ['All', 'AllTrusted'] as const;
export const SP_KEYWORDS = ['ServicePrincipalsInMyTenant'] as const;
export const USER_ACTIONS = ['urn:user:registersecurityinfo', 'urn:user:registerdevice'] as const;

export const GUEST_TYPES = [
  'none', 'internalGuest', 'b2bCollaborationGuest', 'b2bCollaborationMember', 'b2bDirectConnectUser',
  'otherExternalUser', 'serviceProvider', 'unknownFutureValue',
] as const;

export const guestsType: TypeDef = {
  name: 'conditionalAccessGuestsOrExternalUsers',
  fields: {
    guestOrExternalUserTypes: { k: 'flags', values: GUEST_TYPES },
    // Polymorphic (all | enumerated); checked and shaped in policies.ts.
    externalTenants: { k: 'raw' },
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
    agentIdRiskLevels: { k: 'raw', beta: true },
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
        includeDevices: { k: 'strings', beta: true },
        excludeDevices: { k: 'strings', beta: true },
        includeDeviceStates: { k: 'strings', beta: true },
        excludeDeviceStates: { k: 'strings', beta: true },
        deviceFilter: obj(filter('conditionalAccessFilter')),
      },
    }),
    deviceStates: { k: 'raw', beta: true },
    clientApplications: obj({
      name: 'conditionalAccessClientApplications',
      fields: {
        includeServicePrincipals: str(SP_KEYWORDS),
        excludeServicePrincipals: str(SP_KEYWORDS),
        servicePrincipalFilter: obj(filter('conditionalAccessFilter')),
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
    // Set with {"id": …}; stored as {"id"} and expanded when read.
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
