import type { JsonObject } from '../../src/model/documents.js';
import { betaOnlyProperties, canonicalJson, normalizeDocument, toGraphBody, type NormalizeOptions } from '../../src/normalize/normalize-document.js';
import { PROPERTY_RULES } from '../../src/normalize/property-rules.js';

const V1 = { apiVersion: 'v1.0' as const };
const BETA = { apiVersion: 'beta' as const };
const G1 = '1b2c3d4e-0000-4000-8000-000000000001';
const G2 = '1b2c3d4e-0000-4000-8000-000000000002';

function policy(overrides: JsonObject = {}, users: JsonObject = { includeUsers: ['All'] }): JsonObject {
  return {
    displayName: 'P',
    state: 'enabled',
    conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users },
    grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    ...overrides,
  };
}

const norm = (doc: JsonObject, options: NormalizeOptions = V1) => normalizeDocument('policy', doc, options);

describe('normalizeDocument: policies', () => {
  test('set-like arrays are sorted and deduplicated; GUIDs compared in lower case', () => {
    const a = norm(policy({}, { includeUsers: ['All'], excludeGroups: [G2, G1.toUpperCase(), G2] }));
    const b = norm(policy({}, { includeUsers: ['All'], excludeGroups: [G1, G2] }));
    expect(a).toEqual(b);
    expect((a['conditions'] as JsonObject)['users']).toEqual({ includeUsers: ['All'], excludeGroups: [G1, G2] });
  });

  test('enum arrays: clientAppTypes, platforms, risk levels, builtInControls sorted and in Graph casing', () => {
    const a = norm(
      policy({
        conditions: {
          clientAppTypes: ['Other', 'exchangeActiveSync'],
          applications: { includeApplications: ['all'] },
          users: { includeUsers: ['all'] },
          platforms: { includePlatforms: ['IOS', 'android'] },
          signInRiskLevels: ['High', 'medium'],
        },
        grantControls: { operator: 'or', builtInControls: ['DomainJoinedDevice', 'compliantDevice'] },
      }),
    );
    expect(a).toEqual({
      displayName: 'P',
      state: 'enabled',
      conditions: {
        clientAppTypes: ['exchangeActiveSync', 'other'],
        applications: { includeApplications: ['All'] },
        users: { includeUsers: ['All'] },
        platforms: { includePlatforms: ['android', 'iOS'] },
        signInRiskLevels: ['high', 'medium'],
      },
      grantControls: { operator: 'OR', builtInControls: ['compliantDevice', 'domainJoinedDevice'] },
    });
  });

  test('null, [], {} and absent are the same; false is kept', () => {
    const written = policy({
      description: null,
      sessionControls: { disableResilienceDefaults: null, persistentBrowser: null, applicationEnforcedRestrictions: { isEnabled: false } },
      conditions: {
        clientAppTypes: ['all'],
        applications: { includeApplications: ['All'], excludeApplications: [], applicationFilter: null },
        users: { includeUsers: ['All'], excludeUsers: null, excludeGroups: [] },
        platforms: null,
        locations: {},
        userRiskLevels: [],
      },
      grantControls: { operator: 'OR', builtInControls: ['mfa'], termsOfUse: [], customAuthenticationFactors: null, authenticationStrength: null },
    });
    const n = norm(written);
    expect(n['description']).toBeUndefined();
    expect(n['sessionControls']).toEqual({ applicationEnforcedRestrictions: { isEnabled: false } });
    expect(n['conditions']).toEqual({ clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] } });
    expect(n['grantControls']).toEqual({ operator: 'OR', builtInControls: ['mfa'] });
  });

  test('grantControls holding only an operator is no grant control at all', () => {
    const a = norm(policy({ grantControls: { operator: 'OR', builtInControls: [], termsOfUse: [], authenticationStrength: null }, sessionControls: { persistentBrowser: { isEnabled: true, mode: 'never' } } }));
    const b = norm(policy({ grantControls: null, sessionControls: { persistentBrowser: { isEnabled: true, mode: 'Never' } } }));
    expect(a).toEqual(b);
    expect(a['grantControls']).toBeUndefined();
  });

  test('disableResilienceDefaults false is the same as absent', () => {
    expect(norm(policy({ sessionControls: { disableResilienceDefaults: false } }))['sessionControls']).toBeUndefined();
    expect(norm(policy({ sessionControls: { disableResilienceDefaults: true } }))['sessionControls']).toEqual({ disableResilienceDefaults: true });
  });

  test('flags strings: Graph casing and enum order, whatever order was written', () => {
    const guests = (types: string): JsonObject =>
      policy({}, { includeGuestsOrExternalUsers: { guestOrExternalUserTypes: types, externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' } } });
    const a = norm(guests('serviceProvider, InternalGuest,b2bCollaborationGuest'));
    const b = norm(guests('internalGuest,b2bCollaborationGuest,serviceProvider'));
    expect(a).toEqual(b);
    const users = (a['conditions'] as JsonObject)['users'] as JsonObject;
    expect((users['includeGuestsOrExternalUsers'] as JsonObject)['guestOrExternalUserTypes']).toBe('internalGuest,b2bCollaborationGuest,serviceProvider');
    const flows = norm(policy({ conditions: { ...(policy()['conditions'] as JsonObject), authenticationFlows: { transferMethods: 'authenticationTransfer,deviceCodeFlow' }, insiderRiskLevels: 'Elevated,minor' } }));
    expect(((flows['conditions'] as JsonObject)['authenticationFlows'] as JsonObject)['transferMethods']).toBe('deviceCodeFlow,authenticationTransfer');
    expect((flows['conditions'] as JsonObject)['insiderRiskLevels']).toBe('minor,elevated');
  });

  test('externalTenants: @odata.type and membershipKind complete each other', () => {
    const a = norm(policy({}, { includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'internalGuest', externalTenants: { membershipKind: 'All' } } }));
    const b = norm(policy({}, { includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'internalGuest', externalTenants: { '@odata.type': 'microsoft.graph.conditionalAccessAllExternalTenants' } } }));
    expect(a).toEqual(b);
    const users = (a['conditions'] as JsonObject)['users'] as JsonObject;
    expect((users['includeGuestsOrExternalUsers'] as JsonObject)['externalTenants']).toEqual({ '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' });
  });

  test('enum casing: state, operator, session controls, keywords', () => {
    const a = norm(
      policy({
        state: 'EnabledForReportingButNotEnforced',
        conditions: { clientAppTypes: ['ALL'], applications: { includeApplications: ['office365'] }, users: { includeUsers: ['ALL'], excludeUsers: ['guestsorexternalusers'] }, locations: { includeLocations: ['all'], excludeLocations: ['alltrusted'] } },
        sessionControls: { signInFrequency: { isEnabled: true, type: 'Hours', value: 4, frequencyInterval: 'TimeBased', authenticationType: 'PrimaryAndSecondaryAuthentication' } },
      }),
    );
    expect(a['state']).toBe('enabledForReportingButNotEnforced');
    expect(a['conditions']).toEqual({
      clientAppTypes: ['all'],
      applications: { includeApplications: ['Office365'] },
      users: { includeUsers: ['All'], excludeUsers: ['GuestsOrExternalUsers'] },
      locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
    });
    expect((a['sessionControls'] as JsonObject)['signInFrequency']).toEqual({ isEnabled: true, type: 'hours', value: 4, frequencyInterval: 'timeBased', authenticationType: 'primaryAndSecondaryAuthentication' });
  });

  test("Graph's defaults: clientAppTypes, signInFrequency; never a state", () => {
    const written = policy({ state: undefined as unknown as string, sessionControls: { signInFrequency: { isEnabled: true, type: 'days', value: 1 } } });
    delete written['state'];
    delete (written['conditions'] as JsonObject)['clientAppTypes'];
    const n = norm(written);
    // A missing state is a schema error; normalization never reads it as "enabled".
    expect(n['state']).toBeUndefined();
    expect(toGraphBody('policy', written)['state']).toBeUndefined();
    expect((n['conditions'] as JsonObject)['clientAppTypes']).toEqual(['all']);
    expect((n['sessionControls'] as JsonObject)['signInFrequency']).toEqual({
      isEnabled: true, type: 'days', value: 1, frequencyInterval: 'timeBased', authenticationType: 'primaryAndSecondaryAuthentication',
    });
  });

  test('the expanded authentication strength compares by id only', () => {
    const expanded = policy({
      grantControls: {
        operator: 'OR',
        builtInControls: [],
        'authenticationStrength@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#…',
        authenticationStrength: {
          id: '00000000-0000-0000-0000-000000000004', displayName: 'Phishing-resistant MFA', policyType: 'builtIn', requirementsSatisfied: 'mfa',
          allowedCombinations: ['fido2'], combinationConfigurations: [], createdDateTime: '2021-12-01T00:00:00Z',
        },
      },
    });
    const written = policy({ grantControls: { operator: 'OR', authenticationStrength: { id: '00000000-0000-0000-0000-000000000004' } } });
    expect(norm(expanded)).toEqual(norm(written));
    expect(norm(expanded)['grantControls']).toEqual({ operator: 'OR', authenticationStrength: { id: '00000000-0000-0000-0000-000000000004' } });
  });

  test('server fields and annotations are dropped', () => {
    const n = norm({
      ...policy(),
      id: G1, createdDateTime: 'x', modifiedDateTime: null, templateId: null, deletedDateTime: null, partialEnablementStrategy: null,
      '@odata.context': 'https://…', '@odata.type': '#microsoft.graph.conditionalAccessPolicy', '#microsoft.graph.restore': { title: 'restore' },
    });
    expect(Object.keys(n).sort()).toEqual(['conditions', 'displayName', 'grantControls', 'state']);
  });

  test('beta-only properties are dropped under v1.0 and kept under beta', () => {
    const doc = policy({ sessionControls: { continuousAccessEvaluation: { mode: 'strictEnforcement' } } });
    (doc['conditions'] as JsonObject)['deviceStates'] = { includeStates: ['All'] };
    expect(norm(doc)['sessionControls']).toBeUndefined();
    expect((norm(doc)['conditions'] as JsonObject)['deviceStates']).toBeUndefined();
    expect(norm(doc, BETA)['sessionControls']).toEqual({ continuousAccessEvaluation: { mode: 'strictEnforcement' } });
    expect(betaOnlyProperties('policy', doc)).toEqual(['/conditions/deviceStates', '/sessionControls/continuousAccessEvaluation']);
    expect(betaOnlyProperties('policy', policy({ sessionControls: { continuousAccessEvaluation: null } }))).toEqual([]);
  });

  test('the canonical form has sorted keys, so equal documents serialize identically', () => {
    const a = norm({ state: 'enabled', displayName: 'P', grantControls: { builtInControls: ['mfa'], operator: 'OR' }, conditions: policy()['conditions']! });
    expect(canonicalJson(a)).toBe(JSON.stringify(a));
    expect(JSON.stringify(a)).toBe(JSON.stringify(norm(policy())));
  });

  test('unknown properties are kept (normalized recursively), arrays of unknown meaning keep their order', () => {
    const n = norm(policy({ futureThing: { list: ['b', 'a'], empty: [], flag: false } }));
    expect(n['futureThing']).toEqual({ list: ['b', 'a'], flag: false });
  });
});

describe('normalizeDocument: named locations and strengths', () => {
  test('ip ranges sorted by address, @odata.type inferred, isTrusted defaults to false', () => {
    const a = normalizeDocument('namedLocation', {
      '@odata.type': '#microsoft.graph.ipNamedLocation',
      displayName: 'Office',
      ipRanges: [{ cidrAddress: '2001:DB8::/48' }, { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/24' }],
    }, V1);
    const b = normalizeDocument('namedLocation', {
      '@odata.type': '#microsoft.graph.ipNamedLocation', id: G1, createdDateTime: 'x', modifiedDateTime: 'y',
      displayName: 'Office', isTrusted: false,
      ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/24' }, { '@odata.type': '#microsoft.graph.iPv6CidrRange', cidrAddress: '2001:db8::/48' }],
    }, V1);
    expect(a).toEqual(b);
    expect(a).toEqual({
      '@odata.type': '#microsoft.graph.ipNamedLocation',
      displayName: 'Office',
      isTrusted: false,
      ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/24' }, { '@odata.type': '#microsoft.graph.iPv6CidrRange', cidrAddress: '2001:db8::/48' }],
    });
  });

  test('countries sorted, upper case; lookup method and unknown countries defaulted', () => {
    const a = normalizeDocument('namedLocation', { '@odata.type': '#microsoft.graph.countryNamedLocation', displayName: 'C', countriesAndRegions: ['kp', 'IR', 'KP'] }, V1);
    expect(a).toEqual({
      '@odata.type': '#microsoft.graph.countryNamedLocation',
      displayName: 'C',
      countriesAndRegions: ['IR', 'KP'],
      includeUnknownCountriesAndRegions: false,
      countryLookupMethod: 'clientIpAddress',
    });
    expect(a['isTrusted']).toBeUndefined();
  });

  test('strengths: combinations sorted, each in method order; server fields dropped', () => {
    const a = normalizeDocument('authenticationStrength', {
      id: G1, displayName: 'S', description: null, policyType: 'custom', requirementsSatisfied: 'mfa', combinationConfigurations: [],
      allowedCombinations: ['windowsHelloForBusiness', 'SMS, password', 'fido2'],
    }, V1);
    expect(a).toEqual({ displayName: 'S', allowedCombinations: ['fido2', 'password,sms', 'windowsHelloForBusiness'] });
  });
});

/** Graph's PATCH semantics: objects merge recursively, arrays and scalars replace, null clears. */
function mergePatch(stored: JsonObject, body: JsonObject): JsonObject {
  const out: JsonObject = structuredClone(stored);
  for (const [key, value] of Object.entries(body)) {
    const current = out[key];
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && current !== null && typeof current === 'object' && !Array.isArray(current)) {
      out[key] = mergePatch(current, value);
    } else out[key] = structuredClone(value);
  }
  return out;
}

describe('toGraphBody', () => {
  test('a complete policy body: every array present, clearable values null, server fields gone', () => {
    const body = toGraphBody('policy', {
      id: G1,
      displayName: 'P',
      state: 'enabled',
      conditions: { applications: { includeApplications: ['all'] }, users: { includeUsers: ['All'], excludeGroups: [] }, locations: { includeLocations: ['All'] } },
      grantControls: { operator: 'OR', builtInControls: ['mfa'], 'authenticationStrength@odata.context': 'x' },
    });
    expect(body).toEqual({
      displayName: 'P',
      description: null,
      state: 'enabled',
      conditions: {
        clientAppTypes: ['all'],
        userRiskLevels: [],
        signInRiskLevels: [],
        servicePrincipalRiskLevels: [],
        applications: { includeApplications: ['All'], excludeApplications: [], includeUserActions: [], includeAuthenticationContextClassReferences: [], applicationFilter: null },
        users: {
          includeUsers: ['All'], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [],
          includeGuestsOrExternalUsers: null, excludeGuestsOrExternalUsers: null,
        },
        locations: { includeLocations: ['All'], excludeLocations: [] },
        insiderRiskLevels: null,
        clientApplications: null,
        platforms: null,
        devices: null,
        authenticationFlows: null,
      },
      grantControls: { operator: 'OR', builtInControls: ['mfa'], customAuthenticationFactors: [], termsOfUse: [], authenticationStrength: null },
      sessionControls: null,
    });
  });

  test('an emptied exclusion is sent as []; an expanded strength as {id}; beta-only dropped under v1.0', () => {
    const body = toGraphBody('policy', {
      ...policy({}, { includeUsers: ['All'], excludeUsers: null }),
      grantControls: { operator: 'OR', authenticationStrength: { id: G2, displayName: 'x', policyType: 'custom' } },
      sessionControls: { continuousAccessEvaluation: { mode: 'disabled' } },
    });
    expect(((body['conditions'] as JsonObject)['users'] as JsonObject)['excludeUsers']).toEqual([]);
    expect((body['grantControls'] as JsonObject)['authenticationStrength']).toEqual({ id: G2 });
    expect(body['sessionControls']).toBeNull();
    expect(toGraphBody('policy', { ...policy(), sessionControls: { continuousAccessEvaluation: { mode: 'disabled' } } }, BETA)['sessionControls']).toEqual({
      continuousAccessEvaluation: { mode: 'disabled' },
      globalSecureAccessFilteringProfile: null,
      applicationEnforcedRestrictions: null,
      cloudAppSecurity: null,
      disableResilienceDefaults: null,
      persistentBrowser: null,
      secureSignInSession: null,
      signInFrequency: null,
    });
  });

  test('an update body clears, with null at the highest absent level, every nested object the file removed', () => {
    const stored: JsonObject = {
      id: G1,
      displayName: 'P',
      state: 'enabled',
      conditions: {
        clientAppTypes: ['all'],
        applications: { includeApplications: ['All'], applicationFilter: { mode: 'exclude', rule: 'x' } },
        users: { includeUsers: ['All'], includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'internalGuest', externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' } } },
        platforms: { includePlatforms: ['android'], excludePlatforms: [] },
        locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
        devices: { deviceFilter: { mode: 'include', rule: 'device.isCompliant -eq True' } },
        insiderRiskLevels: 'elevated',
        authenticationFlows: { transferMethods: 'deviceCodeFlow' },
      },
      grantControls: { operator: 'OR', authenticationStrength: { id: G2 } },
      sessionControls: { signInFrequency: { isEnabled: true, value: 4, type: 'hours' }, persistentBrowser: { isEnabled: true, mode: 'never' }, disableResilienceDefaults: true },
    };
    const desired: JsonObject = {
      displayName: 'P',
      state: 'enabled',
      conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] } },
      grantControls: { operator: 'OR', builtInControls: ['mfa'] },
      sessionControls: { persistentBrowser: { isEnabled: true, mode: 'never' } },
    };
    const body = toGraphBody('policy', desired);
    const conditions = body['conditions'] as JsonObject;
    for (const key of ['platforms', 'locations', 'devices', 'insiderRiskLevels', 'authenticationFlows']) expect(conditions[key]).toBeNull();
    expect((conditions['users'] as JsonObject)['includeGuestsOrExternalUsers']).toBeNull();
    expect((conditions['applications'] as JsonObject)['applicationFilter']).toBeNull();
    expect((body['grantControls'] as JsonObject)['authenticationStrength']).toBeNull();
    expect((body['sessionControls'] as JsonObject)['signInFrequency']).toBeNull();
    expect((body['sessionControls'] as JsonObject)['disableResilienceDefaults']).toBeNull();
    // Graph's PATCH, as its reference describes it: the stored object, then the body merged in.
    expect(normalizeDocument('policy', mergePatch(stored, body), V1)).toEqual(normalizeDocument('policy', desired, V1));
    // A body without the nulls (the old one) would leave the removed conditions in place.
    const withoutNulls = JSON.parse(JSON.stringify(body, (_k, v: unknown) => (v === null ? undefined : v))) as JsonObject;
    expect(normalizeDocument('policy', mergePatch(stored, withoutNulls), V1)).not.toEqual(normalizeDocument('policy', desired, V1));
  });

  test('a whole object removed is one null, not an object of nulls; beta-only objects never named under v1.0', () => {
    const body = toGraphBody('policy', policy());
    expect(body['sessionControls']).toBeNull();
    expect(JSON.stringify(body)).not.toMatch(/continuousAccessEvaluation|globalSecureAccessFilteringProfile|agentIdServicePrincipalFilter/);
    const withSession = toGraphBody('policy', { ...policy(), sessionControls: { signInFrequency: { isEnabled: true, frequencyInterval: 'everyTime', authenticationType: 'primaryAndSecondaryAuthentication' } } });
    expect(JSON.stringify(withSession)).not.toMatch(/continuousAccessEvaluation/);
  });

  test('named locations keep @odata.type on the location and its ranges; country fields only on country locations', () => {
    const ip = toGraphBody('namedLocation', { '@odata.type': '#microsoft.graph.ipNamedLocation', id: G1, displayName: 'Office', ipRanges: [{ cidrAddress: '192.0.2.0/24' }] });
    expect(ip).toEqual({ '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'Office', isTrusted: false, ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '192.0.2.0/24' }] });
    const country = toGraphBody('namedLocation', { '@odata.type': '#microsoft.graph.countryNamedLocation', displayName: 'C', countriesAndRegions: ['FR'] });
    expect(country).toEqual({ '@odata.type': '#microsoft.graph.countryNamedLocation', displayName: 'C', countriesAndRegions: ['FR'], includeUnknownCountriesAndRegions: false, countryLookupMethod: 'clientIpAddress' });
  });

  test('strengths: description clearable, server fields gone', () => {
    expect(toGraphBody('authenticationStrength', { id: G1, displayName: 'S', policyType: 'custom', allowedCombinations: ['fido2'] })).toEqual({
      displayName: 'S',
      description: null,
      allowedCombinations: ['fido2'],
      combinationConfigurations: [],
    });
  });

  test('strength combinationConfigurations: ids dropped, each type with its own lists; canonical sets in any order and case', () => {
    const AAGUID_A = 'CB69481E-8FF7-4039-93EC-0A2729A154A8';
    const AAGUID_B = 'ee882879-721c-4913-9775-3dfcce97072a';
    const desired: JsonObject = {
      displayName: 'S',
      allowedCombinations: ['fido2', 'x509CertificateMultiFactor'],
      combinationConfigurations: [
        { '@odata.type': '#microsoft.graph.fido2CombinationConfiguration', appliesToCombinations: ['fido2'], allowedAAGUIDs: [AAGUID_A, AAGUID_B] },
        { '@odata.type': '#microsoft.graph.x509CertificateCombinationConfiguration', appliesToCombinations: ['x509CertificateMultiFactor'], allowedIssuerSkis: ['AB12'] },
      ],
    };
    const body = toGraphBody('authenticationStrength', desired);
    expect(body['combinationConfigurations']).toEqual([
      { '@odata.type': '#microsoft.graph.fido2CombinationConfiguration', appliesToCombinations: ['fido2'], allowedAAGUIDs: [AAGUID_A.toLowerCase(), AAGUID_B] },
      { '@odata.type': '#microsoft.graph.x509CertificateCombinationConfiguration', appliesToCombinations: ['x509CertificateMultiFactor'], allowedIssuerSkis: ['AB12'], allowedPolicyOIDs: [] },
    ]);
    // As Graph answers it: ids, another order, AAGUIDs in lower case, empty lists.
    const live: JsonObject & { combinationConfigurations: JsonObject[] } = {
      id: G1,
      displayName: 'S',
      allowedCombinations: ['x509CertificateMultiFactor', 'fido2'],
      'combinationConfigurations@odata.context': 'x',
      combinationConfigurations: [
        { '@odata.type': '#microsoft.graph.x509CertificateCombinationConfiguration', id: 'c2', appliesToCombinations: ['x509CertificateMultiFactor'], allowedIssuerSkis: ['AB12'], allowedPolicyOIDs: [] },
        { '@odata.type': '#microsoft.graph.fido2CombinationConfiguration', id: 'c1', appliesToCombinations: ['fido2'], allowedAAGUIDs: [AAGUID_B, AAGUID_A.toLowerCase()] },
      ],
    };
    expect(normalizeDocument('authenticationStrength', live, V1)).toEqual(normalizeDocument('authenticationStrength', desired, V1));
    // Loosening the allow-list is a change (it used to be dropped, and planned as "No changes").
    const loosened = structuredClone(live);
    (loosened.combinationConfigurations[1]!.allowedAAGUIDs as string[]).push('00000000-0000-0000-0000-00000000000a');
    expect(normalizeDocument('authenticationStrength', loosened, V1)).not.toEqual(normalizeDocument('authenticationStrength', desired, V1));
  });
});

describe('the property table', () => {
  test('every rule pointer is a shape pointer (arrays as *) under a known kind', () => {
    for (const table of Object.values(PROPERTY_RULES)) {
      for (const pointer of table.keys()) expect(pointer).toMatch(/^(\/[^/]+)+$/);
    }
    expect(PROPERTY_RULES.policy.get('/conditions/users/excludeGroups')).toEqual({ type: 'set', ids: true, keywords: [] });
  });
});

describe('both guest forms (Graph GET answers the keyword and the object)', () => {
  const GUESTS = { guestOrExternalUserTypes: 'internalGuest,b2bCollaborationGuest', externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' } };
  const both = (): JsonObject =>
    policy({}, { includeUsers: ['All'], excludeUsers: ['GuestsOrExternalUsers', G1], excludeGuestsOrExternalUsers: GUESTS, includeGuestsOrExternalUsers: null });
  const objectOnly = (): JsonObject => policy({}, { includeUsers: ['All'], excludeUsers: [G1], excludeGuestsOrExternalUsers: GUESTS });

  test('the canonical form keeps the object and drops the keyword: no drift against a file in the object form', () => {
    expect(canonicalJson(norm(both()))).toBe(canonicalJson(norm(objectOnly())));
    expect(((norm(both())['conditions'] as JsonObject)['users'] as JsonObject)['excludeUsers']).toEqual([G1]);
  });

  test('a request body never carries both (Graph answers 1037 to that)', () => {
    const users = (toGraphBody('policy', both())['conditions'] as JsonObject)['users'] as JsonObject;
    expect(users['excludeUsers']).toEqual([G1]);
    expect(users['excludeGuestsOrExternalUsers']).toMatchObject({ guestOrExternalUserTypes: 'internalGuest,b2bCollaborationGuest' });
  });

  test('the keyword alone stays (it is the legacy form of "all guests"), in any case; the input is not changed', () => {
    const keywordOnly = policy({}, { includeUsers: ['guestsOrExternalUsers'], excludeGuestsOrExternalUsers: null });
    expect(((norm(keywordOnly)['conditions'] as JsonObject)['users'] as JsonObject)['includeUsers']).toEqual(['GuestsOrExternalUsers']);
    const input = both();
    const copy = structuredClone(input);
    toGraphBody('policy', input);
    normalizeDocument('policy', input, V1);
    expect(input).toEqual(copy);
  });

  test('the keyword goes on the side whose object is present only', () => {
    const mixed = policy({}, { includeUsers: ['GuestsOrExternalUsers'], excludeUsers: ['GuestsOrExternalUsers'], excludeGuestsOrExternalUsers: GUESTS });
    const users = (toGraphBody('policy', mixed)['conditions'] as JsonObject)['users'] as JsonObject;
    expect(users['includeUsers']).toEqual(['GuestsOrExternalUsers']);
    expect(users['excludeUsers']).toEqual([]);
  });
});

describe('the MFA Trusted IPs location id', () => {
  const MFA_TRUSTED_IPS = '00000000-0000-0000-0000-000000000000';
  test('is kept in the canonical form and in bodies, like any location id', () => {
    const p = policy({ conditions: { applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] }, locations: { includeLocations: ['All'], excludeLocations: [MFA_TRUSTED_IPS] } } });
    expect(((norm(p)['conditions'] as JsonObject)['locations'] as JsonObject)['excludeLocations']).toEqual([MFA_TRUSTED_IPS]);
    expect(((toGraphBody('policy', p)['conditions'] as JsonObject)['locations'] as JsonObject)['excludeLocations']).toEqual([MFA_TRUSTED_IPS]);
  });
});

describe('beta-only conditions that exports write (signInRiskDetections, clients, times)', () => {
  test('are dropped under v1.0, kept under beta', () => {
    const p = policy({ conditions: { applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] }, signInRiskDetections: { includeDetections: ['x'] }, clients: null, times: null } });
    const v1 = norm(p)['conditions'] as JsonObject;
    for (const key of ['signInRiskDetections', 'clients', 'times']) expect(v1).not.toHaveProperty(key);
    expect(toGraphBody('policy', p)['conditions']).not.toHaveProperty('signInRiskDetections');
    expect(norm(p, BETA)['conditions']).toHaveProperty('signInRiskDetections');
  });
});
