/**
 * The bundled CLI drives two emulated tenants (`caac emulator --tenant-id`: the same names under
 * different ids) from one repository's environments: plan and apply per environment, an apply of
 * another environment's plan refused (exit 3), a token of another tenant refused (exit 2), and
 * CAAC_ENVIRONMENT selecting like --environment.
 */
import { type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { copyExample, emulatorRequests, runNode, startCliEmulator } from './helpers.js';
import { runJavaScriptAction } from './runner.js';

const CLI = resolve('dist/cli.js');
const PPE = '11111111-2222-4333-8444-555555555555';
const PROD = '99999999-8888-4777-8666-555555555555';
const PILOT = 'CA900 - Require MFA for the pilot group';

let ppe: { emulator: ChildProcessWithoutNullStreams; url: string };
let prod: { emulator: ChildProcessWithoutNullStreams; url: string };
let cwd: string;

beforeAll(async () => {
  [ppe, prod] = await Promise.all([startCliEmulator(['--seed', 'sample', '--tenant-id', PPE]), startCliEmulator(['--seed', 'sample', '--tenant-id', PROD])]);
  cwd = copyExample('caac-envs-e2e-');
  const folder = join(cwd, 'conditional-access');
  const template = JSON.parse(readFileSync(join(folder, 'policies', 'ca014-require-app-protection-on-mobile-devices-pilot.json'), 'utf8')) as Record<string, unknown>;
  delete template['id'];
  writeFileSync(join(folder, 'policies', 'ca900.json'), JSON.stringify({ ...template, displayName: PILOT }, null, 2));
  appendFileSync(
    join(folder, 'caac.yml'),
    `\nenvironments:\n  ppe:\n    tenantId: "${PPE}"\n    graphUrl: "${ppe.url}"\n  prod:\n    tenantId: "${PROD}"\n    graphUrl: "${prod.url}"\n    policies:\n      exclude: ["CA900*"]\n  crossed:\n    tenantId: "${PROD}"\n    graphUrl: "${ppe.url}"\n`,
  );
});
afterAll(() => {
  ppe.emulator.kill('SIGTERM');
  prod.emulator.kill('SIGTERM');
  rmSync(cwd, { recursive: true, force: true });
});

const caac = (args: string[], env: Record<string, string> = {}) => runNode(CLI, args, { cwd, env: { CAAC_ACCESS_TOKEN: 't', ...env } });

test('each environment plans against its own tenant, with its own selection, and names itself', async () => {
  const a = await caac(['plan', '--environment', 'ppe', '--out', 'plan-ppe.json', '--markdown', 'plan-ppe.md', '--detailed-exitcode']);
  expect(a.stderr).toContain('environment "ppe": signing in');
  expect(a.status).toBe(2);
  expect(a.stdout).toContain(`caac plan · environment ppe · tenant ${PPE}`);
  const plan = JSON.parse(readFileSync(join(cwd, 'plan-ppe.json'), 'utf8')) as { environment: string; tenant: { id: string }; summary: { create: number } };
  expect(plan).toMatchObject({ environment: 'ppe', tenant: { id: PPE }, summary: { create: 1 } });
  expect(readFileSync(join(cwd, 'plan-ppe.md'), 'utf8')).toContain(`env=ppe -->`);

  const b = await caac(['plan', '--detailed-exitcode', '--out', 'plan-prod.json'], { CAAC_ENVIRONMENT: 'prod' });
  expect(b.status).toBe(0);
  expect(JSON.parse(readFileSync(join(cwd, 'plan-prod.json'), 'utf8'))).toMatchObject({ environment: 'prod', tenant: { id: PROD }, summary: { create: 0, update: 0, delete: 0 } });
});

test('apply refuses the ppe plan for prod (exit 3, no Graph request), and applies it to ppe', async () => {
  const before = emulatorRequests(prod.url);
  const refused = await caac(['apply', '--environment', 'prod', '--plan', 'plan-ppe.json']);
  expect(refused.status).toBe(3);
  expect(refused.stdout + refused.stderr).toContain('the plan was made for environment "ppe", and apply runs for environment "prod"');
  expect(emulatorRequests(prod.url)).toBe(before);

  const applied = await caac(['apply', '--environment', 'ppe', '--plan', 'plan-ppe.json']);
  expect(applied.status).toBe(0);
  const again = await caac(['plan', '--environment', 'ppe', '--detailed-exitcode']);
  expect(again.status).toBe(0);
});

test('a token of another tenant is refused with both ids and the environment; an unknown environment lists the known ones', async () => {
  const crossed = await caac(['plan', '--environment', 'crossed']);
  expect(crossed.status).toBe(2);
  expect(crossed.stderr).toContain(`the token belongs to tenant ${PPE}, but environment "crossed" of caac.yml (tenantId) says ${PROD}`);
  const unknown = await caac(['plan'], { CAAC_ENVIRONMENT: 'staging' });
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toContain('unknown environment "staging": the environments caac.yml declares are "crossed", "ppe", "prod"');
  const conflict = await caac(['plan', '--environment', 'prod', '--tenant-id', PPE]);
  expect(conflict.status).toBe(2);
  expect(conflict.stderr).toContain(`--tenant-id says "${PPE}", but environment "prod" of caac.yml sets tenantId`);
});

test('backup and restore by environment: the environment comes from the repository\'s caac.yml (--dir)', async () => {
  const backup = await caac(['backup', '--environment', 'prod', '--out', 'backup-prod', '--dir', 'conditional-access']);
  expect(backup.status).toBe(0);
  expect(backup.stdout).toContain(`environment prod (tenant ${PROD})`);
  const restore = await caac(['restore', '--environment', 'prod', '--from', 'backup-prod', '--auto-approve']);
  expect(restore.status).toBe(0);
  expect(restore.stdout).toContain(`caac plan · environment prod · tenant ${PROD}`);
  expect(restore.stdout).toContain('No changes.');
  const missing = await caac(['backup', '--environment', 'prod', '--out', 'elsewhere']);
  expect(missing.status).toBe(2);
});

test('the root action: input environment (or CAAC_ENVIRONMENT) plans ppe, names it in the summary, and apply refuses that plan for prod', () => {
  const ACTION = resolve('dist/action.js');
  const planned = runJavaScriptAction(ACTION, { INPUT_COMMAND: 'plan', INPUT_ENVIRONMENT: 'ppe', INPUT_COMMENT: 'false', CAAC_ACCESS_TOKEN: 't' }, cwd);
  expect(planned.status).toBe(0);
  expect(planned.summary).toContain('env=ppe -->');
  expect(planned.summary).toContain(`## caac plan: environment ppe, tenant ${PPE}`);
  const planFile = planned.outputs['plan-file']!;
  expect(JSON.parse(readFileSync(planFile, 'utf8'))).toMatchObject({ environment: 'ppe' });
  const before = emulatorRequests(prod.url);
  const refused = runJavaScriptAction(ACTION, { INPUT_COMMAND: 'apply', INPUT_PLAN_FILE: planFile, CAAC_ENVIRONMENT: 'prod', CAAC_ACCESS_TOKEN: 't' }, cwd);
  expect(refused.status).toBe(3);
  expect(refused.stdout + refused.stderr).toContain('the plan was made for environment "ppe", and apply runs for environment "prod"');
  expect(emulatorRequests(prod.url)).toBe(before);
});
