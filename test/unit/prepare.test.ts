/**
 * Preparation and the schema check, end to end through runValidate over temp repositories:
 * annotations, server fields, beta-only properties and enum casing are warnings; unknown
 * properties, wrong types, bad enum values and missing required properties are `schema` errors
 * at the line of the offending key.
 */
import { prepareDocument } from '../../src/validate/prepare.js';
import { DOCUMENT_SCHEMAS } from '../../src/validate/schemas.js';
import { basePolicy, byRule, dump, lineOf, merge, pretty, removeTempDirs, shown, validate, WAIVED_SETTINGS } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

const FILE = 'policies/p.json';

/** Validates one policy written as pretty JSON; returns the findings and the text. */
function check(policy: object) {
  const text = pretty(policy);
  const result = validate({ [FILE]: text, ...WAIVED_SETTINGS });
  return { text, result, findings: result.findings };
}

describe('a clean policy', () => {
  test('has no findings at all', () => {
    const { result } = check(basePolicy());
    expect(dump(result.findings)).toBe('');
    expect(result.summary).toEqual({ files: 1, documents: 1, errors: 0, warnings: 0 });
    expect(result.prepared).toHaveLength(1);
    expect(result.prepared[0]!.schemaValid).toBe(true);
  });
});

describe('schema errors', () => {
  test('an unknown property near a known one: at the key, with "did you mean"', () => {
    const { text, findings } = check(merge(basePolicy(), { conditions: { users: { includeUser: ['All'], includeUsers: undefined } } }));
    const schema = byRule(findings, 'schema');
    expect(schema).toHaveLength(1);
    expect(schema[0]).toMatchObject({
      severity: 'error',
      file: shown(FILE),
      path: '/conditions/users/includeUser',
      line: lineOf(text, '"includeUser"'),
      column: 7,
    });
    expect(schema[0]!.message).toBe('unknown property "includeUser" in conditions.users: did you mean "includeUsers"?');
  });

  test('a case slip is a near miss too', () => {
    const { findings } = check(merge(basePolicy(), { grantcontrols: { operator: 'OR', builtInControls: ['mfa'] }, grantControls: undefined }));
    const schema = byRule(findings, 'schema');
    expect(schema.map((f) => f.message)).toContain('unknown property "grantcontrols" in the document: did you mean "grantControls"?');
  });

  test('an unknown property far from every known one lists the allowed ones', () => {
    const { text, findings } = check(merge(basePolicy(), { conditions: { applications: { zzzzzzzzzz: true } } }));
    const [f] = byRule(findings, 'schema');
    expect(f).toMatchObject({ path: '/conditions/applications/zzzzzzzzzz', line: lineOf(text, '"zzzzzzzzzz"') });
    expect(f!.message).toMatch(/^unknown property "zzzzzzzzzz" in conditions\.applications \(allowed: .*includeApplications/);
    expect(f!.message).not.toMatch(/did you mean/);
    expect(f!.message).not.toMatch(/@odata/);
  });

  test('a wrong type: a string where an array goes', () => {
    const { text, findings } = check(merge(basePolicy(), { conditions: { users: { includeUsers: 'All' } } }));
    const schema = byRule(findings, 'schema');
    expect(schema).toHaveLength(1);
    expect(schema[0]).toMatchObject({ path: '/conditions/users/includeUsers', line: lineOf(text, '"includeUsers"') });
    expect(schema[0]!.message).toBe('conditions.users.includeUsers must be an array, not "All"');
  });

  test('a wrong type on a nullable object says "(or null)" once', () => {
    const { findings } = check(merge(basePolicy(), { sessionControls: 'none' }));
    const schema = byRule(findings, 'schema');
    expect(schema.map((f) => f.message)).toEqual(['sessionControls must be an object (or null), not "none"']);
  });

  test('a bad enum value: lists the allowed values', () => {
    const { text, findings } = check(basePolicy({ state: 'on' }));
    const schema = byRule(findings, 'schema');
    expect(schema).toHaveLength(1);
    expect(schema[0]).toMatchObject({ path: '/state', line: lineOf(text, '"state"'), column: 3 });
    expect(schema[0]!.message).toBe('"on" is not a valid value for state: use one of "enabled", "disabled", "enabledForReportingButNotEnforced"');
  });

  test('a bad enum value inside an array: at the item', () => {
    const { text, findings } = check(merge(basePolicy(), { grantControls: { builtInControls: ['mfa', 'requireMfa'] } }));
    const [f] = byRule(findings, 'schema');
    expect(f).toMatchObject({ path: '/grantControls/builtInControls/1', line: lineOf(text, '"requireMfa"') });
  });

  test('a missing displayName: at the document', () => {
    const policy = basePolicy();
    delete policy['displayName'];
    const { findings } = check(policy);
    const schema = byRule(findings, 'schema');
    expect(schema).toEqual([
      expect.objectContaining({ severity: 'error', path: '', line: 1, column: 1, message: 'the document is missing the required property "displayName"' }),
    ]);
  });

  test('schema errors in YAML are at the YAML line', () => {
    const text = 'displayName: x\nstate: on\nconditions:\n  users:\n    includeUser: [All]\n  applications:\n    includeApplications: [All]\ngrantControls: {operator: OR, builtInControls: [mfa]}\n';
    const result = validate({ 'policies/p.yaml': text });
    const schema = byRule(result.findings, 'schema');
    expect(schema.map((f) => [f.path, f.line, f.column])).toEqual([
      ['/state', 2, 1],
      ['/conditions/users/includeUser', 5, 5],
    ]);
    expect(result.prepared[0]!.schemaValid).toBe(false);
  });

  test('named locations and authentication strengths are checked against their own schema', () => {
    const result = validate({
      'named-locations/a.json': { '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'a', isTrusted: 'yes', ipRanges: [] },
      'authentication-strengths/s.json': { displayName: 's', allowedCombinations: ['fido2'], alowedCombinations: [] },
    });
    const schema = byRule(result.findings, 'schema');
    expect(schema.map((f) => [f.file, f.path])).toEqual(
      expect.arrayContaining([
        [shown('authentication-strengths/s.json'), '/alowedCombinations'],
        [shown('named-locations/a.json'), '/isTrusted'],
      ]),
    );
    expect(schema.find((f) => f.path === '/alowedCombinations')!.message).toMatch(/did you mean "allowedCombinations"/);
  });
});

describe('warnings, not errors', () => {
  test('"state": "Enabled" and clientAppTypes ["All"] are casing warnings, normalized', () => {
    const { text, result, findings } = check(merge(basePolicy({ state: 'Enabled' }), { conditions: { clientAppTypes: ['All', 'Browser'] } }));
    expect(byRule(findings, 'schema')).toEqual([]);
    const casing = byRule(findings, 'casing');
    expect(casing.map((f) => [f.severity, f.path, f.line])).toEqual([
      ['warning', '/state', lineOf(text, '"state"')],
      ['warning', '/conditions/clientAppTypes/0', lineOf(text, '"All"')],
      ['warning', '/conditions/clientAppTypes/1', lineOf(text, '"Browser"')],
    ]);
    expect(casing[0]!.message).toBe('"Enabled" is written "enabled" by Graph: accepted (Graph ignores case) and normalized');
    expect(result.summary.errors).toBe(0);
    const prepared = result.prepared[0]!.value as { state: string; conditions: { clientAppTypes: string[] } };
    expect(prepared.state).toBe('enabled');
    expect(prepared.conditions.clientAppTypes).toEqual(['all', 'browser']);
  });

  test('flags enums (comma-separated) in another case are casing warnings', () => {
    const { findings } = check(
      merge(basePolicy(), {
        conditions: {
          users: { includeUsers: undefined, includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'B2bCollaborationGuest, internalGuest', externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' } } },
        },
      }),
    );
    expect(dump(byRule(findings, 'schema'))).toBe('');
    expect(byRule(findings, 'casing').map((f) => f.path)).toEqual(['/conditions/users/includeGuestsOrExternalUsers/guestOrExternalUserTypes']);
  });

  test('a value that is wrong in any case stays a schema error, not a casing warning', () => {
    const { findings } = check(merge(basePolicy(), { conditions: { clientAppTypes: ['Browsers'] } }));
    expect(byRule(findings, 'casing')).toEqual([]);
    expect(byRule(findings, 'schema').map((f) => f.path)).toEqual(['/conditions/clientAppTypes/0']);
  });

  test('OData annotations: ONE odata-annotation warning per file, at the first', () => {
    const policy = merge(basePolicy(), {
      '@odata.type': '#microsoft.graph.conditionalAccessPolicy',
      conditions: {
        'clientAppTypes@odata.type': '#Collection(microsoft.graph.conditionalAccessClientApp)',
        users: { 'includeUsers@odata.type': '#Collection(String)', 'excludeGroups@odata.type': '#Collection(String)' },
      },
      '#microsoft.graph.restore': { title: 'microsoft.graph.restore', target: 'https://graph.microsoft.com/beta/x' },
    });
    const { text, findings } = check(policy);
    expect(byRule(findings, 'schema')).toEqual([]);
    const odata = byRule(findings, 'odata-annotation');
    expect(odata).toHaveLength(1);
    expect(odata[0]).toMatchObject({ severity: 'warning', file: shown(FILE) });
    expect(odata[0]!.message).toMatch(/^5 OData annotations \(/);
    expect(odata[0]!.message).toMatch(/"includeUsers@odata\.type", "excludeGroups@odata\.type", "clientAppTypes@odata\.type", "@odata\.type" and 1 more\)/);
    const first = odata[0]!;
    expect(first.line).toBe(lineOf(text, first.path.split('/').pop()!.replace(/~1/g, '/')));
  });

  test('server-managed fields: one server-field warning for those with a value; the id kept, without a warning, for renames', () => {
    const policy = basePolicy({ id: '11111111-2222-3333-4444-555555555555', createdDateTime: '2024-01-01T00:00:00Z', modifiedDateTime: null, templateId: null });
    const { text, result, findings } = check(policy);
    const server = byRule(findings, 'server-field');
    expect(server).toHaveLength(1);
    expect(server[0]).toMatchObject({ severity: 'warning', path: '/createdDateTime', line: lineOf(text, '"createdDateTime"') });
    // null server fields (what every Graph export holds) say nothing, and the id is meant.
    expect(server[0]!.message).toMatch(/field "createdDateTime" ignored/);
    expect(result.summary.errors).toBe(0);
    const prepared = result.prepared[0]!.value;
    expect(prepared['createdDateTime']).toBeUndefined();
    expect(prepared['templateId']).toBeUndefined();
    expect(prepared['id']).toBe('11111111-2222-3333-4444-555555555555');
  });

  test('a non-null deviceStates is a deprecated warning; null ones are one warning per file, never a schema error', () => {
    const used = check(merge(basePolicy(), { conditions: { deviceStates: { includeStates: ['All'], excludeStates: ['Compliant'] } } }));
    const dep = byRule(used.findings, 'deprecated');
    expect(dep).toHaveLength(1);
    expect(dep[0]).toMatchObject({ severity: 'warning', path: '/conditions/deviceStates', line: lineOf(used.text, '"deviceStates"') });
    expect(dep[0]!.message).toMatch(/"deviceStates" is (beta-only|deprecated) in Microsoft Graph/);
    expect(byRule(used.findings, 'schema')).toEqual([]);

    // What beta exports write: signInRiskDetections, clients and times as null (the first two are
    // not in Graph's published beta schema, yet exports carry them).
    const nulled = check(merge(basePolicy(), { conditions: { deviceStates: null, signInRiskDetections: null, clients: null, times: null } }));
    expect(byRule(nulled.findings, 'schema')).toEqual([]);
    const one = byRule(nulled.findings, 'deprecated');
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({ severity: 'warning', path: '/conditions/deviceStates', line: lineOf(nulled.text, '"deviceStates"') });
    expect(one[0]!.message).toBe(
      '4 empty beta-only or deprecated properties ("deviceStates", "signInRiskDetections", "clients", "times") ignored: beta exports write them as null; caac does not send them, and you may delete them',
    );
    expect(nulled.findings.filter((f) => f.rule !== 'deprecated')).toEqual([]);
    const prepared = nulled.result.prepared[0]!.value['conditions'] as Record<string, unknown>;
    for (const key of ['deviceStates', 'signInRiskDetections', 'clients', 'times']) expect(prepared).not.toHaveProperty(key);
    const empty = check(merge(basePolicy(), { conditions: { devices: { includeDeviceStates: [], excludeDeviceStates: [] } } }));
    expect(byRule(empty.findings, 'deprecated').map((f) => f.message)).toEqual([
      '2 empty beta-only or deprecated properties ("includeDeviceStates", "excludeDeviceStates") ignored: beta exports write them as null; caac does not send them, and you may delete them',
    ]);
    expect(byRule(empty.findings, 'deprecated')[0]!.severity).toBe('warning');
  });

  test('a raw Graph export validates with warnings only', () => {
    const raw = {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies/$entity',
      id: '3b9fa4d4-5ae1-4e8c-9c0f-0d8a2c1f1a11',
      templateId: null,
      displayName: 'CA001 Require phishing-resistant MFA for admins',
      createdDateTime: '2024-03-01T10:00:00.1234567Z',
      modifiedDateTime: '2024-06-01T10:00:00Z',
      state: 'enabled',
      partialEnablementStrategy: null,
      sessionControls: null,
      conditions: {
        userRiskLevels: [],
        signInRiskLevels: [],
        clientAppTypes: ['all'],
        servicePrincipalRiskLevels: [],
        insiderRiskLevels: null,
        platforms: null,
        locations: null,
        devices: null,
        clientApplications: null,
        authenticationFlows: null,
        applications: { includeApplications: ['All'], excludeApplications: [], includeUserActions: [], includeAuthenticationContextClassReferences: [], applicationFilter: null },
        users: {
          includeUsers: [],
          excludeUsers: ['7f1d0c5e-6b7a-4e1b-9a53-2f7b1c3d4e5f'],
          includeGroups: [],
          excludeGroups: [],
          includeRoles: ['62e90394-69f5-4237-9190-012177145e10'],
          excludeRoles: [],
          includeGuestsOrExternalUsers: null,
          excludeGuestsOrExternalUsers: null,
        },
      },
      grantControls: {
        operator: 'OR',
        builtInControls: [],
        customAuthenticationFactors: [],
        termsOfUse: [],
        'authenticationStrength@odata.context': "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies('3b9f')/grantControls/authenticationStrength/$entity",
        authenticationStrength: {
          id: '00000000-0000-0000-0000-000000000004',
          createdDateTime: '2021-12-01T08:00:00Z',
          modifiedDateTime: '2021-12-01T08:00:00Z',
          displayName: 'Phishing-resistant MFA',
          description: 'Phishing-resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key',
          policyType: 'builtIn',
          requirementsSatisfied: 'mfa',
          allowedCombinations: ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor'],
          'combinationConfigurations@odata.context': "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies('3b9f')/grantControls/authenticationStrength/combinationConfigurations",
          combinationConfigurations: [],
        },
      },
    };
    const { result } = check(raw);
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(result.summary.errors).toBe(0);
    expect(byRule(result.findings, 'server-field')).toHaveLength(1);
    expect(new Set(result.findings.map((f) => f.rule))).toEqual(new Set(['server-field']));
    const grant = result.prepared[0]!.value['grantControls'] as { authenticationStrength: object };
    expect(grant.authenticationStrength).toEqual({ id: '00000000-0000-0000-0000-000000000004' });
  });
});

describe('prepareDocument directly', () => {
  test('does not modify its input', () => {
    const doc = merge(basePolicy({ state: 'Enabled', id: 'x' }), { conditions: { 'users@odata.type': 't' } });
    const copy = structuredClone(doc);
    prepareDocument(doc, DOCUMENT_SCHEMAS.policy);
    expect(doc).toEqual(copy);
  });

  test('walks any shape without throwing', () => {
    const odd = { displayName: 3, conditions: [1, { users: 'x' }], grantControls: { builtInControls: { a: 1 } }, state: ['Enabled'] } as unknown as Record<string, never>;
    expect(() => prepareDocument(odd, DOCUMENT_SCHEMAS.policy)).not.toThrow();
  });
});

describe('a "__proto__" member (found by npm run fuzz, seed 209)', () => {
  test.each([
    ['at the top', '{', '{ "__proto__": " ",', '/__proto__'],
    ['in conditions, holding an object', '"conditions": {', '"conditions": { "__proto__": { "clientAppTypes": ["all"] },', '/conditions/__proto__'],
  ])('%s is an unknown property: a schema error, never a prototype that hides it', (_, at, inserted, path) => {
    const text = pretty(basePolicy()).replace(at, inserted);
    const result = validate({ [FILE]: text, ...WAIVED_SETTINGS });
    const schema = byRule(result.findings, 'schema');
    expect(schema.map((f) => [f.severity, f.path])).toContainEqual(['error', path]);
  });
});

describe('a $schema link', () => {
  test('is accepted without a finding and left out of the prepared document (never planned or sent)', () => {
    const { result } = check({ $schema: '../.schemas/policy.schema.json', ...basePolicy() });
    expect(dump(result.findings)).toBe('');
    expect(result.prepared[0]!.value).not.toHaveProperty('$schema');
    expect(result.prepared[0]!.value['displayName']).toBe(basePolicy().displayName);
  });
});
