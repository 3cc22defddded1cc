/**
 * Every boolean input of every action takes `true` or `false` (any case) and nothing else: `yes`,
 * `1`, `on`, a typo or an empty value is a configuration error (exit 2) naming the input, before
 * any Graph request — never a silent false. Run as the runner runs them (the root action with
 * INPUT_* variables, the composite actions step by step through `env:`), against `caac emulator`
 * in a child process, whose request log shows that nothing was read or written.
 */
import { spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { copyExample, emulatorRequests, startCliEmulator } from './helpers.js';
import { readAction, runCompositeAction, runJavaScriptAction } from './runner.js';

const CLI = resolve('dist/cli.js');
const ACTION_JS = resolve('dist/action.js');
const env = { CAAC_ACCESS_TOKEN: 'e2e-booleans' };

let emulator: ChildProcessWithoutNullStreams;
let url: string;

beforeAll(async () => {
  ({ emulator, url } = await startCliEmulator(['--seed', 'sample', '--rate-limit', '100']));
});
afterAll(() => {
  emulator.kill('SIGTERM');
});


/** Inputs whose default is true or false, per action: the boolean inputs. */
function booleanInputs(actionYml: string): string[] {
  return Object.entries(readAction(actionYml).inputs ?? {})
    .filter(([, spec]) => spec.default === 'true' || spec.default === 'false')
    .map(([name]) => name);
}

const COMPOSITES: Record<string, string[]> = {
  apply: ['allow-delete', 'accept-impact', 'end-contingency', 'only-expiries', 'keep-going'],
  backup: ['ids'],
  'contingency-toggle': ['dry-run'],
  drift: ['issue'],
  plan: ['prune', 'comment'],
  rollout: ['dry-run'],
  validate: [],
};
const ROOT = ['prune', 'comment', 'allow-delete', 'accept-impact', 'end-contingency', 'only-expiries', 'keep-going', 'issue'];
/** What each action needs besides the boolean to get as far as writing, were the boolean accepted. */
const COMPOSITE_INPUTS: Record<string, Record<string, string>> = {
  apply: { 'plan-file': 'no-such-plan.json' },
  backup: { out: 'backup' },
  'contingency-toggle': { set: 'outage-mfa', action: 'activate' },
  drift: {},
  plan: { comment: 'false' },
  rollout: {},
};
const ROOT_COMMAND: Record<string, string> = { prune: 'plan', comment: 'plan', 'allow-delete': 'apply', 'accept-impact': 'apply', 'end-contingency': 'apply', 'only-expiries': 'apply', 'keep-going': 'apply', issue: 'drift' };
/** `ture`, `1`, `on`… are in the unit tests of the parser and the dry-run cases below. */
const BAD = ['yes', ''];

const expected = (name: string, value: string): string => `input "${name}" is ${value === '' ? 'empty' : `"${value}"`}: it must be true or false`;

test('the boolean inputs of every action are the ones tested here', () => {
  expect(booleanInputs('action.yml')).toEqual(ROOT);
  const found: Record<string, string[]> = {};
  for (const name of readdirSync('actions')) found[name] = booleanInputs(join('actions', name, 'action.yml'));
  expect(found).toEqual(COMPOSITES);
});

describe.each(Object.entries(COMPOSITES).filter(([, inputs]) => inputs.length > 0))('actions/%s', (action, inputs) => {
  test.each(inputs.flatMap((input) => BAD.map((value) => [input, value] as const)))('%s: %j is refused before any Graph request (exit 2)', (input, value) => {
    const before = emulatorRequests(url);
    const r = runCompositeAction(resolve('actions', action, 'action.yml'), { 'graph-url': url, ...COMPOSITE_INPUTS[action], [input]: value }, { cwd: copyExample('caac-bool-'), env });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(`::error::${expected(input, value)}`);
    expect(emulatorRequests(url)).toBe(before);
  });
});

describe('the root action (INPUT_* as the runner sets them)', () => {
  test.each(ROOT.flatMap((input) => BAD.map((value) => [input, value] as const)))('%s: %j is refused before any Graph request (exit 2)', (input, value) => {
    const before = emulatorRequests(url);
    const r = runJavaScriptAction(
      ACTION_JS,
      { INPUT_COMMAND: ROOT_COMMAND[input]!, 'INPUT_GRAPH-URL': url, 'INPUT_PLAN-FILE': 'no-such-plan.json', [`INPUT_${input.toUpperCase()}`]: value, ...env },
      copyExample('caac-bool-'),
    );
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(`::error::${expected(input, value)}`);
    expect(emulatorRequests(url)).toBe(before);
  });
});

describe('contingency-toggle: a dry run stays a dry run', () => {
  const action = resolve('actions/contingency-toggle/action.yml');
  const states = (cwd: string): string => {
    const r = runCompositeAction(action, { 'graph-url': url, set: 'outage-mfa', action: 'status' }, { cwd, env });
    expect(r.status).toBe(0);
    return r.stdout.split('\n').filter((l) => /CA90\d/.test(l)).join('\n');
  };

  let before = '';
  beforeAll(() => {
    before = states(copyExample('caac-bool-'));
    expect(before).toMatch(/CA901 .*: off/);
  });

  test.each(['yes', '1', 'on', 'ture', 'Yes'])('dry-run: %j switches nothing on (exit 2, no write)', (value) => {
    const cwd = copyExample('caac-bool-');
    const r = runCompositeAction(action, { 'graph-url': url, set: 'outage-mfa', action: 'activate', 'dry-run': value }, { cwd, env });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(expected('dry-run', value));
    expect(r.outputs['changed']).toBe('');
    expect(states(cwd)).toBe(before);
  });

  test('dry-run: TRUE (any case) is a dry run', () => {
    const cwd = copyExample('caac-bool-');
    const r = runCompositeAction(action, { 'graph-url': url, set: 'outage-mfa', action: 'activate', 'dry-run': 'TRUE' }, { cwd, env });
    expect(r.status).toBe(0);
    expect(r.outputs).toMatchObject({ changed: '0', active: 'false' });
    expect(r.summary).toContain('(dry run)');
  });
});

describe('the CLI: boolean flags take no value', () => {
  test.each([
    [['contingency', 'activate', 'outage-mfa', '--dry-run', 'yes'], /too many arguments/],
    [['contingency', 'activate', 'outage-mfa', '--dry-run=yes'], /unknown option '--dry-run=yes'/],
    [['plan', '--prune=false'], /unknown option '--prune=false'/],
    [['apply', '--plan', 'p.json', '--allow-delete=no'], /unknown option '--allow-delete=no'/],
  ])('%j is a usage error (exit 2), nothing sent', (args, message) => {
    const before = emulatorRequests(url);
    const r = spawnSync(process.execPath, [CLI, ...args, '--graph-url', url], { cwd: copyExample('caac-bool-'), encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(emulatorRequests(url)).toBe(before);
  });
});
