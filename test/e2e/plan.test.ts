/**
 * caac plan end to end: the bundled CLI and the bundled action against the emulator (the sample
 * tenant) and a loopback fake of the GitHub REST API, run as child processes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { startFakeGitHub, type FakeGitHub } from '../fixtures/fake-github.js';
import { parseOutputFile } from './runner.js';
import { runNode, copyExample, editPolicy } from './helpers.js';

const CLI = resolve('dist/cli.js');
const ACTION = resolve('dist/action.js');
const EXAMPLE = resolve('examples/conditional-access');

let emulator: RunningEmulator;
let github: FakeGitHub;

beforeAll(async () => {
  github = await startFakeGitHub();
});
beforeEach(async () => {
  emulator = await startEmulator({ seed: 'sample' });
});
afterEach(async () => {
  await emulator.stop();
});
afterAll(async () => {
  await github.close();
});

const run = runNode;



const cliEnv = () => ({ CAAC_ACCESS_TOKEN: 'e2e' });
const planArgs = () => ['plan', '--graph-url', emulator.url, '--rate-limit', '50'];

describe('caac plan (bundled CLI)', () => {
  test('the example repository against the sample tenant: no changes, exit 0 even with --detailed-exitcode', async () => {
    const cwd = copyExample();
    const r = await run(CLI, [...planArgs(), '--detailed-exitcode', '--out', 'plan.json'], { cwd, env: cliEnv() });
    expect(r.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 25 unchanged');
    expect(r.status).toBe(0);
    const plan = JSON.parse(readFileSync(join(cwd, 'plan.json'), 'utf8'));
    expect(plan).toMatchObject({ formatVersion: 2, summary: { create: 0, update: 0, delete: 0, unchanged: 25 } });
    expect(plan.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(r.stderr).not.toContain('e2e'); // the token is never printed
  });

  test('a change: exit 2 with --detailed-exitcode, the field change with names beside ids, markdown written', async () => {
    const cwd = copyExample();
    editPolicy(cwd, 'ca006-require-compliant-or-hybrid-joined-device.json', (p) => {
      p.conditions.users.excludeGroups.push('group:Finance');
    });
    const r = await run(CLI, [...planArgs(), '--detailed-exitcode', '--markdown', 'plan.md'], { cwd, env: cliEnv() });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete, 24 unchanged');
    expect(r.stdout).toMatch(/\/conditions\/users\/excludeGroups: \["group:CA-BreakGlass \([0-9a-f]{4}…\)"\] → \["group:CA-BreakGlass \([0-9a-f]{4}…\)", "group:Finance \([0-9a-f]{4}…\)"\]/);
    const md = readFileSync(join(cwd, 'plan.md'), 'utf8');
    expect(md).toMatch(/^<!-- caac-plan tenant=[0-9a-f-]+ dir=conditional-access -->/);
    expect(md).toContain('```diff');
  });

  test('an unresolvable reference stops the plan with file, line and path, before any diff', async () => {
    const cwd = copyExample();
    editPolicy(cwd, 'ca006-require-compliant-or-hybrid-joined-device.json', (p) => {
      p.conditions.users.excludeGroups.push('group:Finanse');
    });
    const r = await run(CLI, planArgs(), { cwd, env: cliEnv() });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^conditional-access\/policies\/ca006-require-compliant-or-hybrid-joined-device\.json:\d+:\d+ error reference .*Finanse/m);
    expect(r.stdout).not.toContain('Plan:');
  });

  test('an invalid repository stops before reading the tenant', async () => {
    const cwd = copyExample();
    writeFileSync(join(cwd, 'conditional-access', 'policies', 'broken.json'), '{ "displayName": ');
    const before = emulator.requests().total;
    const r = await run(CLI, planArgs(), { cwd, env: cliEnv() });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/broken\.json:1:\d+ error parse/);
    expect(emulator.requests().total).toBe(before);
  });

  test('no credentials: exit 2 (a settings mistake) with what to set, not a stack trace', async () => {
    const r = await run(CLI, ['plan', '--dir', EXAMPLE, '--graph-url', emulator.url], { cwd: tmpdir(), env: {} });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/caac: .*(CAAC_ACCESS_TOKEN|--auth)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('plan step of the bundled action', () => {
  function actionEnv(cwd: string, event: object, extra: Record<string, string> = {}) {
    const eventPath = join(cwd, 'event.json');
    writeFileSync(eventPath, JSON.stringify(event));
    const outputs = join(cwd, 'outputs');
    const summary = join(cwd, 'summary');
    writeFileSync(outputs, '');
    writeFileSync(summary, '');
    return {
      paths: { outputs, summary },
      env: {
        INPUT_COMMAND: 'plan',
        INPUT_DIR: 'conditional-access',
        'INPUT_GRAPH-URL': emulator.url,
        'INPUT_GITHUB-TOKEN': github.token,
        CAAC_ACCESS_TOKEN: 'e2e',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_REPOSITORY: 'contoso/policies',
        GITHUB_API_URL: github.url,
        GITHUB_OUTPUT: outputs,
        GITHUB_STEP_SUMMARY: summary,
        RUNNER_TEMP: cwd,
        ...extra,
      },
    };
  }
  const prEvent = (number: number, fork = false) => ({
    pull_request: {
      number,
      head: { repo: { full_name: fork ? 'mallory/policies' : 'contoso/policies' } },
      base: { repo: { full_name: 'contoso/policies' } },
    },
    repository: { full_name: 'contoso/policies' },
  });

  test('posts one sticky comment, updates it in place on the next run, and sets the outputs', async () => {
    const cwd = copyExample();
    const first = actionEnv(cwd, prEvent(7));
    const r1 = await run(ACTION, [], { cwd, env: first.env });
    expect(r1.status).toBe(0);
    const out1 = parseOutputFile(readFileSync(first.paths.outputs, 'utf8'));
    expect(out1).toMatchObject({ 'has-changes': 'false', create: '0', update: '0', delete: '0' });
    expect(JSON.parse(readFileSync(out1['plan-file']!, 'utf8')).summary.unchanged).toBe(25);
    expect(out1['comment-url']).toMatch(/^https?:\/\//);
    expect(readFileSync(first.paths.summary, 'utf8')).toContain('Plan: 0 to create, 0 to update, 0 to delete, 25 unchanged');
    expect(github.comments('contoso/policies', 7)).toHaveLength(1);

    editPolicy(cwd, 'ca006-require-compliant-or-hybrid-joined-device.json', (p) => {
      p.state = 'enabled';
    });
    const second = actionEnv(cwd, prEvent(7));
    const r2 = await run(ACTION, [], { cwd, env: second.env });
    expect(r2.status).toBe(0);
    const out2 = parseOutputFile(readFileSync(second.paths.outputs, 'utf8'));
    expect(out2).toMatchObject({ 'has-changes': 'true', update: '1' });
    const comments = github.comments('contoso/policies', 7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('Plan: 0 to create, 1 to update, 0 to delete, 24 unchanged');
    expect(comments[0]!.body).toContain('enforcement change');
  });

  test('GitHub answers 502 to every update of the comment: the step fails as a GitHub API error (exit 1), not as a bug', async () => {
    const cwd = copyExample();
    const first = actionEnv(cwd, prEvent(9));
    expect((await run(ACTION, [], { cwd, env: first.env })).status).toBe(0);
    const [comment] = github.comments('contoso/policies', 9);
    editPolicy(cwd, 'ca006-require-compliant-or-hybrid-joined-device.json', (p) => {
      p.state = 'enabled';
    });
    github.fail({ status: 502, message: 'Bad Gateway', method: 'PATCH' });
    try {
      const { env, paths } = actionEnv(cwd, prEvent(9));
      const before = github.requests.length;
      const r = await run(ACTION, [], { cwd, env });
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(
        new RegExp(`^::error::caac: GitHub API error 502 on PATCH /repos/contoso/policies/issues/comments/${comment!.id}: Bad Gateway \\(request id FAKE:\\d+\\)$`, 'm'),
      );
      expect(r.stdout).toContain('::error::the plan comment on pull request #9 was not written: it may still show an earlier plan');
      expect(r.stdout + r.stderr).not.toMatch(/bug in caac|unexpected error/);
      // The token appears once, in the runner's own ::add-mask:: command; never in a message.
      expect((r.stdout + r.stderr).replace(/^::add-mask::.*$/m, '')).not.toContain(github.token);
      // Three attempts at the PATCH (the retry is bounded), and the plan's outputs are still set.
      expect(github.requests.slice(before).filter((q) => q.method === 'PATCH')).toHaveLength(3);
      expect(parseOutputFile(readFileSync(paths.outputs, 'utf8'))).toMatchObject({ 'has-changes': 'true', update: '1' });
      expect(github.comments('contoso/policies', 9)[0]!.body).toContain('25 unchanged');
    } finally {
      github.clearFailures();
    }
  });

  test('GitHub answers 502 once to the list of comments: retried, and the comment is posted (exit 0)', async () => {
    const cwd = copyExample();
    github.fail({ status: 502, message: 'Bad Gateway', method: 'GET', path: /\/issues\/10\/comments$/, times: 1 });
    try {
      const { env } = actionEnv(cwd, prEvent(10));
      const r = await run(ACTION, [], { cwd, env });
      expect(r.status).toBe(0);
      expect(github.requests.filter((q) => q.method === 'GET' && q.url.includes('/issues/10/comments'))).toHaveLength(2);
      expect(github.comments('contoso/policies', 10)).toHaveLength(1);
    } finally {
      github.clearFailures();
    }
  });

  test('a fork pull request whose token may not comment: a warning, and the plan still succeeds', async () => {
    const cwd = copyExample();
    github.denyWrites = true;
    try {
      const { env, paths } = actionEnv(cwd, prEvent(8, true));
      const r = await run(ACTION, [], { cwd, env });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/::warning::the plan was not posted on pull request #8/);
      expect(parseOutputFile(readFileSync(paths.outputs, 'utf8'))['has-changes']).toBe('false');
    } finally {
      github.denyWrites = false;
    }
  });
});
