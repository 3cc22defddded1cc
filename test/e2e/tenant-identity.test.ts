/**
 * The token decides the tenant, through the bundled CLI and the root action: a `--tenant-id`
 * (or `tenant-id` input) that is not the token's tenant stops the run before any Graph request,
 * naming both ids (a configuration error: exit 2); without one, the plan names the token's tenant.
 */
import { spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fakeJwt } from '../fixtures/fake-jwt.js';
import { copyExample, emulatorRequests, startCliEmulator } from './helpers.js';
import { runJavaScriptAction } from './runner.js';

const CLI = resolve('dist/cli.js');
const TENANT = 'aaaaaaaa-1111-4111-8111-111111111111';
const OTHER = 'bbbbbbbb-2222-4222-8222-222222222222';
const TOKEN = fakeJwt({ tid: TENANT });

let emulator: ChildProcessWithoutNullStreams;
let url: string;
beforeAll(async () => {
  ({ emulator, url } = await startCliEmulator(['--seed', 'sample', '--tenant-id', TENANT]));
});
afterAll(() => {
  emulator.kill('SIGTERM');
});


const cli = (args: string[], cwd: string, extraEnv: Record<string, string> = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', CAAC_ACCESS_TOKEN: TOKEN, ...extraEnv } });

test('caac plan without --tenant-id: the plan names the token\'s tenant', () => {
  const cwd = copyExample('caac-tid-');
  const r = cli(['plan', '--graph-url', url, '--out', 'plan.json'], cwd);
  expect(r.status).toBe(0);
  expect(JSON.parse(readFileSync(join(cwd, 'plan.json'), 'utf8')).tenant.id).toBe(TENANT);
});

test('caac plan --tenant-id OTHER: stopped before any request, both ids named', () => {
  const before = emulatorRequests(url);
  const r = cli(['plan', '--graph-url', url, '--tenant-id', OTHER], copyExample('caac-tid-'));
  expect(r.status).toBe(2); // a configuration error
  expect(r.stderr).toContain(`caac: the token belongs to tenant ${TENANT}, but --tenant-id says ${OTHER}: nothing was read or changed.`);
  expect(emulatorRequests(url)).toBe(before);
});

test('AZURE_TENANT_ID that disagrees is named as such', () => {
  const r = cli(['contingency', 'status', '--graph-url', url], copyExample('caac-tid-'), { AZURE_TENANT_ID: OTHER });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(`but AZURE_TENANT_ID says ${OTHER}`);
});

test('--tenant-id that is not a GUID: refused at once', () => {
  const r = cli(['plan', '--graph-url', url, '--tenant-id', 'contoso.onmicrosoft.com'], copyExample('caac-tid-'));
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/--tenant-id is "contoso\.onmicrosoft\.com", which is not a tenant id/);
});

test('the root action with a tenant-id input that disagrees: a configuration error (exit 2), nothing sent', () => {
  const before = emulatorRequests(url);
  const r = runJavaScriptAction(resolve('dist/action.js'), { INPUT_COMMAND: 'plan', 'INPUT_GRAPH-URL': url, 'INPUT_TENANT-ID': OTHER, CAAC_ACCESS_TOKEN: TOKEN }, copyExample('caac-tid-'));
  expect(r.status).toBe(2);
  expect(r.stdout).toContain(`::error::the token belongs to tenant ${TENANT}, but the tenant-id input says ${OTHER}`);
  expect(emulatorRequests(url)).toBe(before);
});
