/**
 * caac.yml: read and checked before any rule runs; a broken one is a ConfigurationError that names
 * file:line:column, never a finding and never a stack trace.
 */
import { runValidate } from '../../src/commands/validate.js';
import { filePolicyStore, loadRepository } from '../../src/repo/load-repository.js';
import { emergencyAccessMode, exemptPolicyNames } from '../../src/model/settings.js';
import { readSettings } from '../../src/validate/settings.js';
import { basePolicy, configurationError, removeTempDirs, ROOT, shown, writeRepo, type FileContent } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

function settingsOf(text: string, file = 'caac.yml') {
  const repo = loadRepository(ROOT, { cwd: writeRepo({ [file]: text }) });
  return () => readSettings(repo.settings);
}

const VALID = `# settings
emergencyAccess:
  users:
    - user:bg1@contoso.com
    - 0b9a3f1e-1111-2222-3333-444455556666
  groups: ["group:Emergency Access"]
  exemptPolicies: [CA900 Contingency]
naming:
  pattern: "^CA\\\\d{3} "
prune: false
`;

describe('readSettings', () => {
  test('no settings file: empty settings', () => {
    expect(readSettings(undefined)).toEqual({});
  });

  test('a valid caac.yml is returned as written', () => {
    expect(settingsOf(VALID)()).toEqual({
      emergencyAccess: {
        users: ['user:bg1@contoso.com', '0b9a3f1e-1111-2222-3333-444455556666'],
        groups: ['group:Emergency Access'],
        exemptPolicies: ['CA900 Contingency'],
      },
      naming: { pattern: '^CA\\d{3} ' },
      prune: false,
    });
  });

  test('emergencyAccess.mode is check or enforce; exempt and its older name exemptPolicies count together', () => {
    const settings = settingsOf('emergencyAccess:\n  groups: [group:BG]\n  mode: enforce\n  exempt: [A]\n  exemptPolicies: [B]\n')();
    expect(emergencyAccessMode(settings)).toBe('enforce');
    expect([...exemptPolicyNames(settings)]).toEqual(['a', 'b']);
    expect(emergencyAccessMode(settingsOf('emergencyAccess:\n  groups: [group:BG]\n')())).toBe('check');
    const e = configurationError(settingsOf('emergencyAccess:\n  groups: [group:BG]\n  mode: enforced\n'));
    expect(e.location).toMatchObject({ path: '/emergencyAccess/mode', line: 3 });
    expect(e.message).toMatch(/"enforced" is not a valid value for emergencyAccess\.mode: use one of "check", "enforce"/);
  });

  test('an unknown key: at its line, with "did you mean"', () => {
    const e = configurationError(settingsOf('prune: true\nemergencyAcess:\n  users: []\n'));
    expect(e.message).toMatch(new RegExp(`^${ROOT}/caac\\.yml:2:1: invalid settings: unknown property "emergencyAcess" in the document: did you mean "emergencyAccess"\\?$`));
    expect(e.location).toEqual({ file: shown('caac.yml'), path: '/emergencyAcess', line: 2, column: 1 });
  });

  test('several problems: the first, and how many more', () => {
    const e = configurationError(settingsOf('prune: "yes"\nnaming:\n  patern: x\nemergencyAccess:\n  users: user:x\n'));
    expect(e.message).toMatch(/^conditional-access\/caac\.yml:\d+:\d+: invalid settings: .* \(and 2 more problems\)$/);
    // The line and column are those of the problem the message names.
    const named = [
      ['prune must be a boolean', 1],
      ['patern', 3],
      ['emergencyAccess.users must be an array', 5],
    ] as const;
    const hit = named.find(([text]) => e.message.includes(text));
    expect(hit).toBeDefined();
    expect(e.location?.line).toBe(hit![1]);
  });

  test('a wrong type deep inside', () => {
    const e = configurationError(settingsOf('emergencyAccess:\n  groups:\n    - group:A\n    - 42\n'));
    expect(e.location).toMatchObject({ path: '/emergencyAccess/groups/1', line: 4, column: 7 });
    expect(e.message).toMatch(/emergencyAccess\.groups\[1\] must be a string, not number 42/);
  });

  test('an invalid naming.pattern regex: ConfigurationError at the pattern', () => {
    const e = configurationError(settingsOf('naming:\n  pattern: "^CA(\\\\d{3}"\n'));
    expect(e.message).toMatch(/caac\.yml:2:3: naming\.pattern is not a valid regular expression/);
    expect(e.location).toMatchObject({ file: shown('caac.yml'), path: '/naming/pattern', line: 2, column: 3 });
  });

  test('emergencyAccess.users takes user: references or GUIDs only', () => {
    const e = configurationError(settingsOf('emergencyAccess:\n  users:\n    - user:ok@contoso.com\n    - group:Break Glass\n'));
    expect(e.message).toMatch(/caac\.yml:4:7: emergencyAccess\.users takes "user:…" references or object ids \(GUID\), not "group:Break Glass"/);
    const plain = configurationError(settingsOf('emergencyAccess:\n  users: [breakglass@contoso.com]\n'));
    expect(plain.location).toMatchObject({ path: '/emergencyAccess/users/0', line: 2 });
  });

  test('emergencyAccess.groups takes group: references or GUIDs only', () => {
    const e = configurationError(settingsOf('emergencyAccess:\n  groups: ["Break Glass"]\n'));
    expect(e.message).toMatch(/emergencyAccess\.groups takes "group:…" references or object ids \(GUID\), not "Break Glass"/);
    expect(e.location).toMatchObject({ line: 2, column: 12 });
  });

  test('caac.json works the same way', () => {
    const e = configurationError(settingsOf('{\n  "naming": { "pattern": "[" }\n}\n', 'caac.json'));
    expect(e.message).toMatch(/caac\.json:2:15: naming\.pattern is not a valid regular expression/);
  });
});

describe('runValidate with broken settings', () => {
  test('an invalid regex in caac.yml is a ConfigurationError from runValidate, not findings', () => {
    const cwd = writeRepo({ 'caac.yml': 'naming:\n  pattern: "(unclosed"\n', 'policies/p.json': { displayName: 'x', conditions: {} } });
    const e = configurationError(() => runValidate(filePolicyStore(ROOT, { cwd })));
    expect(e.location).toMatchObject({ file: shown('caac.yml'), line: 2 });
  });
});

describe('naming.pattern runs in RE2, which cannot hang', () => {
  test('a pattern that backtracks exponentially in JavaScript (^(a+)+$) checks a long name and answers', () => {
    const cwd = writeRepo({ 'caac.yml': 'naming:\n  pattern: "^(a+)+$"\nemergencyAccess:\n  waive: test\n', 'policies/p.json': basePolicy({ displayName: 'a'.repeat(50_000) + '!' }) });
    const result = runValidate(filePolicyStore(ROOT, { cwd }));
    expect(result.findings.map((f) => f.rule)).toEqual(['naming']);
  });

  test.each([
    ['a backreference', '(a)\\\\1'],
    ['a named backreference', '(?<x>a)\\\\k<x>'],
    ['a lookahead', '^(?=CA)'],
    ['a negative lookahead', '^(?!Test)'],
    ['a lookbehind', '(?<=CA)\\\\d'],
    ['a negative lookbehind', '(?<!x)y'],
  ])('%s (valid JavaScript, not RE2) is a configuration error that says RE2 syntax is required and why', (_name, pattern) => {
    const e = configurationError(settingsOf(`naming:\n  pattern: "${pattern}"\n`));
    expect(e.message).toMatch(/^conditional-access\/caac\.yml:2:3: naming\.pattern must be written in RE2 syntax \(.+\): caac matches names with RE2, which takes time linear in the name, so no pattern can hang validate; RE2 has no backreferences/);
    expect(e.location).toMatchObject({ path: '/naming/pattern', line: 2, column: 3 });
  });

  test('RE2 and JavaScript agree on an ordinary pattern, Unicode classes included', () => {
    const settings = settingsOf('naming:\n  pattern: "^CA\\\\d{3} \\\\p{Lu}"\nemergencyAccess:\n  waive: test\n')();
    expect(settings.naming?.pattern).toBe('^CA\\d{3} \\p{Lu}');
  });
});

describe('emergencyAccess.waive', () => {
  test('alone, with a reason: accepted', () => {
    expect(settingsOf('emergencyAccess:\n  waive: "lab tenant, no production users"\n')()).toEqual({ emergencyAccess: { waive: 'lab tenant, no production users' } });
  });

  test.each([
    ['empty', 'waive: ""'],
    ['only spaces', 'waive: "   "'],
    ['not a string', 'waive: true'],
  ])('%s: a configuration error at the line', (_name, line) => {
    const e = configurationError(settingsOf(`emergencyAccess:\n  ${line}\n`));
    expect(e.message).toMatch(/^conditional-access\/caac\.yml:2:3: invalid settings/);
  });

  test.each(['users: [user:bg@contoso.com]', 'groups: [group:BG]', 'mode: enforce', 'exempt: [CA900]'])('beside %s: a configuration error at that key', (other) => {
    const e = configurationError(settingsOf(`emergencyAccess:\n  waive: "no accounts yet"\n  ${other}\n`));
    expect(e.message).toMatch(/^conditional-access\/caac\.yml:3:3: emergencyAccess\.waive stands alone: remove emergencyAccess\.\w+ to waive the emergency-access check, or remove waive to keep it$/);
  });
});

describe('no-emergency-access: a warning on every validate until caac.yml lists accounts or waives the check', () => {
  const warnings = (files: Record<string, FileContent>) => {
    const result = runValidate(filePolicyStore(ROOT, { cwd: writeRepo({ 'policies/p.json': basePolicy(), ...files }) }));
    expect(result.summary.errors).toBe(0);
    return result.findings.filter((f) => f.rule === 'no-emergency-access');
  };

  test('no caac.yml: a warning on the folder', () => {
    expect(warnings({})).toEqual([
      {
        rule: 'no-emergency-access',
        severity: 'warning',
        file: ROOT,
        line: 1,
        column: 1,
        path: '',
        message: expect.stringMatching(/^no caac\.yml in "conditional-access": nothing checks that policies spare an emergency-access \(break-glass\) account.*emergencyAccess: \{waive: "<reason>"\}$/),
      },
    ]);
  });

  test('a caac.yml without emergencyAccess: a warning on caac.yml', () => {
    expect(warnings({ 'caac.yml': '# settings\nprune: false\n' }).map((f) => [f.file, f.line, f.path, f.message.slice(0, 51)])).toEqual([
      [shown('caac.yml'), 2, '', 'conditional-access/caac.yml sets no emergencyAccess'],
    ]);
  });

  test('an emergencyAccess that lists no user and no group: a warning at emergencyAccess', () => {
    const text = 'prune: false\nemergencyAccess:\n  mode: enforce\n  users: []\n';
    expect(warnings({ 'caac.yml': text }).map((f) => [f.line, f.column, f.path, f.message.slice(0, 67)])).toEqual([
      [2, 1, '/emergencyAccess', 'conditional-access/caac.yml lists no emergency-access user or group'],
    ]);
  });

  test('accounts listed, or the check waived: no warning', () => {
    expect(warnings({ 'caac.yml': 'emergencyAccess:\n  groups: ["group:Break Glass"]\n' })).toEqual([]);
    expect(warnings({ 'caac.yml': 'emergencyAccess:\n  users: ["user:bg@contoso.com"]\n  exempt: ["CA100 Require MFA"]\n' })).toEqual([]);
    expect(warnings({ 'caac.yml': 'emergencyAccess:\n  waive: "lab tenant"\n' })).toEqual([]);
  });
});

describe('a hostile caac.yml is a configuration error, never a crash', () => {
  test('nested 5,000 deep', () => {
    const e = configurationError(() => settingsOf('naming: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n'));
    expect(e.message).toMatch(/^conditional-access\/caac\.yml:1:\d+: invalid settings file: mappings and sequences are nested more than 64 deep/);
  });

  test('the same in caac.json', () => {
    const e = configurationError(() => settingsOf('{"naming": ' + '['.repeat(5000) + ']'.repeat(5000) + '}', 'caac.json'));
    expect(e.message).toMatch(/^conditional-access\/caac\.json:1:\d+: invalid settings file: objects and arrays are nested more than 64 deep/);
  });
});
