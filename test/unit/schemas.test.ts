/**
 * The JSON Schemas in schemas/: they compile under Ajv strict mode (draft-07), accept what Graph
 * accepts (including OData annotations, server-managed and beta-only properties of exports), and
 * reject unknown properties, wrong types and bad enum values at the expected instancePath.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// Named import: under NodeNext the default import of this CommonJS package types as the module.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: unknown };

const NAMES = ['policy', 'named-location', 'authentication-strength', 'settings'] as const;
type Name = (typeof NAMES)[number];

function readSchema(name: Name): Schema {
  return JSON.parse(readFileSync(join(process.cwd(), 'schemas', `${name}.schema.json`), 'utf8')) as Schema;
}

function newAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true });
  ajv.addKeyword('x-flags');
  return ajv;
}

const schemas = Object.fromEntries(NAMES.map((n) => [n, readSchema(n)])) as Record<Name, Schema>;
const ajv = newAjv();
const validators = Object.fromEntries(NAMES.map((n) => [n, ajv.compile(schemas[n])])) as Record<
  Name,
  ValidateFunction
>;

function errorsOf(name: Name, doc: Json): ErrorObject[] {
  const validate = validators[name];
  return validate(doc) ? [] : [...(validate.errors ?? [])];
}

function describeErrors(errors: ErrorObject[]): string {
  return errors.map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}

function expectValid(name: Name, doc: Json): void {
  const errors = errorsOf(name, doc);
  if (errors.length > 0) throw new Error(`expected ${name} document to validate, got:\n${describeErrors(errors)}`);
}

/** The document fails, and one error is at `path` (with `keyword`, when given). */
function expectInvalidAt(name: Name, doc: Json, path: string, keyword?: string): ErrorObject[] {
  const errors = errorsOf(name, doc);
  expect(errors.length).toBeGreaterThan(0);
  const hit = errors.find((e) => e.instancePath === path && (keyword === undefined || e.keyword === keyword));
  if (!hit) {
    throw new Error(`expected an error${keyword ? ` (${keyword})` : ''} at "${path}", got:\n${describeErrors(errors)}`);
  }
  return errors;
}

const clone = <T extends Json>(v: T): T => structuredClone(v);

// ------------------------------------------------------------------------------------------------
// Good examples

const goodPolicy = {
  $schema: '../../schemas/policy.schema.json',
  displayName: 'CA001 - Require MFA for all users',
  description: 'Baseline MFA',
  state: 'enabledForReportingButNotEnforced',
  conditions: {
    clientAppTypes: ['all'],
    signInRiskLevels: [],
    userRiskLevels: ['high', 'medium'],
    servicePrincipalRiskLevels: [],
    insiderRiskLevels: 'moderate,elevated',
    users: {
      includeUsers: ['All'],
      excludeUsers: ['user:breakglass@contoso.com', '6c96716b-b32b-40b8-9009-49748bb6fcd5'],
      includeGroups: [],
      excludeGroups: ['group:Break Glass'],
      includeRoles: ['role:Global Administrator'],
      excludeRoles: [],
      includeGuestsOrExternalUsers: {
        guestOrExternalUserTypes: 'internalGuest,b2bCollaborationGuest',
        externalTenants: {
          '@odata.type': '#microsoft.graph.conditionalAccessEnumeratedExternalTenants',
          membershipKind: 'enumerated',
          members: ['0b5a8b5c-0e7a-4f3c-9a2e-3d6b1a0c9f11'],
        },
      },
      excludeGuestsOrExternalUsers: null,
    },
    applications: {
      includeApplications: ['All'],
      excludeApplications: ['app:Microsoft Intune Enrollment'],
      includeUserActions: [],
      includeAuthenticationContextClassReferences: ['c1', 'c25'],
      applicationFilter: { mode: 'exclude', rule: 'CustomSecurityAttribute.Set_Name -eq "x"' },
    },
    clientApplications: null,
    platforms: { includePlatforms: ['all'], excludePlatforms: ['linux'] },
    locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted', 'location:Head office'] },
    devices: { deviceFilter: { mode: 'include', rule: 'device.isCompliant -eq True' } },
    authenticationFlows: { transferMethods: 'deviceCodeFlow,authenticationTransfer' },
  },
  grantControls: {
    operator: 'AND',
    builtInControls: ['mfa', 'compliantDevice'],
    customAuthenticationFactors: [],
    termsOfUse: [],
    authenticationStrength: null,
  },
  sessionControls: {
    applicationEnforcedRestrictions: null,
    cloudAppSecurity: { isEnabled: true, cloudAppSecurityType: 'blockDownloads' },
    signInFrequency: {
      isEnabled: true,
      value: null,
      type: null,
      authenticationType: 'primaryAndSecondaryAuthentication',
      frequencyInterval: 'everyTime',
    },
    persistentBrowser: { isEnabled: true, mode: 'never' },
    disableResilienceDefaults: false,
    secureSignInSession: { isEnabled: true },
  },
} satisfies Json;

/** The shape beta export tools write: annotations, server fields, beta-only keys, expanded strength. */
const betaExport = {
  '@odata.context': 'https://graph.microsoft.com/beta/$metadata#identity/conditionalAccess/policies/$entity',
  '@odata.type': '#microsoft.graph.conditionalAccessPolicy',
  '@odata.id': "identity/conditionalAccess/policies('8687d337-92c7-404e-912b-febb2a2fb410')",
  '#microsoft.graph.restore': { title: 'microsoft.graph.restore', target: 'https://graph.microsoft.com/beta/x' },
  id: '8687d337-92c7-404e-912b-febb2a2fb410',
  templateId: null,
  displayName: 'CA100 - Admins - phishing-resistant MFA',
  createdDateTime: '2026-07-31T04:12:04.4409794Z',
  'createdDateTime@odata.type': '#DateTimeOffset',
  modifiedDateTime: null,
  deletedDateTime: null,
  partialEnablementStrategy: null,
  state: 'enabled',
  'state@odata.type': '#microsoft.graph.conditionalAccessPolicyState',
  conditions: {
    '@odata.type': '#microsoft.graph.conditionalAccessConditionSet',
    'clientAppTypes@odata.type': '#Collection(microsoft.graph.conditionalAccessClientApp)',
    clientAppTypes: ['all'],
    deviceStates: null,
    times: null,
    agentIdRiskLevels: 'medium,high',
    agents: { includeAgentUsers: ['All'], excludeAgentUsers: [], agentFilter: null },
    agentContext: { includeAgentContexts: ['agentUserSessionsInitiatedFromEndpoints'], excludeAgentContexts: [] },
    users: {
      '@odata.type': '#microsoft.graph.conditionalAccessUsers',
      'includeUsers@odata.type': '#Collection(String)',
      includeUsers: [],
      includeRoles: ['62e90394-69f5-4237-9190-012177145e10'],
      excludeGuestsOrExternalUsers: {
        '@odata.type': '#microsoft.graph.conditionalAccessGuestsOrExternalUsers',
        guestOrExternalUserTypes: 'serviceProvider',
        externalTenants: {
          '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants',
          membershipKind: 'all',
          'membershipKind@odata.type': '#microsoft.graph.conditionalAccessExternalTenantsMembershipKind',
        },
      },
    },
    applications: {
      includeApplications: ['All'],
      networkAccess: null,
      globalSecureAccess: null,
    },
    clientApplications: {
      includeServicePrincipals: [],
      includeAgentIdServicePrincipals: ['All'],
      excludeAgentIdServicePrincipals: [],
      agentIdServicePrincipalFilter: { mode: 'exclude', rule: 'x' },
    },
    devices: {
      includeDevices: [],
      excludeDevices: [],
      includeDeviceStates: ['All'],
      excludeDeviceStates: ['Compliant', 'DomainJoined'],
      deviceFilter: null,
    },
  },
  grantControls: {
    operator: 'OR',
    builtInControls: [],
    'authenticationStrength@odata.context':
      "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies('x')/grantControls/authenticationStrength/$entity",
    'authenticationStrength@odata.navigationLink': 'https://graph.microsoft.com/beta/x',
    authenticationStrength: {
      '@odata.type': '#microsoft.graph.authenticationStrengthPolicy',
      '#microsoft.graph.usage': { title: 'microsoft.graph.usage', target: 'https://graph.microsoft.com/beta/x' },
      id: '00000000-0000-0000-0000-000000000004',
      createdDateTime: '2021-12-01T08:00:00Z',
      modifiedDateTime: '2021-12-01T08:00:00Z',
      displayName: 'Phishing-resistant MFA',
      description: 'Phishing-resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key',
      policyType: 'builtIn',
      requirementsSatisfied: 'mfa',
      allowedCombinations: ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor'],
      'combinationConfigurations@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#x',
      combinationConfigurations: [],
    },
  },
  sessionControls: {
    continuousAccessEvaluation: { mode: 'strictLocation' },
    globalSecureAccessFilteringProfile: null,
    networkAccessSecurity: null,
    blockSensitiveActions: null,
    signInFrequency: { isEnabled: true, value: 4, type: 'hours', frequencyInterval: 'timeBased' },
  },
} satisfies Json;

const goodIpLocation = {
  '@odata.type': '#microsoft.graph.ipNamedLocation',
  displayName: 'Head office',
  isTrusted: true,
  ipRanges: [
    { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.0/24' },
    { '@odata.type': '#microsoft.graph.iPv6CidrRange', cidrAddress: '2001:db8::/32' },
  ],
} satisfies Json;

const goodCountryLocation = {
  $schema: '../../schemas/named-location.schema.json',
  '@odata.type': '#microsoft.graph.countryNamedLocation',
  '@odata.context': 'https://graph.microsoft.com/beta/$metadata#identity/conditionalAccess/namedLocations/$entity',
  '#microsoft.graph.restore': { title: 'microsoft.graph.restore', target: 'https://graph.microsoft.com/beta/x' },
  id: '16c50f86-4c85-4dd4-867d-f07ee473234c',
  createdDateTime: '2026-07-31T04:12:03.2698345Z',
  modifiedDateTime: null,
  deletedDateTime: null,
  displayName: 'Allowed countries',
  countriesAndRegions: ['NL', 'BE'],
  'countriesAndRegions@odata.type': '#Collection(String)',
  includeUnknownCountriesAndRegions: false,
  countryLookupMethod: 'clientIpAddress',
} satisfies Json;

const goodStrength = {
  $schema: '../../schemas/authentication-strength.schema.json',
  displayName: 'Phishing-resistant MFA or TAP',
  description: 'FIDO2, WHfB, certificate or a Temporary Access Pass',
  allowedCombinations: ['fido2', 'windowsHelloForBusiness', 'temporaryAccessPassOneTime', 'password, sms'],
} satisfies Json;

const exportedStrength = {
  '@odata.context': 'https://graph.microsoft.com/beta/$metadata#x/$entity',
  '@odata.type': '#microsoft.graph.authenticationStrengthPolicy',
  '#microsoft.graph.usage': { title: 'microsoft.graph.usage', target: 'https://graph.microsoft.com/beta/x' },
  id: '135c9ac8-1c38-4427-bced-8ee241bbe32e',
  createdDateTime: '2026-06-25T13:39:55.5033266Z',
  modifiedDateTime: '2026-06-25T13:39:55.5033266Z',
  displayName: 'Temp Access Pass - Strength',
  description: '',
  policyType: 'custom',
  'policyType@odata.type': '#microsoft.graph.authenticationStrengthPolicyType',
  requirementsSatisfied: 'mfa',
  allowedCombinations: ['temporaryAccessPassOneTime', 'password,microsoftAuthenticatorPush'],
  'allowedCombinations@odata.type': '#Collection(microsoft.graph.authenticationMethodModes)',
  combinationConfigurations: [],
  'combinationConfigurations@odata.context': 'https://graph.microsoft.com/beta/$metadata#x',
} satisfies Json;

const goodSettings: { [key: string]: Json } = {
  $schema: './schemas/settings.schema.json',
  emergencyAccess: {
    users: ['user:breakglass1@contoso.com', '6c96716b-b32b-40b8-9009-49748bb6fcd5'],
    groups: ['group:Break Glass'],
    exemptPolicies: ['CA900 - Break glass sign-in alert'],
  },
  naming: { pattern: '^CA\\d{3} - ' },
  prune: false,
  contingency: {
    'mfa-outage': {
      description: 'MFA provider down',
      activate: ['CA-EM01 - Require compliant device'],
      deactivate: ['CA002 - Require MFA'],
      deactivatedState: 'disabled',
    },
  },
  rollout: { rings: [{ name: 'pilot', include: ['group:CA Pilot'] }, { name: 'all' }], policies: { 'CA002 - Require MFA': { ring: 'pilot', since: '2026-01-05' } }, newPolicies: 'reportOnly', gates: { minDays: 7, maxFailureRate: 0.02, maxUsersBlocked: 0 } },
};

// ------------------------------------------------------------------------------------------------

describe('schemas: shape and conventions', () => {
  it.each(NAMES)('%s compiles in a fresh strict Ajv and follows the id conventions', (name) => {
    const schema = schemas[name];
    expect(() => newAjv().compile(schema)).not.toThrow();
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toBe(`urn:caac:schema:${name}`);
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect((schema.properties as Schema).$schema).toMatchObject({ type: 'string' });
  });

  /** Visits every declared property schema (not the if/then/else branches, which restate them). */
  function eachProperty(
    node: unknown,
    path: string,
    visit: (path: string, prop: Schema, owner: Schema) => void,
  ): void {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
    const s = node as Schema;
    const props = s.properties as Record<string, unknown> | undefined;
    if (props) {
      for (const [key, prop] of Object.entries(props)) {
        if (typeof prop === 'object' && prop !== null) {
          visit(`${path}/${key}`, prop as Schema, s);
          eachProperty(prop, `${path}/${key}`, visit);
        }
      }
    }
    if (s.items) eachProperty(s.items, `${path}[]`, visit);
    const defs = s.definitions as Record<string, unknown> | undefined;
    if (defs) for (const [key, def] of Object.entries(defs)) eachProperty(def, `${path}#${key}`, visit);
  }

  it.each(NAMES)('%s: every property has a description', (name) => {
    const missing: string[] = [];
    eachProperty(schemas[name], '', (path, prop) => {
      if (typeof prop.description !== 'string' || prop.description.length === 0) missing.push(path);
    });
    expect(missing).toEqual([]);
  });

  it.each(['policy', 'named-location', 'authentication-strength'] as const)(
    '%s: Graph objects are closed but let OData annotations through',
    (name) => {
      const closedWithoutAnnotations: string[] = [];
      const check = (path: string, s: Schema): void => {
        if (s.additionalProperties === false) {
          const pp = s.patternProperties as Record<string, unknown> | undefined;
          if (!pp || !('@odata\\.' in pp) || !('^#microsoft\\.graph\\.' in pp)) closedWithoutAnnotations.push(path);
        }
      };
      check('(root)', schemas[name]);
      for (const [key, def] of Object.entries((schemas[name].definitions ?? {}) as Record<string, Schema>)) {
        check(`#${key}`, def);
      }
      expect(closedWithoutAnnotations).toEqual([]);
    },
  );

  it('beta-only and deprecated properties are flagged and say so', () => {
    const flagged: string[] = [];
    for (const name of NAMES) {
      eachProperty(schemas[name], name, (path, prop) => {
        if (prop.deprecated === true) {
          flagged.push(path);
          expect(prop.description).toMatch(/^(Beta only|Deprecated): /);
        }
      });
    }
    expect(flagged).toEqual(
      expect.arrayContaining([
        'policy#conditionSet/deviceStates',
        'policy#conditionSet/agentIdRiskLevels',
        'policy#devices/includeDevices',
        'policy#devices/excludeDevices',
        'policy#devices/includeDeviceStates',
        'policy#devices/excludeDeviceStates',
        'policy#applications/networkAccess',
        'policy#applications/globalSecureAccess',
        'policy#clientApplications/includeAgentIdServicePrincipals',
        'policy#sessionControls/continuousAccessEvaluation',
        'policy#sessionControls/globalSecureAccessFilteringProfile',
        'policy#sessionControls/networkAccessSecurity',
      ]),
    );
  });

  it('server-managed properties are readOnly and accept null', () => {
    const policyProps = schemas.policy.properties as Record<string, Schema>;
    for (const key of ['id', 'createdDateTime', 'modifiedDateTime', 'templateId', 'deletedDateTime', 'partialEnablementStrategy', '@odata.context']) {
      expect(policyProps[key]?.readOnly).toBe(true);
    }
    const strengthProps = schemas['authentication-strength'].properties as Record<string, Schema>;
    for (const key of ['id', 'policyType', 'requirementsSatisfied', 'createdDateTime']) {
      expect(strengthProps[key]?.readOnly).toBe(true);
    }
    // Managed (issue 8, point 9): the configurations are part of a strength; only their ids are the server's.
    expect(strengthProps['combinationConfigurations']?.readOnly).toBeUndefined();
    expect(((strengthProps['combinationConfigurations']?.items as Schema).properties as Record<string, Schema>)['id']?.readOnly).toBe(true);
    const grant = (schemas.policy.definitions as Record<string, Schema>).grantControls?.properties as Record<string, Schema>;
    expect(grant['authenticationStrength@odata.context']?.readOnly).toBe(true);

    const nulls = clone(goodPolicy) as Record<string, Json>;
    for (const key of ['id', 'createdDateTime', 'modifiedDateTime', 'templateId', 'deletedDateTime', 'partialEnablementStrategy']) {
      nulls[key] = null;
    }
    expectValid('policy', nulls);
    expectValid('authentication-strength', {
      ...goodStrength,
      id: null,
      policyType: null,
      requirementsSatisfied: null,
      combinationConfigurations: null,
      createdDateTime: null,
      modifiedDateTime: null,
    });
    expectValid('named-location', { ...goodIpLocation, id: null, createdDateTime: null, deletedDateTime: null });
  });

  it('flags enums declare their values in Graph order and a matching comma-separated pattern', () => {
    const defs = schemas.policy.definitions as Record<string, { properties: Record<string, Schema> }>;
    const cases: Array<[Schema | undefined, string[]]> = [
      [defs.guestsOrExternalUsers?.properties.guestOrExternalUserTypes, ['none', 'internalGuest', 'b2bCollaborationGuest', 'b2bCollaborationMember', 'b2bDirectConnectUser', 'otherExternalUser', 'serviceProvider']],
      [defs.authenticationFlows?.properties.transferMethods, ['none', 'deviceCodeFlow', 'authenticationTransfer']],
      [defs.conditionSet?.properties.insiderRiskLevels, ['minor', 'moderate', 'elevated']],
    ];
    for (const [prop, values] of cases) {
      expect(prop).toBeDefined();
      const flags = prop!['x-flags'] as string[];
      expect(flags.slice(0, values.length)).toEqual(values);
      const re = new RegExp(prop!.pattern as string);
      for (const v of flags) expect(re.test(v)).toBe(true);
      expect(re.test(values.join(','))).toBe(true);
      expect(re.test(` ${values[1]} , ${values[2]} `)).toBe(true);
      expect(re.test('bogus')).toBe(false);
      expect(re.test(`${values[1]},`)).toBe(false);
      expect(re.test(`${values[1]}${values[2]}`)).toBe(false);
      expect(re.test('')).toBe(false);
    }
  });
});

describe('policy schema', () => {
  it('accepts a complete v1.0 policy with references', () => expectValid('policy', goodPolicy));

  it('accepts a beta export with annotations, server fields and beta-only properties', () =>
    expectValid('policy', betaExport));

  it('accepts the nulls and empty arrays real exports write', () => {
    expectValid('policy', {
      displayName: 'Minimal',
      state: 'enabledForReportingButNotEnforced',
      conditions: {
        applications: { includeApplications: ['All'] },
        users: null,
        clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'], servicePrincipalFilter: null },
        platforms: null,
        locations: null,
        devices: null,
        authenticationFlows: null,
        insiderRiskLevels: null,
      },
      grantControls: { operator: 'OR', builtInControls: ['block'], termsOfUse: [], authenticationStrength: { id: 'authStrength:Phishing-resistant MFA' } },
      sessionControls: null,
    });
  });

  it('requires state (Graph does; caac never assumes one), not clientAppTypes', () => {
    expectValid('policy', { displayName: 'x', state: 'disabled', conditions: { applications: { includeApplications: ['All'] } } });
    expectInvalidAt('policy', { displayName: 'x', conditions: { applications: { includeApplications: ['All'] } } }, '', 'required');
    expectInvalidAt('policy', { displayName: 'x', state: null, conditions: { applications: { includeApplications: ['All'] } } }, '/state', 'enum');
  });

  it('requires displayName, conditions and conditions.applications', () => {
    expectInvalidAt('policy', { conditions: { applications: {} } }, '', 'required');
    expectInvalidAt('policy', { displayName: 'x' }, '', 'required');
    expectInvalidAt('policy', { displayName: 'x', conditions: {} }, '/conditions', 'required');
    expectInvalidAt('policy', { displayName: 'x', conditions: null }, '/conditions', 'type');
  });

  it.each([
    ['top level', (p: Json) => Object.assign(p as object, { displayname: 'typo' }), '', 'displayname'],
    ['conditions', (p: Json) => Object.assign((p as typeof goodPolicy).conditions, { userRisk: [] }), '/conditions', 'userRisk'],
    ['users', (p: Json) => Object.assign((p as typeof goodPolicy).conditions.users, { includeUser: ['All'] }), '/conditions/users', 'includeUser'],
    ['applications', (p: Json) => Object.assign((p as typeof goodPolicy).conditions.applications, { includeApps: [] }), '/conditions/applications', 'includeApps'],
    ['grantControls', (p: Json) => Object.assign((p as typeof goodPolicy).grantControls, { builtinControls: [] }), '/grantControls', 'builtinControls'],
    ['signInFrequency', (p: Json) => Object.assign((p as typeof goodPolicy).sessionControls.signInFrequency, { unit: 'hours' }), '/sessionControls/signInFrequency', 'unit'],
    ['externalTenants', (p: Json) => Object.assign((p as typeof goodPolicy).conditions.users.includeGuestsOrExternalUsers.externalTenants, { tenants: [] }), '/conditions/users/includeGuestsOrExternalUsers/externalTenants', 'tenants'],
  ])('rejects an unknown property in %s', (_where, mutate, path, property) => {
    const doc = clone(goodPolicy) as Json;
    mutate(doc);
    const errors = expectInvalidAt('policy', doc, path, 'additionalProperties');
    expect(errors.some((e) => e.params.additionalProperty === property)).toBe(true);
  });

  it.each([
    ['/displayName', (p: typeof goodPolicy) => Object.assign(p, { displayName: 42 })],
    ['/conditions/users/includeUsers', (p: typeof goodPolicy) => Object.assign(p.conditions.users, { includeUsers: 'All' })],
    ['/conditions/users/excludeGroups/0', (p: typeof goodPolicy) => Object.assign(p.conditions.users, { excludeGroups: [7] })],
    ['/conditions/applications', (p: typeof goodPolicy) => Object.assign(p.conditions, { applications: null })],
    ['/conditions/clientAppTypes', (p: typeof goodPolicy) => Object.assign(p.conditions, { clientAppTypes: 'all' })],
    ['/grantControls', (p: typeof goodPolicy) => Object.assign(p, { grantControls: ['mfa'] })],
    ['/grantControls/authenticationStrength/id', (p: typeof goodPolicy) => Object.assign(p.grantControls, { authenticationStrength: { id: 4 } })],
    ['/sessionControls/signInFrequency/value', (p: typeof goodPolicy) => Object.assign(p.sessionControls.signInFrequency, { value: '4' })],
    ['/sessionControls/persistentBrowser/isEnabled', (p: typeof goodPolicy) => Object.assign(p.sessionControls.persistentBrowser, { isEnabled: 'true' })],
    ['/sessionControls/disableResilienceDefaults', (p: typeof goodPolicy) => Object.assign(p.sessionControls, { disableResilienceDefaults: 'no' })],
    ['/conditions/users/includeGuestsOrExternalUsers/guestOrExternalUserTypes', (p: typeof goodPolicy) => Object.assign(p.conditions.users.includeGuestsOrExternalUsers, { guestOrExternalUserTypes: ['internalGuest'] })],
  ])('rejects a wrong type at %s', (path, mutate) => {
    const doc = clone(goodPolicy);
    mutate(doc);
    expectInvalidAt('policy', doc, path, 'type');
  });

  it.each([
    ['/state', (p: typeof goodPolicy) => Object.assign(p, { state: 'on' })],
    ['/state', (p: typeof goodPolicy) => Object.assign(p, { state: 'Enabled' })],
    ['/conditions/clientAppTypes/0', (p: typeof goodPolicy) => Object.assign(p.conditions, { clientAppTypes: ['modern'] })],
    ['/conditions/platforms/excludePlatforms/1', (p: typeof goodPolicy) => Object.assign(p.conditions.platforms, { excludePlatforms: ['linux', 'ios'] })],
    ['/conditions/userRiskLevels/0', (p: typeof goodPolicy) => Object.assign(p.conditions, { userRiskLevels: ['severe'] })],
    ['/conditions/devices/deviceFilter/mode', (p: typeof goodPolicy) => Object.assign(p.conditions.devices.deviceFilter, { mode: 'only' })],
    ['/grantControls/operator', (p: typeof goodPolicy) => Object.assign(p.grantControls, { operator: 'and' })],
    ['/grantControls/builtInControls/1', (p: typeof goodPolicy) => Object.assign(p.grantControls, { builtInControls: ['mfa', 'requireMfa'] })],
    ['/sessionControls/signInFrequency/type', (p: typeof goodPolicy) => Object.assign(p.sessionControls.signInFrequency, { type: 'minutes' })],
    ['/sessionControls/signInFrequency/frequencyInterval', (p: typeof goodPolicy) => Object.assign(p.sessionControls.signInFrequency, { frequencyInterval: 'always' })],
    ['/sessionControls/signInFrequency/authenticationType', (p: typeof goodPolicy) => Object.assign(p.sessionControls.signInFrequency, { authenticationType: 'primary' })],
    ['/sessionControls/persistentBrowser/mode', (p: typeof goodPolicy) => Object.assign(p.sessionControls.persistentBrowser, { mode: 'sometimes' })],
    ['/sessionControls/cloudAppSecurity/cloudAppSecurityType', (p: typeof goodPolicy) => Object.assign(p.sessionControls.cloudAppSecurity, { cloudAppSecurityType: 'blockUploads' })],
    ['/conditions/users/includeGuestsOrExternalUsers/externalTenants/@odata.type', (p: typeof goodPolicy) => Object.assign(p.conditions.users.includeGuestsOrExternalUsers.externalTenants, { '@odata.type': '#microsoft.graph.conditionalAccessExternalTenants' })],
  ])('rejects a bad enum value at %s', (path, mutate) => {
    const doc = clone(goodPolicy);
    mutate(doc);
    expectInvalidAt('policy', doc, path, 'enum');
  });

  it.each([
    ['/conditions/users/includeGuestsOrExternalUsers/guestOrExternalUserTypes', (p: typeof goodPolicy) => Object.assign(p.conditions.users.includeGuestsOrExternalUsers, { guestOrExternalUserTypes: 'internalGuest;b2bCollaborationGuest' })],
    ['/conditions/authenticationFlows/transferMethods', (p: typeof goodPolicy) => Object.assign(p.conditions.authenticationFlows, { transferMethods: 'deviceCode' })],
    ['/conditions/insiderRiskLevels', (p: typeof goodPolicy) => Object.assign(p.conditions, { insiderRiskLevels: 'high' })],
  ])('rejects a bad flags value at %s', (path, mutate) => {
    const doc = clone(goodPolicy);
    mutate(doc);
    expectInvalidAt('policy', doc, path, 'pattern');
  });

  it('checks the external tenants kind', () => {
    const allWithMembers = clone(goodPolicy);
    Object.assign(allWithMembers.conditions.users.includeGuestsOrExternalUsers.externalTenants, {
      '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants',
      membershipKind: 'all',
    });
    expectInvalidAt('policy', allWithMembers, '/conditions/users/includeGuestsOrExternalUsers/externalTenants/members');

    const untyped = clone(goodPolicy);
    const tenants: Partial<typeof goodPolicy.conditions.users.includeGuestsOrExternalUsers.externalTenants> =
      untyped.conditions.users.includeGuestsOrExternalUsers.externalTenants;
    delete tenants['@odata.type'];
    expectInvalidAt('policy', untyped, '/conditions/users/includeGuestsOrExternalUsers/externalTenants', 'required');
  });

  it('requires the id of an authentication strength and mode and rule of a filter', () => {
    const doc = clone(goodPolicy);
    Object.assign(doc.grantControls, { authenticationStrength: { displayName: 'MFA' } });
    Object.assign(doc.conditions.devices, { deviceFilter: { mode: 'include' } });
    const errors = errorsOf('policy', doc);
    expect(errors.some((e) => e.instancePath === '/grantControls/authenticationStrength' && e.keyword === 'required')).toBe(true);
    expect(errors.some((e) => e.instancePath === '/conditions/devices/deviceFilter' && e.keyword === 'required')).toBe(true);
  });
});

describe('named location schema', () => {
  it('accepts an IP location and a country location (with export annotations)', () => {
    expectValid('named-location', goodIpLocation);
    expectValid('named-location', goodCountryLocation);
  });

  it('requires displayName and @odata.type', () => {
    const { displayName: _d, ...noName } = goodIpLocation;
    expectInvalidAt('named-location', noName, '', 'required');
    const { '@odata.type': _t, ...noType } = goodIpLocation;
    const errors = expectInvalidAt('named-location', noType, '', 'required');
    expect(errors.some((e) => e.params.missingProperty === '@odata.type')).toBe(true);
  });

  it('rejects an unknown @odata.type', () => {
    expectInvalidAt('named-location', { ...goodIpLocation, '@odata.type': '#microsoft.graph.namedLocation' }, '/@odata.type', 'enum');
  });

  it('rejects country properties on an IP location and IP properties on a country location, at their path', () => {
    expectInvalidAt('named-location', { ...goodIpLocation, countriesAndRegions: ['NL'] }, '/countriesAndRegions');
    expectInvalidAt('named-location', { ...goodIpLocation, countryLookupMethod: 'clientIpAddress' }, '/countryLookupMethod');
    expectInvalidAt('named-location', { ...goodCountryLocation, isTrusted: true }, '/isTrusted');
    expectInvalidAt('named-location', { ...goodCountryLocation, ipRanges: [] }, '/ipRanges');
  });

  it('requires ipRanges on an IP location and countriesAndRegions on a country location', () => {
    const { ipRanges: _r, ...noRanges } = goodIpLocation;
    expectInvalidAt('named-location', noRanges, '', 'required');
    const { countriesAndRegions: _c, ...noCountries } = goodCountryLocation;
    expectInvalidAt('named-location', noCountries, '', 'required');
  });

  it('checks the items and values', () => {
    expectInvalidAt('named-location', { ...goodCountryLocation, countriesAndRegions: ['NL', 'Netherlands'] }, '/countriesAndRegions/1', 'pattern');
    expectInvalidAt('named-location', { ...goodCountryLocation, countryLookupMethod: 'gps' }, '/countryLookupMethod', 'enum');
    expectInvalidAt('named-location', { ...goodIpLocation, isTrusted: 'yes' }, '/isTrusted', 'type');
    expectInvalidAt('named-location', { ...goodIpLocation, ipRanges: [{ cidrAddress: '10.0.0.0/8' }] }, '/ipRanges/0', 'required');
    expectInvalidAt('named-location', { ...goodIpLocation, ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4Range', cidrAddress: '10.0.0.0/8' }] }, '/ipRanges/0/@odata.type', 'enum');
    expectInvalidAt('named-location', { ...goodIpLocation, ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidr: '10.0.0.0/8' }] }, '/ipRanges/0', 'additionalProperties');
    expectInvalidAt('named-location', { ...goodIpLocation, trusted: true }, '', 'additionalProperties');
  });
});

describe('authentication strength schema', () => {
  it('accepts a custom strength and an exported one', () => {
    expectValid('authentication-strength', goodStrength);
    expectValid('authentication-strength', exportedStrength);
  });

  it('requires displayName and allowedCombinations', () => {
    const { allowedCombinations: _a, ...noCombos } = goodStrength;
    const errors = expectInvalidAt('authentication-strength', noCombos, '', 'required');
    expect(errors.some((e) => e.params.missingProperty === 'allowedCombinations')).toBe(true);
    const { displayName: _d, ...noName } = goodStrength;
    expectInvalidAt('authentication-strength', noName, '', 'required');
  });

  it('rejects unknown properties, wrong types and unknown method modes', () => {
    expectInvalidAt('authentication-strength', { ...goodStrength, combinations: [] }, '', 'additionalProperties');
    expectInvalidAt('authentication-strength', { ...goodStrength, allowedCombinations: 'fido2' }, '/allowedCombinations', 'type');
    expectInvalidAt('authentication-strength', { ...goodStrength, allowedCombinations: [] }, '/allowedCombinations', 'minItems');
    expectInvalidAt('authentication-strength', { ...goodStrength, allowedCombinations: ['fido2', 'password,yubikey'] }, '/allowedCombinations/1', 'pattern');
    expectInvalidAt('authentication-strength', { ...goodStrength, displayName: ['x'] }, '/displayName', 'type');
  });
});

describe('settings schema', () => {
  it('accepts a complete settings file, and an empty one', () => {
    expectValid('settings', goodSettings);
    expectValid('settings', {});
  });

  it('rejects unknown keys at every level', () => {
    expectInvalidAt('settings', { ...goodSettings, breakGlass: {} }, '', 'additionalProperties');
    expectInvalidAt('settings', { emergencyAccess: { accounts: [] } }, '/emergencyAccess', 'additionalProperties');
    expectInvalidAt('settings', { naming: { regex: '^CA' } }, '/naming', 'additionalProperties');
    expectInvalidAt('settings', { contingency: { a: { activate: ['x'], enabled: true } } }, '/contingency/a', 'additionalProperties');
    expectInvalidAt('settings', { rollout: { rings: [{ name: 'a', users: [] }] } }, '/rollout/rings/0', 'additionalProperties');
  });

  it('checks types and required keys', () => {
    expectInvalidAt('settings', { prune: 'yes' }, '/prune', 'type');
    expectInvalidAt('settings', { emergencyAccess: { users: 'user:a@b.c' } }, '/emergencyAccess/users', 'type');
    expectInvalidAt('settings', { naming: { pattern: 5 } }, '/naming/pattern', 'type');
    expectInvalidAt('settings', { contingency: { a: { description: 'x' } } }, '/contingency/a', 'required');
    expectInvalidAt('settings', { contingency: { a: { activate: [] } } }, '/contingency/a/activate', 'minItems');
    expectInvalidAt('settings', { contingency: { a: { activate: ['x'], deactivatedState: 'enabled' } } }, '/contingency/a/deactivatedState', 'enum');
    expectInvalidAt('settings', { contingency: { 'MFA Outage': { activate: ['x'] } } }, '/contingency', 'additionalProperties');
    expectInvalidAt('settings', { contingency: { '-x': { activate: ['x'] } } }, '/contingency', 'additionalProperties');
    expectInvalidAt('settings', { rollout: { rings: [{ include: ['group:Pilot'] }] } }, '/rollout/rings/0', 'required');
  });
});
