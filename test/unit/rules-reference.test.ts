/**
 * reference: every id slot of a policy holds a GUID, a keyword, or a kind:name reference of the
 * right kind; location: and authStrength: names must be defined in the repository.
 */
import { basePolicy, byRule, dump, lineOf, merge, pretty, removeTempDirs, shown, validate, WAIVED_SETTINGS, type FileContent, type Patch } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

const FILE = 'policies/p.json';
const GUID = '6c96716b-b32b-40b8-9009-49748bb6fcd5';

const OFFICE = { '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'Head Office', isTrusted: true, ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.0/24' }] };
const FIDO = { displayName: 'FIDO2 only', allowedCombinations: ['fido2'] };

function references(patch: Patch, others: Record<string, FileContent> = {}) {
  const text = pretty(merge(basePolicy(), patch));
  const result = validate({ [FILE]: text, ...WAIVED_SETTINGS, ...others });
  return { text, hits: byRule(result.findings, 'reference'), all: result.findings };
}

function expectNone(patch: Patch, others: Record<string, FileContent> = {}): void {
  const { hits } = references(patch, others);
  expect(dump(hits)).toBe('');
}

function expectOne(patch: Patch, path: string, message: RegExp, needle: string, others: Record<string, FileContent> = {}, severity = 'error') {
  const { text, hits } = references(patch, others);
  expect(dump(hits)).not.toBe('');
  expect(hits).toHaveLength(1);
  expect(hits[0]).toMatchObject({ rule: 'reference', severity, file: shown(FILE), path, line: lineOf(text, needle) });
  expect(hits[0]!.message).toMatch(message);
  return hits[0]!;
}

describe('accepted values', () => {
  test('GUIDs in every slot', () => {
    expectNone({
      conditions: {
        users: { includeUsers: [GUID], excludeUsers: [GUID.toUpperCase()], includeGroups: [GUID], excludeGroups: [GUID], includeRoles: [GUID], excludeRoles: [GUID] },
        applications: { includeApplications: [GUID], excludeApplications: [GUID] },
        locations: { includeLocations: [GUID], excludeLocations: [GUID] },
      },
      grantControls: { builtInControls: [], authenticationStrength: { id: GUID }, termsOfUse: [GUID] },
    });
  });

  test('the MFA Trusted IPs id, which no named location file defines', () => {
    const { all } = references({ conditions: { locations: { includeLocations: ['All'], excludeLocations: ['00000000-0000-0000-0000-000000000000'] } } });
    expect(dump(all)).toBe('');
  });

  test('keywords, in any case', () => {
    expectNone({
      conditions: {
        users: { includeUsers: ['All'], excludeUsers: ['GuestsOrExternalUsers'], excludeGroups: [] },
        applications: { includeApplications: ['Office365', 'MicrosoftAdminPortals'], excludeApplications: ['none'] },
        locations: { includeLocations: ['All'], excludeLocations: ['alltrusted'] },
      },
    });
    expectNone({ conditions: { users: { includeUsers: ['None'] }, clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'] } } });
  });

  test('references of the right kind in the right slot', () => {
    expectNone({
      conditions: {
        users: {
          includeUsers: ['user:alice@contoso.com'],
          excludeUsers: ['user:bg@contoso.com'],
          includeGroups: ['group:Finance'],
          excludeGroups: ['group:Break Glass', 'Group:Other Case Kind'],
          includeRoles: ['role:Global Administrator'],
          excludeRoles: ['role:Directory Synchronization Accounts'],
        },
        applications: { includeApplications: ['app:Salesforce', `app:${GUID}`], excludeApplications: ['app:Office 365 Exchange Online'] },
        clientApplications: { includeServicePrincipals: ['servicePrincipal:Payroll Robot'] },
      },
    });
  });

  test('authStrength: a built-in strength by name', () => {
    expectNone({ grantControls: { builtInControls: [], authenticationStrength: { id: 'authStrength:Phishing-resistant MFA' } } });
    expectNone({ grantControls: { builtInControls: [], authenticationStrength: { id: 'authStrength:Multifactor authentication' } } });
  });

  test('authStrength: and location: names that the repository defines', () => {
    expectNone(
      {
        conditions: { locations: { includeLocations: ['All'], excludeLocations: ['location:Head Office'] } },
        grantControls: { builtInControls: [], authenticationStrength: { id: 'authStrength:FIDO2 only' } },
      },
      { 'named-locations/office.json': OFFICE, 'authentication-strengths/fido.json': FIDO },
    );
  });
});

describe('rejected values', () => {
  test('location:MFA Trusted IPs (not a named location) says to write its id', () => {
    expectOne(
      { conditions: { locations: { includeLocations: ['All'], excludeLocations: ['location:MFA Trusted IPs'] } } },
      '/conditions/locations/excludeLocations/0',
      /^"location:MFA Trusted IPs": the MFA Trusted IPs are no named location object; write their id "00000000-0000-0000-0000-000000000000", which Graph accepts in excludeLocations$/,
      '"location:MFA Trusted IPs"',
    );
    // A location of the repository that carries that name is used as any other.
    expectNone(
      { conditions: { locations: { includeLocations: ['All'], excludeLocations: ['location:MFA Trusted IPs'] } } },
      { 'named-locations/mfa.json': { ...OFFICE, displayName: 'MFA Trusted IPs' } },
    );
  });

  test('group:X in includeUsers: says where it goes', () => {
    expectOne(
      { conditions: { users: { includeUsers: ['All'], excludeUsers: ['group:Emergency'] } } },
      '/conditions/users/excludeUsers/0',
      /^"group:Emergency" is a group reference, but excludeUsers holds users: move it to conditions\.users\.includeGroups \/ excludeGroups$/,
      '"group:Emergency"',
    );
    expectOne({ conditions: { users: { includeUsers: ['group:Finance'] } } }, '/conditions/users/includeUsers/0', /is a group reference, but includeUsers holds users: move it to conditions\.users\.includeGroups/, '"group:Finance"');
  });

  test('a user reference in includeGroups, an app in locations', () => {
    expectOne({ conditions: { users: { includeGroups: ['user:x@contoso.com'] } } }, '/conditions/users/includeGroups/0', /move it to conditions\.users\.includeUsers \/ excludeUsers/, '"user:x@contoso.com"');
    expectOne({ conditions: { locations: { includeLocations: ['app:Teams'] } } }, '/conditions/locations/includeLocations/0', /move it to conditions\.applications\.includeApplications/, '"app:Teams"');
  });

  test('an unknown reference kind', () => {
    expectOne({ conditions: { users: { includeGroups: ['grp:Finance'] } } }, '/conditions/users/includeGroups/0', /^unknown reference kind "grp:" in "grp:Finance": use one of user:, group:, role:, app:, servicePrincipal:, location:, authStrength:$/, '"grp:Finance"');
  });

  test('a bare name', () => {
    expectOne({ conditions: { users: { includeGroups: ['Finance'] } } }, '/conditions/users/includeGroups/0', /^"Finance" in includeGroups is not an object id \(GUID\) or a reference such as "group:Name"$/, '"Finance"');
  });

  test('a bare name where keywords are allowed lists them (without beta-only ones)', () => {
    const hit = expectOne({ conditions: { applications: { includeApplications: ['Salesforce'] } } }, '/conditions/applications/includeApplications/0', /a keyword \(All, None, Office365, MicrosoftAdminPortals\) or a reference such as "app:Name"$/, '"Salesforce"');
    expect(hit.message).not.toMatch(/AllAgentIdResources/);
  });

  test('a kind with no name', () => {
    expectOne({ conditions: { users: { includeGroups: ['group:'] } } }, '/conditions/users/includeGroups/0', /is not an object id/, '"group:"');
  });

  test('a template placeholder that was never replaced', () => {
    expectOne({ conditions: { users: { excludeGroups: ['%BreakGlassGroupId%'] } } }, '/conditions/users/excludeGroups/0', /it looks like a template placeholder that was never replaced$/, '"%BreakGlassGroupId%"');
    expectOne({ conditions: { locations: { includeLocations: ['{{ trustedLocation }}'] } } }, '/conditions/locations/includeLocations/0', /template placeholder/, '"{{ trustedLocation }}"');
    expectOne({ grantControls: { builtInControls: [], authenticationStrength: { id: '<strength-id>' } } }, '/grantControls/authenticationStrength/id', /template placeholder/, '"<strength-id>"');
  });

  test('location: a name not defined in the repository', () => {
    expectOne(
      { conditions: { locations: { includeLocations: ['All'], excludeLocations: ['location:Branch Office'] } } },
      '/conditions/locations/excludeLocations/0',
      /^"location:Branch Office": no named location named "Branch Office" is defined in named-locations\/; add it, fix the name, or use its id$/,
      '"location:Branch Office"',
      { 'named-locations/office.json': OFFICE },
    );
  });

  test('location: a name defined in another case says how it is written', () => {
    expectOne({ conditions: { locations: { includeLocations: ['location:head office'] } } }, '/conditions/locations/includeLocations/0', /the named location is named "Head Office" \(names are matched exactly\)/, '"location:head office"', {
      'named-locations/office.json': OFFICE,
    });
  });

  test('a policy does not define a location: a policy named like one does not count', () => {
    expectOne({ conditions: { locations: { includeLocations: ['location:CA100 Require MFA'] } } }, '/conditions/locations/includeLocations/0', /no named location named/, '"location:CA100 Require MFA"');
  });

  test('authStrength: a name neither defined nor built in', () => {
    expectOne(
      { grantControls: { builtInControls: [], authenticationStrength: { id: 'authStrength:Phishing resistant' } } },
      '/grantControls/authenticationStrength/id',
      /no authentication strength named "Phishing resistant" is defined in authentication-strengths\/ or a built-in one \(Multifactor authentication, Passwordless MFA, Phishing-resistant MFA\)/,
      '"authStrength:Phishing resistant"',
    );
  });

  test('terms of use take ids only', () => {
    expectOne({ grantControls: { builtInControls: [], termsOfUse: ['Contoso ToU'] } }, '/grantControls/termsOfUse/0', /^"Contoso ToU" in termsOfUse must be an id \(GUID\)$/, '"Contoso ToU"');
  });

  test('external tenant members take ids only', () => {
    expectOne(
      {
        conditions: {
          users: {
            includeUsers: [],
            includeGuestsOrExternalUsers: {
              guestOrExternalUserTypes: 'b2bCollaborationGuest',
              externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessEnumeratedExternalTenants', membershipKind: 'enumerated', members: ['fabrikam.com'] },
            },
          },
        },
      },
      '/conditions/users/includeGuestsOrExternalUsers/externalTenants/members/0',
      /"fabrikam\.com" in members must be an id \(GUID\)/,
      '"fabrikam.com"',
    );
  });

  test('AllAgentIdResources: a warning, not an error', () => {
    const hit = expectOne({ conditions: { applications: { includeApplications: ['AllAgentIdResources'] } } }, '/conditions/applications/includeApplications/0', /beta-only keyword/, '"AllAgentIdResources"', {}, 'warning');
    expect(hit.severity).toBe('warning');
  });

  test('every bad item of an array is its own finding, at its own line', () => {
    const { text, hits } = references({ conditions: { users: { excludeGroups: ['group:OK', 'Bad One', GUID, 'grp:Two'] } } });
    expect(hits.map((h) => [h.path, h.line])).toEqual([
      ['/conditions/users/excludeGroups/1', lineOf(text, '"Bad One"')],
      ['/conditions/users/excludeGroups/3', lineOf(text, '"grp:Two"')],
    ]);
  });

  test('non-string items are left to the schema', () => {
    const { hits, all } = references({ conditions: { users: { excludeGroups: [42, null] } } });
    expect(hits).toEqual([]);
    expect(byRule(all, 'schema')).toHaveLength(2);
  });
});
