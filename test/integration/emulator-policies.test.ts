/**
 * Conditional Access policies on the emulator: Graph's response shape and defaults, PATCH merge,
 * Graph's validation errors, paging/filter/select, soft delete and restore.
 */
import { harness, minimalPolicy, type Harness } from '../fixtures/emulator/client.js';

const POLICIES = '/identity/conditionalAccess/policies';
const GA = '62e90394-69f5-4237-9190-012177145e10';
let h: Harness;
let ids: { breakGlass: string; bg1: string; exchangeAppId: string; trusted: string; customStrength: string };

beforeAll(async () => {
  h = await harness({ seed: 'sample' });
  const group = await h.g('GET', `/groups?$filter=displayName eq 'CA-BreakGlass'`);
  const user = await h.g('GET', `/users?$filter=userPrincipalName eq 'bg1@contoso.onmicrosoft.com'`);
  const sp = await h.g('GET', `/servicePrincipals?$filter=displayName eq 'Office 365 Exchange Online'`);
  const loc = await h.g('GET', `/identity/conditionalAccess/namedLocations?$filter=displayName eq 'Trusted office networks'`);
  const strength = await h.g('GET', `/policies/authenticationStrengthPolicies?$filter=policyType eq 'custom'`);
  ids = {
    breakGlass: group.body.value[0].id,
    bg1: user.body.value[0].id,
    exchangeAppId: sp.body.value[0].appId,
    trusted: loc.body.value[0].id,
    customStrength: strength.body.value[0].id,
  };
});
afterAll(async () => h.emu.stop());

async function create(overrides: Record<string, unknown> = {}) {
  return h.g('POST', POLICIES, minimalPolicy(overrides));
}

describe('create and read', () => {
  test('POST answers 201 with the full entity and Graph defaults', async () => {
    const r = await create({ displayName: 'Defaults' });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toContain(`policies('${r.body.id}')`);
    expect(r.body['@odata.context']).toBe(`${h.emu.url}/v1.0/$metadata#identity/conditionalAccess/policies/$entity`);
    expect(r.body).toMatchObject({
      templateId: null,
      partialEnablementStrategy: null,
      modifiedDateTime: null,
      sessionControls: null,
      state: 'enabledForReportingButNotEnforced',
    });
    expect(typeof r.body.createdDateTime).toBe('string');
    expect(r.body.conditions).toMatchObject({
      userRiskLevels: [], signInRiskLevels: [], servicePrincipalRiskLevels: [], platforms: null, locations: null,
      devices: null, clientApplications: null, authenticationFlows: null, insiderRiskLevels: null,
    });
    expect(r.body.conditions.users).toEqual({
      includeUsers: ['All'], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [],
      includeGuestsOrExternalUsers: null, excludeGuestsOrExternalUsers: null,
    });
    expect(r.body.conditions.applications).toEqual({
      includeApplications: ['All'], excludeApplications: [], includeUserActions: [], includeAuthenticationContextClassReferences: [], applicationFilter: null,
    });
    expect(r.body.grantControls['authenticationStrength@odata.context']).toContain(`policies('${r.body.id}')/grantControls/authenticationStrength/$entity`);
    expect(r.body.grantControls.authenticationStrength).toBeNull();
    const got = await h.g('GET', `${POLICIES}/${r.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(r.body);
  });

  test('clientAppTypes left out means all', async () => {
    const r = await create({ conditions: { applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] } } });
    expect(r.status).toBe(201);
    expect(r.body.conditions.clientAppTypes).toEqual(['all']);
  });

  test('authentication strength is set by id and answered expanded', async () => {
    const r = await create({ grantControls: { operator: 'OR', builtInControls: [], authenticationStrength: { id: '00000000-0000-0000-0000-000000000004' } } });
    expect(r.status).toBe(201);
    expect(r.body.grantControls.authenticationStrength).toMatchObject({
      id: '00000000-0000-0000-0000-000000000004',
      displayName: 'Phishing-resistant MFA',
      policyType: 'builtIn',
      requirementsSatisfied: 'mfa',
      allowedCombinations: ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor'],
    });
    const custom = await create({ grantControls: { operator: 'OR', builtInControls: [], authenticationStrength: { id: ids.customStrength } } });
    expect(custom.body.grantControls.authenticationStrength.policyType).toBe('custom');
  });

  test('enums are accepted in any case and answered in Graph casing; flags in enum order', async () => {
    const r = await create({
      state: 'ENABLEDFORREPORTINGBUTNOTENFORCED',
      conditions: {
        clientAppTypes: ['Browser', 'MOBILEAPPSANDDESKTOPCLIENTS'],
        signInRiskLevels: ['High'],
        insiderRiskLevels: 'elevated,minor',
        applications: { includeApplications: ['all'] },
        users: {
          includeUsers: ['none'],
          includeGuestsOrExternalUsers: {
            guestOrExternalUserTypes: 'serviceProvider,InternalGuest, b2bCollaborationGuest',
            externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' },
          },
        },
        authenticationFlows: { transferMethods: 'authenticationTransfer,deviceCodeFlow' },
        platforms: { includePlatforms: ['IOS', 'Android'] },
      },
      grantControls: { operator: 'or', builtInControls: ['MFA'] },
    });
    expect(r.status).toBe(201);
    expect(r.body.state).toBe('enabledForReportingButNotEnforced');
    expect(r.body.conditions.clientAppTypes).toEqual(['browser', 'mobileAppsAndDesktopClients']);
    expect(r.body.conditions.signInRiskLevels).toEqual(['high']);
    expect(r.body.conditions.insiderRiskLevels).toBe('minor,elevated');
    expect(r.body.conditions.users.includeUsers).toEqual(['None']);
    expect(r.body.conditions.applications.includeApplications).toEqual(['All']);
    expect(r.body.conditions.users.includeGuestsOrExternalUsers.guestOrExternalUserTypes).toBe('internalGuest,b2bCollaborationGuest,serviceProvider');
    expect(r.body.conditions.authenticationFlows.transferMethods).toBe('deviceCodeFlow,authenticationTransfer');
    expect(r.body.conditions.platforms).toEqual({ includePlatforms: ['iOS', 'android'], excludePlatforms: [] });
    expect(r.body.grantControls.operator).toBe('OR');
    expect(r.body.grantControls.builtInControls).toEqual(['mfa']);
  });

  test('beta answers beta-only properties; v1.0 does not', async () => {
    const r = await create();
    const beta = await h.g('GET', `/beta${POLICIES}/${r.body.id}`);
    expect(beta.status).toBe(200);
    expect(beta.body['@odata.context']).toContain('/beta/$metadata#');
    expect(beta.body.conditions).toHaveProperty('deviceStates', null);
    expect(r.body.conditions).not.toHaveProperty('deviceStates');
  });

  test('keywords are not references', async () => {
    const r = await create({
      conditions: {
        clientAppTypes: ['all'],
        applications: { includeApplications: ['Office365'], excludeApplications: ['MicrosoftAdminPortals'] },
        users: { includeUsers: ['GuestsOrExternalUsers'], excludeUsers: ['None'] },
        locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
        clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'] },
      },
    });
    expect(r.status).toBe(201);
  });

  test('references to existing objects are accepted', async () => {
    const r = await create({
      conditions: {
        clientAppTypes: ['all'],
        applications: { includeApplications: [ids.exchangeAppId] },
        users: { includeRoles: [GA], excludeGroups: [ids.breakGlass], excludeUsers: [ids.bg1] },
        locations: { includeLocations: ['All'], excludeLocations: [ids.trusted] },
      },
    });
    expect(r.status).toBe(201);
  });
});

describe('Graph errors', () => {
  const expectError = async (overrides: Record<string, unknown>, message: RegExp) => {
    const r = await create(overrides);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('BadRequest');
    expect(r.body.error.message).toMatch(message);
    expect(Object.keys(r.body.error.innerError).sort()).toEqual(['client-request-id', 'date', 'request-id']);
  };
  const users = (u: Record<string, unknown>) => ({ conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: u } });
  const missing = '11111111-2222-3333-4444-555555555555';

  test('references that do not exist', async () => {
    await expectError(users({ includeUsers: ['All'], excludeGroups: [missing] }), /^1054: Invalid group value/);
    await expectError(users({ includeUsers: [missing] }), /^1053: Invalid user value/);
    // A role *instance* id or any other id is not a role template.
    await expectError(users({ includeRoles: [missing] }), /^1055: Invalid role value/);
    await expectError({ conditions: { clientAppTypes: ['all'], applications: { includeApplications: [missing] }, users: { includeUsers: ['All'] } } }, /^1056: Invalid application value/);
    await expectError(
      { conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] }, locations: { includeLocations: [missing] } } },
      /^1057: Invalid location value/,
    );
    await expectError({ grantControls: { operator: 'OR', builtInControls: [], authenticationStrength: { id: missing } } }, /^1058: Invalid authentication strength/);
  });

  test('empty clientAppTypes is 1064', async () => {
    await expectError({ conditions: { clientAppTypes: [], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] } } }, /^1064: 'clientAppTypes' condition does not support \[\]/);
  });

  test('combinations Graph rejects', async () => {
    const base = (c: Record<string, unknown>) => ({
      conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] }, ...c },
    });
    // passwordChange needs mfa + AND + userRiskLevels + All apps.
    await expectError({ grantControls: { operator: 'OR', builtInControls: ['mfa', 'passwordChange'] }, ...base({ userRiskLevels: ['high'] }) }, /^1032/);
    await expectError({ grantControls: { operator: 'AND', builtInControls: ['mfa', 'passwordChange'] } }, /^1032/);
    const ok = await create({ grantControls: { operator: 'AND', builtInControls: ['mfa', 'passwordChange'] }, ...base({ userRiskLevels: ['high'] }) });
    expect(ok.status).toBe(201);
    await expectError({ grantControls: { operator: 'OR', builtInControls: ['block', 'mfa'] } }, /^1035/);
    await expectError({ grantControls: { operator: 'OR', builtInControls: ['mfa'], authenticationStrength: { id: '00000000-0000-0000-0000-000000000002' } } }, /^1036/);
    await expectError(
      users({ includeUsers: ['GuestsOrExternalUsers'], includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'internalGuest' } }),
      /^1037/,
    );
    await expectError(
      users({ includeGuestsOrExternalUsers: { externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' } } }),
      /^1038/,
    );
    await expectError(
      { grantControls: null, sessionControls: { signInFrequency: { isEnabled: true, frequencyInterval: 'everyTime', type: 'hours', value: 1 } } },
      /^1039/,
    );
  });

  test('schema errors: unknown properties, read-only fields, bad enum values', async () => {
    await expectError({ colour: 'blue' }, /^1007: .*colour/);
    await expectError({ id: 'abc' }, /^1001: 'id' is a readonly field/);
    await expectError({ state: 'on' }, /Cannot convert the literal 'on'/);
    await expectError({ conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] }, insiderRiskLevels: 'huge' } }, /Cannot convert the literal 'huge'/);
  });

  test('unknown id is 404 in Graph error shape', async () => {
    const r = await h.g('GET', `${POLICIES}/${missing}`, undefined, { 'client-request-id': 'abc-123' });
    expect(r.status).toBe(404);
    expect(r.body.error.innerError['client-request-id']).toBe('abc-123');
    expect(r.headers.get('request-id')).toBe(r.body.error.innerError['request-id']);
    expect((await h.g('PATCH', `${POLICIES}/${missing}`, { state: 'disabled' })).status).toBe(404);
    expect((await h.g('DELETE', `${POLICIES}/${missing}`)).status).toBe(404);
  });
});

describe('PATCH', () => {
  test('answers 204, merges top-level properties, replaces arrays and sets modifiedDateTime', async () => {
    const c = await create({ displayName: 'Patch me' });
    const r = await h.g('PATCH', `${POLICIES}/${c.body.id}`, {
      state: 'disabled',
      conditions: { clientAppTypes: ['browser'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'], excludeGroups: [ids.breakGlass] } },
    });
    expect(r.status).toBe(204);
    expect(r.body).toBeUndefined();
    const got = (await h.g('GET', `${POLICIES}/${c.body.id}`)).body;
    expect(got.displayName).toBe('Patch me');
    expect(got.state).toBe('disabled');
    expect(got.conditions.clientAppTypes).toEqual(['browser']);
    expect(got.conditions.users.excludeGroups).toEqual([ids.breakGlass]);
    expect(got.grantControls.builtInControls).toEqual(['mfa']);
    expect(got.modifiedDateTime).not.toBeNull();
    expect(got.createdDateTime).toBe(c.body.createdDateTime);
    // Arrays sent replace arrays stored.
    await h.g('PATCH', `${POLICIES}/${c.body.id}`, { grantControls: { operator: 'OR', builtInControls: ['compliantDevice'] } });
    expect((await h.g('GET', `${POLICIES}/${c.body.id}`)).body.grantControls.builtInControls).toEqual(['compliantDevice']);
  });

  test('a GET body minus id and timestamps can be sent back as a PATCH (annotations and the expanded strength are accepted)', async () => {
    const c = await create({ displayName: 'Echo', grantControls: { operator: 'OR', builtInControls: [], authenticationStrength: { id: '00000000-0000-0000-0000-000000000003' } } });
    const { id: _id, createdDateTime: _c, modifiedDateTime: _m, ...rest } = (await h.g('GET', `${POLICIES}/${c.body.id}`)).body;
    const patched = await h.g('PATCH', `${POLICIES}/${c.body.id}`, { ...rest, state: 'disabled' });
    expect([patched.status, patched.body?.error?.message]).toEqual([204, undefined]);
    const got = (await h.g('GET', `${POLICIES}/${c.body.id}`)).body;
    expect(got.state).toBe('disabled');
    expect(got.grantControls.authenticationStrength.id).toBe('00000000-0000-0000-0000-000000000003');
  });

  test('a PATCH that makes the policy invalid is refused and changes nothing', async () => {
    const c = await create({ displayName: 'Stay valid' });
    const r = await h.g('PATCH', `${POLICIES}/${c.body.id}`, { grantControls: { operator: 'OR', builtInControls: ['block', 'mfa'] } });
    expect(r.status).toBe(400);
    expect((await h.g('GET', `${POLICIES}/${c.body.id}`)).body.grantControls.builtInControls).toEqual(['mfa']);
  });
});

describe('lists', () => {
  test('$top pages with an absolute @odata.nextLink that reaches every policy once', async () => {
    const seen: string[] = [];
    let url: string | undefined = `${h.emu.url}/v1.0${POLICIES}?$top=7`;
    let pages = 0;
    while (url !== undefined) {
      const r = await h.g('GET', url.slice(h.emu.url.length));
      expect(r.status).toBe(200);
      expect(r.body.value.length).toBeLessThanOrEqual(7);
      seen.push(...r.body.value.map((p: { id: string }) => p.id));
      url = r.body['@odata.nextLink'];
      if (url !== undefined) expect(url.startsWith(`${h.emu.url}/v1.0/identity/conditionalAccess/policies?`)).toBe(true);
      pages += 1;
    }
    const all = await h.g('GET', `${POLICIES}?$top=999`);
    expect(all.body['@odata.nextLink']).toBeUndefined();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(all.body.value.length);
    expect(pages).toBe(Math.ceil(seen.length / 7));
    const skipped = await h.g('GET', `${POLICIES}?$top=2&$skip=3`);
    expect(skipped.body.value.map((p: { id: string }) => p.id)).toEqual(seen.slice(3, 5));
  });

  test("$filter displayName eq with OData quoting ('' is a quote)", async () => {
    await create({ displayName: "O'Brien's policy" });
    const r = await h.g('GET', `${POLICIES}?$filter=${encodeURIComponent("displayName eq 'O''Brien''s policy'")}`);
    expect(r.status).toBe(200);
    expect(r.body.value).toHaveLength(1);
    expect(r.body.value[0].displayName).toBe("O'Brien's policy");
    const bad = await h.g('GET', `${POLICIES}?$filter=${encodeURIComponent('displayName gt 3')}`);
    expect(bad.status).toBe(400);
  });

  test('$select returns only the selected properties', async () => {
    const r = await h.g('GET', `${POLICIES}?$select=id,displayName&$top=3`);
    expect(r.body['@odata.context']).toBe(`${h.emu.url}/v1.0/$metadata#identity/conditionalAccess/policies(id,displayName)`);
    for (const p of r.body.value) expect(Object.keys(p).sort()).toEqual(['displayName', 'id']);
  });
});

describe('soft delete', () => {
  test('DELETE moves the policy to deletedItems; restore brings it back with the same id', async () => {
    const c = await create({ displayName: 'Delete me' });
    expect((await h.g('DELETE', `${POLICIES}/${c.body.id}`)).status).toBe(204);
    expect((await h.g('GET', `${POLICIES}/${c.body.id}`)).status).toBe(404);
    const deleted = await h.g('GET', '/identity/conditionalAccess/deletedItems/policies');
    const entry = deleted.body.value.find((p: { id: string }) => p.id === c.body.id);
    expect(entry.displayName).toBe('Delete me');
    expect(typeof entry.deletedDateTime).toBe('string');
    expect((await h.g('GET', `/identity/conditionalAccess/deletedItems/policies/${c.body.id}`)).status).toBe(200);
    const restored = await h.g('POST', `/identity/conditionalAccess/deletedItems/policies/${c.body.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.id).toBe(c.body.id);
    expect((await h.g('GET', `${POLICIES}/${c.body.id}`)).body.displayName).toBe('Delete me');
    const after = await h.g('GET', '/identity/conditionalAccess/deletedItems/policies');
    expect(after.body.value.some((p: { id: string }) => p.id === c.body.id)).toBe(false);
  });
});

test('a tenant holds at most 195 policies', async () => {
  const empty = await harness();
  try {
    const state = (await empty.g('GET', '/_emulator/state')).body;
    const template = (await empty.g('POST', POLICIES, minimalPolicy())).body;
    delete template['@odata.context'];
    state.policies = Array.from({ length: 195 }, (_, i) => ({ ...template, id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, displayName: `P${i}` }));
    expect((await empty.g('PUT', '/_emulator/state', state)).status).toBe(204);
    const r = await empty.g('POST', POLICIES, minimalPolicy({ displayName: 'One too many' }));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/^1040: .*195/);
    expect((await empty.g('DELETE', `${POLICIES}/${state.policies[0].id}`)).status).toBe(204);
    expect((await empty.g('POST', POLICIES, minimalPolicy({ displayName: 'Fits now' }))).status).toBe(201);
  } finally {
    await empty.emu.stop();
  }
});
