/**
 * caac apply end to end: the bundled CLI, as a child process, against the emulator (the sample
 * tenant): a reviewed plan file applied, a stale one refused, deletions refused without
 * --allow-delete, plan-and-apply with --auto-approve, and the hint when neither is given.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { runNode, copyExample as copyExampleTo, editPolicy } from './helpers.js';

const CLI = resolve('dist/cli.js');
const CA006 = 'ca006-require-compliant-or-hybrid-joined-device.json';

let emulator: RunningEmulator;
const dirs: string[] = [];

beforeEach(async () => {
  emulator = await startEmulator({ seed: 'sample' });
});
afterEach(async () => {
  await emulator.stop();
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const run = (args: string[], cwd: string) => runNode(CLI, args, { cwd, env: { CAAC_ACCESS_TOKEN: 'e2e' } });



function copyExample(): string {
  const cwd = copyExampleTo('caac-apply-e2e-');
  dirs.push(cwd);
  return cwd;
}

const graph = () => ['--graph-url', emulator.url, '--rate-limit', '50'];

async function graphCall(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emulator.url}/v1.0/${path}`, { method, headers: { Authorization: 'Bearer e2e', 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return text === '' ? undefined : JSON.parse(text);
}

describe('caac apply (bundled CLI)', () => {
  test('--plan plan.json: a progress line per operation, exit 0, verified; a second plan shows no changes', async () => {
    const cwd = copyExample();
    editPolicy(cwd, CA006, (p) => {
      p.state = 'enabled';
    });
    expect((await run(['plan', ...graph(), '--out', 'plan.json'], cwd)).status).toBe(0);
    const r = await run(['apply', '--plan', 'plan.json', ...graph(), '--snapshot-dir', 'snap'], cwd);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\[1\/1\] update policy "CA006 - Require compliant or hybrid joined device" ok \d+\.\ds$/m);
    expect(r.stdout).toContain('Apply: 1 applied, 0 failed, 0 not attempted; read back: matches the plan');
    expect(r.stdout).toContain('Snapshot: snap');
    expect(existsSync(join(cwd, 'snap', 'policies'))).toBe(true);
    const again = await run(['plan', ...graph(), '--detailed-exitcode'], cwd);
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete');
    expect(again.status).toBe(0);
  });

  test('a plan made stale by a change in the tenant: exit 3, the change named, nothing written', async () => {
    const cwd = copyExample();
    editPolicy(cwd, CA006, (p) => {
      p.state = 'enabled';
    });
    expect((await run(['plan', ...graph(), '--out', 'plan.json'], cwd)).status).toBe(0);
    const list = (await graphCall('GET', 'identity/conditionalAccess/policies')) as { value: { id: string; displayName: string }[] };
    const ca004 = list.value.find((p) => p.displayName.startsWith('CA004'))!;
    await graphCall('PATCH', `identity/conditionalAccess/policies/${ca004.id}`, { state: 'disabled' });
    const before = emulator.requests().byEndpoint;
    const r = await run(['apply', '--plan', 'plan.json', ...graph()], cwd);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain(`policy "CA004 - Require MFA for Azure management" (${ca004.id}) was changed`);
    expect(r.stderr).toMatch(/Make the plan again/);
    const after = emulator.requests().byEndpoint;
    for (const key of Object.keys(after).filter((k) => /^(POST|PATCH|DELETE) \/v1\.0\/identity/.test(k))) expect(after[key]).toBe(before[key]);
  });

  test('a hand-edited plan file: exit 3, the difference named, nothing written; a file edited after the plan: exit 3, the file named', async () => {
    const cwd = copyExample();
    editPolicy(cwd, CA006, (p) => {
      p.state = 'enabled';
    });
    expect((await run(['plan', ...graph(), '--out', 'plan.json'], cwd)).status).toBe(0);
    const plan = JSON.parse(readFileSync(join(cwd, 'plan.json'), 'utf8'));
    plan.operations[0].body.state = 'disabled';
    writeFileSync(join(cwd, 'edited.json'), JSON.stringify(plan));
    const writes = () => Object.entries(emulator.requests().byEndpoint).filter(([k]) => /^(POST|PATCH|DELETE) \/v1\.0\/identity/.test(k));
    const before = writes();
    const r = await run(['apply', '--plan', 'edited.json', ...graph()], cwd);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/caac: the plan file is not what the repository "conditional-access" and the tenant make \(was it edited\?\): nothing was changed\.\n {2}operation 1 \(update policy "CA006 [^"]*" \([0-9a-f-]+\)\): body\/state: the plan file has "disabled", made again it is "enabled"/);
    editPolicy(cwd, CA006, (p) => {
      p.state = 'disabled';
    });
    const edited = await run(['apply', '--plan', 'plan.json', ...graph()], cwd);
    expect(edited.status).toBe(3);
    expect(edited.stderr).toContain(`"policies/${CA006}" was changed`);
    expect(writes()).toEqual(before);
  });

  test('a plan with deletions, without --allow-delete: exit 1, "nothing was changed"', async () => {
    const cwd = copyExample();
    rmSync(join(cwd, 'conditional-access', 'policies', 'ca018-monitor-hr-portal-sessions-with-defender-for-cloud-apps.json'));
    const planned = await run(['plan', ...graph(), '--prune', '--out', 'plan.json'], cwd);
    expect(planned.stdout).toContain('1 to delete');
    const r = await run(['apply', '--plan', 'plan.json', ...graph()], cwd);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/nothing was changed.*--allow-delete/);
    const list = (await graphCall('GET', 'identity/conditionalAccess/policies')) as { value: unknown[] };
    expect(list.value).toHaveLength(21);
  });

  test('--auto-approve --dir: plans, shows the plan, applies', async () => {
    const cwd = copyExample();
    editPolicy(cwd, CA006, (p) => {
      p.conditions.users.excludeGroups.push('group:Finance');
    });
    const r = await run(['apply', '--auto-approve', '--dir', 'conditional-access', ...graph(), '--snapshot-dir', 'snap'], cwd);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete, 24 unchanged');
    expect(r.stdout).toMatch(/^\[1\/1\] update policy "CA006 [^"]*" ok \d+\.\ds$/m);
    expect((await run(['plan', ...graph(), '--detailed-exitcode'], cwd)).status).toBe(0);
  });

  test('neither --plan nor --auto-approve: exit 2 with the hint, no request', async () => {
    const cwd = copyExample();
    const r = await run(['apply', ...graph()], cwd);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/caac: apply needs the reviewed plan: --plan plan\.json .*--auto-approve/);
    expect(emulator.requests().total).toBe(0);
  });
});

test('a snapshot folder that cannot be written: exit 2 before any request, said plainly, nothing changed', async () => {
  const cwd = copyExample();
  editPolicy(cwd, CA006, (p) => {
    p.state = 'enabled';
  });
  expect((await run(['plan', ...graph(), '--out', 'plan.json'], cwd)).status).toBe(0);
  // A folder under a file cannot be made.
  const before = emulator.requests().total;
  const r = await run(['apply', '--plan', 'plan.json', ...graph(), '--snapshot-dir', 'plan.json/snap'], cwd);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/^caac: --snapshot-dir plan\.json\/snap: \S*plan\.json is a file, not a folder; choose another path\n$/);
  expect(emulator.requests().total).toBe(before);
  expect((await run(['plan', ...graph()], cwd)).stdout).toContain('1 to update');
});
