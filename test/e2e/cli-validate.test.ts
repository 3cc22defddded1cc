import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GOOD_POLICY, LOCKOUT_POLICY, writeRepo } from './helpers.js';

const CLI = resolve('dist/cli.js');
/** Without emergency-access accounts on purpose: no no-emergency-access warning to count. */
const WAIVED = 'emergencyAccess:\n  waive: "an end-to-end test"\n';

function caac(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('caac validate (bundled CLI)', () => {
  test('a clean repository exits 0 and prints the summary line', () => {
    const cwd = writeRepo({ 'conditional-access/policies/ca001.json': GOOD_POLICY, 'conditional-access/caac.yml': WAIVED });
    const r = caac(['validate'], cwd);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('1 file, 1 document: 0 errors, 0 warnings');
    expect(r.status).toBe(0);
  });

  test('without caac.yml: a no-emergency-access warning on the folder, exit 0', () => {
    const cwd = writeRepo({ 'conditional-access/policies/ca001.json': GOOD_POLICY });
    const r = caac(['validate'], cwd);
    expect(r.stdout).toMatch(/^conditional-access:1:1 warning no-emergency-access no caac\.yml in "conditional-access"/m);
    expect(r.stdout).toContain('1 file, 1 document: 0 errors, 1 warning');
    expect(r.status).toBe(0);
  });

  test('naming.pattern runs in RE2 from the bundle (re2.wasm found beside dist/cli.js): ^(a+)+$ answers, lookaround exits 2', () => {
    const name = 'a'.repeat(30_000) + '!';
    const cwd = writeRepo({
      'conditional-access/policies/ca001.json': { ...(GOOD_POLICY as object), displayName: name },
      'conditional-access/caac.yml': `${WAIVED}naming:\n  pattern: "^(a+)+$"\n`,
    });
    const r = caac(['validate'], cwd);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/warning naming .* does not match the naming pattern \/\^\(a\+\)\+\$\//);
    expect(r.status).toBe(0);
    const lookaround = writeRepo({ 'conditional-access/caac.yml': 'naming:\n  pattern: "^(?!Test)"\n' });
    const refused = caac(['validate'], lookaround);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^caac: conditional-access\/caac\.yml:2:3: naming\.pattern must be written in RE2 syntax/);
  });

  test('hostile files: a symlinked policies/ folder, invalid UTF-8, deep nesting: findings and exit 1, never a stack trace', () => {
    const cwd = writeRepo({
      'conditional-access/caac.yml': WAIVED,
      'conditional-access/real/ok.json': GOOD_POLICY,
      'conditional-access/named-locations/deep.json': '['.repeat(5000) + ']'.repeat(5000),
    });
    mkdirSync(join(cwd, 'conditional-access', 'authentication-strengths'));
    writeFileSync(join(cwd, 'conditional-access', 'authentication-strengths', 'latin1.json'), Buffer.from('{"displayName": "l\xe9gacy"}', 'latin1'));
    symlinkSync('real', join(cwd, 'conditional-access', 'policies'));
    const r = caac(['validate'], cwd);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^conditional-access\/policies:1:1 error file conditional-access\/policies is a symbolic link/m);
    expect(r.stdout).toMatch(/^conditional-access\/named-locations\/deep\.json:1:65 error parse invalid JSON: objects and arrays are nested more than 64 deep/m);
    expect(r.stdout).toMatch(/^conditional-access\/authentication-strengths\/latin1\.json:1:19 error parse not valid UTF-8: byte 0xE9 at byte offset 18/m);
    expect(r.stdout).not.toMatch(/at .*\.js:\d+|Maximum call stack/);
    expect(r.status).toBe(1);
  });

  test('errors exit 1 with file:line:col severity rule message', () => {
    const cwd = writeRepo({ 'ca/policies/block.json': LOCKOUT_POLICY, 'ca/policies/broken.json': '{\n  "displayName": "x",\n}\n' });
    const r = caac(['validate', '--dir', 'ca'], cwd);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^ca\/policies\/broken\.json:2:21 error parse invalid JSON: trailing comma/m);
    expect(r.stdout).toMatch(/^ca\/policies\/block\.json:\d+:\d+ error lockout-risk /m);
    expect(r.stdout).not.toMatch(/at .*\.js:\d+/); // never a stack trace
  });

  test('--format json follows the contract; --output writes it to a file', () => {
    const cwd = writeRepo({ 'conditional-access/policies/block.json': LOCKOUT_POLICY, 'conditional-access/caac.yml': WAIVED });
    const r = caac(['validate', '--format', 'json', '--output', 'report.json'], cwd);
    expect(r.status).toBe(1);
    const report = JSON.parse(readFileSync(join(cwd, 'report.json'), 'utf8'));
    expect(Object.keys(report)).toEqual(['findings', 'summary']);
    expect(report.summary).toEqual({ files: 1, documents: 1, errors: 1, warnings: 0 });
    expect(Object.keys(report.findings[0])).toEqual(['rule', 'severity', 'file', 'line', 'column', 'path', 'message']);
    expect(report.findings[0]).toMatchObject({ rule: 'lockout-risk', severity: 'error', file: 'conditional-access/policies/block.json' });
    expect(r.stdout).toContain('lockout-risk'); // the console still gets the text report
  });

  test('--format sarif prints SARIF 2.1.0', () => {
    const cwd = writeRepo({ 'conditional-access/policies/block.json': LOCKOUT_POLICY, 'conditional-access/caac.yml': WAIVED });
    const r = caac(['validate', '--format', 'sarif'], cwd);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results[0]).toMatchObject({ ruleId: 'lockout-risk', level: 'error' });
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('conditional-access/policies/block.json');
  });

  test('a missing folder, a broken caac.yml, an unknown command or option exit 2 with a hint', () => {
    const cwd = writeRepo({ 'conditional-access/caac.yml': 'naming:\n  pattern: "(["\n' });
    const missing = caac(['validate', '--dir', 'nope'], cwd);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no folder "nope".*--dir/);
    const settings = caac(['validate'], cwd);
    expect(settings.status).toBe(2);
    expect(settings.stderr).toMatch(/conditional-access\/caac\.yml:2:\d+: naming\.pattern is not a valid regular expression/);
    const unknown = caac(['valdate'], cwd);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Did you mean validate\?/);
    const option = caac(['validate', '--formt', 'json'], cwd);
    expect(option.status).toBe(2);
    expect(option.stderr).toMatch(/unknown option/);
    const format = caac(['validate', '--format', 'xml'], cwd);
    expect(format.status).toBe(2);
  });

  test('--version and --help exit 0', () => {
    const cwd = writeRepo({});
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(caac(['--version'], cwd)).toMatchObject({ status: 0, stdout: `${pkg.version}\n` });
    const help = caac(['--help'], cwd);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('validate');
  });
});
