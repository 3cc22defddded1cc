/**
 * graph-rule: the combinations Graph rejects on create or update, each with a case that fires and
 * a case that does not, checked at the file and line of the offending property.
 */
import { basePolicy, byRule, dump, lineOf, merge, pretty, removeTempDirs, shown, validate, type Patch } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

const FILE = 'policies/p.json';
const STRENGTH = { id: '00000000-0000-0000-0000-000000000004' };

function graphRule(patch: Patch) {
  const policy = merge(basePolicy(), patch);
  const text = pretty(policy);
  const result = validate({ [FILE]: text });
  return { text, hits: byRule(result.findings, 'graph-rule'), all: result.findings };
}

function expectNone(patch: Patch): void {
  const { hits } = graphRule(patch);
  expect(dump(hits)).toBe('');
}

function expectOne(patch: Patch, path: string, message: RegExp, needle?: string) {
  const { text, hits } = graphRule(patch);
  expect(hits).toHaveLength(1);
  const hit = hits[0]!;
  expect(hit).toMatchObject({ rule: 'graph-rule', severity: 'error', file: shown(FILE), path });
  expect(hit.message).toMatch(message);
  if (needle) expect(hit.line).toBe(lineOf(text, needle));
  return hit;
}

test('the base policy passes', () => {
  expectNone({});
});

describe('empty clientAppTypes', () => {
  test('[] is rejected', () => {
    expectOne({ conditions: { clientAppTypes: [] } }, '/conditions/clientAppTypes', /clientAppTypes is empty: Graph rejects it \(error 1064\); write \["all"\]/, '"clientAppTypes"');
  });
  test('absent or ["all"] or a subset is fine', () => {
    expectNone({ conditions: { clientAppTypes: undefined } });
    expectNone({ conditions: { clientAppTypes: ['browser', 'mobileAppsAndDesktopClients'] } });
  });
});

describe('passwordChange', () => {
  const valid: Patch = {
    conditions: { userRiskLevels: ['high'] },
    grantControls: { operator: 'AND', builtInControls: ['mfa', 'passwordChange'] },
  };

  test('a valid passwordChange policy (mfa + passwordChange, AND, userRiskLevels, All apps) passes', () => {
    expectNone(valid);
  });

  test('an authentication strength stands in for mfa', () => {
    expectNone(merge(valid as never, { grantControls: { builtInControls: ['passwordChange'], authenticationStrength: { id: 'authStrength:Multifactor authentication' } } }));
  });

  test('without mfa', () => {
    expectOne(merge(valid as never, { grantControls: { builtInControls: ['passwordChange'] } }), '/grantControls/builtInControls', /^passwordChange requires "mfa" \(or an authentication strength\) in the grant: Graph rejects it otherwise$/, '"builtInControls"');
  });

  test('with OR', () => {
    expectOne(merge(valid as never, { grantControls: { operator: 'OR' } }), '/grantControls/builtInControls', /^passwordChange requires operator "AND":/);
  });

  test('without userRiskLevels', () => {
    expectOne(merge(valid as never, { conditions: { userRiskLevels: [] } }), '/grantControls/builtInControls', /^passwordChange requires conditions\.userRiskLevels:/);
  });

  test('on some apps only', () => {
    expectOne(merge(valid as never, { conditions: { applications: { includeApplications: ['Office365'] } } }), '/grantControls/builtInControls', /^passwordChange requires includeApplications \["All"\]:/);
  });

  test('everything missing is one finding naming all four', () => {
    const hit = expectOne({ grantControls: { operator: 'OR', builtInControls: ['passwordChange'] }, conditions: { applications: { includeApplications: ['Office365'] } } }, '/grantControls/builtInControls', /passwordChange requires/);
    expect(hit.message).toBe('passwordChange requires "mfa" (or an authentication strength) in the grant, operator "AND", conditions.userRiskLevels, includeApplications ["All"]: Graph rejects it otherwise');
  });
});

describe('riskRemediation', () => {
  test('with an authentication strength and AND: passes', () => {
    expectNone({ conditions: { userRiskLevels: ['high'] }, grantControls: { operator: 'AND', builtInControls: ['riskRemediation'], authenticationStrength: STRENGTH } });
  });
  test('without a strength, with OR', () => {
    expectOne(
      { grantControls: { operator: 'OR', builtInControls: ['riskRemediation'] } },
      '/grantControls/builtInControls',
      /^riskRemediation requires an authentication strength and operator "AND": Graph rejects it otherwise$/,
      '"builtInControls"',
    );
  });
});

describe('GuestsOrExternalUsers twice (as Graph\'s GET answers): a warning, caac keeps the object form', () => {
  const object = { guestOrExternalUserTypes: 'b2bCollaborationGuest', externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' } };
  function expectWarning(patch: Patch, path: string, message: RegExp, needle: string): void {
    const { text, hits, all } = graphRule(patch);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ rule: 'graph-rule', severity: 'warning', file: shown(FILE), path, line: lineOf(text, needle) });
    expect(hits[0]!.message).toMatch(message);
    expect(dump(all.filter((f) => f.severity === 'error'))).toBe('');
  }
  test('in includeUsers and includeGuestsOrExternalUsers', () => {
    expectWarning(
      { conditions: { users: { includeUsers: ['GuestsOrExternalUsers'], includeGuestsOrExternalUsers: object } } },
      '/conditions/users/includeUsers/0',
      /"GuestsOrExternalUsers" in includeUsers repeats includeGuestsOrExternalUsers .*caac keeps the object form.* drops the string before comparing and writing; delete the string from the file$/,
      '"GuestsOrExternalUsers"',
    );
  });
  test('in excludeUsers and excludeGuestsOrExternalUsers, any case, beside other ids', () => {
    expectWarning(
      { conditions: { users: { excludeUsers: ['user:a@contoso.com', 'guestsorexternalusers'], excludeGuestsOrExternalUsers: object } } },
      '/conditions/users/excludeUsers/1',
      /in excludeUsers repeats excludeGuestsOrExternalUsers/,
      '"guestsorexternalusers"',
    );
  });
  test('either form alone passes', () => {
    expectNone({ conditions: { users: { includeUsers: ['GuestsOrExternalUsers'] } } });
    expectNone({ conditions: { users: { includeUsers: [], includeGuestsOrExternalUsers: object } } });
    expectNone({ conditions: { users: { includeUsers: ['GuestsOrExternalUsers'], includeGuestsOrExternalUsers: null } } });
  });
});

describe('externalTenants without guest types', () => {
  const tenants = { '@odata.type': '#microsoft.graph.conditionalAccessEnumeratedExternalTenants', membershipKind: 'enumerated', members: ['72f988bf-86f1-41af-91ab-2d7cd011db47'] };
  test('types missing, or "none"', () => {
    expectOne({ conditions: { users: { includeUsers: [], includeGuestsOrExternalUsers: { externalTenants: tenants } } } }, '/conditions/users/includeGuestsOrExternalUsers/guestOrExternalUserTypes', /externalTenants needs guestOrExternalUserTypes set/, '"includeGuestsOrExternalUsers"');
    expectOne({ conditions: { users: { excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'none', externalTenants: tenants } } } }, '/conditions/users/excludeGuestsOrExternalUsers/guestOrExternalUserTypes', /externalTenants needs guestOrExternalUserTypes/);
  });
  test('types set passes', () => {
    expectNone({ conditions: { users: { includeUsers: [], includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'b2bCollaborationGuest,b2bCollaborationMember', externalTenants: tenants } } } });
  });
});

describe('signInFrequency everyTime', () => {
  test('with a value and type', () => {
    expectOne(
      { sessionControls: { signInFrequency: { isEnabled: true, frequencyInterval: 'everyTime', value: 1, type: 'hours' } } },
      '/sessionControls/signInFrequency',
      /^signInFrequency with frequencyInterval "everyTime" must leave type and value null/,
      '"signInFrequency"',
    );
  });
  test('with nulls, and timeBased with a value, pass', () => {
    expectNone({ sessionControls: { signInFrequency: { isEnabled: true, frequencyInterval: 'everyTime', value: null, type: null, authenticationType: 'primaryAndSecondaryAuthentication' } } });
    expectNone({ sessionControls: { signInFrequency: { isEnabled: true, frequencyInterval: 'timeBased', value: 4, type: 'hours' } } });
  });
});

describe('block with other controls', () => {
  test('block + mfa', () => {
    expectOne({ grantControls: { builtInControls: ['block', 'mfa'] } }, '/grantControls/builtInControls', /^"block" cannot be combined with other grant controls \(mfa\)/, '"builtInControls"');
  });
  test('block + an authentication strength', () => {
    expectOne({ grantControls: { builtInControls: ['block'], authenticationStrength: STRENGTH } }, '/grantControls/builtInControls', /\(authenticationStrength\)/);
  });
  test('block + terms of use', () => {
    expectOne({ grantControls: { builtInControls: ['block'], termsOfUse: ['5f9c3bd7-8f3c-4c4f-9a4b-2c7f0b1d2e3f'] } }, '/grantControls/builtInControls', /\(termsOfUse\)/);
  });
  test('block alone passes', () => {
    expectNone({ grantControls: { builtInControls: ['block'] } });
  });
});

describe('an authentication strength with mfa', () => {
  test('is rejected', () => {
    expectOne({ grantControls: { builtInControls: ['mfa'], authenticationStrength: STRENGTH } }, '/grantControls/builtInControls', /an authentication strength cannot be combined with "mfa"/);
  });
  test('a strength alone passes', () => {
    expectNone({ grantControls: { builtInControls: [], authenticationStrength: STRENGTH } });
  });
});

describe('nobody targeted', () => {
  test('conditions.users empty and no workload identities', () => {
    expectOne({ conditions: { users: { includeUsers: [], excludeGroups: [] } } }, '/conditions/users', /targets neither users .* nor workload identities/, '"users"');
  });
  test('no users object at all: at the nearest ancestor', () => {
    const hit = expectOne({ conditions: { users: undefined } }, '/conditions/users', /targets neither users/, '"conditions"');
    expect(hit.column).toBe(3);
  });
  test('includeUsers ["None"], a group, a role, guests, or workload identities pass', () => {
    expectNone({ conditions: { users: { includeUsers: ['None'] } } });
    expectNone({ conditions: { users: { includeUsers: [], includeGroups: ['group:Finance'] } } });
    expectNone({ conditions: { users: { includeUsers: [], includeRoles: ['62e90394-69f5-4237-9190-012177145e10'] } } });
    expectNone({ conditions: { users: { includeUsers: [], includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'internalGuest' } } } });
    expectNone({ conditions: { users: null, clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'] } }, grantControls: { builtInControls: ['block'] } });
  });
  test('a policy without conditions is left to the schema', () => {
    const { hits, all } = graphRule({ conditions: undefined });
    expect(hits.filter((h) => h.path === '/conditions/users')).toEqual([]);
    expect(byRule(all, 'schema').map((f) => f.message)).toContain('the document is missing the required property "conditions"');
  });
});

describe('applications that include nothing', () => {
  test('an empty applications object', () => {
    const { hits, text } = graphRule({ conditions: { applications: { includeApplications: [], excludeApplications: ['Office365'] } } });
    expect(hits.map((h) => [h.path, h.line])).toEqual([['/conditions/applications', lineOf(text, '"applications"')]]);
    expect(hits[0]!.message).toMatch(/conditions\.applications includes nothing/);
  });
  test('user actions or authentication contexts count', () => {
    expectNone({ conditions: { applications: { includeApplications: [], includeUserActions: ['urn:user:registersecurityinfo'] } } });
    expectNone({ conditions: { applications: { includeApplications: [], includeAuthenticationContextClassReferences: ['c1'] } } });
  });
});

describe('no controls', () => {
  test('neither grant nor session controls', () => {
    expectOne({ grantControls: undefined }, '/grantControls', /has no grant control and no session control/);
    expectOne({ grantControls: { operator: 'OR', builtInControls: [] } }, '/grantControls', /no grant control and no session control/, '"grantControls"');
  });
  test('session controls that are all null or disabled do not count', () => {
    expectOne({ grantControls: null, sessionControls: { signInFrequency: null, persistentBrowser: { isEnabled: false, mode: 'never' }, disableResilienceDefaults: false } }, '/grantControls', /no grant control/);
  });
  test('a policy with only session controls passes', () => {
    expectNone({ grantControls: undefined, sessionControls: { signInFrequency: { isEnabled: true, value: 12, type: 'hours', frequencyInterval: 'timeBased' } } });
    expectNone({ grantControls: null, sessionControls: { applicationEnforcedRestrictions: { isEnabled: true } } });
    expectNone({ grantControls: null, sessionControls: { disableResilienceDefaults: true } });
  });
  test('terms of use or a custom factor alone count as grant controls', () => {
    expectNone({ grantControls: { operator: 'OR', builtInControls: [], termsOfUse: ['5f9c3bd7-8f3c-4c4f-9a4b-2c7f0b1d2e3f'] } });
  });
});

test('named locations and authentication strengths are not checked as policies', () => {
  const result = validate({
    'named-locations/a.json': { '@odata.type': '#microsoft.graph.countryNamedLocation', displayName: 'a', countriesAndRegions: ['NL'] },
    'authentication-strengths/s.json': { displayName: 's', allowedCombinations: ['fido2'] },
  });
  expect(byRule(result.findings, 'graph-rule')).toEqual([]);
});

test('several problems in one policy are several findings, and documents of any shape do not crash', () => {
  const result = validate({
    'policies/many.json': merge(basePolicy(), { conditions: { clientAppTypes: [] }, grantControls: { builtInControls: ['block', 'mfa'], authenticationStrength: STRENGTH } }),
    'policies/odd.json': { displayName: 'odd', conditions: { users: 'All', applications: [] }, grantControls: 'mfa', sessionControls: [1] },
  });
  const hits = byRule(result.findings, 'graph-rule');
  expect(hits.filter((h) => h.file === shown('policies/many.json')).map((h) => h.path)).toEqual([
    '/conditions/clientAppTypes',
    '/grantControls/builtInControls',
    '/grantControls/builtInControls',
  ]);
  expect(byRule(result.findings, 'schema').length).toBeGreaterThan(0);
});
