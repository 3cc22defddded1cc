/**
 * Named locations, authentication strengths and authentication contexts on the emulator.
 */
import { harness, minimalPolicy, type Harness } from '../fixtures/emulator/client.js';

const LOCATIONS = '/identity/conditionalAccess/namedLocations';
const STRENGTHS = '/policies/authenticationStrengthPolicies';
const CONTEXTS = '/identity/conditionalAccess/authenticationContextClassReferences';
let h: Harness;

beforeAll(async () => {
  h = await harness();
});
afterAll(async () => h.emu.stop());

const ip = (cidrs: string[], extra: Record<string, unknown> = {}) => ({
  '@odata.type': '#microsoft.graph.ipNamedLocation',
  displayName: 'Offices',
  isTrusted: true,
  ipRanges: cidrs.map((c) => ({ '@odata.type': c.includes(':') ? '#microsoft.graph.iPv6CidrRange' : '#microsoft.graph.iPv4CidrRange', cidrAddress: c })),
  ...extra,
});
const country = (codes: string[], extra: Record<string, unknown> = {}) => ({
  '@odata.type': '#microsoft.graph.countryNamedLocation',
  displayName: 'Countries',
  countriesAndRegions: codes,
  ...extra,
});

describe('named locations', () => {
  test('IP location: 201 with @odata.type, ranges typed, defaults filled', async () => {
    const r = await h.g('POST', LOCATIONS, ip(['203.0.113.0/24', '2001:db8::/32']));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      '@odata.context': `${h.emu.url}/v1.0/$metadata#identity/conditionalAccess/namedLocations/$entity`,
      '@odata.type': '#microsoft.graph.ipNamedLocation',
      displayName: 'Offices',
      isTrusted: true,
      ipRanges: [
        { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.0/24' },
        { '@odata.type': '#microsoft.graph.iPv6CidrRange', cidrAddress: '2001:db8::/32' },
      ],
    });
    expect(typeof r.body.id).toBe('string');
    expect(typeof r.body.createdDateTime).toBe('string');
    const list = await h.g('GET', LOCATIONS);
    expect(list.body.value.find((l: { id: string }) => l.id === r.body.id)['@odata.type']).toBe('#microsoft.graph.ipNamedLocation');
  });

  test('country location: defaults and validation of ISO 3166 alpha-2 codes', async () => {
    const r = await h.g('POST', LOCATIONS, country(['DE', 'NL']));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ countriesAndRegions: ['DE', 'NL'], includeUnknownCountriesAndRegions: false, countryLookupMethod: 'clientIpAddress' });
    const bad = await h.g('POST', LOCATIONS, country(['DE', 'XX']));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/'XX'/);
    expect((await h.g('POST', LOCATIONS, country(['DEU']))).status).toBe(400);
  });

  test('CIDR validation', async () => {
    for (const cidr of ['203.0.113.0/33', '203.0.113/24', '300.1.1.1/8', '2001:db8::/129', 'not-an-ip/8', '10.0.0.1']) {
      const r = await h.g('POST', LOCATIONS, ip([cidr]));
      expect([cidr, r.status]).toEqual([cidr, 400]);
    }
    // A v6 range declared as v4 is refused.
    const mismatch = await h.g('POST', LOCATIONS, { ...ip([]), ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '2001:db8::/32' }] });
    expect(mismatch.status).toBe(400);
  });

  test('@odata.type is required on POST and PATCH', async () => {
    const { ['@odata.type']: _t, ...untyped } = ip(['198.51.100.0/24']);
    expect((await h.g('POST', LOCATIONS, untyped)).status).toBe(400);
    const c = await h.g('POST', LOCATIONS, ip(['198.51.100.0/24']));
    expect((await h.g('PATCH', `${LOCATIONS}/${c.body.id}`, { displayName: 'Renamed' })).status).toBe(400);
    const ok = await h.g('PATCH', `${LOCATIONS}/${c.body.id}`, { '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'Renamed' });
    expect(ok.status).toBe(204);
    const got = await h.g('GET', `${LOCATIONS}/${c.body.id}`);
    expect(got.body.displayName).toBe('Renamed');
    expect(got.body.ipRanges).toHaveLength(1);
    // The kind cannot change.
    expect((await h.g('PATCH', `${LOCATIONS}/${c.body.id}`, country(['DE']))).status).toBe(400);
  });

  test('soft delete and restore; a location in use cannot be deleted', async () => {
    // Untrusted: Graph refuses to delete a trusted location (emulator-write-rules.test.ts).
    const c = await h.g('POST', LOCATIONS, ip(['192.0.2.0/24'], { displayName: 'Soft', isTrusted: false }));
    expect((await h.g('DELETE', `${LOCATIONS}/${c.body.id}`)).status).toBe(204);
    expect((await h.g('GET', `${LOCATIONS}/${c.body.id}`)).status).toBe(404);
    const deleted = await h.g('GET', '/identity/conditionalAccess/deletedItems/namedLocations');
    expect(deleted.body.value.map((l: { id: string }) => l.id)).toContain(c.body.id);
    const restored = await h.g('POST', `/identity/conditionalAccess/deletedItems/namedLocations/${c.body.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.id).toBe(c.body.id);

    const p = await h.g('POST', '/identity/conditionalAccess/policies', minimalPolicy({
      conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] }, locations: { includeLocations: [c.body.id] } },
    }));
    expect(p.status).toBe(201);
    const refused = await h.g('DELETE', `${LOCATIONS}/${c.body.id}`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/^1045/);
  });
});

describe('authentication strengths', () => {
  test('the three built-ins are listed, read-only', async () => {
    const r = await h.g('GET', STRENGTHS);
    const builtIns = r.body.value.filter((s: { policyType: string }) => s.policyType === 'builtIn');
    expect(builtIns.map((s: { id: string; displayName: string }) => [s.id, s.displayName])).toEqual([
      ['00000000-0000-0000-0000-000000000002', 'Multifactor authentication'],
      ['00000000-0000-0000-0000-000000000003', 'Passwordless MFA'],
      ['00000000-0000-0000-0000-000000000004', 'Phishing-resistant MFA'],
    ]);
    expect((await h.g('PATCH', `${STRENGTHS}/00000000-0000-0000-0000-000000000002`, { description: 'x' })).status).toBe(400);
    expect((await h.g('DELETE', `${STRENGTHS}/00000000-0000-0000-0000-000000000004`)).status).toBe(400);
  });

  test('custom CRUD', async () => {
    const c = await h.g('POST', STRENGTHS, { displayName: 'Keys only', description: 'FIDO2', allowedCombinations: ['FIDO2', 'password, hardwareOath'] });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ policyType: 'custom', requirementsSatisfied: 'mfa', allowedCombinations: ['fido2', 'password,hardwareOath'] });
    expect((await h.g('POST', STRENGTHS, { displayName: 'Keys only', allowedCombinations: ['fido2'] })).status).toBe(400);
    expect((await h.g('POST', STRENGTHS, { displayName: 'Bad', allowedCombinations: ['carrierPigeon'] })).status).toBe(400);
    expect((await h.g('PATCH', `${STRENGTHS}/${c.body.id}`, { description: 'Security keys' })).status).toBe(204);
    expect((await h.g('GET', `${STRENGTHS}/${c.body.id}`)).body.description).toBe('Security keys');
    const upd = await h.g('POST', `${STRENGTHS}/${c.body.id}/updateAllowedCombinations`, { allowedCombinations: ['fido2', 'windowsHelloForBusiness'] });
    expect(upd.status).toBe(200);
    expect(upd.body.currentCombinations).toEqual(['fido2', 'windowsHelloForBusiness']);
    expect((await h.g('DELETE', `${STRENGTHS}/${c.body.id}`)).status).toBe(204);
    expect((await h.g('GET', `${STRENGTHS}/${c.body.id}`)).status).toBe(404);
  });
});

describe('authentication contexts', () => {
  test('PATCH upserts; list and get', async () => {
    expect((await h.g('GET', `${CONTEXTS}/c7`)).status).toBe(404);
    expect((await h.g('PATCH', `${CONTEXTS}/c7`, { displayName: 'Sensitive', isAvailable: true })).status).toBe(204);
    expect((await h.g('GET', `${CONTEXTS}/c7`)).body).toMatchObject({ id: 'c7', displayName: 'Sensitive', description: null, isAvailable: true });
    expect((await h.g('PATCH', `${CONTEXTS}/c7`, { description: 'Now described' })).status).toBe(204);
    expect((await h.g('GET', `${CONTEXTS}/c7`)).body).toMatchObject({ displayName: 'Sensitive', description: 'Now described' });
    expect((await h.g('GET', CONTEXTS)).body.value.map((c: { id: string }) => c.id)).toContain('c7');
    expect((await h.g('PATCH', `${CONTEXTS}/x1`, { displayName: 'Bad id' })).status).toBe(400);
  });
});
