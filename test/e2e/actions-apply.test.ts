/**
 * actions/plan then actions/apply, run step by step as the runner runs composite actions, against
 * `caac emulator` in a child process (the composite runner blocks this process while a step runs).
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { copyExample, startCliEmulator } from './helpers.js';
import { readAction, runCompositeAction } from './runner.js';

let emulator: ChildProcessWithoutNullStreams;
let url: string;

beforeAll(async () => {
  ({ emulator, url } = await startCliEmulator(['--seed', 'sample', '--rate-limit', '100']));
});
afterAll(() => {
  emulator.kill('SIGTERM');
});

test('no ${{ }} expression is inlined in any run: script of any action', () => {
  for (const name of readdirSync('actions')) {
    const meta = readAction(join('actions', name, 'action.yml'));
    for (const step of meta.runs.steps ?? []) expect(step.run ?? '').not.toMatch(/\$\{\{/);
  }
});

test('actions/plan writes the plan file; actions/apply applies it, verifies, and keeps a snapshot', () => {
  const cwd = copyExample('caac-actions-');
  const file = join(cwd, 'conditional-access', 'policies', 'ca006-require-compliant-or-hybrid-joined-device.json');
  const policy = JSON.parse(readFileSync(file, 'utf8'));
  policy.state = 'enabled';
  writeFileSync(file, JSON.stringify(policy, null, 2));
  const env = { CAAC_ACCESS_TOKEN: 'e2e' };

  const plan = runCompositeAction(resolve('actions/plan/action.yml'), { 'graph-url': url, comment: 'false' }, { cwd, env });
  expect(plan.status).toBe(0);
  expect(plan.outputs).toMatchObject({ 'has-changes': 'true', update: '1' });
  const planFile = plan.outputs['plan-file']!;
  expect(existsSync(planFile)).toBe(true);

  // The input reaches the CLI's parser: a wrong value is refused before anything happens (exit 2).
  const wrong = runCompositeAction(resolve('actions/apply/action.yml'), { 'graph-url': url, 'plan-file': planFile, 'confirm-timeout': 'soon' }, { cwd, env });
  expect(wrong.status).toBe(2);
  expect(wrong.stdout).toContain('input "confirm-timeout" is "soon": it must be a number of seconds from 0 to 3600');

  // A plan file edited after the review: made again from the checkout, it differs: exit 3, nothing written.
  const edited = JSON.parse(readFileSync(planFile, 'utf8'));
  edited.operations[0].body.displayName = 'CA006 - renamed by hand';
  writeFileSync(join(cwd, 'edited-plan.json'), JSON.stringify(edited));
  const tampered = runCompositeAction(resolve('actions/apply/action.yml'), { 'graph-url': url, 'plan-file': join(cwd, 'edited-plan.json') }, { cwd, env });
  expect(tampered.status).toBe(3);
  expect(tampered.stdout).toMatch(/the plan file is not what the repository "conditional-access" and the tenant make .*nothing was changed/);
  expect(tampered.stdout).toContain('body/displayName: the plan file has "CA006 - renamed by hand"');

  const apply = runCompositeAction(resolve('actions/apply/action.yml'), { 'graph-url': url, 'plan-file': planFile, 'confirm-timeout': '5' }, { cwd, env });
  expect(apply.stdout).toMatch(/\[1\/1\] update policy "CA006 - Require compliant or hybrid joined device" ok/);
  expect(apply.status).toBe(0);
  expect(apply.outputs).toMatchObject({ applied: '1', failed: '0' });
  expect(readdirSync(join(apply.outputs['snapshot-dir']!, 'policies'))).toHaveLength(1);
  expect(apply.summary).toContain('1 applied, 0 failed, 0 not attempted');

  // The same plan again is stale now: refused, exit 3, nothing written.
  const again = runCompositeAction(resolve('actions/apply/action.yml'), { 'graph-url': url, 'plan-file': planFile }, { cwd, env });
  expect(again.status).toBe(3);
  expect(again.stdout).toMatch(/the tenant changed since the plan was made/);
});

test('actions/contingency-toggle: a dry run changes nothing; activate switches the set on and reports it', () => {
  const cwd = copyExample('caac-actions-');
  const env = { CAAC_ACCESS_TOKEN: 'e2e' };
  const action = resolve('actions/contingency-toggle/action.yml');
  const dry = runCompositeAction(action, { 'graph-url': url, set: 'outage-mfa', action: 'activate', 'dry-run': 'true' }, { cwd, env });
  expect(dry.status).toBe(0);
  expect(dry.outputs).toMatchObject({ changed: '0', active: 'false' });
  expect(dry.summary).toContain('would set');
  const on = runCompositeAction(action, { 'graph-url': url, set: 'outage-mfa', action: 'activate' }, { cwd, env });
  expect(on.status).toBe(0);
  expect(on.outputs).toMatchObject({ changed: '3', active: 'true' });
  const again = runCompositeAction(action, { 'graph-url': url, set: 'outage-mfa', action: 'activate' }, { cwd, env });
  expect(again.outputs).toMatchObject({ changed: '0', active: 'true' });
  const off = runCompositeAction(action, { 'graph-url': url, set: 'outage-mfa', action: 'deactivate' }, { cwd, env });
  expect(off.outputs).toMatchObject({ changed: '3', active: 'false' });
  const unknown = runCompositeAction(action, { 'graph-url': url, set: 'no-such-set', action: 'activate' }, { cwd, env });
  expect(unknown.status).not.toBe(0);
});
