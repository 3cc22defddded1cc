import { backupFiles } from '../../src/backup/backup-files.js';
import { backupDocument, serializeDocument } from '../../src/backup/document.js';
import { directoryCandidates, directoryReferenceNames, heldIds, isWritableName, referenceKey, snapshotReferenceNames } from '../../src/backup/names.js';
import { backupSummaryLine, renderBackupMarkdown } from '../../src/render/backup-report.js';
import type { JsonObject } from '../../src/model/documents.js';
import type { DirectoryObject, TenantSnapshot } from '../../src/model/tenant.js';

const G = (n: number): string => `aaaaaaaa-0000-4000-8000-${String(n).padStart(12, '0')}`;
const FINANCE = G(1);
const DUP_A = G(2);
const DUP_B = G(3);
const GONE = G(4);
const ADELE = G(5);
const ROLE_GA = '62e90394-69f5-4237-9190-012177145e10';
const APP_ID = G(6);
const SP = G(7);
const LOCATION = G(8);
const STRENGTH = G(9);
const MFA_BUILT_IN = '00000000-0000-0000-0000-000000000002';

/** A policy as Graph answers it: server fields, annotations, an expanded strength, Graph's key order. */
function graphPolicy(): JsonObject {
  return {
    id: G(100),
    templateId: null,
    displayName: 'CA100 - Test',
    createdDateTime: '2025-01-01T00:00:00Z',
    modifiedDateTime: '2025-02-01T00:00:00Z',
    state: 'enabled',
    partialEnablementStrategy: null,
    sessionControls: null,
    description: null,
    conditions: {
      clientAppTypes: ['all'],
      locations: { includeLocations: ['All'], excludeLocations: [LOCATION.toUpperCase(), 'AllTrusted'] },
      applications: { includeApplications: [APP_ID, 'Office365'], excludeApplications: [] },
      users: {
        includeUsers: ['All'],
        excludeUsers: [ADELE, 'GuestsOrExternalUsers'],
        includeGroups: [],
        excludeGroups: [DUP_A, GONE, FINANCE],
        includeRoles: [],
        excludeRoles: [ROLE_GA],
        excludeGuestsOrExternalUsers: {
          guestOrExternalUserTypes: 'internalGuest,b2bCollaborationGuest',
          externalTenants: { membershipKind: 'enumerated', members: [G(51), G(50)], '@odata.type': '#microsoft.graph.conditionalAccessEnumeratedExternalTenants' },
        },
      },
      clientApplications: { excludeServicePrincipals: [SP, 'ServicePrincipalsInMyTenant'], includeServicePrincipals: [] },
    },
    grantControls: {
      operator: 'OR',
      builtInControls: ['mfa', 'block'],
      termsOfUse: [G(60)],
      'authenticationStrength@odata.context': 'https://graph/$metadata#…',
      authenticationStrength: { id: STRENGTH, displayName: 'Custom strength', policyType: 'custom', allowedCombinations: ['fido2'] },
    },
  };
}

const NAMES = new Map([
  [referenceKey('group', FINANCE), 'group:Finance'],
  [referenceKey('user', ADELE), 'user:adele@contoso.com'],
  [referenceKey('role', ROLE_GA), 'role:Global Administrator'],
  [referenceKey('app', APP_ID), 'app:Contoso HR'],
  [referenceKey('servicePrincipal', SP), 'servicePrincipal:Contoso Robot'],
  [referenceKey('location', LOCATION), 'location:Office'],
  [referenceKey('authStrength', STRENGTH), 'authStrength:Custom strength'],
]);

describe('backupDocument', () => {
  test('drops server fields and annotations, keeps the id, reduces the strength to {id}', () => {
    const doc = backupDocument('policy', graphPolicy(), { names: NAMES });
    for (const key of ['createdDateTime', 'modifiedDateTime', 'templateId', 'partialEnablementStrategy']) expect(doc).not.toHaveProperty(key);
    expect(doc['id']).toBe(G(100));
    expect(JSON.stringify(doc)).not.toContain('@odata.context');
    expect((doc['grantControls'] as JsonObject)['authenticationStrength']).toEqual({ id: 'authStrength:Custom strength' });
    // the externalTenants @odata.type is kept
    expect(JSON.stringify(doc)).toContain('#microsoft.graph.conditionalAccessEnumeratedExternalTenants');
  });

  test('writes references by name where known, keeps keywords, unknown and ambiguous ids raw, sorts sets', () => {
    const doc = backupDocument('policy', graphPolicy(), { names: NAMES }) as { conditions: Record<string, Record<string, unknown>>; grantControls: Record<string, unknown> };
    const users = doc.conditions['users']!;
    expect(users['excludeGroups']).toEqual([DUP_A, GONE, 'group:Finance']);
    // Graph answered guests twice (keyword and object): the file keeps the object form only.
    expect(users['excludeUsers']).toEqual(['user:adele@contoso.com']);
    expect(users['includeUsers']).toEqual(['All']);
    expect(users['excludeRoles']).toEqual(['role:Global Administrator']);
    expect(doc.conditions['applications']!['includeApplications']).toEqual(['Office365', 'app:Contoso HR']);
    expect(doc.conditions['clientApplications']!['excludeServicePrincipals']).toEqual(['ServicePrincipalsInMyTenant', 'servicePrincipal:Contoso Robot']);
    // an upper-case id from Graph still finds its name
    expect(doc.conditions['locations']!['excludeLocations']).toEqual(['AllTrusted', 'location:Office']);
    // tenants and terms of use have no name to write
    expect((users['excludeGuestsOrExternalUsers'] as JsonObject)['externalTenants']).toEqual({
      '@odata.type': '#microsoft.graph.conditionalAccessEnumeratedExternalTenants',
      membershipKind: 'enumerated',
      members: [G(50), G(51)],
    });
    expect(doc.grantControls['termsOfUse']).toEqual([G(60)]);
    expect(doc.grantControls['builtInControls']).toEqual(['block', 'mfa']);
  });

  test('both guest forms: the keyword is dropped where the object is present, kept where it is alone', () => {
    const keywordOnly = graphPolicy();
    const u = (keywordOnly['conditions'] as JsonObject)['users'] as JsonObject;
    u['includeUsers'] = ['GuestsOrExternalUsers'];
    u['includeGuestsOrExternalUsers'] = null;
    const users = (backupDocument('policy', keywordOnly, { names: NAMES })['conditions'] as JsonObject)['users'] as JsonObject;
    expect(users['includeUsers']).toEqual(['GuestsOrExternalUsers']);
    expect(users['excludeUsers']).toEqual(['user:adele@contoso.com']);
    expect(users['excludeGuestsOrExternalUsers']).toMatchObject({ guestOrExternalUserTypes: 'internalGuest,b2bCollaborationGuest' });
  });

  test('the MFA Trusted IPs id (no named location object) stays a raw id', () => {
    const MFA_TRUSTED_IPS = '00000000-0000-0000-0000-000000000000';
    const p = graphPolicy();
    ((p['conditions'] as JsonObject)['locations'] as JsonObject)['excludeLocations'] = [MFA_TRUSTED_IPS, LOCATION];
    const doc = backupDocument('policy', p, { names: NAMES }) as { conditions: Record<string, Record<string, unknown>> };
    expect(doc.conditions['locations']!['excludeLocations']).toEqual([MFA_TRUSTED_IPS, 'location:Office']);
  });

  test('without names (--ids) every id stays raw, the strength too', () => {
    const doc = backupDocument('policy', graphPolicy()) as { conditions: Record<string, Record<string, unknown>>; grantControls: Record<string, unknown> };
    expect(doc.conditions['users']!['excludeGroups']).toEqual([FINANCE, DUP_A, GONE]);
    expect(doc.grantControls['authenticationStrength']).toEqual({ id: STRENGTH });
    expect(JSON.stringify(doc)).not.toMatch(/"(user|group|role|app|servicePrincipal|location|authStrength):/);
  });

  test('keys come in a fixed order whatever order Graph answers in', () => {
    const doc = backupDocument('policy', graphPolicy(), { names: NAMES });
    expect(Object.keys(doc)).toEqual(['id', 'displayName', 'description', 'state', 'conditions', 'grantControls', 'sessionControls']);
    expect(Object.keys(doc['conditions'] as JsonObject)).toEqual(['users', 'applications', 'clientApplications', 'clientAppTypes', 'locations']);
    expect(Object.keys((doc['conditions'] as JsonObject)['users'] as JsonObject)).toEqual([
      'includeUsers', 'excludeUsers', 'includeGroups', 'excludeGroups', 'includeRoles', 'excludeRoles', 'excludeGuestsOrExternalUsers',
    ]);
    expect(Object.keys(doc['grantControls'] as JsonObject)).toEqual(['operator', 'builtInControls', 'authenticationStrength', 'termsOfUse']);

    const reversed: JsonObject = {};
    for (const key of Object.keys(graphPolicy()).reverse()) reversed[key] = graphPolicy()[key]!;
    expect(serializeDocument(backupDocument('policy', reversed, { names: NAMES }))).toBe(serializeDocument(doc));
  });

  test('named locations keep @odata.type first and their ranges sorted; strengths lose their server fields', () => {
    const location = backupDocument('namedLocation', {
      displayName: 'Office',
      modifiedDateTime: 'x',
      id: LOCATION,
      '@odata.type': '#microsoft.graph.ipNamedLocation',
      isTrusted: true,
      ipRanges: [
        { cidrAddress: '203.0.113.0/24', '@odata.type': '#microsoft.graph.iPv4CidrRange' },
        { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/24' },
      ],
    });
    expect(serializeDocument(location)).toBe(
      [
        '{',
        '  "@odata.type": "#microsoft.graph.ipNamedLocation",',
        `  "id": "${LOCATION}",`,
        '  "displayName": "Office",',
        '  "isTrusted": true,',
        '  "ipRanges": [',
        '    {',
        '      "@odata.type": "#microsoft.graph.iPv4CidrRange",',
        '      "cidrAddress": "198.51.100.0/24"',
        '    },',
        '    {',
        '      "@odata.type": "#microsoft.graph.iPv4CidrRange",',
        '      "cidrAddress": "203.0.113.0/24"',
        '    }',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
    const strength = backupDocument('authenticationStrength', {
      id: STRENGTH,
      createdDateTime: 'x',
      displayName: 'Custom strength',
      description: null,
      policyType: 'custom',
      requirementsSatisfied: 'mfa',
      allowedCombinations: ['windowsHelloForBusiness', 'fido2'],
      'combinationConfigurations@odata.context': 'x',
      combinationConfigurations: [],
    });
    expect(strength).toEqual({ id: STRENGTH, displayName: 'Custom strength', description: null, allowedCombinations: ['fido2', 'windowsHelloForBusiness'] });
    expect(Object.keys(strength)).toEqual(['id', 'displayName', 'description', 'allowedCombinations']);
  });

  test('the input is not changed', () => {
    const policy = graphPolicy();
    const before = JSON.stringify(policy);
    backupDocument('policy', policy, { names: NAMES });
    expect(JSON.stringify(policy)).toBe(before);
  });
});

describe('reference names', () => {
  const obj = (id: string, type: DirectoryObject['type'], displayName: string, extra: Partial<DirectoryObject> = {}): DirectoryObject => ({ id, type, displayName, ...extra });

  test('a directory name is written only when its look-up finds exactly that object', () => {
    const held = heldIds([graphPolicy()]);
    expect(held.objectIds).toEqual([FINANCE, DUP_A, GONE, ADELE, SP, ROLE_GA].sort());
    expect(held.appIds).toEqual([APP_ID]);
    const byId = [
      obj(FINANCE, 'group', 'Finance'),
      obj(DUP_A, 'group', 'Twins'),
      obj(ADELE, 'user', 'Adele', { userPrincipalName: 'adele@contoso.com' }),
      obj(SP, 'servicePrincipal', 'Contoso Robot', { appId: G(70) }),
      obj(ROLE_GA, 'role', 'Global Administrator'),
    ];
    const byAppId = [obj(G(71), 'servicePrincipal', 'Contoso HR', { appId: APP_ID })];
    const candidates = directoryCandidates(held, byId, byAppId);
    expect(candidates.map((c) => `${c.query.kind}:${c.query.name}`).sort()).toEqual(
      ['app:Contoso HR', 'group:Finance', 'group:Twins', 'role:Global Administrator', 'servicePrincipal:Contoso Robot', 'user:adele@contoso.com'].sort(),
    );
    const byName = new Map<string, DirectoryObject[]>([
      ['group:Finance', [obj(FINANCE, 'group', 'Finance')]],
      ['group:Twins', [obj(DUP_A, 'group', 'Twins'), obj(DUP_B, 'group', 'Twins')]],
      ['user:adele@contoso.com', [obj(ADELE, 'user', 'Adele', { userPrincipalName: 'adele@contoso.com' })]],
      ['role:Global Administrator', [obj(ROLE_GA, 'role', 'Global Administrator')]],
      // another object of another type with the same name does not make it ambiguous
      ['servicePrincipal:Contoso Robot', [obj(SP, 'servicePrincipal', 'Contoso Robot', { appId: G(70) })]],
      // two service principals of two apps share the name: ambiguous as an app
      ['app:Contoso HR', [obj(G(71), 'servicePrincipal', 'Contoso HR', { appId: APP_ID }), obj(G(72), 'servicePrincipal', 'Contoso HR', { appId: G(73) })]],
    ]);
    const names = directoryReferenceNames(candidates, byName);
    expect(Object.fromEntries(names)).toEqual({
      [referenceKey('group', FINANCE)]: 'group:Finance',
      [referenceKey('user', ADELE)]: 'user:adele@contoso.com',
      [referenceKey('role', ROLE_GA)]: 'role:Global Administrator',
      [referenceKey('servicePrincipal', SP)]: 'servicePrincipal:Contoso Robot',
    });
  });

  test('an object in a slot of another type is not named (the resolver would refuse it)', () => {
    const held = heldIds([{ conditions: { users: { includeUsers: [FINANCE] } } }]);
    expect(directoryCandidates(held, [obj(FINANCE, 'group', 'Finance')], [])).toEqual([]);
  });

  test('names the resolver would read differently are not written', () => {
    expect(isWritableName('Finance')).toBe(true);
    expect(isWritableName('Finance: EMEA')).toBe(true);
    expect(isWritableName(' Finance')).toBe(false);
    expect(isWritableName('Finance ')).toBe(false);
    expect(isWritableName('')).toBe(false);
    expect(isWritableName(G(1))).toBe(false);
    expect(isWritableName('two\nlines')).toBe(false);
  });

  test('locations and strengths are named from the snapshot when unique; built-ins by their fixed names', () => {
    const names = snapshotReferenceNames({
      namedLocations: [
        { id: G(10), displayName: 'Office' },
        { id: G(11), displayName: 'Home' },
        { id: G(12), displayName: 'home ' },
      ],
      authenticationStrengths: [
        { id: MFA_BUILT_IN, displayName: 'Multifactor authentication', policyType: 'builtIn' },
        { id: G(20), displayName: 'Strong', policyType: 'custom' },
        { id: G(21), displayName: 'multifactor authentication', policyType: 'custom' },
      ],
    });
    expect(names.get(referenceKey('location', G(10)))).toBe('location:Office');
    expect(names.has(referenceKey('location', G(11)))).toBe(false);
    expect(names.has(referenceKey('location', G(12)))).toBe(false);
    expect(names.get(referenceKey('authStrength', G(20)))).toBe('authStrength:Strong');
    expect(names.has(referenceKey('authStrength', G(21)))).toBe(false);
    expect(names.get(referenceKey('authStrength', MFA_BUILT_IN))).toBe('authStrength:Multifactor authentication');
  });
});

describe('backupFiles', () => {
  const snapshot = (): TenantSnapshot => ({
    tenantId: 't',
    graphUrl: 'http://x',
    apiVersion: 'v1.0',
    policies: [graphPolicy(), { ...graphPolicy(), id: G(101), displayName: 'CA100 – test' }],
    namedLocations: [{ '@odata.type': '#microsoft.graph.countryNamedLocation', id: LOCATION, displayName: 'CON', countriesAndRegions: ['US', 'CA'] }],
    authenticationStrengths: [
      { id: MFA_BUILT_IN, displayName: 'Multifactor authentication', policyType: 'builtIn', allowedCombinations: [] },
      { id: STRENGTH, displayName: 'Custom strength', policyType: 'custom', allowedCombinations: ['fido2'] },
    ],
  });

  test('one file per object, built-in strengths skipped, paths safe and sorted, content deterministic', () => {
    const files = backupFiles(snapshot(), { names: NAMES });
    expect(files.map((f) => f.path)).toEqual([
      'authentication-strengths/custom-strength.json',
      'named-locations/con-1.json',
      'policies/ca100-test-2.json',
      'policies/ca100-test.json',
    ]);
    expect(files.find((f) => f.path === 'policies/ca100-test.json')!.id).toBe(G(100));
    const reversed = snapshot();
    reversed.policies.reverse();
    expect(backupFiles(reversed, { names: NAMES })).toEqual(files);
    for (const f of files) expect(f.content.endsWith('}\n')).toBe(true);
    expect(JSON.parse(files[1]!.content).countriesAndRegions).toEqual(['CA', 'US']);
  });
});

describe('backup reports', () => {
  const result = {
    written: ['policies/a.json'],
    removed: ['policies/b.json'],
    unchanged: ['policies/c.json', 'policies/d.json'],
    added: ['CA <script>alert(1)</script>'],
    changed: [],
    removedNames: ['@here [link](http://evil)'],
    requests: { total: 8 },
  };

  test('the summary line', () => {
    expect(backupSummaryLine(result)).toBe('Backup: 1 added, 0 changed, 1 removed, 2 unchanged (8 Graph requests)');
  });

  test('the markdown list escapes every name', () => {
    const md = renderBackupMarkdown(result);
    expect(md).toContain('**Added** (1)');
    expect(md).toContain('**Removed** (1)');
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('](http://');
    expect(md).not.toMatch(/@here/);
    expect(renderBackupMarkdown({ ...result, written: [], removed: [], added: [], removedNames: [] })).toBe('No change since the last backup.\n');
  });
});

describe('beta answers', () => {
  test('empty beta-only properties are left out, those that say something are kept', () => {
    const p = graphPolicy();
    const conditions = p['conditions'] as JsonObject;
    Object.assign(conditions, { times: null, clients: null, signInRiskDetections: null, deviceStates: { includeStates: [], excludeStates: [] }, agentIdRiskLevels: 'high' });
    p['sessionControls'] = { continuousAccessEvaluation: null, signInFrequency: null };
    const doc = backupDocument('policy', p, { names: NAMES });
    const c = doc['conditions'] as JsonObject;
    for (const key of ['times', 'clients', 'signInRiskDetections', 'deviceStates']) expect(c).not.toHaveProperty(key);
    expect(c['agentIdRiskLevels']).toBe('high');
    expect(doc['sessionControls']).toEqual({ signInFrequency: null });
  });
});
