/**
 * caac new against the emulator over loopback: the templates endpoint as Graph serves it (list,
 * get, $filter=scenarios has, 400s, 404), and every template turned into a policy file that
 * validates and plans as exactly one create in the sample tenant.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { ConfigurationError } from '../../src/errors.js';
import type { GraphConnection } from '../../src/graph/connect.js';
import { listTemplates, runNew } from '../../src/commands/new.js';
import { runPlan } from '../../src/commands/plan.js';
import { runValidate } from '../../src/commands/validate.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileDocumentFiles } from '../../src/repo/document-files.js';
import { exampleTenant } from '../fixtures/repo-helpers.js';

const ROOT = 'conditional-access';
const dirs: string[] = [];
let emu: RunningEmulator;
let cwd: string;
let connection: GraphConnection;

beforeAll(async () => {
  ({ emu, cwd, connection } = await exampleTenant('caac-new-', dirs));
});
afterAll(async () => {
  await emu.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const get = async (pathAndQuery: string): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(`${emu.url}/v1.0/${pathAndQuery}`, { headers: { Authorization: 'Bearer t' } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

const ports = () => ({ store: filePolicyStore(ROOT, { cwd }), files: fileDocumentFiles(cwd), templates: connection.templates, directory: connection.directory, requests: () => connection.tenant.requests() });

describe('the emulator serves templates as Graph does', () => {
  it('lists them in Graph\'s shape, filters by scenario, refuses other filters and query options, answers 404 in Graph\'s error shape', async () => {
    const all = await get('identity/conditionalAccess/templates');
    expect(all.status).toBe(200);
    const value = all.body['value'] as Record<string, unknown>[];
    expect(value.length).toBeGreaterThanOrEqual(6);
    for (const t of value) {
      expect(Object.keys(t).sort()).toEqual(['description', 'details', 'id', 'name', 'scenarios']);
      expect(typeof t['scenarios']).toBe('string');
      expect(Object.keys(t['details'] as object).sort()).toEqual(['conditions', 'grantControls', 'sessionControls']);
    }
    const admins = await get(`identity/conditionalAccess/templates?$filter=${encodeURIComponent("scenarios has 'protectAdmins'")}`);
    expect((admins.body['value'] as { scenarios: string }[]).every((t) => t.scenarios.split(',').includes('protectAdmins'))).toBe(true);
    expect((admins.body['value'] as unknown[]).length).toBeLessThan(value.length);
    const selected = await get('identity/conditionalAccess/templates?$select=id,name');
    expect(Object.keys((selected.body['value'] as object[])[0]!).sort()).toEqual(['id', 'name']);
    for (const bad of ["name eq 'x'", "scenarios has 'nope'", "scenarios eq 'zeroTrust'"]) {
      const r = await get(`identity/conditionalAccess/templates?$filter=${encodeURIComponent(bad)}`);
      expect(r.status).toBe(400);
      expect(Object.keys(r.body['error'] as object)).toEqual(expect.arrayContaining(['code', 'message', 'innerError']));
    }
    expect((await get('identity/conditionalAccess/templates?$top=2')).status).toBe(400);
    const one = await get(`identity/conditionalAccess/templates/${String(value[0]!['id'])}`);
    expect(one.body['name']).toBe(value[0]!['name']);
    const missing = await get('identity/conditionalAccess/templates/00000000-0000-0000-0000-00000000abcd');
    expect(missing.status).toBe(404);
    expect((missing.body['error'] as { code: string }).code).toBe('ResourceNotFound');
    const post = await fetch(`${emu.url}/v1.0/identity/conditionalAccess/templates`, { method: 'POST', headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' }, body: '{}' });
    expect(post.status).toBe(405);
  });

  it('the Templates port lists (one request) and refuses an unknown scenario before asking Graph', async () => {
    const before = connection.tenant.requests();
    const list = await listTemplates(connection.templates, 'zeroTrust');
    expect(list.length).toBeGreaterThan(3);
    expect(list.every((t) => t.scenarios.includes('zeroTrust'))).toBe(true);
    const after = connection.tenant.requests();
    expect((after.byEndpoint['GET /v1.0/identity/conditionalAccess/templates'] ?? 0) - (before.byEndpoint['GET /v1.0/identity/conditionalAccess/templates'] ?? 0)).toBe(1);
    // Besides it, at most the one-time check of which tenant the token belongs to.
    expect(after.total - before.total).toBeLessThanOrEqual(2);
    await expect(listTemplates(connection.templates, 'everything')).rejects.toThrow(/secureFoundation, zeroTrust/);
    expect(await connection.templates.get('00000000-0000-0000-0000-00000000abcd')).toBeUndefined();
  });
});

describe('caac new', () => {
  it('turns every template into a file that validates and plans as exactly one create', async () => {
    const templates = await listTemplates(connection.templates);
    const files: string[] = [];
    for (const [i, template] of templates.entries()) {
      const name = `CA${String(500 + i)} - ${template.name}`;
      const before = connection.tenant.requests().total;
      const result = await runNew(ports(), { template: template.id, name });
      // One GET of the template, one getByIds at most, one $batch of name look-ups at most.
      expect(connection.tenant.requests().total - before).toBeLessThanOrEqual(3);
      files.push(result.file);
      const text = fs.readFileSync(path.join(cwd, result.file), 'utf8');
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a policy file read back, checked field by field
      const doc = JSON.parse(text) as Record<string, any>;
      expect(doc['displayName']).toBe(name);
      expect(doc['state']).toBe('enabledForReportingButNotEnforced');
      expect(doc['description']).toContain(template.id);
      expect(doc['description']).toContain(template.name);
      expect(text).not.toContain('Current administrator');
      expect(doc['conditions']['users']['excludeGroups']).toContain('group:CA-BreakGlass');
      expect(JSON.stringify(doc)).not.toMatch(/62e90394-69f5-4237-9190-012177145e10/);
    }
    expect(files.every((f) => f.startsWith(`${ROOT}/policies/ca5`))).toBe(true);
    const validation = runValidate(filePolicyStore(ROOT, { cwd }));
    expect(validation.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const outcome = await runPlan(filePolicyStore(ROOT, { cwd }), connection, { dir: ROOT, apiVersion: 'v1.0' });
    expect(outcome.status).toBe('planned');
    if (outcome.status !== 'planned') return;
    const changes = outcome.plan.operations.filter((o) => o.action !== 'noop');
    expect(changes.map((o) => `${o.action} ${o.displayName}`).sort()).toEqual(templates.map((t, i) => `create CA${String(500 + i)} - ${t.name}`).sort());
    const admins = changes.find((o) => o.displayName.includes('for administrators'))!;
    expect(((admins.body as { conditions: { users: { includeRoles: string[] } } }).conditions.users.includeRoles)).toContain('62e90394-69f5-4237-9190-012177145e10');
    for (const f of files) fs.rmSync(path.join(cwd, f));
  });

  it('names roles by name, writes the template by name, refuses a name outside naming.pattern and an existing file', async () => {
    const result = await runNew(ports(), { template: 'require multifactor authentication for administrators', name: 'CA600 - MFA for admins' });
    const doc = JSON.parse(fs.readFileSync(path.join(cwd, result.file), 'utf8'));
    expect(doc.conditions.users.includeRoles).toContain('role:Global Administrator');
    await expect(runNew(ports(), { template: 'Require multifactor authentication for administrators', name: 'MFA for admins' })).rejects.toThrow(/naming\.pattern "\^CA\\d\{3\} - "/);
    await expect(runNew(ports(), { template: 'Require multifactor authentication for administrators' })).rejects.toThrow(/--name/);
    await expect(runNew(ports(), { template: 'Require multifactor authentication for administrators', name: 'CA600 - MFA for admins' })).rejects.toThrow(/already named/);
    await expect(runNew(ports(), { template: 'No such template', name: 'CA601 - x' })).rejects.toBeInstanceOf(ConfigurationError);
    fs.rmSync(path.join(cwd, result.file));
  });

  it('writes YAML in a repository whose policies are YAML, without a tenant for the skeleton', async () => {
    const yamlRepo = fs.mkdtempSync(path.join(cwd, '..', 'caac-new-yaml-'));
    dirs.push(yamlRepo);
    fs.mkdirSync(path.join(yamlRepo, 'ca/policies'), { recursive: true });
    fs.writeFileSync(path.join(yamlRepo, 'ca/caac.yml'), 'emergencyAccess:\n  users: ["user:breakglass@contoso.com"]\n');
    fs.writeFileSync(
      path.join(yamlRepo, 'ca/policies/one.yaml'),
      'displayName: One\nstate: disabled\nconditions:\n  users: {includeUsers: [None]}\n  applications: {includeApplications: [None]}\n  clientAppTypes: [all]\ngrantControls: {operator: OR, builtInControls: [mfa]}\n',
    );
    const result = await runNew({ store: filePolicyStore('ca', { cwd: yamlRepo }), files: fileDocumentFiles(yamlRepo) }, { name: 'Two' });
    expect(result.file).toBe('ca/policies/two.yaml');
    const text = fs.readFileSync(path.join(yamlRepo, result.file), 'utf8');
    expect(text).toContain('displayName: Two\n');
    expect(text).toContain('excludeUsers:\n      - user:breakglass@contoso.com');
    expect(runValidate(filePolicyStore('ca', { cwd: yamlRepo })).summary.errors).toBe(0);
  });

  it('asks for the name when interactive; the skeleton validates', async () => {
    const asked: string[] = [];
    const result = await runNew(ports(), { ask: async (q) => (asked.push(q), 'CA602 - Skeleton') });
    expect(asked[0]).toContain('^CA\\d{3} - ');
    const doc = JSON.parse(fs.readFileSync(path.join(cwd, result.file), 'utf8'));
    expect(doc.conditions.applications.includeApplications).toEqual(['None']);
    expect(runValidate(filePolicyStore(ROOT, { cwd })).summary.errors).toBe(0);
    fs.rmSync(path.join(cwd, result.file));
  });

  it('refuses to write through a symbolic link', async () => {
    const outside = fs.mkdtempSync(path.join(cwd, '..', 'caac-new-outside-'));
    dirs.push(outside);
    const real = path.join(cwd, ROOT, 'policies');
    fs.renameSync(real, `${real}.real`);
    fs.symlinkSync(outside, real);
    try {
      await expect(runNew(ports(), { name: 'CA603 - Through a link' })).rejects.toThrow(/symbolic link/);
      expect(fs.readdirSync(outside)).toEqual([]);
    } finally {
      fs.unlinkSync(real);
      fs.renameSync(`${real}.real`, real);
    }
  });
});
