/**
 * The emulator's directory audit log over HTTP: every successful write leaves one entry in Graph's
 * directoryAudit shape, attributed to the token's caller (or the default); a failed write leaves
 * none; the list filters as caac asks and refuses what Graph does not support (400), pages with
 * $top and @odata.nextLink, and answers 403 when told to (no AuditLog.Read.All).
 */
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { MALLORY, MICROSOFT_MANAGED, portalRequest } from '../fixtures/portal-edit.js';

let emu: RunningEmulator;
beforeEach(async () => {
  emu = await startEmulator({ seed: 'sample' });
});
afterEach(async () => {
  await emu.stop();
});

const AUDITS = 'auditLogs/directoryAudits';
const POLICIES = 'identity/conditionalAccess/policies';

async function get(path: string, token = 'plain-token'): Promise<{ status: number; body: { value?: Array<Record<string, unknown>>; '@odata.nextLink'?: string; error?: { code: string; message: string } } }> {
  const response = await fetch(path.startsWith('http') ? path : `${emu.url}/v1.0/${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as never };
}

const newPolicy = (displayName: string) => ({
  displayName,
  state: 'disabled',
  conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['None'] } },
  grantControls: { operator: 'OR', builtInControls: ['mfa'] },
});

test('writes are logged in Graph’s shape, attributed to the token’s caller or the default; a refused write is not', async () => {
  expect((await get(AUDITS)).body.value).toEqual([]);
  const created = (await portalRequest(emu.url, MALLORY, 'POST', POLICIES, newPolicy('Audit me')))!;
  await portalRequest(emu.url, MICROSOFT_MANAGED, 'PATCH', `${POLICIES}/${String(created['id'])}`, { state: 'enabledForReportingButNotEnforced' });
  // A plain (not JWT) token: the default caller.
  await fetch(`${emu.url}/v1.0/${POLICIES}/${String(created['id'])}`, { method: 'DELETE', headers: { Authorization: 'Bearer plain' } });
  // Refused by Graph (clientAppTypes []): no entry.
  await expect(portalRequest(emu.url, MALLORY, 'POST', POLICIES, { ...newPolicy('Bad'), conditions: { ...newPolicy('Bad').conditions, clientAppTypes: [] } })).rejects.toThrow(/400/);

  const { body } = await get(`${AUDITS}?$orderby=activityDateTime asc`);
  expect(body.value!.map((e) => [e['activityDisplayName'], e['initiatedBy']])).toEqual([
    ['Add conditional access policy', { user: expect.objectContaining({ userPrincipalName: 'mallory@contoso.com' }), app: null }],
    ['Update conditional access policy', { user: null, app: expect.objectContaining({ displayName: 'Microsoft Managed Policy Manager', appId: 'f0ae4899-d877-4d3c-ae25-679e38eea492' }) }],
    ['Delete conditional access policy', { user: null, app: expect.objectContaining({ displayName: 'caac emulator client' }) }],
  ]);
  const update = body.value![1]!;
  expect(update).toMatchObject({ category: 'Policy', loggedByService: 'Conditional Access', result: 'success', id: expect.any(String), correlationId: expect.any(String), activityDateTime: expect.stringMatching(/Z$/) });
  expect(update['targetResources']).toEqual([expect.objectContaining({ id: created['id'], displayName: 'Audit me', type: 'Policy', modifiedProperties: [{ displayName: 'state', oldValue: '"disabled"', newValue: '"enabledForReportingButNotEnforced"' }] })]);
});

test('filters caac sends; 400 on what is not supported; $top pages with a nextLink; 403 when forbidden', async () => {
  const ids: string[] = [];
  for (const name of ['One', 'Two', 'Three']) ids.push(String((await portalRequest(emu.url, MALLORY, 'POST', POLICIES, newPolicy(name)))!['id']));
  const since = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const filter = `activityDateTime ge ${since} and category eq 'Policy' and (targetResources/any(t: t/id eq '${ids[0]}') or targetResources/any(t: t/id eq '${ids[2]}'))`;
  const first = await get(`${AUDITS}?$filter=${encodeURIComponent(filter)}&$top=1`);
  expect(first.status).toBe(200);
  expect(first.body.value).toHaveLength(1);
  const second = await get(first.body['@odata.nextLink']!);
  expect(second.body.value).toHaveLength(1);
  expect(second.body['@odata.nextLink']).toBeUndefined();
  expect([...first.body.value!, ...second.body.value!].map((e) => (e['targetResources'] as Array<{ id: string }>)[0]!.id).sort()).toEqual([ids[0], ids[2]].sort());
  expect((await get(`${AUDITS}?$filter=${encodeURIComponent(`activityDateTime ge ${new Date(Date.now() + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')}`)}`)).body.value).toEqual([]);

  for (const bad of ["activityDateTime ge '2026-01-01'", "result ne 'success'", "targetResources/any(t: t/type eq 'Policy')", "(category eq 'Policy'", 'startswith(activityDisplayName,1)']) {
    const r = await get(`${AUDITS}?$filter=${encodeURIComponent(bad)}`);
    expect([bad, r.status]).toEqual([bad, 400]);
  }
  expect((await get(`${AUDITS}?$top=1000`)).status).toBe(400);
  expect((await get(`${AUDITS}?$select=id`)).status).toBe(400);
  const long = Array.from({ length: 40 }, (_, i) => `targetResources/any(t: t/id eq '${String(i).padStart(36, '0')}')`).join(' or ');
  expect((await get(`${AUDITS}?$filter=${encodeURIComponent(long)}`)).status).toBe(400);

  await fetch(`${emu.url}/_emulator/audit-log`, { method: 'POST', body: JSON.stringify({ forbidden: true }) });
  const denied = await get(AUDITS);
  expect(denied.status).toBe(403);
  expect(denied.body.error).toMatchObject({ code: 'Authorization_RequestDenied' });
  expect((await fetch(`${emu.url}/_emulator/audit-log`, { method: 'POST', body: JSON.stringify({ forbidden: 'yes' }) })).status).toBe(400);
});

test('--audit-actor sets the default caller', async () => {
  await emu.stop();
  emu = await startEmulator({ seed: 'sample', auditActor: 'admin@contoso.com' });
  await fetch(`${emu.url}/v1.0/${POLICIES}`, { method: 'POST', headers: { Authorization: 'Bearer plain', 'Content-Type': 'application/json' }, body: JSON.stringify(newPolicy('Default')) });
  expect((await get(AUDITS)).body.value![0]!['initiatedBy']).toEqual({ user: expect.objectContaining({ userPrincipalName: 'admin@contoso.com' }), app: null });
});
