/**
 * Logs cannot be steered: policy names from the tenant and from files that carry a newline and a
 * workflow command, `::add-mask::`, a bare `\r`, the legacy `##[…]` form, ANSI escapes and a bidi
 * override go through contingency status, plan text, apply progress, validate text and backup, in
 * the bundled CLI and in the actions run as the runner runs them. No output line may start a
 * workflow command except caac's own (its annotations, its failure message, the token's mask);
 * no raw control or bidi character reaches the log; the names are still shown, escaped.
 */
import { spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { copyExample, startCliEmulator, writeRepo } from './helpers.js';
import { runCompositeAction, runJavaScriptAction } from './runner.js';

const CLI = resolve('dist/cli.js');
const ACTION_JS = resolve('dist/action.js');
const TOKEN = 'e2e-hostile';
const GITHUB_TOKEN = 'ghs_hostile_e2e_token';

/** The names an attacker who can name a policy (in the tenant or in a pull request) would choose. */
const HOSTILE = {
  newline: 'x\n::warning title=FAKE::all good',
  mask: '::add-mask::secret',
  carriage: 'cr\r::error title=FAKE::forged by a carriage return',
  legacy: 'legacy ##[error]forged',
  ansi: 'ansi \u001b[31mred\u001b[0m and bidi \u202eevil\u202c zero\u200bwidth',
};
/** How each must read in the log: escaped, still recognisable. */
const SHOWN = ['x\\n::warning title=FAKE::all good', 'cr\\r::error title=FAKE::forged', 'legacy ##\\u005berror]forged', '\\u001b[31mred', '\\u202eevil', 'zero\\u200bwidth'];

let emulator: ChildProcessWithoutNullStreams;
let url: string;

async function graph(method: string, path: string, body?: unknown): Promise<unknown> {
  const send = () =>
    fetch(`${url}/v1.0/${path}`, {
      method,
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  // Test setup only: the emulator may close an idle kept-alive connection while spawnSync blocks
  // this process, and undici then fails the next request; it goes again on a new connection (at
  // worst the tenant holds one more hostile policy, which these tests do not count).
  const res = await send().catch(send);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

const policy = (displayName: string): Record<string, unknown> => ({
  displayName,
  state: 'disabled',
  conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['None'] } },
  grantControls: { operator: 'OR', builtInControls: ['mfa'] },
});

beforeAll(async () => {
  ({ emulator, url } = await startCliEmulator(['--seed', 'sample', '--rate-limit', '100']));
  // The tenant holds a policy for each hostile name (not managed by the repository).
  for (const name of Object.values(HOSTILE)) await graph('POST', 'identity/conditionalAccess/policies', policy(name));
});
afterAll(() => {
  emulator.kill('SIGTERM');
});

/**
 * Lines a runner would read as a command (split as it splits, on \r too) that caac did not mean:
 * caac's own are annotations titled `caac…` (or untitled: the failure message), and the mask of
 * the GitHub token it was given. Properties are escaped by @actions/core, so the first `::` after
 * the command ends them.
 */
function forgedCommands(output: string): string[] {
  const own = /^::(error|warning|notice|debug)( title=caac[^:]*)?::/;
  return output
    .split(/\r\n|\r|\n/)
    .filter((line) => /^\s*::/.test(line) || line.includes('##['))
    .filter((line) => !(own.test(line) || line === `::add-mask::${GITHUB_TOKEN}`));
}

function expectSafe(output: string): void {
  expect(forgedCommands(output)).toEqual([]);
  // eslint-disable-next-line no-control-regex
  expect(output).not.toMatch(/[\u001b\u009b\u202a-\u202e\u2066-\u2069\u200b]/);
  expect(output).not.toContain('\r');
}

/** A copy of the example whose contingency set also names the hostile tenant policies, and a new file with a hostile name. */
function hostileRepo(number = 950): string {
  const cwd = copyExample('caac-hostile-');
  const settings = join(cwd, 'conditional-access', 'caac.yml');
  const names = Object.values(HOSTILE).map((n) => `      - ${JSON.stringify(n)}`);
  // The set goes at the end of the contingency block (caac.yml has other keys after it).
  const text = readFileSync(settings, 'utf8');
  const start = text.indexOf('\ncontingency:') + 1;
  const next = text.slice(start + 1).search(/\n[A-Za-z]\w*:/);
  const end = next < 0 ? text.length : start + 1 + next + 1;
  const set = ['  hostile:', `    description: ${JSON.stringify('set \u001b[2J\n::warning title=FAKE::from caac.yml')}`, '    activate:', ...names, ''].join('\n');
  writeFileSync(settings, text.slice(0, end) + (text.slice(0, end).endsWith('\n') ? '' : '\n') + set + text.slice(end));
  const file = JSON.parse(readFileSync(join(cwd, 'conditional-access', 'policies', 'ca001-block-legacy-authentication.json'), 'utf8'));
  file.displayName = `CA${number} - ${HOSTILE.newline} ${HOSTILE.ansi}`;
  file.state = 'disabled';
  writeFileSync(join(cwd, 'conditional-access', 'policies', 'ca950-hostile.json'), JSON.stringify(file, null, 2));
  return cwd;
}

function cli(args: string[], cwd: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', CAAC_ACCESS_TOKEN: TOKEN } });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe('the CLI', () => {
  test('contingency status: tenant and caac.yml names escaped', () => {
    const r = cli(['contingency', 'status', '--graph-url', url], hostileRepo());
    expectSafe(r.output);
    expect(r.output).toContain('· x\\n::warning title=FAKE::all good: off (on while active)');
    expect(r.output).toContain('set \\u001b[2J\\n::warning title=FAKE::from caac.yml');
  });

  test('plan: the new file and the unmanaged tenant policies escaped; apply progress too', () => {
    const cwd = hostileRepo();
    const plan = cli(['plan', '--graph-url', url, '--out', 'plan.json'], cwd);
    expectSafe(plan.output);
    for (const shown of SHOWN) expect(plan.output).toContain(shown);
    expect(plan.output).toContain('+ create policy "CA950 - x\\n::warning title=FAKE::all good ansi \\u001b[31mred');

    const apply = cli(['apply', '--graph-url', url, '--plan', 'plan.json', '--snapshot-dir', 'snap'], cwd);
    expectSafe(apply.output);
    expect(apply.output).toMatch(/create policy "CA950 - x\\n::warning title=FAKE::all good ansi \\u001b\[31mred.*" ok/);
  });

  test('apply refusing a plan that deletes hostile names without --allow-delete: the names escaped in the refusal', () => {
    const cwd = hostileRepo(952);
    const plan = cli(['plan', '--graph-url', url, '--prune', '--out', 'plan.json'], cwd);
    expectSafe(plan.output);
    const apply = cli(['apply', '--graph-url', url, '--plan', 'plan.json'], cwd);
    expect(apply.status).not.toBe(0);
    expectSafe(apply.output);
    expect(apply.output).toMatch(/the plan deletes \d+ object\(s\) \(.*"x\\n::warning title=FAKE::all good".*\): nothing was changed/);
  });

  test('validate, text: finding messages and paths escaped', () => {
    const cwd = writeRepo({
      'conditional-access/caac.yml': 'naming:\n  pattern: "^CA\\\\d{3} - "\n',
      'conditional-access/policies/p.json': policy(`${HOSTILE.newline} ${HOSTILE.carriage} ${HOSTILE.ansi}`),
    });
    const r = cli(['validate'], cwd);
    expect(r.status).toBe(0); // a naming finding is a warning
    expectSafe(r.output);
    expect(r.output).toContain('x\\n::warning title=FAKE::all good');
  });

});

describe('the actions, as the runner runs them', () => {
  const env = { CAAC_ACCESS_TOKEN: TOKEN };

  test('actions/contingency-toggle status', () => {
    const r = runCompositeAction(resolve('actions/contingency-toggle/action.yml'), { 'graph-url': url, action: 'status' }, { cwd: hostileRepo(), env, githubToken: GITHUB_TOKEN });
    expect(r.status).toBe(0);
    expectSafe(r.stdout);
    expect(r.stdout).toContain('x\\n::warning title=FAKE::all good');
  });

  test('actions/plan then actions/apply: progress, plan text and summary lines', () => {
    const cwd = hostileRepo(951);
    const plan = runCompositeAction(resolve('actions/plan/action.yml'), { 'graph-url': url, comment: 'false' }, { cwd, env, githubToken: GITHUB_TOKEN });
    expectSafe(plan.stdout);
    expect(plan.status).toBe(0);
    for (const shown of SHOWN) expect(plan.stdout).toContain(shown);
    const apply = runCompositeAction(resolve('actions/apply/action.yml'), { 'graph-url': url, 'plan-file': plan.outputs['plan-file']! }, { cwd, env, githubToken: GITHUB_TOKEN });
    expectSafe(apply.stdout);
    expect(apply.stdout).toContain('create policy "CA951 - x\\n::warning title=FAKE::all good');
  });

  test('actions/validate: annotations carry the names escaped, on one line each', () => {
    const cwd = writeRepo({
      'conditional-access/caac.yml': 'naming:\n  pattern: "^CA\\\\d{3} - "\n',
      [`conditional-access/policies/p.json`]: policy(`${HOSTILE.newline} ${HOSTILE.mask} ${HOSTILE.ansi}`),
    });
    const r = runCompositeAction(resolve('actions/validate/action.yml'), {}, { cwd, githubToken: GITHUB_TOKEN });
    expect(r.status).toBe(0); // a naming finding is a warning
    expectSafe(r.stdout);
    expect(r.stdout).toMatch(/^::warning title=caac naming,file=conditional-access\/policies\/p\.json,line=\d+,col=\d+::.*x\\n::warning title=FAKE::all good/m);
  });

  test('the root action: an input value that tries to inject is shown escaped in the error', () => {
    const r = runJavaScriptAction(ACTION_JS, { INPUT_COMMAND: 'validate', INPUT_PRUNE: 'yes\n::add-mask::x\u001b[31m' }, writeRepo({}));
    expect(r.status).toBe(2);
    expectSafe(r.stdout + r.stderr);
    expect(r.stdout).toContain('input "prune" is "yes\\n::add-mask::x\\u001b[31m": it must be true or false');
  });
});

describe('backup, with two tenant policies of one hostile name (its duplicate-name warning names them)', () => {
  beforeAll(async () => {
    await graph('POST', 'identity/conditionalAccess/policies', policy(HOSTILE.newline));
  });

  test('the CLI', () => {
    const r = cli(['backup', '--graph-url', url, '--out', 'backup'], writeRepo({}));
    expect(r.status).toBe(0);
    expectSafe(r.output);
    expect(r.output).toContain('x\\n::warning title=FAKE::all good');
  });

  test('actions/backup', () => {
    const r = runCompositeAction(resolve('actions/backup/action.yml'), { 'graph-url': url, out: 'backup' }, { cwd: writeRepo({}), env: { CAAC_ACCESS_TOKEN: TOKEN }, githubToken: GITHUB_TOKEN });
    expect(r.status).toBe(0);
    expectSafe(r.stdout);
    expect(r.stdout).toContain('x\\n::warning title=FAKE::all good');
  });
});
