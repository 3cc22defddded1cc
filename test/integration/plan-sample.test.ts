/**
 * The pure plan core against the emulator's sample tenant: examples/conditional-access/ describes
 * that tenant exactly, so resolving and planning it must show no change at all, whatever Graph's
 * answers do with array order, null versus [], flags order or casing; and a real change must show
 * as exactly that change. The tenant is read with plain fetch and a tiny in-test Directory, so
 * this test does not depend on the Graph adapter.
 */
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { JsonObject } from '../../src/model/documents.js';
import type { Plan } from '../../src/model/plan.js';
import type { DirectoryObject, NameQuery, TenantSnapshot } from '../../src/model/tenant.js';
import { planChanges } from '../../src/plan/plan-changes.js';
import type { Directory } from '../../src/ports/directory.js';
import { loadRepository } from '../../src/repo/load-repository.js';
import { resolveReferences, type ResolvedDocument } from '../../src/resolve/resolve-references.js';
import { readSettings } from '../../src/validate/settings.js';
import { validateRepository } from '../../src/validate/validate-repository.js';
import type { Settings } from '../../src/model/settings.js';

let emu: RunningEmulator;
const calls: string[] = [];

async function graph(method: string, path: string, body?: unknown): Promise<{ status: number; body: JsonObject }> {
  const url = path.startsWith('http') ? path : `${emu.url}/v1.0${path}`;
  const res = await fetch(url, {
    method,
    headers: { Authorization: 'Bearer anything', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as JsonObject) };
}

async function list(path: string): Promise<JsonObject[]> {
  const out: JsonObject[] = [];
  let next: string | undefined = path;
  while (next !== undefined) {
    const { status, body } = await graph('GET', next);
    expect(status).toBe(200);
    out.push(...(body['value'] as JsonObject[]));
    next = typeof body['@odata.nextLink'] === 'string' ? body['@odata.nextLink'] : undefined;
  }
  return out;
}

async function readTenant(): Promise<TenantSnapshot> {
  return {
    tenantId: emu.tenantId,
    graphUrl: emu.url,
    apiVersion: 'v1.0',
    policies: await list('/identity/conditionalAccess/policies'),
    namedLocations: await list('/identity/conditionalAccess/namedLocations'),
    authenticationStrengths: await list('/policies/authenticationStrengthPolicies'),
  };
}

const TYPES: Record<string, DirectoryObject['type']> = {
  '#microsoft.graph.user': 'user',
  '#microsoft.graph.group': 'group',
  '#microsoft.graph.serviceprincipal': 'servicePrincipal',
  '#microsoft.graph.directoryroletemplate': 'role',
};

function toObject(o: JsonObject, type: DirectoryObject['type']): DirectoryObject {
  return {
    id: String(o['id']),
    type,
    displayName: String(o['displayName']),
    ...(typeof o['userPrincipalName'] === 'string' ? { userPrincipalName: o['userPrincipalName'] } : {}),
    ...(typeof o['appId'] === 'string' ? { appId: o['appId'] } : {}),
  };
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** A Directory over fetch, good enough for a test: one request per name. */
const directory: Directory = {
  async getByIds(ids) {
    calls.push(`getByIds(${ids.length})`);
    const { body } = await graph('POST', '/directoryObjects/getByIds', { ids });
    return (body['value'] as JsonObject[]).flatMap((o) => {
      const type = TYPES[String(o['@odata.type']).toLowerCase()];
      return type ? [toObject(o, type)] : [];
    });
  },
  async findByNames(queries: readonly NameQuery[]) {
    calls.push(`findByNames(${queries.length})`);
    const out = new Map<string, DirectoryObject[]>();
    for (const q of queries) {
      const [path, prop, type]: [string, string, DirectoryObject['type']] =
        q.kind === 'user'
          ? ['/users', 'userPrincipalName', 'user']
          : q.kind === 'group'
            ? ['/groups', 'displayName', 'group']
            : q.kind === 'role'
              ? ['/directoryRoleTemplates', 'displayName', 'role']
              : ['/servicePrincipals', 'displayName', 'servicePrincipal'];
      const found = await list(`${path}?$filter=${encodeURIComponent(`${prop} eq ${quote(q.name)}`)}`);
      out.set(`${q.kind}:${q.name}`, found.map((o) => toObject(o, type)));
    }
    return out;
  },
  async getByAppIds(appIds) {
    calls.push(`getByAppIds(${appIds.length})`);
    const out: DirectoryObject[] = [];
    for (const appId of appIds) {
      out.push(...(await list(`/servicePrincipals?$filter=${encodeURIComponent(`appId eq ${quote(appId)}`)}`)).map((o) => toObject(o, 'servicePrincipal')));
    }
    return out;
  },
};

let settings: Settings;
let prepared: ReturnType<typeof validateRepository>['prepared'];

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: 'sample' });
  const repo = loadRepository('examples/conditional-access');
  settings = readSettings(repo.settings);
  const validation = validateRepository({ documents: repo.documents, loadFindings: repo.findings, files: repo.files, settings });
  expect(validation.summary.errors).toBe(0);
  prepared = validation.prepared;
});

afterAll(async () => {
  await emu.stop();
});

async function plan(snapshot: TenantSnapshot, options: { prune?: boolean } = {}): Promise<{ plan: Plan; documents: ResolvedDocument[] }> {
  const resolution = await resolveReferences(prepared, { directory, snapshot });
  expect(resolution.problems).toEqual([]);
  return {
    documents: resolution.documents,
    plan: planChanges({
      desired: resolution.documents,
      snapshot,
      settings,
      prune: options.prune ?? false,
      apiVersion: 'v1.0',
      labels: resolution.labels,
      dir: 'examples/conditional-access',
      now: new Date('2026-01-01T00:00:00Z'),
      tool: { name: 'caac', version: 'test' },
    }),
  };
}

const changed = (p: Plan) => p.operations.filter((o) => o.action !== 'noop');

/** Applies `f` to every object (and nested object) of a JSON tree. */
function everyObject(value: unknown, f: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) value.forEach((v) => everyObject(v, f));
  else if (typeof value === 'object' && value !== null) {
    f(value as Record<string, unknown>);
    Object.values(value).forEach((v) => everyObject(v, f));
  }
}

const byName = (list: JsonObject[], prefix: string): JsonObject => list.find((o) => String(o['displayName']).startsWith(prefix))!;

describe('plan: examples/conditional-access against the sample tenant', () => {
  test('an unchanged tenant plans as no changes: 25 unchanged, nothing unmanaged', async () => {
    const snapshot = await readTenant();
    calls.length = 0;
    const { plan: p } = await plan(snapshot);
    expect(changed(p)).toEqual([]);
    expect(p.summary).toEqual({ create: 0, update: 0, delete: 0, unchanged: 25, unmanaged: 0 });
    expect(p.operations.filter((o) => o.kind === 'policy')).toHaveLength(21);
    expect(p.operations.filter((o) => o.kind === 'namedLocation')).toHaveLength(3);
    expect(p.operations.filter((o) => o.kind === 'authenticationStrength')).toHaveLength(1);
    expect(p.warnings).toEqual([]);
    expect(p.tenant).toEqual({ id: emu.tenantId, graphUrl: emu.url });
    expect(p.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    // Two steps, whatever the number of references: ids and the names a look-up proves unique, then users and appIds.
    expect(calls.map((c) => c.replace(/\(\d+\)/, ''))).toEqual(['getByIds', 'findByNames', 'findByNames', 'getByAppIds']);
    // Names beside ids, for both sides.
    const labels = Object.values(p.labels);
    expect(labels).toEqual(expect.arrayContaining(['group:CA-BreakGlass', 'role:Global Administrator', 'user:svc-scanner@contoso.onmicrosoft.com', 'app:Contoso HR Portal', 'location:Blocked countries', 'authStrength:Phishing-resistant MFA (custom)']));
  });

  test('reordered arrays, null vs [] vs absent, flags order and enum casing are not changes', async () => {
    const snapshot = await readTenant();
    everyObject(snapshot, (o) => {
      for (const [k, v] of Object.entries(o)) {
        if (Array.isArray(v)) o[k] = v.length === 0 ? null : [...v].reverse();
        else if (v === null) o[k] = k.endsWith('Controls') || k === 'description' ? null : [];
        if (k === 'guestOrExternalUserTypes' || k === 'transferMethods') o[k] = String(v).split(',').reverse().join(', ');
        if (k === 'state' || k === 'operator' || k === 'mode' || k === 'countryLookupMethod') o[k] = String(v).toUpperCase();
      }
    });
    const ca003 = byName(snapshot.policies, 'CA003');
    const users = (ca003['conditions'] as JsonObject)['users'] as JsonObject;
    users['excludeGroups'] = (users['excludeGroups'] as string[]).map((id) => id.toUpperCase());
    delete users['excludeUsers'];
    const ca001 = byName(snapshot.policies, 'CA001');
    (ca001['conditions'] as JsonObject)['clientAppTypes'] = ['OTHER', 'exchangeActiveSync', 'other'];
    (byName(snapshot.namedLocations, 'Blocked') as JsonObject)['countriesAndRegions'] = ['cu', 'ir', 'kp', 'sy'];
    const { plan: p } = await plan(snapshot);
    expect(changed(p)).toEqual([]);
    expect(p.summary.unchanged).toBe(25);
  });

  test('a real change shows as exactly that change, with a complete body', async () => {
    const snapshot = await readTenant();
    const ca002 = byName(snapshot.policies, 'CA002');
    const users = (ca002['conditions'] as JsonObject)['users'] as JsonObject;
    const [breakGlass, serviceAccounts] = users['excludeGroups'] as string[];
    users['excludeGroups'] = [serviceAccounts!];
    const { plan: p } = await plan(snapshot);
    expect(changed(p)).toHaveLength(1);
    const op = changed(p)[0]!;
    expect(op).toMatchObject({ kind: 'policy', action: 'update', id: ca002['id'], displayName: ca002['displayName'] });
    expect(op.changes).toEqual([{ path: '/conditions/users/excludeGroups', before: [serviceAccounts], after: [breakGlass, serviceAccounts].sort() }]);
    expect(p.labels[breakGlass!]).toBe('group:CA-BreakGlass');
    expect(p.summary).toEqual({ create: 0, update: 1, delete: 0, unchanged: 24, unmanaged: 0 });
    // The body is complete: every array Graph holds is present, and Graph accepts it.
    const body = op.body!;
    expect(((body['conditions'] as JsonObject)['users'] as JsonObject)['excludeUsers']).toEqual([]);
    expect(body['sessionControls']).toBeNull();
    expect((await graph('PATCH', `/identity/conditionalAccess/policies/${String(ca002['id'])}`, body)).status).toBe(204);
  });

  test('the tenant round trip: Graph storing arrays in another order plans as no changes', async () => {
    const before = await readTenant();
    const ca016 = byName(before.policies, 'CA016');
    const locations = (ca016['conditions'] as JsonObject)['locations'] as JsonObject;
    const patch = { conditions: { ...(ca016['conditions'] as JsonObject), locations: { ...locations, excludeLocations: [...(locations['excludeLocations'] as string[])].reverse() } } };
    expect((await graph('PATCH', `/identity/conditionalAccess/policies/${String(ca016['id'])}`, patch)).status).toBe(204);
    const after = await readTenant();
    expect(changed((await plan(after)).plan)).toEqual([]);
    // The fingerprint ignores what means nothing (modifiedDateTime, order) ...
    expect((await plan(after)).plan.fingerprint).toBe((await plan(before)).plan.fingerprint);
    // ... and follows what does.
    const state = { state: 'disabled' };
    expect((await graph('PATCH', `/identity/conditionalAccess/policies/${String(ca016['id'])}`, state)).status).toBe(204);
    const disabled = await plan(await readTenant());
    expect(disabled.plan.fingerprint).not.toBe((await plan(after)).plan.fingerprint);
    const op = changed(disabled.plan);
    expect(op).toHaveLength(1);
    expect(op[0]!.changes).toEqual([{ path: '/state', before: 'disabled', after: 'enabled' }]);
    expect(disabled.plan.warnings.map((w) => w.kind).sort()).toEqual(['enforcement', 'new-block']);
    expect((await graph('PATCH', `/identity/conditionalAccess/policies/${String(ca016['id'])}`, op[0]!.body)).status).toBe(204);
    expect(changed((await plan(await readTenant())).plan)).toEqual([]);
  });

  test('objects missing from the tenant plan as creates whose bodies Graph accepts; extra ones as unmanaged or deletes', async () => {
    const snapshot = await readTenant();
    const gone = byName(snapshot.policies, 'CA005');
    const location = byName(snapshot.namedLocations, 'Branch office VPN');
    snapshot.policies = snapshot.policies.filter((o) => o !== gone);
    snapshot.namedLocations = snapshot.namedLocations.filter((o) => o !== location);
    const extra = { ...structuredClone(byName(snapshot.policies, 'CA001')), id: '11111111-2222-4333-8444-555555555555', displayName: 'Legacy policy' };
    snapshot.policies.push(extra);
    const { plan: p } = await plan(snapshot);
    expect(changed(p).map((o) => [o.action, o.kind, o.displayName])).toEqual([
      ['create', 'namedLocation', 'Branch office VPN'],
      ['create', 'policy', 'CA005 - Block access from blocked countries'],
      // CA016 excludes the location that is now created by the plan.
      ['update', 'policy', 'CA016 - Block service accounts outside trusted networks'],
    ]);
    expect(p.unmanaged).toEqual([{ kind: 'policy', id: extra.id, displayName: 'Legacy policy' }]);
    const ca016 = changed(p)[2]!;
    expect(ca016.changes).toHaveLength(1);
    expect(ca016.changes[0]!.path).toBe('/conditions/locations/excludeLocations');
    expect(ca016.changes[0]!.after).toContain('location:Branch office VPN');
    expect(p.labels['location:Branch office VPN']).toBe('location:Branch office VPN (new)');

    const locationBody: JsonObject = { ...changed(p)[0]!.body!, displayName: 'Branch office VPN 2' };
    expect(locationBody['@odata.type']).toBe('#microsoft.graph.ipNamedLocation');
    expect((await graph('POST', '/identity/conditionalAccess/namedLocations', locationBody)).status).toBe(201);
    const policyBody = { ...changed(p)[1]!.body!, displayName: 'CA005 copy', state: 'disabled' };
    expect((await graph('POST', '/identity/conditionalAccess/policies', policyBody)).status).toBe(201);

    const pruned = (await plan(snapshot, { prune: true })).plan;
    expect(pruned.unmanaged).toEqual([]);
    expect(pruned.operations.filter((o) => o.action === 'delete')).toEqual([{ kind: 'policy', action: 'delete', displayName: 'Legacy policy', id: extra.id, changes: [] }]);
    expect(pruned.warnings[0]).toMatchObject({ kind: 'delete', displayName: 'Legacy policy' });
  });
});
