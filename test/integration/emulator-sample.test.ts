/**
 * The sample tenant and examples/conditional-access/, which describes it in caac's file format.
 * The files must match the seeded tenant exactly (modulo server-managed fields and references by
 * name), so that `caac plan` on the example against the sample tenant shows no changes.
 *
 * To regenerate the example after changing src/emulator/sample-tenant.ts:
 *   CAAC_WRITE_EXAMPLES=1 NODE_OPTIONS=--experimental-vm-modules npx jest test/integration/emulator-sample
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { harness, type Harness } from '../fixtures/emulator/client.js';

const ROOT = 'examples/conditional-access';
const WRITE = process.env.CAAC_WRITE_EXAMPLES === '1';
type Obj = Record<string, unknown>;

let h: Harness;
let files: Map<string, Obj>;
let policies: Obj[];

const slug = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const SERVER_FIELDS = ['id', 'createdDateTime', 'modifiedDateTime', 'templateId', 'deletedDateTime', 'partialEnablementStrategy', '@odata.context'];

function strip(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !SERVER_FIELDS.includes(k)));
}

async function all(path: string): Promise<Obj[]> {
  return (await h.g('GET', `${path}${path.includes('?') ? '&' : '?'}$top=999`)).body.value;
}

/** What a backup of the sample tenant writes: Graph's shape, server fields dropped, ids → names. */
async function expectedFiles(): Promise<Map<string, Obj>> {
  const refs = new Map<string, string>();
  for (const u of await all('/users')) refs.set(`user:${u.id}`, `user:${String(u.userPrincipalName)}`);
  for (const g of await all('/groups')) refs.set(`group:${g.id}`, `group:${String(g.displayName)}`);
  for (const r of await all('/directoryRoleTemplates')) refs.set(`role:${r.id}`, `role:${String(r.displayName)}`);
  for (const s of await all('/servicePrincipals')) refs.set(`app:${s.appId}`, `app:${String(s.displayName)}`);
  const locations = await all('/identity/conditionalAccess/namedLocations');
  for (const l of locations) refs.set(`location:${l.id}`, `location:${String(l.displayName)}`);
  const strengths = await all('/policies/authenticationStrengthPolicies');
  for (const s of strengths) refs.set(`authStrength:${s.id}`, `authStrength:${String(s.displayName)}`);
  const ref = (kind: string) => (v: unknown) => refs.get(`${kind}:${String(v)}`) ?? v;
  const mapList = (o: Obj | null, keys: string[], kind: string) => {
    if (o === null) return;
    for (const k of keys) o[k] = (o[k] as unknown[]).map(ref(kind));
  };

  const out = new Map<string, Obj>();
  for (const p of policies) {
    const doc = strip(structuredClone(p));
    const c = doc.conditions as Obj;
    mapList(c.users as Obj, ['includeUsers', 'excludeUsers'], 'user');
    mapList(c.users as Obj, ['includeGroups', 'excludeGroups'], 'group');
    mapList(c.users as Obj, ['includeRoles', 'excludeRoles'], 'role');
    mapList(c.applications as Obj, ['includeApplications', 'excludeApplications'], 'app');
    mapList(c.locations as Obj | null, ['includeLocations', 'excludeLocations'], 'location');
    const grant = doc.grantControls as Obj | null;
    if (grant !== null) {
      delete grant['authenticationStrength@odata.context'];
      const s = grant.authenticationStrength as Obj | null;
      grant.authenticationStrength = s === null ? null : { id: ref('authStrength')(s.id) };
    }
    out.set(`policies/${slug(String(p.displayName))}.json`, doc);
  }
  for (const l of locations) out.set(`named-locations/${slug(String(l.displayName))}.json`, strip(l));
  for (const s of strengths.filter((x) => x.policyType === 'custom')) {
    out.set(`authentication-strengths/${slug(String(s.displayName))}.json`, {
      displayName: s.displayName,
      description: s.description,
      allowedCombinations: s.allowedCombinations,
    });
  }
  return out;
}

beforeAll(async () => {
  h = await harness({ seed: 'sample' });
  policies = await all('/identity/conditionalAccess/policies');
  files = await expectedFiles();
  if (WRITE) {
    for (const [path, doc] of files) {
      mkdirSync(join(ROOT, path.split('/')[0] as string), { recursive: true });
      writeFileSync(join(ROOT, path), `${JSON.stringify(doc, null, 2)}\n`);
    }
  }
});
afterAll(async () => h.emu.stop());

test('the sample tenant is a sensible baseline', async () => {
  expect(policies.length).toBeGreaterThanOrEqual(18);
  const bg = (await h.g('GET', `/groups?$filter=${encodeURIComponent("displayName eq 'CA-BreakGlass'")}`)).body.value[0];
  const members = (await h.g('GET', `/groups/${bg.id}/members`)).body.value;
  expect(members).toHaveLength(2);
  for (const p of policies) {
    expect(String(p.displayName)).toMatch(/^CA\d{3} - /);
    // The break-glass group is excluded from every policy, enabled or not.
    expect(((p.conditions as Obj).users as Obj).excludeGroups).toContain(bg.id);
  }
  const contingency = policies.filter((p) => / - Contingency - /.test(String(p.displayName)));
  expect(contingency.length).toBeGreaterThanOrEqual(2);
  for (const p of contingency) {
    expect(String(p.displayName)).toMatch(/^CA9\d\d - Contingency - /);
    expect(p.state).toBe('disabled');
  }
  const locations = await all('/identity/conditionalAccess/namedLocations');
  expect(new Set(locations.map((l) => l['@odata.type']))).toEqual(new Set(['#microsoft.graph.ipNamedLocation', '#microsoft.graph.countryNamedLocation']));
  const custom = (await all('/policies/authenticationStrengthPolicies')).filter((s) => s.policyType === 'custom');
  expect(custom).toHaveLength(1);
});

test('every sample policy is one Graph accepts: POSTing it back answers 201', async () => {
  for (const p of policies) {
    const body = strip(structuredClone(p));
    const r = await h.g('POST', '/identity/conditionalAccess/policies', { ...body, displayName: `${String(p.displayName)} (copy)` });
    expect([p.displayName, r.status, r.body.error?.message]).toEqual([p.displayName, 201, undefined]);
  }
});

test('every reference in the sample resolves through Graph (a backup would lose nothing)', () => {
  const text = JSON.stringify([...files.values()]);
  expect(text).not.toMatch(/"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/);
});

test('examples/conditional-access matches the sample tenant exactly', () => {
  const onDisk = new Map<string, Obj>();
  for (const sub of ['policies', 'named-locations', 'authentication-strengths']) {
    for (const f of readdirSync(join(ROOT, sub))) {
      if (f.endsWith('.json')) onDisk.set(`${sub}/${f}`, JSON.parse(readFileSync(join(ROOT, sub, f), 'utf8')) as Obj);
    }
  }
  expect([...onDisk.keys()].sort()).toEqual([...files.keys()].sort());
  for (const [path, doc] of files) expect([path, onDisk.get(path)]).toEqual([path, doc]);
});

test('every enabled or report-only policy file excludes group:CA-BreakGlass', () => {
  for (const [path, doc] of files) {
    if (!path.startsWith('policies/') || doc.state === 'disabled') continue;
    expect([path, ((doc.conditions as Obj).users as Obj).excludeGroups]).toEqual([path, expect.arrayContaining(['group:CA-BreakGlass'])]);
  }
});

test('caac.yml names the break-glass group, the naming pattern and the contingency set', () => {
  const settings = parse(readFileSync(join(ROOT, 'caac.yml'), 'utf8')) as {
    emergencyAccess: { groups: string[] };
    naming: { pattern: string };
    contingency: Record<string, { description: string; activate: string[]; deactivate?: string[] }>;
  };
  expect(settings.emergencyAccess.groups).toEqual(['group:CA-BreakGlass']);
  const pattern = new RegExp(settings.naming.pattern);
  for (const p of policies) expect(String(p.displayName)).toMatch(pattern);
  const set = settings.contingency['outage-mfa'];
  expect(set?.deactivate).toBeUndefined();
  expect(set?.activate.sort()).toEqual(policies.map((p) => String(p.displayName)).filter((n) => / - Contingency - /.test(n)).sort());
});
