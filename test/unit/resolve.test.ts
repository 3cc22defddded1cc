import type { DocumentKind, JsonObject } from '../../src/model/documents.js';
import type { DirectoryObject, NameQuery, TenantSnapshot } from '../../src/model/tenant.js';
import type { Directory } from '../../src/ports/directory.js';
import { resolveReferences } from '../../src/resolve/resolve-references.js';
import type { PreparedDocument } from '../../src/model/rule.js';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const HR_APP = 'aaaaaaaa-0000-4000-8000-000000000001';
const EXCHANGE = '00000002-0000-0ff1-ce00-000000000000';

const OBJECTS: DirectoryObject[] = [
  { id: id(1), type: 'user', displayName: 'Emergency 1', userPrincipalName: 'bg1@contoso.com' },
  { id: id(2), type: 'group', displayName: 'CA-BreakGlass' },
  { id: id(3), type: 'group', displayName: 'Finance' },
  { id: id(4), type: 'group', displayName: 'Twins' },
  { id: id(5), type: 'group', displayName: 'Twins' },
  { id: '62e90394-69f5-4237-9190-012177145e10', type: 'role', displayName: 'Global Administrator' },
  { id: id(6), type: 'servicePrincipal', displayName: 'Contoso HR Portal', appId: HR_APP },
  { id: id(7), type: 'group', displayName: 'Tenant-only group' },
];

function fakeDirectory(): Directory & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async getByIds(ids) {
      calls.push('getByIds');
      return OBJECTS.filter((o) => ids.some((i) => i.toLowerCase() === o.id.toLowerCase()));
    },
    async findByNames(queries: readonly NameQuery[]) {
      calls.push('findByNames');
      const out = new Map<string, DirectoryObject[]>();
      for (const q of queries) {
        const matches = OBJECTS.filter((o) => {
          if (q.kind === 'user') return o.type === 'user' && o.userPrincipalName?.toLowerCase() === q.name.toLowerCase();
          if (q.kind === 'app') return o.type === 'servicePrincipal' && o.displayName.toLowerCase() === q.name.toLowerCase();
          return o.type === q.kind && o.displayName.toLowerCase() === q.name.toLowerCase();
        });
        out.set(`${q.kind}:${q.name}`, matches);
      }
      return out;
    },
    async getByAppIds(appIds) {
      calls.push('getByAppIds');
      return OBJECTS.filter((o) => o.appId && appIds.includes(o.appId));
    },
  };
}

function snapshot(extra: Partial<TenantSnapshot> = {}): TenantSnapshot {
  return {
    tenantId: 't',
    graphUrl: 'https://graph.microsoft.com',
    apiVersion: 'v1.0',
    policies: [],
    namedLocations: [
      { id: id(20), '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'Office' },
      { id: id(21), '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'Twin location' },
      { id: id(22), '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'twin location' },
      { id: id(23), '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'Old name' },
    ],
    authenticationStrengths: [
      { id: '00000000-0000-0000-0000-000000000004', displayName: 'Phishing-resistant MFA', policyType: 'builtIn' },
      { id: id(30), displayName: 'Admins', policyType: 'custom' },
    ],
    ...extra,
  };
}

/** A prepared document whose locator answers line = number of characters in the pointer. */
function doc(kind: DocumentKind, value: JsonObject, file = `${kind}.json`): PreparedDocument {
  return { file, kind, value, locate: (pointer) => ({ line: pointer.length, column: 3 }), schemaValid: true };
}

function policy(users: JsonObject, extra: JsonObject = {}): PreparedDocument {
  return doc('policy', {
    displayName: 'P',
    state: 'enabled',
    conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users, ...extra },
    grantControls: { operator: 'OR', builtInControls: ['mfa'] },
  });
}

const usersOf = (d: { resolved: JsonObject }): JsonObject => (d.resolved['conditions'] as JsonObject)['users'] as JsonObject;
const conditionsOf = (d: { resolved: JsonObject }): JsonObject => d.resolved['conditions'] as JsonObject;

describe('resolveReferences', () => {
  test('names resolve to ids in one call per kind of look-up; labels name every id', async () => {
    const directory = fakeDirectory();
    const p = policy(
      { includeUsers: ['all'], excludeUsers: ['user:bg1@contoso.com'], excludeGroups: ['group:CA-BreakGlass', 'group:Finance'], includeRoles: ['role:Global Administrator'] },
      { applications: { includeApplications: ['app:Contoso HR Portal', EXCHANGE] } },
    );
    const tenantPolicy: JsonObject = { id: id(99), displayName: 'T', conditions: { users: { excludeGroups: [id(7)] }, applications: { includeApplications: [HR_APP] } } };
    const result = await resolveReferences([p], { directory, snapshot: snapshot({ policies: [tenantPolicy] }) });
    expect(result.problems).toEqual([]);
    const d = result.documents[0]!;
    expect(usersOf(d)).toEqual({ includeUsers: ['All'], excludeUsers: [id(1)], excludeGroups: [id(2), id(3)], includeRoles: ['62e90394-69f5-4237-9190-012177145e10'] });
    expect((conditionsOf(d)['applications'] as JsonObject)['includeApplications']).toEqual([HR_APP, EXCHANGE]);
    // Two steps: ids with the names only a look-up proves unique, then users and appIds (mostly answered by step 1).
    expect(directory.calls).toEqual(['getByIds', 'findByNames', 'findByNames', 'getByAppIds']);
    expect(result.labels).toMatchObject({
      [id(1)]: 'user:bg1@contoso.com',
      [id(2)]: 'group:CA-BreakGlass',
      '62e90394-69f5-4237-9190-012177145e10': 'role:Global Administrator',
      [HR_APP]: 'app:Contoso HR Portal',
      [EXCHANGE]: 'app:Office 365 Exchange Online',
      [id(7)]: 'group:Tenant-only group',
      [id(20)]: 'location:Office',
      [id(30)]: 'authStrength:Admins',
      '00000000-0000-0000-0000-000000000004': 'authStrength:Phishing-resistant MFA',
    });
    // The prepared value is left alone.
    expect(((p.value['conditions'] as JsonObject)['users'] as JsonObject)['excludeGroups']).toEqual(['group:CA-BreakGlass', 'group:Finance']);
  });

  test('no look-up at all when nothing needs one', async () => {
    const directory = fakeDirectory();
    const result = await resolveReferences([policy({ includeUsers: ['All'] })], { directory, snapshot: snapshot() });
    expect(result.problems).toEqual([]);
    expect(directory.calls).toEqual([]);
  });

  test('GUIDs are checked to exist and to be of the right type', async () => {
    const p = policy({ includeUsers: [id(1)], excludeGroups: [id(2), id(404), id(1)] });
    const result = await resolveReferences([p], { directory: fakeDirectory(), snapshot: snapshot() });
    expect(result.problems).toEqual([
      { file: 'policy.json', path: '/conditions/users/excludeGroups/1', line: '/conditions/users/excludeGroups/1'.length, column: 3, message: expect.stringContaining(`group ${id(404)} in excludeGroups does not exist in the tenant`) },
      { file: 'policy.json', path: '/conditions/users/excludeGroups/2', line: expect.any(Number), column: 3, message: expect.stringContaining('is a user (user:bg1@contoso.com), not a group') },
    ]);
  });

  test('not found and ambiguous names are problems naming file, path, line and the candidates', async () => {
    const p = policy({ includeGroups: ['group:Twins', 'group:Nobody'], excludeUsers: ['user:ghost@contoso.com'] });
    const { problems } = await resolveReferences([p], { directory: fakeDirectory(), snapshot: snapshot() });
    expect(problems.map((x) => [x.path, x.message])).toEqual([
      ['/conditions/users/excludeUsers/0', expect.stringContaining('user:ghost@contoso.com: no user with this name in the tenant (users are looked up by userPrincipalName)')],
      ['/conditions/users/includeGroups/0', expect.stringMatching(new RegExp(`group:Twins is ambiguous: 2 groups have this name \\(${id(4)}, ${id(5)}\\)`))],
      ['/conditions/users/includeGroups/1', expect.stringContaining('group:Nobody: no group with this name')],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
  });

  test('appIds: known service principals and well-known Microsoft apps pass; other unknown appIds are problems', async () => {
    const unknown = 'bbbbbbbb-0000-4000-8000-000000000009';
    const p = policy({ includeUsers: ['All'] }, { applications: { includeApplications: [HR_APP, EXCHANGE, unknown, 'app:' + HR_APP.toUpperCase()] } });
    const result = await resolveReferences([p], { directory: fakeDirectory(), snapshot: snapshot() });
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ path: '/conditions/applications/includeApplications/2', message: expect.stringContaining('not a well-known Microsoft app') });
    expect((conditionsOf(result.documents[0]!)['applications'] as JsonObject)['includeApplications']).toEqual([HR_APP, EXCHANGE, unknown, HR_APP]);
  });

  test('locations: by tenant name, new ones kept as references (labelled new), ambiguous and unknown ones refused', async () => {
    const p = policy({ includeUsers: ['All'] }, { locations: { includeLocations: ['all'], excludeLocations: ['location:Office', 'location:New office', 'location:Twin location', 'location:Nowhere'] } });
    const newLocation = doc('namedLocation', { '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'New office' });
    const result = await resolveReferences([p, newLocation], { directory: fakeDirectory(), snapshot: snapshot() });
    expect((conditionsOf(result.documents[0]!)['locations'] as JsonObject)).toEqual({
      includeLocations: ['All'],
      excludeLocations: [id(20), 'location:New office', 'location:Twin location', 'location:Nowhere'],
    });
    expect(result.labels['location:New office']).toBe('location:New office (new)');
    expect(result.problems.map((x) => [x.path, x.message])).toEqual([
      ['/conditions/locations/excludeLocations/2', expect.stringContaining(`location:Twin location is ambiguous: 2 named locations in the tenant have this name (${id(21)}, ${id(22)})`)],
      ['/conditions/locations/excludeLocations/3', expect.stringContaining('location:Nowhere: no named location with this name in the tenant or in the repository')],
    ]);
  });

  test('the MFA Trusted IPs id (no named location object) is kept, labelled, never looked up nor called missing', async () => {
    const MFA_TRUSTED_IPS = '00000000-0000-0000-0000-000000000000';
    const p = policy({ includeUsers: ['All'] }, { locations: { includeLocations: ['All'], excludeLocations: [MFA_TRUSTED_IPS, id(99)] } });
    const directory = fakeDirectory();
    const result = await resolveReferences([p], { directory, snapshot: snapshot() });
    expect((conditionsOf(result.documents[0]!)['locations'] as JsonObject)['excludeLocations']).toEqual([MFA_TRUSTED_IPS, id(99)]);
    expect(result.labels[MFA_TRUSTED_IPS]).toBe('MFA Trusted IPs');
    // Another unknown id is still refused: only this one id is special.
    expect(result.problems.map((x) => [x.path, x.message])).toEqual([
      ['/conditions/locations/excludeLocations/1', expect.stringContaining(`named location ${id(99)} in excludeLocations does not exist in the tenant`)],
    ]);
    expect(directory.calls).toEqual([]);
  });

  test("a renamed location (the repository's id exists in the tenant) resolves to that id", async () => {
    const p = policy({ includeUsers: ['All'] }, { locations: { includeLocations: ['location:New name'] } });
    const renamed = doc('namedLocation', { id: id(23), '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'New name' });
    const result = await resolveReferences([p, renamed], { directory: fakeDirectory(), snapshot: snapshot() });
    expect(result.problems).toEqual([]);
    expect((conditionsOf(result.documents[0]!)['locations'] as JsonObject)['includeLocations']).toEqual([id(23)]);
  });

  test('authentication strengths: built-in names map to their fixed ids, custom ones by name, GUIDs checked', async () => {
    const strength = (value: string) => doc('policy', { displayName: 'S', conditions: {}, grantControls: { operator: 'OR', authenticationStrength: { id: value } } });
    const run = async (value: string) => {
      const result = await resolveReferences([strength(value)], { directory: fakeDirectory(), snapshot: snapshot() });
      return { id: ((result.documents[0]!.resolved['grantControls'] as JsonObject)['authenticationStrength'] as JsonObject)['id'], problems: result.problems };
    };
    expect(await run('authStrength:Passwordless MFA')).toEqual({ id: '00000000-0000-0000-0000-000000000003', problems: [] });
    expect(await run('authStrength:admins')).toEqual({ id: id(30), problems: [] });
    expect(await run(id(30))).toEqual({ id: id(30), problems: [] });
    const missing = await run(id(31));
    expect(missing.problems[0]).toMatchObject({ path: '/grantControls/authenticationStrength/id', message: expect.stringContaining('does not exist in the tenant') });
  });

  test('a reference in the wrong slot, an unknown kind and a malformed value are problems', async () => {
    const p = policy({ includeUsers: ['group:Finance', 'team:Red', 'Everyone'] });
    const { problems } = await resolveReferences([p], { directory: fakeDirectory(), snapshot: snapshot() });
    expect(problems.map((x) => x.message)).toEqual([
      expect.stringContaining('is a group reference, but includeUsers holds user references'),
      expect.stringContaining('unknown reference kind "team:"'),
      expect.stringContaining('"Everyone" in includeUsers is not an object id (GUID), a keyword (All, None, GuestsOrExternalUsers)'),
    ]);
  });
});
