/**
 * Directory look-ups (users, groups, service principals, role templates, getByIds) and $batch.
 */
import { harness, minimalPolicy, type Harness } from '../fixtures/emulator/client.js';

let h: Harness;
beforeAll(async () => {
  h = await harness({ seed: 'sample' });
});
afterAll(async () => h.emu.stop());

const EXO = '00000002-0000-0ff1-ce00-000000000000';

describe('directory', () => {
  test('users by id, by UPN and by $filter', async () => {
    const r = await h.g('GET', `/users?$filter=${encodeURIComponent("userPrincipalName eq 'bg1@contoso.onmicrosoft.com'")}`);
    expect(r.status).toBe(200);
    expect(r.body.value).toHaveLength(1);
    const user = r.body.value[0];
    expect(user).toMatchObject({ displayName: 'Emergency Access 1', userPrincipalName: 'bg1@contoso.onmicrosoft.com', businessPhones: [] });
    expect((await h.g('GET', `/users/${user.id}`)).body.id).toBe(user.id);
    expect((await h.g('GET', '/users/bg1@contoso.onmicrosoft.com')).body.id).toBe(user.id);
    const missing = await h.g('GET', '/users/00000000-1111-2222-3333-444444444444');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('Request_ResourceNotFound');
  });

  test('groups by displayName, and the break-glass group holds the two break-glass users', async () => {
    const r = await h.g('GET', `/groups?$filter=${encodeURIComponent("displayName eq 'CA-BreakGlass'")}`);
    expect(r.body.value).toHaveLength(1);
    const members = await h.g('GET', `/groups/${r.body.value[0].id}/members`);
    expect(members.body.value.map((m: { userPrincipalName: string }) => m.userPrincipalName).sort()).toEqual(['bg1@contoso.onmicrosoft.com', 'bg2@contoso.onmicrosoft.com']);
    expect(members.body.value[0]['@odata.type']).toBe('#microsoft.graph.user');
  });

  test("service principals by appId key, by $filter appId and by displayName", async () => {
    const byKey = await h.g('GET', `/servicePrincipals(appId='${EXO}')`);
    expect(byKey.status).toBe(200);
    expect(byKey.body.displayName).toBe('Office 365 Exchange Online');
    const byFilter = await h.g('GET', `/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${EXO}'`)}`);
    expect(byFilter.body.value[0].id).toBe(byKey.body.id);
    const byName = await h.g('GET', `/servicePrincipals?$filter=${encodeURIComponent("displayName eq 'Contoso HR Portal'")}`);
    expect(byName.body.value).toHaveLength(1);
    expect((await h.g('GET', `/servicePrincipals/${byKey.body.id}`)).body.appId).toBe(EXO);
    expect((await h.g('GET', "/servicePrincipals(appId='00000000-0000-0000-0000-00000000dead')")).status).toBe(404);
  });

  test('directory role templates carry Microsoft’s template ids', async () => {
    const r = await h.g('GET', '/directoryRoleTemplates');
    const ga = r.body.value.find((t: { displayName: string }) => t.displayName === 'Global Administrator');
    expect(ga.id).toBe('62e90394-69f5-4237-9190-012177145e10');
    expect((await h.g('GET', `/directoryRoleTemplates/${ga.id}`)).body.displayName).toBe('Global Administrator');
  });

  test('directoryObjects/getByIds answers objects with @odata.type, filtered by types', async () => {
    const users = (await h.g('GET', '/users')).body.value;
    const groups = (await h.g('GET', '/groups')).body.value;
    const ids = [users[0].id, groups[0].id, '62e90394-69f5-4237-9190-012177145e10', 'aaaaaaaa-0000-0000-0000-000000000000'];
    const r = await h.g('POST', '/directoryObjects/getByIds', { ids });
    expect(r.status).toBe(200);
    const types = Object.fromEntries(r.body.value.map((o: { id: string; '@odata.type': string }) => [o.id, o['@odata.type']]));
    expect(types).toEqual({
      [users[0].id]: '#microsoft.graph.user',
      [groups[0].id]: '#microsoft.graph.group',
      '62e90394-69f5-4237-9190-012177145e10': '#microsoft.graph.directoryRoleTemplate',
    });
    const onlyGroups = await h.g('POST', '/directoryObjects/getByIds', { ids, types: ['group'] });
    expect(onlyGroups.body.value.map((o: { id: string }) => o.id)).toEqual([groups[0].id]);
    const tooMany = await h.g('POST', '/directoryObjects/getByIds', { ids: Array.from({ length: 1001 }, (_, i) => `id-${i}`) });
    expect(tooMany.status).toBe(400);
    const atLimit = await h.g('POST', '/directoryObjects/getByIds', { ids: Array.from({ length: 1000 }, (_, i) => `id-${i}`) });
    expect(atLimit.status).toBe(200);
  });

  test("an 'in' holds at most 15 values, unless the request is an advanced query (ConsistencyLevel: eventual), which may be at most 2,048 characters long", async () => {
    const names = (n: number, width = 1) => Array.from({ length: n }, (_, i) => `'${'x'.repeat(width)}${i}'`).join(',');
    const filter = (list: string) => `/users?$filter=${encodeURIComponent(`userPrincipalName in (${list}, 'bg1@contoso.onmicrosoft.com')`)}`;
    const eventual = { ConsistencyLevel: 'eventual' };
    expect((await h.g('GET', filter(names(14)))).status).toBe(200);
    const refused = await h.g('GET', filter(names(15)));
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/at most 15/);
    const advanced = await h.g('GET', filter(names(60)), undefined, eventual);
    expect(advanced.status).toBe(200);
    expect(advanced.body.value.map((u: { userPrincipalName: string }) => u.userPrincipalName)).toEqual(['bg1@contoso.onmicrosoft.com']);
    const long = await h.g('GET', filter(names(60, 30)), undefined, eventual);
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/at most 2048/);
    // The same limits inside a $batch, where the header travels with the item.
    const batch = await h.g('POST', '/$batch', { requests: [
      { id: '1', method: 'GET', url: filter(names(15)) },
      { id: '2', method: 'GET', url: filter(names(15)), headers: { consistencylevel: 'Eventual' } },
    ] });
    const status = Object.fromEntries(batch.body.responses.map((r: { id: string; status: number }) => [r.id, r.status]));
    expect(status).toEqual({ '1': 400, '2': 200 });
  });

  test('$select answers only the named properties, and refuses a property the type does not have', async () => {
    const r = await h.g('GET', '/groups?$select=id,displayName&$top=2');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.value[0]).sort()).toEqual(['displayName', 'id']);
    const bad = await h.g('GET', '/groups?$select=id,nope');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/Could not find a property named 'nope'/);
  });

  test('$count=true is an advanced query: @odata.count with ConsistencyLevel: eventual, a 400 without', async () => {
    expect((await h.g('GET', '/groups?$count=true')).status).toBe(400);
    const counted = await h.g('GET', '/groups?$count=true&$top=1', undefined, { ConsistencyLevel: 'eventual' });
    expect(counted.status).toBe(200);
    expect(counted.body['@odata.count']).toBeGreaterThan(1);
    expect(counted.body.value).toHaveLength(1);
  });

  test('directory lists page with an absolute nextLink', async () => {
    const r = await h.g('GET', '/directoryRoleTemplates?$top=5');
    expect(r.body.value).toHaveLength(5);
    const next = r.body['@odata.nextLink'] as string;
    expect(next.startsWith(`${h.emu.url}/v1.0/directoryRoleTemplates?`)).toBe(true);
    const page2 = await h.g('GET', next.slice(h.emu.url.length));
    expect(page2.body.value[0].id).not.toBe(r.body.value[0].id);
  });
});

describe('$batch', () => {
  const batch = (requests: unknown[], version = 'v1.0') => h.g('POST', `/${version}/$batch`, { requests });

  test('runs up to 20 requests; outer 200 even when items fail; responses carry ids', async () => {
    const requests = [
      { id: '1', method: 'GET', url: `/servicePrincipals(appId='${EXO}')` },
      { id: '2', method: 'GET', url: '/users/nobody@contoso.onmicrosoft.com' },
      { id: '3', method: 'POST', url: '/identity/conditionalAccess/policies', headers: { 'Content-Type': 'application/json' }, body: minimalPolicy({ displayName: 'From batch' }) },
      ...Array.from({ length: 17 }, (_, i) => ({ id: `g${i}`, method: 'GET', url: `/groups?$top=1&$skip=${i % 3}` })),
    ];
    const r = await batch(requests);
    expect(r.status).toBe(200);
    const byId = Object.fromEntries(r.body.responses.map((x: { id: string }) => [x.id, x]));
    expect(Object.keys(byId)).toHaveLength(20);
    expect(byId['1'].status).toBe(200);
    expect(byId['1'].body.displayName).toBe('Office 365 Exchange Online');
    expect(byId['2'].status).toBe(404);
    expect(byId['2'].body.error.code).toBe('Request_ResourceNotFound');
    expect(byId['3'].status).toBe(201);
    expect(byId['3'].body.displayName).toBe('From batch');
    // Graph promises no order; the emulator deliberately does not answer in request order.
    expect(r.body.responses.map((x: { id: string }) => x.id)).not.toEqual(requests.map((x) => x.id));
  });

  test('works under /beta too', async () => {
    const r = await batch([{ id: 'a', method: 'GET', url: '/identity/conditionalAccess/policies?$top=1' }], 'beta');
    expect(r.status).toBe(200);
    expect(r.body.responses[0].body['@odata.context']).toContain('/beta/$metadata#');
  });

  test('more than 20 requests or duplicate ids is a 400 for the whole batch', async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/users' }));
    expect((await batch(many)).status).toBe(400);
    const dup = await batch([{ id: '1', method: 'GET', url: '/users' }, { id: '1', method: 'GET', url: '/groups' }]);
    expect(dup.status).toBe(400);
    expect(dup.body.error.message).toMatch(/unique/);
    expect((await batch([{ id: '1', method: 'GET', url: '/users', dependsOn: ['nope'] }])).status).toBe(400);
  });

  test('dependsOn orders requests; a failed dependency makes the dependent 424', async () => {
    const r = await batch([
      { id: 'c', method: 'GET', url: '/groups', dependsOn: ['b'] },
      { id: 'b', method: 'GET', url: '/users/nobody', dependsOn: ['a'] },
      { id: 'a', method: 'GET', url: '/users' },
      { id: 'd', method: 'GET', url: '/groups', dependsOn: ['a'] },
    ]);
    const byId = Object.fromEntries(r.body.responses.map((x: { id: string; status: number }) => [x.id, x.status]));
    expect(byId).toEqual({ a: 200, b: 404, c: 424, d: 200 });
  });

  test('throttling applies to each request inside a batch', async () => {
    const limited = await harness({ seed: 'sample', rateLimit: 0.001, burst: 2 });
    try {
      const r = await limited.g('POST', '/v1.0/$batch', {
        requests: Array.from({ length: 5 }, (_, i) => ({ id: String(i), method: 'GET', url: '/identity/conditionalAccess/policies' })),
      });
      expect(r.status).toBe(200);
      const statuses = r.body.responses.map((x: { status: number }) => x.status).sort();
      expect(statuses).toEqual([200, 200, 429, 429, 429]);
      const throttled = r.body.responses.find((x: { status: number }) => x.status === 429);
      expect(throttled.headers['Retry-After']).toBeUndefined();
      // Directory endpoints are not on the CA budget.
      const dir = await limited.g('POST', '/v1.0/$batch', { requests: [{ id: 'u', method: 'GET', url: '/users' }] });
      expect(dir.body.responses[0].status).toBe(200);
    } finally {
      await limited.emu.stop();
    }
  });
});
