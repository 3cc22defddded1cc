/**
 * caac backup against the emulator, through the real Graph adapter: the backup is a valid caac
 * repository (validate: no finding), planning it against the same tenant shows no change, two
 * backups of an unchanged tenant are byte-identical, file names are safe whatever the names, and
 * only caac's own files are ever removed. Tenants are prepared through the emulator's admin
 * endpoint (PUT /_emulator/state) and through Graph POSTs.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { backupSummaryLine } from '../../src/render/backup-report.js';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { runBackup } from '../../src/commands/backup.js';
import { type BackupResult } from '../../src/model/outcomes.js';
import { runPlan } from '../../src/commands/plan.js';
import { hasChanges } from '../../src/model/plan.js';
import { runValidate } from '../../src/commands/validate.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { connectGraph, type GraphConnection } from '../../src/graph/connect.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { folderBackupStore } from '../../src/repo/backup-folder.js';

type Obj = Record<string, unknown>;

let emulator: RunningEmulator;
let graph: GraphConnection;

beforeEach(async () => {
  emulator = await startEmulator({ seed: 'sample' });
  graph = connectGraph({ graphUrl: emulator.url, env: { CAAC_ACCESS_TOKEN: 't' }, rateLimit: 100, burst: 20 });
});
afterEach(async () => {
  await emulator.stop();
});

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'caac-backup-'));

async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emulator.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text === '' ? undefined : JSON.parse(text);
}

async function graphCall(method: string, path: string, body?: unknown): Promise<Obj> {
  const res = await fetch(`${emulator.url}/v1.0/${path}`, {
    method,
    headers: { Authorization: 'Bearer t', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text === '' ? {} : (JSON.parse(text) as Obj);
}

/** Edits the emulator's state in place (GET, change, PUT). */
async function editState(edit: (state: Obj) => void): Promise<void> {
  const state = (await admin('GET', '/_emulator/state')) as Obj;
  edit(state);
  await admin('PUT', '/_emulator/state', state);
}

async function backup(out: string, ids = false): Promise<BackupResult> {
  return runBackup({ ...graph, store: folderBackupStore(out) }, { ids, apiVersion: 'v1.0' });
}

/** Every file under a folder, relative, forward slashes, with its bytes. */
function snapshotFolder(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, entry.name);
      if (entry.isDirectory()) walk(abs);
      else files.set(relative(root, abs).split(sep).join('/'), readFileSync(abs, 'utf8'));
    }
  };
  walk(root);
  return files;
}

/** backup → validate (no finding at all) → plan against the same tenant (no change, nothing unmanaged). */
async function expectRoundTrip(out: string): Promise<void> {
  const validation = runValidate(filePolicyStore(out));
  // A backup writes no caac.yml: no-emergency-access is expected, nothing else.
  expect(validation.findings.filter((f) => f.rule !== 'no-emergency-access')).toEqual([]);
  const outcome = await runPlan(filePolicyStore(out), graph, { dir: out, apiVersion: 'v1.0' });
  if (outcome.status !== 'planned') throw new Error(`plan stopped: ${JSON.stringify(outcome.status === 'unresolved' ? outcome.problems : outcome.validation.findings, null, 2)}`);
  const changed = outcome.plan.operations.filter((o) => o.action !== 'noop');
  expect(changed).toEqual([]);
  expect(hasChanges(outcome.plan)).toBe(false);
  expect(outcome.plan.unmanaged).toEqual([]);
}

const SAFE_NAME = /^[a-z0-9]+(-[a-z0-9]+)*\.json$/;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/;

function expectSafeNames(files: Iterable<string>): void {
  const seen = new Set<string>();
  for (const path of files) {
    const [folder, name, ...rest] = path.split('/');
    expect(rest).toEqual([]);
    expect(['policies', 'named-locations', 'authentication-strengths', undefined]).toContain(folder);
    if (name === undefined) continue;
    expect(name).toMatch(SAFE_NAME);
    expect(name.length).toBeLessThanOrEqual(90);
    expect(name.replace(/\.json$/, '')).not.toMatch(RESERVED);
    expect(seen.has(path.toLowerCase())).toBe(false);
    seen.add(path.toLowerCase());
  }
}

describe('caac backup of the sample tenant', () => {
  test('writes a valid repository that plans to no change, with references by name and ids kept', async () => {
    const out = tempDir();
    const result = await backup(out);
    expect(result.written.length).toBe(25);
    expect(result.added.length).toBe(25);
    expect(result.changed).toEqual([]);
    expect(result.removed).toEqual([]);
    expect(result.warnings).toEqual([]);
    expectSafeNames(result.written);

    const ca003 = JSON.parse(readFileSync(join(out, 'policies', 'ca003-require-phishing-resistant-mfa-for-administrators.json'), 'utf8'));
    expect(ca003.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ca003.conditions.users.excludeGroups).toEqual(['group:CA-BreakGlass']);
    expect(ca003.conditions.users.includeRoles).toContain('role:Global Administrator');
    expect(ca003.grantControls.authenticationStrength).toEqual({ id: 'authStrength:Phishing-resistant MFA (custom)' });
    expect(ca003).not.toHaveProperty('createdDateTime');
    expect(ca003).not.toHaveProperty('templateId');
    expect(JSON.stringify(ca003)).not.toContain('@odata.context');
    expect(Object.keys(ca003).slice(0, 4)).toEqual(['id', 'displayName', 'description', 'state']);

    const locations = readdirSync(join(out, 'named-locations'));
    expect(locations.sort()).toEqual(['blocked-countries.json', 'branch-office-vpn.json', 'trusted-office-networks.json']);
    const trusted = JSON.parse(readFileSync(join(out, 'named-locations', 'trusted-office-networks.json'), 'utf8'));
    expect(Object.keys(trusted)[0]).toBe('@odata.type');
    expect(readdirSync(join(out, 'authentication-strengths'))).toEqual(['phishing-resistant-mfa-custom.json']);
    const strength = JSON.parse(readFileSync(join(out, 'authentication-strengths', 'phishing-resistant-mfa-custom.json'), 'utf8'));
    expect(Object.keys(strength)).toEqual(['id', 'displayName', 'description', 'allowedCombinations']);

    const text = readFileSync(join(out, 'policies', 'ca003-require-phishing-resistant-mfa-for-administrators.json'), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toMatch(/^\{\n {2}"id"/);

    await expectRoundTrip(out);
  });

  test('spends one read per kind and two $batch calls: ids with appIds, then the proving name look-ups', async () => {
    const out = tempDir();
    const result = await backup(out);
    const by = result.requests.byEndpoint;
    expect(by['GET /v1.0/identity/conditionalAccess/policies']).toBe(1);
    expect(by['GET /v1.0/identity/conditionalAccess/namedLocations']).toBe(1);
    expect(by['GET /v1.0/policies/authenticationStrengthPolicies']).toBe(1);
    // getByIds, the role templates and the appIds in one $batch; the names that need proving in a second.
    expect(by['POST /v1.0/$batch']).toBe(2);
    expect(result.requests.total).toBeLessThanOrEqual(6);
  });

  test('an unchanged tenant backs up to byte-identical files; the second run writes nothing', async () => {
    const a = tempDir();
    const b = tempDir();
    await backup(a);
    await backup(b);
    expect(snapshotFolder(b)).toEqual(snapshotFolder(a));
    const mtimes = [...snapshotFolder(a).keys()].map((p) => statSync(join(a, p)).mtimeMs);
    const again = await backup(a);
    expect(again.written).toEqual([]);
    expect(again.removed).toEqual([]);
    expect(again.unchanged.length).toBe(25);
    expect([...snapshotFolder(a).keys()].map((p) => statSync(join(a, p)).mtimeMs)).toEqual(mtimes);
  });

  test('--ids keeps raw ids everywhere, and still round-trips', async () => {
    const out = tempDir();
    await backup(out, true);
    const ca003 = JSON.parse(readFileSync(join(out, 'policies', 'ca003-require-phishing-resistant-mfa-for-administrators.json'), 'utf8'));
    expect(ca003.conditions.users.excludeGroups[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ca003.grantControls.authenticationStrength.id).toMatch(/^[0-9a-f-]{36}$/);
    const all = [...snapshotFolder(out).values()].join('\n');
    expect(all).not.toMatch(/"(user|group|role|app|servicePrincipal|location|authStrength):/);
    await expectRoundTrip(out);
  });

  test('stale files are removed only inside the folders caac owns; everything else survives', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'README.md'), '# backup\n');
    writeFileSync(join(out, 'caac.yml'), 'prune: false\n');
    mkdirSync(join(out, 'notes'));
    writeFileSync(join(out, 'notes', 'old-policy.json'), '{"displayName": "x"}\n');
    mkdirSync(join(out, 'policies', 'archive'), { recursive: true });
    writeFileSync(join(out, 'policies', 'archive', 'ca999.json'), '{}\n');
    writeFileSync(join(out, 'policies', 'notes.txt'), 'keep me\n');
    writeFileSync(join(out, 'policies', 'ca999-gone.json'), JSON.stringify({ id: '0f0f0f0f-0000-4000-8000-000000000999', displayName: 'CA999 - Gone', state: 'disabled', conditions: {} }, null, 2));
    const outside = tempDir();
    writeFileSync(join(outside, 'victim.json'), '{}\n');

    const first = await backup(out);
    expect(first.removed).toEqual(['policies/ca999-gone.json']);
    expect(first.removedNames).toEqual(['CA999 - Gone']);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toBe('# backup\n');
    expect(readFileSync(join(out, 'caac.yml'), 'utf8')).toBe('prune: false\n');
    expect(readFileSync(join(out, 'notes', 'old-policy.json'), 'utf8')).toContain('"x"');
    expect(readFileSync(join(out, 'policies', 'archive', 'ca999.json'), 'utf8')).toBe('{}\n');
    expect(readFileSync(join(out, 'policies', 'notes.txt'), 'utf8')).toBe('keep me\n');
    expect(readFileSync(join(outside, 'victim.json'), 'utf8')).toBe('{}\n');

    // A policy deleted in the tenant: its file goes, and the summary names it.
    const policies = (await graphCall('GET', 'identity/conditionalAccess/policies')).value as Obj[];
    const victim = policies.find((p) => p['displayName'] === 'CA013 - Limit administrator sessions')!;
    await graphCall('DELETE', `identity/conditionalAccess/policies/${String(victim['id'])}`);
    const second = await backup(out);
    expect(second.removed).toEqual(['policies/ca013-limit-administrator-sessions.json']);
    expect(second.removedNames).toEqual(['CA013 - Limit administrator sessions']);
    expect(second.written).toEqual([]);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toBe('# backup\n');
  });

  test('a rename and an edit are reported as changed, by name; a renamed object keeps its file', async () => {
    const out = tempDir();
    await backup(out);
    const policies = (await graphCall('GET', 'identity/conditionalAccess/policies')).value as Obj[];
    const ca013 = policies.find((p) => p['displayName'] === 'CA013 - Limit administrator sessions')!;
    const ca012 = policies.find((p) => String(p['displayName']).startsWith('CA012'))!;
    await graphCall('PATCH', `identity/conditionalAccess/policies/${String(ca013['id'])}`, { displayName: 'CA013 - Limit admin sessions' });
    await graphCall('PATCH', `identity/conditionalAccess/policies/${String(ca012['id'])}`, { state: 'disabled' });
    const created = await graphCall('POST', 'identity/conditionalAccess/policies', {
      displayName: 'CA050 - New',
      state: 'disabled',
      conditions: { users: { includeUsers: ['None'] }, applications: { includeApplications: ['None'] }, clientAppTypes: ['all'] },
      grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    });
    expect(created['id']).toBeDefined();
    const result = await backup(out);
    expect(result.added).toEqual(['CA050 - New']);
    expect(result.changed).toEqual([String(ca012['displayName']), 'CA013 - Limit admin sessions'].sort());
    expect(result.removedNames).toEqual([]);
    expect(result.removed).toEqual([]);
    // The file keeps its name: the object it holds is the same (matched by id).
    expect(JSON.parse(readFileSync(join(out, 'policies', 'ca013-limit-administrator-sessions.json'), 'utf8')).displayName).toBe('CA013 - Limit admin sessions');
    expect(result.written).toEqual(expect.arrayContaining(['policies/ca013-limit-administrator-sessions.json', 'policies/ca050-new.json']));
    await expectRoundTrip(out);
  });
});

describe('caac backup into a working repository (in place)', () => {
  const CA003 = 'ca003-require-phishing-resistant-mfa-for-administrators.json';
  const CA001 = 'ca001-block-legacy-authentication.json';

  /** A repository kept by hand: CA003 as commented YAML under a name of its own and without id, CA001 as 4-space JSON. */
  async function handKeptRepository(): Promise<{ out: string; ca003: Obj; ca001: Obj }> {
    const fresh = tempDir();
    await backup(fresh);
    const ca003 = JSON.parse(readFileSync(join(fresh, 'policies', CA003), 'utf8')) as Obj;
    const ca001 = JSON.parse(readFileSync(join(fresh, 'policies', CA001), 'utf8')) as Obj;
    const out = tempDir();
    await backup(out);
    rmSync(join(out, 'policies', CA003));
    const { id: _id, ...withoutId } = ca003;
    const yaml = `# Administrators: phishing-resistant MFA. Owner: identity team.\n${stringifyYaml(withoutId, { lineWidth: 0 })}`
      .replace(/^state: (.*)$/m, 'state: $1 # reviewed 2026-01, keep enabled');
    writeFileSync(join(out, 'policies', 'admin.yaml'), yaml);
    writeFileSync(join(out, 'policies', CA001), JSON.stringify(ca001, null, 4) + '\n');
    return { out, ca003, ca001 };
  }

  test('an object kept as policies/admin.yaml keeps that file (no JSON copy); YAML stays YAML with its comments; JSON keeps its indentation', async () => {
    const { out, ca003 } = await handKeptRepository();
    // The tenant changes both objects.
    await graphCall('PATCH', `identity/conditionalAccess/policies/${String(ca003['id'])}`, { state: 'enabledForReportingButNotEnforced' });
    const ca001Id = String((JSON.parse(readFileSync(join(out, 'policies', CA001), 'utf8')) as Obj)['id']);
    await graphCall('PATCH', `identity/conditionalAccess/policies/${ca001Id}`, { displayName: 'CA001 - Block legacy auth' });

    const result = await backup(out);
    expect(readdirSync(join(out, 'policies'))).not.toContain(CA003);
    expect(result.added).toEqual([]);
    expect(result.removed).toEqual([]);
    expect(result.changed).toEqual(['CA001 - Block legacy auth', String(ca003['displayName'])]);
    expect(result.written).toEqual(['policies/admin.yaml', `policies/${CA001}`]);
    expect(result.warnings).toEqual([]);

    const yaml = readFileSync(join(out, 'policies', 'admin.yaml'), 'utf8');
    expect(yaml.startsWith('# Administrators: phishing-resistant MFA. Owner: identity team.\n')).toBe(true);
    expect(yaml).toMatch(/^state: enabledForReportingButNotEnforced # reviewed 2026-01, keep enabled$/m);
    // It now holds the object's id, so that a rename in the tenant still finds it.
    expect(parseYaml(yaml)).toMatchObject({ id: ca003['id'], displayName: ca003['displayName'] });
    const json = readFileSync(join(out, 'policies', CA001), 'utf8');
    expect(json).toMatch(/^\{\n {4}"id": /);
    expect(JSON.parse(json).displayName).toBe('CA001 - Block legacy auth');

    await expectRoundTrip(out);
    // A second backup of the unchanged tenant touches nothing.
    const again = await backup(out);
    expect(again.written).toEqual([]);
    expect(again.unchanged.length).toBe(25);
    expect(readFileSync(join(out, 'policies', 'admin.yaml'), 'utf8')).toBe(yaml);
  });

  test('a YAML file of an object deleted in the tenant is removed, and the summary counts it', async () => {
    const { out, ca003 } = await handKeptRepository();
    await graphCall('DELETE', `identity/conditionalAccess/policies/${String(ca003['id'])}`);
    const result = await backup(out);
    expect(result.removed).toEqual(['policies/admin.yaml']);
    expect(result.removedNames).toEqual([String(ca003['displayName'])]);
    expect(backupSummaryLine(result)).toMatch(/^Backup: 0 added, 0 changed, 1 removed, 24 unchanged/);
  });

  test('a file that cannot be parsed, or that holds an object another file holds, is left alone and reported', async () => {
    const out = tempDir();
    await backup(out);
    writeFileSync(join(out, 'policies', 'broken.yaml'), 'displayName: [unclosed\n');
    writeFileSync(join(out, 'policies', 'broken.json'), '{ "displayName": ');
    const copy = readFileSync(join(out, 'policies', CA001), 'utf8');
    writeFileSync(join(out, 'policies', 'zz-copy.json'), copy);
    const result = await backup(out);
    expect(result.removed).toEqual([]);
    expect(result.written).toEqual([]);
    expect(readFileSync(join(out, 'policies', 'broken.yaml'), 'utf8')).toBe('displayName: [unclosed\n');
    expect(readFileSync(join(out, 'policies', 'zz-copy.json'), 'utf8')).toBe(copy);
    expect(result.warnings).toEqual([
      expect.stringMatching(/^policies\/broken\.json: left alone, it cannot be parsed/),
      expect.stringMatching(/^policies\/broken\.yaml: left alone, it cannot be parsed/),
      expect.stringMatching(/^policies\/zz-copy\.json: left alone, it describes the policy "CA001 - Block legacy authentication" that policies\/ca001-block-legacy-authentication\.json holds/),
    ]);
  });

  test('a file of another tenant (an id this tenant does not have) is matched by name, not removed and re-added', async () => {
    const out = tempDir();
    await backup(out);
    const path = join(out, 'policies', CA001);
    const doc = JSON.parse(readFileSync(path, 'utf8')) as Obj;
    writeFileSync(path, JSON.stringify({ ...doc, id: '0f0f0f0f-0000-4000-8000-0000000000aa' }, null, 2) + '\n');
    const result = await backup(out);
    expect(result.removed).toEqual([]);
    expect(result.added).toEqual([]);
    expect(result.changed).toEqual(['CA001 - Block legacy authentication']);
    expect(JSON.parse(readFileSync(path, 'utf8')).id).toBe(doc['id']);
  });

  test('a new object whose file name is that of a removed object\'s file: the new file stays', async () => {
    const out = tempDir();
    await backup(out);
    const policies = (await graphCall('GET', 'identity/conditionalAccess/policies')).value as Obj[];
    const victim = policies.find((p) => p['displayName'] === 'CA013 - Limit administrator sessions')!;
    await graphCall('DELETE', `identity/conditionalAccess/policies/${String(victim['id'])}`);
    // Another name (no match by name), the same file name.
    await graphCall('POST', 'identity/conditionalAccess/policies', {
      displayName: 'CA013 – Limit administrator sessions!',
      state: 'disabled',
      conditions: { users: { includeUsers: ['None'] }, applications: { includeApplications: ['None'] }, clientAppTypes: ['all'] },
      grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    });
    const result = await backup(out);
    expect(result.removed).toEqual(['policies/ca013-limit-administrator-sessions.json']);
    expect(result.written).toEqual(['policies/ca013-limit-administrator-sessions.json']);
    expect(result.added).toEqual(['CA013 – Limit administrator sessions!']);
    expect(JSON.parse(readFileSync(join(out, 'policies', 'ca013-limit-administrator-sessions.json'), 'utf8')).displayName).toBe('CA013 – Limit administrator sessions!');
    await expectRoundTrip(out);
  });

  test('a new object whose file name a kept file already has gets another name', async () => {
    const out = tempDir();
    await backup(out);
    // The file named after "CA050 - New" holds CA001 (a name of the user's choosing).
    const { rename } = await import('node:fs/promises');
    await rename(join(out, 'policies', CA001), join(out, 'policies', 'ca050-new.json'));
    await graphCall('POST', 'identity/conditionalAccess/policies', {
      displayName: 'CA050 - New',
      state: 'disabled',
      conditions: { users: { includeUsers: ['None'] }, applications: { includeApplications: ['None'] }, clientAppTypes: ['all'] },
      grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    });
    const result = await backup(out);
    expect(result.added).toEqual(['CA050 - New']);
    expect(result.written).toEqual(['policies/ca050-new-2.json']);
    expect(JSON.parse(readFileSync(join(out, 'policies', 'ca050-new.json'), 'utf8')).displayName).toBe('CA001 - Block legacy authentication');
    await expectRoundTrip(out);
  });
});

// ── Prepared tenants ─────────────────────────────────────────────────────────────────────────────

const HOSTILE_NAMES = [
  'Zugriff für Gäste – Übersicht',
  'Ünïcödé ÀÉÎÕÜ ß æ ø',
  'Block/legacy\\auth',
  '../../etc/passwd',
  '..',
  '...hidden.',
  'v1.2. policy.',
  'C:\\Windows\\System32',
  '🔒🔒🔒',
  '🔒 Lock down',
  '名前だけ',
  'CON',
  'nul.txt',
  'com1',
  'LPT9',
  'Trailing spaces   ',
  '   Leading spaces',
  'CA-001 Block',
  'ca 001 block',
  'CA_001_BLOCK',
  'Quote "double" and \'single\' <angle> |pipe| ?star*',
  'x'.repeat(300),
  'Tab\tand newline\nin name',
];

/** A copy of a sample policy with another name and id (the emulator fills Graph's defaults). */
function policyNamed(template: Obj, displayName: string, i: number): Obj {
  return { ...structuredClone(template), id: `0b0b0b0b-0000-4000-8000-${String(i).padStart(12, '0')}`, displayName };
}

describe('caac backup of prepared tenants', () => {
  test('hostile names: safe, distinct file names; still a valid repository that plans to no change', async () => {
    await editState((state) => {
      const policies = state['policies'] as Obj[];
      const template = policies.find((p) => String(p['displayName']).startsWith('CA003'))!;
      HOSTILE_NAMES.forEach((name, i) => policies.push(policyNamed(template, name, i + 1)));
      // A named location and a custom strength with hostile names, referenced by one of them.
      const locations = state['namedLocations'] as Obj[];
      locations.push({ ...structuredClone(locations[0]!), id: '0c0c0c0c-0000-4000-8000-000000000001', displayName: 'Büro / Zürich 🏢' });
      const strengths = state['authenticationStrengthPolicies'] as Obj[];
      strengths.push({ ...structuredClone(strengths[0]!), id: '0d0d0d0d-0000-4000-8000-000000000001', displayName: 'CON' });
      const p = policies[policies.length - 1]!;
      p['conditions'] = { ...(p['conditions'] as Obj), locations: { includeLocations: ['0c0c0c0c-0000-4000-8000-000000000001'], excludeLocations: ['AllTrusted'] } };
      p['grantControls'] = { operator: 'OR', builtInControls: [], authenticationStrength: { id: '0d0d0d0d-0000-4000-8000-000000000001' } };
    });
    const out = tempDir();
    const result = await backup(out);
    expect(result.written.length).toBe(25 + HOSTILE_NAMES.length + 2);
    expectSafeNames(snapshotFolder(out).keys());
    const names = readdirSync(join(out, 'policies'));
    expect(names).toContain('con-1.json');
    expect(names).toContain('nul-txt.json');
    expect(names).toContain('com1-1.json');
    expect(names).toContain('lpt9-1.json');
    expect(names).toContain('zugriff-fur-gaste-ubersicht.json');
    expect(names).toContain('unicode-aeiou-ss-ae-o.json');
    expect(names).toContain('block-legacy-auth.json');
    expect(names).toContain('etc-passwd.json');
    expect(names).toContain('trailing-spaces.json');
    expect(names).toContain('lock-down.json');
    // three names slug to ca-001-block: ordered by id, suffixed -2, -3
    expect(names).toEqual(expect.arrayContaining(['ca-001-block.json', 'ca-001-block-2.json', 'ca-001-block-3.json']));
    expect(JSON.parse(readFileSync(join(out, 'policies', 'ca-001-block.json'), 'utf8')).displayName).toBe('CA-001 Block');
    expect(JSON.parse(readFileSync(join(out, 'policies', 'ca-001-block-2.json'), 'utf8')).displayName).toBe('ca 001 block');
    // names without a usable character fall back to the id
    expect(names).toContain('0b0b0b0b-0000-4000-8000-000000000001.json'.replace('000000000001', String(HOSTILE_NAMES.indexOf('..') + 1).padStart(12, '0')));
    expect(readdirSync(join(out, 'authentication-strengths'))).toContain('con-1.json');
    expect(readdirSync(join(out, 'named-locations'))).toContain('buro-zurich.json');
    // the references to them, by name
    const last = result.written.find((p) => JSON.parse(readFileSync(join(out, p), 'utf8')).displayName === HOSTILE_NAMES[HOSTILE_NAMES.length - 1])!;
    const doc = JSON.parse(readFileSync(join(out, last), 'utf8'));
    expect(doc.conditions.locations).toEqual({ includeLocations: ['location:Büro / Zürich 🏢'], excludeLocations: ['AllTrusted'] });
    expect(doc.grantControls.authenticationStrength).toEqual({ id: 'authStrength:CON' });

    await expectRoundTrip(out);
    const again = tempDir();
    await backup(again);
    expect(snapshotFolder(again)).toEqual(snapshotFolder(out));
  });

  test('ambiguous names and names with surrounding spaces keep raw ids; names with colons and unicode are written', async () => {
    const dupA = '0e0e0e0e-0000-4000-8000-00000000000a';
    const dupB = '0e0e0e0e-0000-4000-8000-00000000000b';
    const colon = '0e0e0e0e-0000-4000-8000-00000000000c';
    const spaced = '0e0e0e0e-0000-4000-8000-00000000000d';
    await editState((state) => {
      const groups = state['groups'] as Obj[];
      groups.push({ id: dupA, displayName: 'Duplicate group' }, { id: dupB, displayName: 'Duplicate group' });
      groups.push({ id: colon, displayName: 'Finance: EMEA – Zürich' }, { id: spaced, displayName: ' Spaced group ' });
      const policies = state['policies'] as Obj[];
      const p = policies.find((x) => String(x['displayName']).startsWith('CA002'))!;
      const users = (p['conditions'] as Obj)['users'] as Obj;
      users['excludeGroups'] = [...(users['excludeGroups'] as string[]), dupA, colon, spaced];
    });
    const out = tempDir();
    await backup(out);
    const file = readdirSync(join(out, 'policies')).find((f) => f.startsWith('ca002'))!;
    const doc = JSON.parse(readFileSync(join(out, 'policies', file), 'utf8'));
    expect(doc.conditions.users.excludeGroups).toEqual([dupA, spaced, 'group:CA-BreakGlass', 'group:CA-ServiceAccounts', 'group:Finance: EMEA – Zürich']);
    await expectRoundTrip(out);
  });

  test('an id of a deleted group is kept raw and warned about (plan then asks for it to be removed)', async () => {
    const deleted = '0e0e0e0e-0000-4000-8000-0000000000ff';
    await editState((state) => {
      const p = (state['policies'] as Obj[]).find((x) => String(x['displayName']).startsWith('CA002'))!;
      const users = (p['conditions'] as Obj)['users'] as Obj;
      users['excludeGroups'] = [...(users['excludeGroups'] as string[]), deleted];
    });
    const out = tempDir();
    const result = await backup(out);
    expect(result.warnings).toEqual([expect.stringContaining(deleted)]);
    const file = readdirSync(join(out, 'policies')).find((f) => f.startsWith('ca002'))!;
    expect(JSON.parse(readFileSync(join(out, 'policies', file), 'utf8')).conditions.users.excludeGroups).toContain(deleted);
    // A backup writes no caac.yml: no-emergency-access is expected, nothing else.
    expect(runValidate(filePolicyStore(out)).findings.filter((f) => f.rule !== 'no-emergency-access')).toEqual([]);
    const outcome = await runPlan(filePolicyStore(out), graph, { dir: out, apiVersion: 'v1.0' });
    expect(outcome.status).toBe('unresolved');
  });

  test('the 195-policy limit: every policy backed up, byte-identical twice, and it plans to no change', async () => {
    const existing = ((await graphCall('GET', 'identity/conditionalAccess/policies')).value as Obj[]).length;
    for (let i = existing; i < 195; i++) {
      await graphCall('POST', 'identity/conditionalAccess/policies', {
        displayName: `CA${String(i + 100).padStart(3, '0')} - Bulk policy ${i}`,
        state: i % 3 === 0 ? 'enabledForReportingButNotEnforced' : 'disabled',
        conditions: {
          users: { includeGroups: ['9d73f261-20a8-44bf-8f2a-9fc2f3443d0f'].slice(0, i % 2), includeUsers: i % 2 ? [] : ['All'] },
          applications: { includeApplications: ['All'] },
          clientAppTypes: ['all'],
        },
        grantControls: { operator: 'OR', builtInControls: ['mfa'] },
      });
    }
    const a = tempDir();
    const result = await backup(a);
    expect(readdirSync(join(a, 'policies')).length).toBe(195);
    const b = tempDir();
    await backup(b);
    expect(snapshotFolder(b)).toEqual(snapshotFolder(a));
    // Requests do not grow with the number of policies: one list per kind, two $batch calls.
    expect(result.requests.byEndpoint['POST /v1.0/$batch']).toBe(2);
    expect(result.requests.total).toBeLessThanOrEqual(8);
    process.stdout.write(`195-policy backup: ${result.requests.total} Graph requests ${JSON.stringify(result.requests.byEndpoint)}\n`);
    await expectRoundTrip(a);
  }, 120_000);
});
