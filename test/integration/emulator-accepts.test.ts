/**
 * The emulator accepts what Graph accepts, and no more: the MFA Trusted IPs location id (Graph's
 * own create example excludes it) but no other unknown location id; a workload-identity policy
 * (clientApplications with service principals) without users, but not a policy that targets
 * nobody; never both guest forms in a write.
 */
import { harness, minimalPolicy, type Harness } from '../fixtures/emulator/client.js';

const POLICIES = '/identity/conditionalAccess/policies';
const MFA_TRUSTED_IPS = '00000000-0000-0000-0000-000000000000';
let h: Harness;

beforeAll(async () => {
  h = await harness({ seed: 'sample' });
});
afterAll(async () => h.emu.stop());

const conditions = (extra: Record<string, unknown>) => ({ clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] }, ...extra });

describe('the MFA Trusted IPs location id', () => {
  test('is accepted in excludeLocations and includeLocations, and answered as sent', async () => {
    const r = await h.g('POST', POLICIES, minimalPolicy({ displayName: 'Trusted IPs', conditions: conditions({ locations: { includeLocations: [MFA_TRUSTED_IPS], excludeLocations: [] } }) }));
    expect(r.status).toBe(201);
    const s = await h.g('POST', POLICIES, minimalPolicy({ displayName: 'Not trusted IPs', conditions: conditions({ locations: { includeLocations: ['All'], excludeLocations: [MFA_TRUSTED_IPS] } }) }));
    expect(s.status).toBe(201);
    expect(s.body.conditions.locations.excludeLocations).toEqual([MFA_TRUSTED_IPS]);
  });

  test('another unknown location id is still refused (1057)', async () => {
    const bad = '00000000-0000-0000-0000-000000000001';
    const r = await h.g('POST', POLICIES, minimalPolicy({ conditions: conditions({ locations: { includeLocations: ['All'], excludeLocations: [bad] } }) }));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain(`1057: Invalid location value: ${bad}`);
  });
});

describe('workload-identity policies', () => {
  const workload = (extra: Record<string, unknown> = {}) => ({
    clientAppTypes: ['all'],
    applications: { includeApplications: ['All'] },
    clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'] },
    servicePrincipalRiskLevels: ['high'],
    ...extra,
  });

  test('without users (absent or null): 201, answered with users null', async () => {
    for (const extra of [{}, { users: null }]) {
      const r = await h.g('POST', POLICIES, minimalPolicy({ displayName: 'Workloads', conditions: workload(extra), grantControls: { operator: 'OR', builtInControls: ['block'] } }));
      expect(r.status).toBe(201);
      expect(r.body.conditions.users).toBeNull();
      expect(r.body.conditions.clientApplications.includeServicePrincipals).toEqual(['ServicePrincipalsInMyTenant']);
    }
  });

  test('with an empty users object: 201', async () => {
    const r = await h.g('POST', POLICIES, minimalPolicy({ conditions: workload({ users: { includeUsers: [] } }), grantControls: { operator: 'OR', builtInControls: ['block'] } }));
    expect(r.status).toBe(201);
  });

  test('neither users nor service principals: refused as before', async () => {
    const noUsers = await h.g('POST', POLICIES, minimalPolicy({ conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] } } }));
    expect(noUsers.status).toBe(400);
    expect(noUsers.body.error.message).toContain("'conditions.users' is required");
    const nobody = await h.g('POST', POLICIES, minimalPolicy({ conditions: conditions({ users: { includeUsers: [] }, clientApplications: { includeServicePrincipals: [] } }) }));
    expect(nobody.status).toBe(400);
    expect(nobody.body.error.message).toContain('1041');
  });

  test('a PATCH that removes the service principals of a policy without users is refused', async () => {
    const r = await h.g('POST', POLICIES, minimalPolicy({ displayName: 'Workloads to patch', conditions: workload(), grantControls: { operator: 'OR', builtInControls: ['block'] } }));
    expect(r.status).toBe(201);
    const p = await h.g('PATCH', `${POLICIES}/${r.body.id}`, { conditions: workload({ clientApplications: { includeServicePrincipals: [] } }) });
    expect(p.status).toBe(400);
  });
});

test('both guest forms in a write are still refused (1037), as by Graph', async () => {
  const guests = { guestOrExternalUserTypes: 'internalGuest', externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' } };
  const r = await h.g('POST', POLICIES, minimalPolicy({ conditions: conditions({ users: { includeUsers: ['GuestsOrExternalUsers'], includeGuestsOrExternalUsers: guests } }) }));
  expect(r.status).toBe(400);
  expect(r.body.error.message).toContain('1037');
});
