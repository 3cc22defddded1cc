/**
 * One repository, two tenants: two emulators of the sample tenant under different tenant ids (the
 * same names under different object ids), driven from one repository with environments `ppe` and
 * `prod`. Pre-production calls the pilot group "PPE-Pilot" (a binding maps the files'
 * `group:CA-Pilot` to it) and production does not manage the CA9xx pilot policies (a selection).
 * Each plans and applies through the real Graph adapter over loopback.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runApply } from '../../src/commands/apply.js';
import { runBackup } from '../../src/commands/backup.js';
import { runDrift } from '../../src/commands/drift.js';
import { selectEnvironment } from '../../src/commands/environment.js';
import { reviewedPlanSource } from '../../src/commands/plan-check.js';
import { runPlan } from '../../src/commands/plan.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ConfigurationError, PlanMismatchError } from '../../src/errors.js';
import { connectGraph, type GraphConnection } from '../../src/graph/connect.js';
import type { EnvironmentConnection } from '../../src/model/environments.js';
import type { Plan } from '../../src/model/plan.js';
import { silentLogger } from '../../src/ports/logger.js';
import { folderBackupStore } from '../../src/repo/backup-folder.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';

const ROOT = 'conditional-access';
const PPE = '11111111-2222-4333-8444-555555555555';
const PROD = '99999999-8888-4777-8666-555555555555';
const PILOT = 'CA900 - Require MFA for the pilot group';
const auth = { authorization: 'Bearer t', 'content-type': 'application/json' };

let ppe: RunningEmulator;
let prod: RunningEmulator;
let cwd: string;

type Obj = Record<string, unknown> & { id: string; displayName: string };
const get = async (emu: RunningEmulator, p: string): Promise<Obj[]> => ((await (await fetch(`${emu.url}/v1.0${p}`, { headers: auth })).json()) as { value: Obj[] }).value;
const policies = (emu: RunningEmulator) => get(emu, '/identity/conditionalAccess/policies');
const groupId = async (emu: RunningEmulator, name: string): Promise<string> => (await get(emu, '/groups')).find((g) => g.displayName === name)!.id;

beforeAll(async () => {
  [ppe, prod] = await Promise.all([startEmulator({ seed: 'sample', tenantId: PPE }), startEmulator({ seed: 'sample', tenantId: PROD })]);
  // Pre-production's pilot group has another name (same object): the binding maps it.
  const state = (await (await fetch(`${ppe.url}/_emulator/state`)).json()) as { groups: Obj[] };
  state.groups.find((g) => g.displayName === 'CA-Pilot')!.displayName = 'PPE-Pilot';
  expect((await fetch(`${ppe.url}/_emulator/state`, { method: 'PUT', body: JSON.stringify(state), headers: { 'content-type': 'application/json' } })).status).toBeLessThan(300);

  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'caac-envs-'));
  fs.cpSync(path.resolve('examples/conditional-access'), path.join(cwd, ROOT), { recursive: true });
  const template = JSON.parse(fs.readFileSync(path.join(cwd, ROOT, 'policies', 'ca014-require-app-protection-on-mobile-devices-pilot.json'), 'utf8')) as Record<string, unknown>;
  delete template['id'];
  fs.writeFileSync(path.join(cwd, ROOT, 'policies', 'ca900.json'), JSON.stringify({ ...template, displayName: PILOT }, null, 2));
  fs.appendFileSync(
    path.join(cwd, ROOT, 'caac.yml'),
    [
      '',
      'environments:',
      '  ppe:',
      `    tenantId: "${PPE}"`,
      `    graphUrl: "${ppe.url}"`,
      '    references:',
      '      "group:CA-Pilot": "group:PPE-Pilot"',
      '  prod:',
      `    tenantId: "${PROD}"`,
      `    graphUrl: "${prod.url}"`,
      '    policies:',
      '      exclude: ["CA900 - *"]',
      // A mistake: the production tenant id with pre-production's Graph (a token of another tenant).
      '  crossed:',
      `    tenantId: "${PROD}"`,
      `    graphUrl: "${ppe.url}"`,
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await Promise.all([ppe.stop(), prod.stop()]);
  fs.rmSync(cwd, { recursive: true, force: true });
});

const store = () => filePolicyStore(ROOT, { cwd });

function connect(chosen: EnvironmentConnection, token = 't'): GraphConnection {
  return connectGraph({
    tenantId: chosen.tenantId,
    tenantIdSource: chosen.tenantIdSource,
    graphUrl: chosen.graphUrl,
    env: { CAAC_ACCESS_TOKEN: token },
    rateLimit: 1000,
    burst: 1000,
    maxRetryTimeMs: 2000,
    retryBaseDelayMs: 10,
  });
}

async function planFor(name: string, options: { prune?: boolean } = {}): Promise<{ plan: Plan; graph: GraphConnection; chosen: EnvironmentConnection }> {
  const chosen = selectEnvironment(store(), name)!;
  const graph = connect(chosen);
  const outcome = await runPlan(store(), graph, { dir: ROOT, apiVersion: 'v1.0', environment: chosen.environment, ...options });
  if (outcome.status !== 'planned') throw new Error(`plan for ${name} stopped: ${outcome.status} ${JSON.stringify('problems' in outcome ? outcome.problems : outcome.validation.findings.filter((f) => f.severity === 'error'))}`);
  return { plan: outcome.plan, graph, chosen };
}

const changes = (plan: Plan) => plan.operations.filter((op) => op.action !== 'noop').map((op) => `${op.action} ${op.displayName}`);

test('the two emulators hold the same names under different ids', async () => {
  const [a, b] = await Promise.all([policies(ppe), policies(prod)]);
  expect(a.map((p) => p.displayName).sort()).toEqual(b.map((p) => p.displayName).sort());
  const idsA = new Set(a.map((p) => p.id));
  expect(b.some((p) => idsA.has(p.id))).toBe(false);
  expect(await groupId(prod, 'CA-BreakGlass')).not.toBe(await groupId(ppe, 'CA-BreakGlass'));
});

test('pre-production plans the pilot policy with its own pilot group (the binding), and applies it', async () => {
  const { plan, graph, chosen } = await planFor('ppe');
  expect(plan.environment).toBe('ppe');
  expect(plan.tenant.id).toBe(PPE);
  // CA014 writes group:CA-Pilot too: bound, it resolves to PPE-Pilot and is unchanged.
  expect(changes(plan)).toEqual([`create ${PILOT}`]);
  const pilotGroup = await groupId(ppe, 'PPE-Pilot');
  const create = plan.operations.find((op) => op.action === 'create')!;
  expect((create.body as { conditions: { users: { includeGroups: string[] } } }).conditions.users.includeGroups).toEqual([pilotGroup]);

  const outcome = await runApply(plan, { tenant: graph.tenant, snapshots: fileSnapshotStore(path.join(cwd, 'snap-ppe')), source: reviewedPlanSource(store(), connect(chosen), ROOT, chosen.environment) }, { allowDelete: false, keepGoing: false, log: silentLogger });
  expect(outcome).toMatchObject({ applied: 1, failed: 0, readBack: 'verified' });
  const made = (await policies(ppe)).find((p) => p.displayName === PILOT) as { conditions: { users: { includeGroups: string[] } } } | undefined;
  expect(made?.conditions.users.includeGroups).toEqual([pilotGroup]);
  expect((await policies(prod)).some((p) => p.displayName === PILOT)).toBe(false);
  const again = await planFor('ppe');
  expect(changes(again.plan)).toEqual([]);
});

test('production does not manage the CA900 policies: not planned, and never pruned', async () => {
  const { plan } = await planFor('prod');
  expect(plan.environment).toBe('prod');
  expect(plan.tenant.id).toBe(PROD);
  expect(changes(plan)).toEqual([]);
  // Someone made a CA900 policy in production by hand: prune inside the selection leaves it alone.
  const body = { displayName: 'CA900 - made in the portal', state: 'disabled', conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['None'] } }, grantControls: { operator: 'OR', builtInControls: ['mfa'] } };
  expect((await fetch(`${prod.url}/v1.0/identity/conditionalAccess/policies`, { method: 'POST', headers: auth, body: JSON.stringify(body) })).status).toBe(201);
  const pruned = await planFor('prod', { prune: true });
  expect(changes(pruned.plan)).toEqual([]);
  expect(pruned.plan.unmanaged.map((u) => u.displayName)).toContain('CA900 - made in the portal');
  // Without the environment's selection the same prune would delete it (the guard is what spares it).
  const bare = await runPlan(store(), connect(selectEnvironment(store(), 'prod')!), { dir: ROOT, apiVersion: 'v1.0', prune: true });
  if (bare.status !== 'planned') throw new Error(bare.status);
  expect(changes(bare.plan)).toEqual(expect.arrayContaining([`create ${PILOT}`, 'delete CA900 - made in the portal']));
});

test('a token of another tenant is refused before anything is read, naming both tenants and the environment', async () => {
  const before = ppe.requests().total;
  const chosen = selectEnvironment(store(), 'crossed')!;
  const error = await runPlan(store(), connect(chosen), { dir: ROOT, apiVersion: 'v1.0', environment: chosen.environment }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigurationError);
  expect(String((error as Error).message)).toContain(PPE);
  expect(String((error as Error).message)).toContain(PROD);
  expect(String((error as Error).message)).toContain('environment "crossed"');
  // Only GET /organization (the emulator's token is no JWT): no Conditional Access read.
  const after = ppe.requests();
  expect(after.total - before).toBe(1);

  // A JWT whose tid is pre-production's, for production: refused without a single request.
  const jwt = ['{"alg":"none"}', JSON.stringify({ tid: PPE })].map((p) => Buffer.from(p).toString('base64url')).join('.') + '.sig';
  const prodChosen = selectEnvironment(store(), 'prod')!;
  const prodBefore = prod.requests().total;
  const refused = await runPlan(store(), connect(prodChosen, jwt), { dir: ROOT, apiVersion: 'v1.0', environment: prodChosen.environment }).catch((e: unknown) => e);
  expect(String((refused as Error).message)).toMatch(new RegExp(`token belongs to tenant ${PPE}.*environment "prod" of caac.yml.*${PROD}`));
  expect(prod.requests().total).toBe(prodBefore);
});

test('apply refuses a plan made for another environment (or for none) before any request', async () => {
  const { plan } = await planFor('ppe');
  const prodChosen = selectEnvironment(store(), 'prod')!;
  const graph = connect(prodChosen);
  const before = prod.requests().total;
  const apply = (source: ReturnType<typeof reviewedPlanSource>) => runApply(plan, { tenant: graph.tenant, snapshots: fileSnapshotStore(path.join(cwd, 'snap-x')), source }, { allowDelete: false, keepGoing: false, log: silentLogger }).catch((e: unknown) => e);
  const crossed = await apply(reviewedPlanSource(store(), graph, ROOT, prodChosen.environment));
  expect(crossed).toBeInstanceOf(PlanMismatchError);
  expect(String((crossed as Error).message)).toContain('made for environment "ppe", and apply runs for environment "prod"');
  const none = await apply(reviewedPlanSource(store(), graph, ROOT));
  expect(String((none as Error).message)).toContain('apply runs without one');
  expect(prod.requests().total).toBe(before);
});

test('an unknown environment names the known ones; a flag that disagrees with the environment stops the run', () => {
  expect(() => selectEnvironment(store(), 'staging')).toThrow('unknown environment "staging": the environments caac.yml declares are "crossed", "ppe", "prod"');
  expect(() => selectEnvironment(store(), 'prod', { tenantId: { value: PPE, from: '--tenant-id' } })).toThrow(`--tenant-id says "${PPE}", but environment "prod" of caac.yml sets tenantId: "${PROD}"`);
  expect(selectEnvironment(store(), 'prod', { tenantId: { value: PROD.toUpperCase(), from: '--tenant-id' } })?.tenantId).toBe(PROD);
});

test('a policy built in pre-production comes back with backup --only, written as the repository writes its references', async () => {
  // Someone edits the pilot policy in the ppe portal (report-only → on, for the pilot group).
  const made = (await policies(ppe)).find((p) => p.displayName === PILOT)!;
  expect((await fetch(`${ppe.url}/v1.0/identity/conditionalAccess/policies/${made.id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ state: 'enabled' }) })).status).toBe(204);
  const folder = path.join(cwd, ROOT);
  const before = new Map(fs.readdirSync(path.join(folder, 'policies')).map((f) => [f, fs.readFileSync(path.join(folder, 'policies', f), 'utf8')]));
  const chosen = selectEnvironment(store(), 'ppe')!;
  const result = await runBackup({ ...connect(chosen), store: folderBackupStore(folder) }, { apiVersion: 'v1.0', only: [PILOT.toUpperCase()], environment: chosen.environment });
  expect(result).toMatchObject({ written: ['policies/ca900.json'], removed: [], changed: [PILOT], environment: 'ppe' });
  const written = JSON.parse(fs.readFileSync(path.join(folder, 'policies', 'ca900.json'), 'utf8')) as { state: string; conditions: { users: { includeGroups: string[]; excludeGroups: string[] } } };
  expect(written.state).toBe('enabled');
  expect(written.conditions.users.includeGroups).toEqual(['group:CA-Pilot']);
  for (const [file, text] of before) if (file !== 'ca900.json') expect(fs.readFileSync(path.join(folder, 'policies', file), 'utf8')).toBe(text);
  // The repository now says what ppe has; production would get it after its own plan and approval.
  expect(changes((await planFor('ppe')).plan)).toEqual([]);

  const missing = await runBackup({ ...connect(chosen), store: folderBackupStore(folder) }, { apiVersion: 'v1.0', only: ['CA999 - nowhere'], environment: chosen.environment }).catch((e: unknown) => e);
  expect(String(missing)).toContain('the tenant holds no policy, named location or authentication strength named "CA999 - nowhere"');
});

test('drift by environment: the production selection (its hand-made CA900 is not drift), named in the report', async () => {
  const chosen = selectEnvironment(store(), 'prod')!;
  const ca002 = (await policies(prod)).find((p) => p.displayName.startsWith('CA002'))!;
  expect((await fetch(`${prod.url}/v1.0/identity/conditionalAccess/policies/${ca002.id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ state: 'disabled' }) })).status).toBe(204);
  const outcome = await runDrift(store(), connect(chosen), { dir: ROOT, apiVersion: 'v1.0', environment: chosen.environment.name, environmentScope: chosen.environment });
  if (outcome.status !== 'reported') throw new Error(outcome.status);
  expect(outcome.report.environment).toBe('prod');
  expect(outcome.report.tenant.id).toBe(PROD);
  expect(outcome.report.drift.map((d) => d.displayName)).toEqual([ca002.displayName]);
});
