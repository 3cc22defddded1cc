/**
 * The table that drives normalization: one rule per property, keyed by the property's *shape
 * pointer* (a JSON pointer in which every array index is written `*`, e.g. `/ipRanges/*\/cidrAddress`).
 *
 * The same table serves both sides of a diff (the tenant as Graph answers it, and the repository's
 * documents after reference resolution) and the request bodies apply sends, so that what the plan
 * compares is exactly what Graph stores. Properties without a rule are kept as they are (objects
 * and arrays are still walked, so nested rules and the null/empty rules apply).
 *
 * Rule kinds:
 * - `server`       server-managed: dropped (id, timestamps, templateId, …).
 * - `beta`         beta-only: dropped when the API version is v1.0 (kept under beta).
 * - `enum`         one enum value: written in Graph's casing.
 * - `flags`        a flags enum (one comma-separated string): tokens in Graph's casing, deduplicated,
 *                  in the enum's declared order (the order Graph answers in).
 * - `set`          an array Graph treats as a set: items canonicalized (enum/keyword casing, GUIDs
 *                  lower-case, or a fixed case), deduplicated and sorted.
 * - `combinations` a set of flags strings (authentication strength `allowedCombinations`): each
 *                  item's comma-separated modes canonicalized and ordered, then the set sorted.
 * - `objectSet`    an array of objects Graph treats as a set (ipRanges): sorted by a key.
 * - `odataType`    an `@odata.type` that Graph needs (named locations, ipRanges, externalTenants):
 *                  kept, in Graph's casing; inferred when absent.
 * - `strengthRef`  `grantControls.authenticationStrength`: Graph answers it expanded, a request sets
 *                  it with `{id}` only, so only the id is compared.
 * - `object`       an object with `dropUnless`: dropped when none of those keys hold a value
 *                  (grantControls with an operator and no control means no grant controls).
 * - `scalar`       a plain value with `case` or `falseIsEmpty` handling.
 *
 * Any rule may carry `default`: the value Graph stores when the property is absent or null (filled
 * on both sides when the parent object holds anything, so "absent" and "Graph's default" compare
 * equal). `when` limits a rule's filling (default, or `[]` in bodies) to documents of one root
 * `@odata.type` (ip vs country named locations). In request bodies, array
 * rules are always sent (`[]` when empty) and `nullable` properties are sent as `null` when absent,
 * so that a PATCH replaces every value it must clear.
 */
import type { DocumentKind, JsonObject, JsonValue } from '../model/documents.js';

export type DefaultValue = JsonValue | ((parent: JsonObject) => JsonValue | undefined);

interface RuleBase {
  default?: DefaultValue;
  /** Only fill the default when the document's root `@odata.type` is this one. */
  when?: string;
  /** Only fill the default (or `[]` in bodies) inside an object whose own `@odata.type` is this one. */
  whenType?: string;
  /** In request bodies: send `null` when absent (what a merging PATCH must clear when a file removes it). */
  nullable?: boolean;
}

export type PropertyRule = RuleBase &
  (
    | { type: 'server' }
    | { type: 'beta' }
    | { type: 'enum'; values: readonly string[] }
    | { type: 'flags'; values: readonly string[] }
    | { type: 'set'; values?: readonly string[]; keywords?: readonly string[]; ids?: boolean; case?: 'upper' | 'lower' }
    | { type: 'combinations'; values: readonly string[] }
    | { type: 'objectSet'; key: string }
    | { type: 'odataType'; values: readonly string[] }
    | { type: 'strengthRef' }
    | { type: 'object'; dropUnless?: readonly string[] }
    | { type: 'scalar'; case?: 'upper' | 'lower'; falseIsEmpty?: boolean }
  );

export type RuleTable = ReadonlyMap<string, PropertyRule>;

// ── Enum values (Graph's casing, declared order) ────────────────────────────────────────────────

export const POLICY_STATES = ['enabled', 'disabled', 'enabledForReportingButNotEnforced'] as const;
const RISK_LEVELS = ['low', 'medium', 'high', 'hidden', 'none', 'unknownFutureValue'] as const;
const CLIENT_APP_TYPES = ['all', 'browser', 'mobileAppsAndDesktopClients', 'exchangeActiveSync', 'easSupported', 'other', 'unknownFutureValue'] as const;
const PLATFORMS = ['android', 'iOS', 'windows', 'windowsPhone', 'macOS', 'all', 'unknownFutureValue', 'linux'] as const;
const FILTER_MODES = ['include', 'exclude'] as const;
export const BUILT_IN_CONTROLS = [
  'block', 'mfa', 'compliantDevice', 'domainJoinedDevice', 'approvedApplication', 'compliantApplication',
  'passwordChange', 'unknownFutureValue', 'riskRemediation',
] as const;
export const GUEST_OR_EXTERNAL_USER_TYPES = [
  'none', 'internalGuest', 'b2bCollaborationGuest', 'b2bCollaborationMember', 'b2bDirectConnectUser',
  'otherExternalUser', 'serviceProvider', 'unknownFutureValue',
] as const;
const TRANSFER_METHODS = ['none', 'deviceCodeFlow', 'authenticationTransfer', 'unknownFutureValue'] as const;
const INSIDER_RISK_LEVELS = ['minor', 'moderate', 'elevated', 'unknownFutureValue'] as const;
const USER_KEYWORDS = ['All', 'None', 'GuestsOrExternalUsers'] as const;
const APP_KEYWORDS = ['All', 'None', 'Office365', 'MicrosoftAdminPortals', 'AllAgentIdResources'] as const;
const LOCATION_KEYWORDS = ['All', 'AllTrusted'] as const;
const SP_KEYWORDS = ['ServicePrincipalsInMyTenant'] as const;
export const AUTH_METHOD_MODES = [
  'password', 'voice', 'hardwareOath', 'softwareOath', 'sms', 'fido2', 'windowsHelloForBusiness',
  'microsoftAuthenticatorPush', 'deviceBasedPush', 'temporaryAccessPassOneTime', 'temporaryAccessPassMultiUse',
  'email', 'x509CertificateSingleFactor', 'x509CertificateMultiFactor', 'federatedSingleFactor',
  'federatedMultiFactor', 'unknownFutureValue', 'qrCodePin',
] as const;

export const FIDO2_CONFIGURATION = '#microsoft.graph.fido2CombinationConfiguration';
export const X509_CONFIGURATION = '#microsoft.graph.x509CertificateCombinationConfiguration';
export const IP_NAMED_LOCATION = '#microsoft.graph.ipNamedLocation';
export const COUNTRY_NAMED_LOCATION = '#microsoft.graph.countryNamedLocation';
const IPV4_RANGE = '#microsoft.graph.iPv4CidrRange';
const IPV6_RANGE = '#microsoft.graph.iPv6CidrRange';
const ALL_EXTERNAL_TENANTS = '#microsoft.graph.conditionalAccessAllExternalTenants';
const ENUMERATED_EXTERNAL_TENANTS = '#microsoft.graph.conditionalAccessEnumeratedExternalTenants';

// ── Shared groups of rules ──────────────────────────────────────────────────────────────────────

const SERVER: PropertyRule = { type: 'server' };
const BETA: PropertyRule = { type: 'beta' };
/** A beta-only object: cleared with null when absent, but only under beta (never sent under v1.0). */
const BETA_OBJECT: PropertyRule = { type: 'beta', nullable: true };
/** An optional complex property: a body that leaves it out clears it with null. */
const CLEARABLE: PropertyRule = { type: 'object', nullable: true };

/**
 * Why a schema-driven body (every optional object named, null when absent) and not one computed
 * against the live object: the body depends on the file alone, so the plan file shows the same
 * complete, reviewable body for a create and an update and whatever the tenant holds; it never
 * names a beta-only property under v1.0 (those rules are skipped) nor an ipNamedLocation field on
 * a countryNamedLocation (`when`); and it does not depend on how Graph happens to answer a GET
 * (expanded strengths, read-only and undeclared properties such as partialEnablementStrategy).
 * Arrays are sent whole (`[]` when empty), as PATCH replaces arrays; optional objects and
 * scalars are sent as null (terraform-provider-msgraph#63: some PATCHes answer 1007 to an empty
 * value where null is accepted). The cost: an optional object this table does not know is not
 * cleared; apply's read-back would name it.
 */
const CLEARED_OBJECTS = [
  '/conditions/users/includeGuestsOrExternalUsers',
  '/conditions/users/excludeGuestsOrExternalUsers',
  '/conditions/users/includeGuestsOrExternalUsers/externalTenants',
  '/conditions/users/excludeGuestsOrExternalUsers/externalTenants',
  '/conditions/applications/applicationFilter',
  '/conditions/clientApplications',
  '/conditions/clientApplications/servicePrincipalFilter',
  '/conditions/platforms',
  '/conditions/locations',
  '/conditions/devices',
  '/conditions/devices/deviceFilter',
  '/conditions/authenticationFlows',
  '/sessionControls/applicationEnforcedRestrictions',
  '/sessionControls/cloudAppSecurity',
  '/sessionControls/persistentBrowser',
  '/sessionControls/secureSignInSession',
  '/sessionControls/signInFrequency',
];
const ids = (keywords: readonly string[] = []): PropertyRule => ({ type: 'set', ids: true, keywords });
const enumSet = (values: readonly string[]): PropertyRule => ({ type: 'set', values });
const enumOf = (values: readonly string[], extra: RuleBase = {}): PropertyRule => ({ type: 'enum', values, ...extra });

/** Server-managed fields every kind carries. */
const COMMON_SERVER = ['/id', '/createdDateTime', '/modifiedDateTime', '/deletedDateTime'];

const externalTenantsRules = (side: 'include' | 'exclude'): [string, PropertyRule][] => {
  const base = `/conditions/users/${side}GuestsOrExternalUsers`;
  return [
    [`${base}/guestOrExternalUserTypes`, { type: 'flags', values: GUEST_OR_EXTERNAL_USER_TYPES }],
    [
      `${base}/externalTenants/@odata.type`,
      {
        type: 'odataType',
        values: [ALL_EXTERNAL_TENANTS, ENUMERATED_EXTERNAL_TENANTS],
        default: (t) => (kindOf(t['membershipKind']) === 'all' ? ALL_EXTERNAL_TENANTS : kindOf(t['membershipKind']) === 'enumerated' ? ENUMERATED_EXTERNAL_TENANTS : undefined),
      },
    ],
    [
      `${base}/externalTenants/membershipKind`,
      {
        type: 'enum',
        values: ['all', 'enumerated', 'unknownFutureValue'],
        default: (t) => {
          const type = typeof t['@odata.type'] === 'string' ? t['@odata.type'].toLowerCase() : '';
          return type === ALL_EXTERNAL_TENANTS.toLowerCase() ? 'all' : type === ENUMERATED_EXTERNAL_TENANTS.toLowerCase() ? 'enumerated' : undefined;
        },
      },
    ],
    [`${base}/externalTenants/members`, ids()],
  ];
};

function kindOf(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

const filterRules = (pointer: string): [string, PropertyRule][] => [[`${pointer}/mode`, enumOf(FILTER_MODES)]];

// ── The tables ──────────────────────────────────────────────────────────────────────────────────

const POLICY_RULES: [string, PropertyRule][] = [
  ...COMMON_SERVER.map((p): [string, PropertyRule] => [p, SERVER]),
  ['/templateId', SERVER],
  ['/partialEnablementStrategy', SERVER],
  ['/description', { type: 'scalar', nullable: true }],
  // No default: Graph requires state, and a missing one must never read as "enabled".
  ['/state', enumOf(POLICY_STATES)],

  // conditions
  ['/conditions/clientAppTypes', { ...enumSet(CLIENT_APP_TYPES), default: ['all'] }],
  ['/conditions/userRiskLevels', enumSet(RISK_LEVELS)],
  ['/conditions/signInRiskLevels', enumSet(RISK_LEVELS)],
  ['/conditions/servicePrincipalRiskLevels', enumSet(RISK_LEVELS)],
  ['/conditions/insiderRiskLevels', { type: 'flags', values: INSIDER_RISK_LEVELS, nullable: true }],
  ['/conditions/authenticationFlows/transferMethods', { type: 'flags', values: TRANSFER_METHODS, nullable: true }],
  ['/conditions/users/includeUsers', ids(USER_KEYWORDS)],
  ['/conditions/users/excludeUsers', ids(USER_KEYWORDS)],
  ['/conditions/users/includeGroups', ids()],
  ['/conditions/users/excludeGroups', ids()],
  ['/conditions/users/includeRoles', ids()],
  ['/conditions/users/excludeRoles', ids()],
  ...externalTenantsRules('include'),
  ...externalTenantsRules('exclude'),
  ['/conditions/applications/includeApplications', ids(APP_KEYWORDS)],
  ['/conditions/applications/excludeApplications', ids(APP_KEYWORDS)],
  ['/conditions/applications/includeUserActions', { type: 'set', case: 'lower' }],
  ['/conditions/applications/includeAuthenticationContextClassReferences', { type: 'set', case: 'lower' }],
  ...filterRules('/conditions/applications/applicationFilter'),
  ['/conditions/clientApplications/includeServicePrincipals', ids(SP_KEYWORDS)],
  ['/conditions/clientApplications/excludeServicePrincipals', ids(SP_KEYWORDS)],
  ...filterRules('/conditions/clientApplications/servicePrincipalFilter'),
  ['/conditions/platforms/includePlatforms', enumSet(PLATFORMS)],
  ['/conditions/platforms/excludePlatforms', enumSet(PLATFORMS)],
  ['/conditions/locations/includeLocations', ids(LOCATION_KEYWORDS)],
  ['/conditions/locations/excludeLocations', ids(LOCATION_KEYWORDS)],
  ...filterRules('/conditions/devices/deviceFilter'),
  // Graph's PATCH merges: a complex property the file leaves out keeps its stored value unless the
  // body clears it, so every optional object of the v1.0 schema is sent as null when absent.
  ...CLEARED_OBJECTS.map((p): [string, PropertyRule] => [p, CLEARABLE]),

  // grant controls
  ['/grantControls', { type: 'object', nullable: true, dropUnless: ['builtInControls', 'customAuthenticationFactors', 'termsOfUse', 'authenticationStrength'] }],
  ['/grantControls/operator', { type: 'enum', values: ['AND', 'OR'] }],
  ['/grantControls/builtInControls', enumSet(BUILT_IN_CONTROLS)],
  ['/grantControls/customAuthenticationFactors', ids()],
  ['/grantControls/termsOfUse', ids()],
  ['/grantControls/authenticationStrength', { type: 'strengthRef', nullable: true }],

  // session controls
  ['/sessionControls', { type: 'object', nullable: true }],
  ['/sessionControls/disableResilienceDefaults', { type: 'scalar', falseIsEmpty: true, nullable: true }],
  // Values inside a session control the file keeps are cleared too when it drops them: a merge would
  // otherwise keep "every 4 hours" beside "every time" (which Graph refuses).
  ['/sessionControls/cloudAppSecurity/cloudAppSecurityType', enumOf(['mcasConfigured', 'monitorOnly', 'blockDownloads', 'unknownFutureValue'], { nullable: true })],
  ['/sessionControls/persistentBrowser/mode', enumOf(['always', 'never', 'unknownFutureValue'], { nullable: true })],
  ['/sessionControls/signInFrequency/type', enumOf(['days', 'hours', 'unknownFutureValue'], { nullable: true })],
  ['/sessionControls/signInFrequency/value', { type: 'scalar', nullable: true }],
  [
    '/sessionControls/signInFrequency/authenticationType',
    enumOf(['primaryAndSecondaryAuthentication', 'secondaryAuthentication', 'unknownFutureValue'], { default: 'primaryAndSecondaryAuthentication' }),
  ],
  ['/sessionControls/signInFrequency/frequencyInterval', enumOf(['timeBased', 'everyTime', 'unknownFutureValue'], { default: 'timeBased' })],

  // beta-only (and deprecated beta) properties: managed only with --api-version beta
  ['/conditions/agentIdRiskLevels', BETA],
  ['/conditions/agents', BETA],
  ['/conditions/agentContext', BETA],
  ['/conditions/deviceStates', BETA],
  ['/conditions/times', BETA],
  ['/conditions/signInRiskDetections', BETA],
  ['/conditions/clients', BETA],
  ['/conditions/applications/networkAccess', BETA],
  ['/conditions/applications/globalSecureAccess', BETA],
  ['/conditions/clientApplications/includeAgentIdServicePrincipals', BETA],
  ['/conditions/clientApplications/excludeAgentIdServicePrincipals', BETA],
  ['/conditions/clientApplications/agentIdServicePrincipalFilter', BETA_OBJECT],
  ['/conditions/devices/includeDevices', BETA],
  ['/conditions/devices/excludeDevices', BETA],
  ['/conditions/devices/includeDeviceStates', BETA],
  ['/conditions/devices/excludeDeviceStates', BETA],
  ['/sessionControls/continuousAccessEvaluation', BETA_OBJECT],
  ['/sessionControls/globalSecureAccessFilteringProfile', BETA_OBJECT],
  ['/sessionControls/networkAccessSecurity', BETA],
  ['/sessionControls/blockSensitiveActions', BETA],
];

const NAMED_LOCATION_RULES: [string, PropertyRule][] = [
  ...COMMON_SERVER.map((p): [string, PropertyRule] => [p, SERVER]),
  ['/@odata.type', { type: 'odataType', values: [IP_NAMED_LOCATION, COUNTRY_NAMED_LOCATION] }],
  ['/isTrusted', { type: 'scalar', default: false, when: IP_NAMED_LOCATION }],
  ['/ipRanges', { type: 'objectSet', key: 'cidrAddress', when: IP_NAMED_LOCATION }],
  [
    '/ipRanges/*/@odata.type',
    { type: 'odataType', values: [IPV4_RANGE, IPV6_RANGE], default: (r) => (typeof r['cidrAddress'] === 'string' ? (r['cidrAddress'].includes(':') ? IPV6_RANGE : IPV4_RANGE) : undefined) },
  ],
  ['/ipRanges/*/cidrAddress', { type: 'scalar', case: 'lower' }],
  ['/countriesAndRegions', { type: 'set', case: 'upper', when: COUNTRY_NAMED_LOCATION }],
  ['/includeUnknownCountriesAndRegions', { type: 'scalar', default: false, when: COUNTRY_NAMED_LOCATION }],
  ['/countryLookupMethod', enumOf(['clientIpAddress', 'authenticatorAppGps', 'unknownFutureValue'], { default: 'clientIpAddress', when: COUNTRY_NAMED_LOCATION })],
  ['/compliantNetworkType', BETA],
];

const AUTHENTICATION_STRENGTH_RULES: [string, PropertyRule][] = [
  ...COMMON_SERVER.map((p): [string, PropertyRule] => [p, SERVER]),
  ['/policyType', SERVER],
  ['/requirementsSatisfied', SERVER],
  // A set of configurations, each known by its type and combinations (its id is the server's).
  ['/combinationConfigurations', { type: 'objectSet', key: '@odata.type' }],
  ['/combinationConfigurations/*/id', SERVER],
  ['/combinationConfigurations/*/@odata.type', { type: 'odataType', values: [FIDO2_CONFIGURATION, X509_CONFIGURATION] }],
  ['/combinationConfigurations/*/appliesToCombinations', { type: 'combinations', values: AUTH_METHOD_MODES }],
  ['/combinationConfigurations/*/allowedAAGUIDs', { type: 'set', ids: true, whenType: FIDO2_CONFIGURATION }],
  ['/combinationConfigurations/*/allowedIssuerSkis', { type: 'set', whenType: X509_CONFIGURATION }],
  ['/combinationConfigurations/*/allowedPolicyOIDs', { type: 'set', whenType: X509_CONFIGURATION }],
  ['/description', { type: 'scalar', nullable: true }],
  ['/allowedCombinations', { type: 'combinations', values: AUTH_METHOD_MODES }],
];

export const PROPERTY_RULES: Record<DocumentKind, RuleTable> = {
  policy: new Map(POLICY_RULES),
  namedLocation: new Map(NAMED_LOCATION_RULES),
  authenticationStrength: new Map(AUTHENTICATION_STRENGTH_RULES),
};

/** Rules that fill a value, grouped by the shape pointer of the object that holds them. */
export interface ChildRule {
  key: string;
  rule: PropertyRule;
}

export function childRulesByParent(table: RuleTable): Map<string, ChildRule[]> {
  const byParent = new Map<string, ChildRule[]>();
  for (const [pointer, rule] of table) {
    const cut = pointer.lastIndexOf('/');
    const parent = pointer.slice(0, cut);
    const key = pointer.slice(cut + 1).replace(/~1/g, '/').replace(/~0/g, '~');
    const list = byParent.get(parent) ?? [];
    list.push({ key, rule });
    byParent.set(parent, list);
  }
  return byParent;
}
