/**
 * The emulator is at least as strict as Graph on writes: PATCH merges (complex properties
 * recursively, arrays whole, null clears), the named-location limits Entra documents (masks, range
 * and location counts, no delete of a trusted location) and beta-only properties on /v1.0 only.
 */
import { harness, minimalPolicy, type Harness } from '../fixtures/emulator/client.js';

const POLICIES = '/identity/conditionalAccess/policies';
const LOCATIONS = '/identity/conditionalAccess/namedLocations';
const DELETED_LOCATIONS = '/identity/conditionalAccess/deletedItems/namedLocations';
const STRENGTHS = '/policies/authenticationStrengthPolicies';
const GA = '62e90394-69f5-4237-9190-012177145e10';
const IP = '#microsoft.graph.ipNamedLocation';
const V4 = '#microsoft.graph.iPv4CidrRange';
const V6 = '#microsoft.graph.iPv6CidrRange';
let h: Harness;
let bg1: string;

beforeAll(async () => {
  h = await harness({ seed: 'sample' });
  bg1 = (await h.g('GET', `/users?$filter=userPrincipalName eq 'bg1@contoso.onmicrosoft.com'`)).body.value[0].id;
});
afterAll(async () => h.emu.stop());

const range = (cidr: string) => ({ '@odata.type': cidr.includes(':') ? V6 : V4, cidrAddress: cidr });
const ipLocation = (cidrs: string[], extra: Record<string, unknown> = {}) => ({
  '@odata.type': IP, displayName: 'Rules test', isTrusted: false, ipRanges: cidrs.map(range), ...extra,
});
/** n distinct /24 ranges in 20.0.0.0/13. */
const ranges = (n: number) => Array.from({ length: n }, (_, i) => `20.${Math.floor(i / 256)}.${i % 256}.0/24`);

async function createPolicy(overrides: Record<string, unknown>, version = 'v1.0') {
  const r = await h.g('POST', `/${version}${POLICIES}`, minimalPolicy(overrides));
  expect([r.status, r.body?.error?.message]).toEqual([201, undefined]);
  return r.body.id as string;
}
const getPolicy = async (id: string, version = 'v1.0') => (await h.g('GET', `/${version}${POLICIES}/${id}`)).body;
async function patchPolicy(id: string, body: unknown, version = 'v1.0') {
  return h.g('PATCH', `/${version}${POLICIES}/${id}`, body);
}

describe('PATCH merges as Graph does', () => {
  const conditions = {
    clientAppTypes: ['browser'],
    applications: { includeApplications: ['All'] },
    users: { includeUsers: ['All'], excludeUsers: [] as string[], excludeRoles: [GA] },
    platforms: { includePlatforms: ['all'], excludePlatforms: ['iOS'] },
  };

  test("Graph's own example: a body with only conditions.signInRiskLevels keeps every other condition", async () => {
    const id = await createPolicy({ conditions: { ...conditions, users: { ...conditions.users, excludeUsers: [bg1] } } });
    const before = await getPolicy(id);
    const r = await patchPolicy(id, { conditions: { signInRiskLevels: ['high', 'medium'] } });
    expect([r.status, r.body?.error?.message]).toEqual([204, undefined]);
    const after = await getPolicy(id);
    expect(after.conditions.signInRiskLevels).toEqual(['high', 'medium']);
    expect(after.conditions.users).toEqual(before.conditions.users);
    expect(after.conditions.applications).toEqual(before.conditions.applications);
    expect(after.conditions.clientAppTypes).toEqual(['browser']);
    expect(after.conditions.platforms).toEqual({ includePlatforms: ['all'], excludePlatforms: ['iOS'] });
    expect(after.grantControls.builtInControls).toEqual(['mfa']);
    expect(after.displayName).toBe(before.displayName);
  });

  test('a nested object sent as null is cleared; one left out stays', async () => {
    const id = await createPolicy({ conditions });
    expect((await patchPolicy(id, { conditions: { platforms: null } })).status).toBe(204);
    const after = await getPolicy(id);
    expect(after.conditions.platforms).toBeNull();
    expect(after.conditions.users.excludeRoles).toEqual([GA]);
    expect(after.conditions.clientAppTypes).toEqual(['browser']);
  });

  test('session controls merge recursively: signInFrequency beside persistentBrowser', async () => {
    const id = await createPolicy({
      sessionControls: {
        persistentBrowser: { isEnabled: true, mode: 'never' },
        signInFrequency: { isEnabled: true, type: 'hours', value: 4, frequencyInterval: 'timeBased' },
      },
    });
    expect((await patchPolicy(id, { sessionControls: { signInFrequency: { value: 8 } } })).status).toBe(204);
    let s = (await getPolicy(id)).sessionControls;
    expect(s.persistentBrowser).toEqual({ isEnabled: true, mode: 'never' });
    expect(s.signInFrequency).toEqual({
      isEnabled: true, type: 'hours', value: 8, authenticationType: 'primaryAndSecondaryAuthentication', frequencyInterval: 'timeBased',
    });
    // A scalar sent as null goes back to Graph's default (or null where there is none).
    expect((await patchPolicy(id, { sessionControls: { signInFrequency: { authenticationType: null } } })).status).toBe(204);
    expect((await getPolicy(id)).sessionControls.signInFrequency.authenticationType).toBe('primaryAndSecondaryAuthentication');
    // Merging into a control that was null starts from Graph's defaults.
    expect((await patchPolicy(id, { sessionControls: { signInFrequency: null, cloudAppSecurity: { isEnabled: true } } })).status).toBe(204);
    s = (await getPolicy(id)).sessionControls;
    expect(s.signInFrequency).toBeNull();
    expect(s.cloudAppSecurity).toEqual({ isEnabled: true, cloudAppSecurityType: null });
    expect(s.persistentBrowser).toEqual({ isEnabled: true, mode: 'never' });
  });

  test('arrays are replaced whole; an array sent as null answers []', async () => {
    const id = await createPolicy({ conditions: { ...conditions, users: { includeUsers: ['All'], excludeUsers: [bg1], excludeRoles: [GA] } } });
    expect((await patchPolicy(id, { conditions: { users: { excludeRoles: [] } } })).status).toBe(204);
    let users = (await getPolicy(id)).conditions.users;
    expect(users.excludeRoles).toEqual([]);
    expect(users.excludeUsers).toEqual([bg1]);
    expect(users.includeUsers).toEqual(['All']);
    expect((await patchPolicy(id, { conditions: { users: { excludeUsers: null } } })).status).toBe(204);
    users = (await getPolicy(id)).conditions.users;
    expect(users.excludeUsers).toEqual([]);
    expect((await patchPolicy(id, { grantControls: { builtInControls: ['compliantDevice', 'domainJoinedDevice'] } })).status).toBe(204);
    const grant = (await getPolicy(id)).grantControls;
    expect(grant.builtInControls).toEqual(['compliantDevice', 'domainJoinedDevice']);
    expect(grant.operator).toBe('OR');
  });

  test('the merged policy is checked whole: a body that leaves it invalid is refused and changes nothing', async () => {
    const id = await createPolicy({ conditions });
    const noUsers = await patchPolicy(id, { conditions: { users: null } });
    expect(noUsers.status).toBe(400);
    const blockAndMfa = await patchPolicy(id, { grantControls: { builtInControls: ['block', 'mfa'] } });
    expect([blockAndMfa.status, blockAndMfa.body.error.message]).toEqual([400, expect.stringMatching(/^1035/)]);
    const after = await getPolicy(id);
    expect(after.conditions.users.includeUsers).toEqual(['All']);
    expect(after.grantControls.builtInControls).toEqual(['mfa']);
  });

  test('unknown properties are a 1007 at any depth', async () => {
    const id = await createPolicy({ conditions });
    for (const [body, path] of [
      [{ conditions: { users: { includeUserz: ['All'] } } }, 'conditions.users.includeUserz'],
      [{ sessionControls: { signInFrequency: { minutes: 5 } } }, 'sessionControls.signInFrequency.minutes'],
      [{ grantControl: null }, 'grantControl'],
    ] as const) {
      const r = await patchPolicy(id, body);
      expect([r.status, r.body.error.code, r.body.error.message]).toEqual([400, 'BadRequest', expect.stringContaining(`1007`)]);
      expect(r.body.error.message).toContain(`'${path}'`);
    }
  });

  test('externalTenants: the same kind merges, another kind replaces; the strength reference is replaced', async () => {
    const t1 = '11111111-2222-3333-4444-555555555555';
    const id = await createPolicy({
      conditions: {
        clientAppTypes: ['all'],
        applications: { includeApplications: ['All'] },
        users: {
          includeGuestsOrExternalUsers: {
            guestOrExternalUserTypes: 'b2bCollaborationGuest,b2bDirectConnectUser',
            externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessEnumeratedExternalTenants', membershipKind: 'enumerated', members: [t1] },
          },
        },
      },
      grantControls: { operator: 'OR', builtInControls: [], authenticationStrength: { id: '00000000-0000-0000-0000-000000000003' } },
    });
    expect((await patchPolicy(id, {
      conditions: { users: { includeGuestsOrExternalUsers: { externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' } } } },
    })).status).toBe(204);
    let guests = (await getPolicy(id)).conditions.users.includeGuestsOrExternalUsers;
    expect(guests).toEqual({
      guestOrExternalUserTypes: 'b2bCollaborationGuest,b2bDirectConnectUser',
      externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' },
    });
    expect((await patchPolicy(id, { grantControls: { authenticationStrength: { id: '00000000-0000-0000-0000-000000000004' } } })).status).toBe(204);
    const grant = (await getPolicy(id)).grantControls;
    expect(grant.authenticationStrength.id).toBe('00000000-0000-0000-0000-000000000004');
    expect(grant.operator).toBe('OR');
    expect((await patchPolicy(id, { grantControls: { authenticationStrength: null, builtInControls: ['mfa'] } })).status).toBe(204);
    expect((await getPolicy(id)).grantControls.authenticationStrength).toBeNull();
    guests = (await getPolicy(id)).conditions.users.includeGuestsOrExternalUsers;
    expect(guests.externalTenants.membershipKind).toBe('all');
  });

  test('named locations: fields left out keep their values; ipRanges is replaced whole; isTrusted null is false', async () => {
    const c = await h.g('POST', LOCATIONS, ipLocation(['203.0.113.0/24', '198.51.100.0/24'], { displayName: 'Merge me', isTrusted: true }));
    expect(c.status).toBe(201);
    const url = `${LOCATIONS}/${c.body.id}`;
    expect((await h.g('PATCH', url, { '@odata.type': IP, displayName: 'Merged' })).status).toBe(204);
    let got = (await h.g('GET', url)).body;
    expect([got.displayName, got.isTrusted, got.ipRanges.length]).toEqual(['Merged', true, 2]);
    expect((await h.g('PATCH', url, { '@odata.type': IP, ipRanges: [range('192.0.2.0/24')] })).status).toBe(204);
    got = (await h.g('GET', url)).body;
    expect(got.ipRanges).toEqual([range('192.0.2.0/24')]);
    expect(got.isTrusted).toBe(true);
    expect((await h.g('PATCH', url, { '@odata.type': IP, isTrusted: null })).status).toBe(204);
    expect((await h.g('GET', url)).body.isTrusted).toBe(false);
    const country = await h.g('POST', LOCATIONS, {
      '@odata.type': '#microsoft.graph.countryNamedLocation', displayName: 'Merge countries', countriesAndRegions: ['DE'], includeUnknownCountriesAndRegions: true,
    });
    const curl = `${LOCATIONS}/${country.body.id}`;
    expect((await h.g('PATCH', curl, { '@odata.type': '#microsoft.graph.countryNamedLocation', countriesAndRegions: ['NL', 'BE'] })).status).toBe(204);
    expect((await h.g('GET', curl)).body).toMatchObject({ countriesAndRegions: ['NL', 'BE'], includeUnknownCountriesAndRegions: true, displayName: 'Merge countries' });
    const unknown = await h.g('PATCH', curl, { '@odata.type': '#microsoft.graph.countryNamedLocation', isTrusted: true });
    expect([unknown.status, unknown.body.error.message]).toEqual([400, expect.stringContaining("'isTrusted' does not exist")]);
  });

  test('custom authentication strengths: a field left out keeps its value, null clears the description', async () => {
    const c = await h.g('POST', STRENGTHS, { displayName: 'Merge strength', description: 'Keys', allowedCombinations: ['fido2'] });
    expect(c.status).toBe(201);
    const url = `${STRENGTHS}/${c.body.id}`;
    expect((await h.g('PATCH', url, { description: 'Security keys' })).status).toBe(204);
    expect((await h.g('GET', url)).body).toMatchObject({ displayName: 'Merge strength', description: 'Security keys', allowedCombinations: ['fido2'] });
    expect((await h.g('PATCH', url, { description: null })).status).toBe(204);
    expect((await h.g('GET', url)).body).toMatchObject({ displayName: 'Merge strength', description: null });
  });
});

describe('named-location rules Entra enforces at write time', () => {
  test('a trusted location cannot be deleted until it is marked untrusted', async () => {
    const c = await h.g('POST', LOCATIONS, ipLocation(['203.0.113.0/24'], { displayName: 'Trusted HQ', isTrusted: true }));
    const url = `${LOCATIONS}/${c.body.id}`;
    const refused = await h.g('DELETE', url);
    expect([refused.status, refused.body.error.code]).toEqual([400, 'BadRequest']);
    expect(refused.body.error.message).toMatch(/^1108: .*trusted.*Mark it untrusted first/);
    expect(refused.body.error.innerError['request-id']).toEqual(expect.any(String));
    expect((await h.g('GET', url)).status).toBe(200);
    expect((await h.g('PATCH', url, { '@odata.type': IP, isTrusted: false })).status).toBe(204);
    expect((await h.g('DELETE', url)).status).toBe(204);
    expect((await h.g('GET', url)).status).toBe(404);
  });

  test('CIDR masks must be greater than /8, for IPv4 and IPv6, on create and on PATCH', async () => {
    for (const cidr of ['20.0.0.0/8', '0.0.0.0/0', '2001:db8::/8', '::/0']) {
      const r = await h.g('POST', LOCATIONS, ipLocation([cidr]));
      expect([cidr, r.status, r.body.error?.message]).toEqual([cidr, 400, expect.stringMatching(/^1105: .*greater than \/8/)]);
    }
    for (const cidr of ['20.0.0.0/9', '2001:db8::/9']) {
      expect([cidr, (await h.g('POST', LOCATIONS, ipLocation([cidr]))).status]).toEqual([cidr, 201]);
    }
    const c = await h.g('POST', LOCATIONS, ipLocation(['198.51.100.0/24']));
    const patched = await h.g('PATCH', `${LOCATIONS}/${c.body.id}`, { '@odata.type': IP, ipRanges: [range('198.51.100.0/24'), range('21.0.0.0/8')] });
    expect([patched.status, patched.body.error.message]).toEqual([400, expect.stringMatching(/^1105: .*'21\.0\.0\.0\/8'/)]);
    expect((await h.g('GET', `${LOCATIONS}/${c.body.id}`)).body.ipRanges).toEqual([range('198.51.100.0/24')]);
  });

  test('at most 2,000 ranges in one location', async () => {
    const ok = await h.g('POST', LOCATIONS, ipLocation(ranges(2000), { displayName: 'Two thousand' }));
    expect(ok.status).toBe(201);
    expect(ok.body.ipRanges).toHaveLength(2000);
    const tooMany = await h.g('POST', LOCATIONS, ipLocation(ranges(2001), { displayName: 'One too many' }));
    expect([tooMany.status, tooMany.body.error.message]).toEqual([400, expect.stringMatching(/^1106: .*at most 2000 .*2001/)]);
    const patched = await h.g('PATCH', `${LOCATIONS}/${ok.body.id}`, { '@odata.type': IP, ipRanges: ranges(2001).map(range) });
    expect(patched.status).toBe(400);
  });
});

test('a tenant holds at most 195 named locations: the 196th is refused on create and on restore', async () => {
  const empty = await harness();
  try {
    const created: string[] = [];
    for (let i = 0; i < 195; i++) {
      const r = await empty.g('POST', LOCATIONS, i % 2 === 0
        ? ipLocation([`20.0.${i}.0/24`], { displayName: `L${i}` })
        : { '@odata.type': '#microsoft.graph.countryNamedLocation', displayName: `L${i}`, countriesAndRegions: ['DE'] });
      expect([i, r.status]).toEqual([i, 201]);
      created.push(r.body.id);
    }
    const refused = await empty.g('POST', LOCATIONS, ipLocation(['20.1.0.0/24'], { displayName: 'L195' }));
    expect([refused.status, refused.body.error.message]).toEqual([400, expect.stringMatching(/^1107: .*195 named locations/)]);

    // Delete one, fill its place, then the restore would be the 196th.
    expect((await empty.g('DELETE', `${LOCATIONS}/${created[0]}`)).status).toBe(204);
    expect((await empty.g('POST', LOCATIONS, ipLocation(['20.1.0.0/24'], { displayName: 'Replacement' }))).status).toBe(201);
    const restore = await empty.g('POST', `${DELETED_LOCATIONS}/${created[0]}/restore`);
    expect([restore.status, restore.body.error.message]).toEqual([400, expect.stringMatching(/^1107/)]);
    expect((await empty.g('GET', DELETED_LOCATIONS)).body.value.map((l: { id: string }) => l.id)).toEqual([created[0]]);

    // With room again, the restore works.
    expect((await empty.g('DELETE', `${LOCATIONS}/${created[1]}`)).status).toBe(204);
    expect((await empty.g('POST', `${DELETED_LOCATIONS}/${created[0]}/restore`)).status).toBe(200);
  } finally {
    await empty.emu.stop();
  }
});

describe('beta-only properties', () => {
  const betaControls = {
    conditions: {
      clientAppTypes: ['all'],
      applications: { includeApplications: ['All'] },
      users: { includeUsers: ['All'] },
      agentIdRiskLevels: 'high',
      times: { included: { '@odata.type': '#microsoft.graph.conditionalAccessAllTimes' } },
    },
    sessionControls: { continuousAccessEvaluation: { mode: 'strictEnforcement' } },
  };

  test('/v1.0 refuses them like any unknown property, even when null, on POST and PATCH', async () => {
    for (const [body, path] of [
      [{ sessionControls: { continuousAccessEvaluation: { mode: 'strictEnforcement' } } }, 'sessionControls.continuousAccessEvaluation'],
      [{ sessionControls: { continuousAccessEvaluation: null } }, 'sessionControls.continuousAccessEvaluation'],
      [{ conditions: { ...betaControls.conditions, times: undefined } }, 'conditions.agentIdRiskLevels'],
      [{ conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] }, deviceStates: null } }, 'conditions.deviceStates'],
      [{ conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] }, devices: { includeDevices: ['All'] } } }, 'conditions.devices.includeDevices'],
    ] as const) {
      const r = await h.g('POST', POLICIES, minimalPolicy(body));
      expect([path, r.status, r.body.error?.message]).toEqual([path, 400, expect.stringContaining(`1007`)]);
      expect(r.body.error.message).toContain(`Property '${path}' does not exist on type`);
    }
    const id = await createPolicy({});
    const patched = await patchPolicy(id, { conditions: { agentIdRiskLevels: null } });
    expect([patched.status, patched.body.error.message]).toEqual([400, expect.stringContaining("Property 'conditions.agentIdRiskLevels' does not exist")]);
  });

  test('/beta accepts and stores them; beta GETs answer them, v1.0 GETs do not; a v1.0 PATCH keeps them', async () => {
    const id = await createPolicy(betaControls, 'beta');
    const beta = await getPolicy(id, 'beta');
    expect(beta.conditions.agentIdRiskLevels).toBe('high');
    expect(beta.conditions.times).toEqual(betaControls.conditions.times);
    expect(beta.sessionControls.continuousAccessEvaluation).toEqual({ mode: 'strictEnforcement' });
    const v1 = await getPolicy(id);
    expect(v1.conditions).not.toHaveProperty('agentIdRiskLevels');
    expect(v1.conditions).not.toHaveProperty('times');
    expect(v1.sessionControls).not.toHaveProperty('continuousAccessEvaluation');

    expect((await patchPolicy(id, { state: 'disabled' })).status).toBe(204);
    const kept = await getPolicy(id, 'beta');
    expect([kept.state, kept.sessionControls.continuousAccessEvaluation, kept.conditions.agentIdRiskLevels]).toEqual(['disabled', { mode: 'strictEnforcement' }, 'high']);

    // Beta PATCHes merge into them and clear them with null.
    expect((await patchPolicy(id, {
      conditions: { clientApplications: { includeAgentIdServicePrincipals: ['All'] }, times: null },
      sessionControls: { globalSecureAccessFilteringProfile: { profileId: 'p1' } },
    }, 'beta')).status).toBe(204);
    const merged = await getPolicy(id, 'beta');
    expect(merged.conditions.clientApplications).toMatchObject({ includeAgentIdServicePrincipals: ['All'], excludeAgentIdServicePrincipals: [], includeServicePrincipals: [] });
    expect(merged.conditions).not.toHaveProperty('times');
    expect(merged.sessionControls.globalSecureAccessFilteringProfile).toEqual({ isEnabled: null, profileId: 'p1' });
    expect(merged.sessionControls.continuousAccessEvaluation).toEqual({ mode: 'strictEnforcement' });
    // A GET body from /beta can be sent back to /beta.
    const { id: _i, createdDateTime: _c, modifiedDateTime: _m, ...echo } = merged;
    expect((await patchPolicy(id, echo, 'beta')).status).toBe(204);
  });

  test('/beta still refuses what the beta schema does not declare, and checks beta values', async () => {
    const unknown = await h.g('POST', `/beta${POLICIES}`, minimalPolicy({ sessionControls: { continuousAccessEvaluation: { mode: 'strictEnforcement', strict: true } } }));
    expect([unknown.status, unknown.body.error.message]).toEqual([400, expect.stringContaining("'sessionControls.continuousAccessEvaluation.strict' does not exist")]);
    const badLevel = await h.g('POST', `/beta${POLICIES}`, minimalPolicy({ conditions: { ...betaControls.conditions, agentIdRiskLevels: 'extreme' } }));
    expect(badLevel.status).toBe(400);
    // Undeclared-by-Graph properties the client knows are answered only when set.
    const plain = await getPolicy(await createPolicy({}, 'beta'), 'beta');
    expect(plain.conditions).not.toHaveProperty('agents');
    expect(plain.sessionControls).toBeNull();
    expect(plain.conditions).toHaveProperty('agentIdRiskLevels', null);
    // compliantNetworkType belongs to compliantNetworkNamedLocation, not to IP or country locations.
    const loc = await h.g('POST', `/beta${LOCATIONS}`, ipLocation(['203.0.113.0/24'], { compliantNetworkType: 'allTenantCompliantNetworks' }));
    expect(loc.status).toBe(400);
  });

  test('a state file keeps beta properties written through /beta', async () => {
    const id = await createPolicy(betaControls, 'beta');
    const state = (await h.g('GET', '/_emulator/state')).body;
    expect((await h.g('PUT', '/_emulator/state', state)).status).toBe(204);
    const reloaded = await getPolicy(id, 'beta');
    expect(reloaded.sessionControls.continuousAccessEvaluation).toEqual({ mode: 'strictEnforcement' });
    expect(reloaded.conditions.times).toEqual(betaControls.conditions.times);
  });
});
