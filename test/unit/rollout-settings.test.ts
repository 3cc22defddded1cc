/**
 * caac.yml `rollout:` checks: each mistake is an error at its line in caac.yml, through the real
 * loader and validator.
 */
import { basePolicy, byRule, configurationError, dump, lineOf, removeTempDirs, shown, validate } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

const policy = { 'policies/mfa.json': basePolicy({ displayName: 'CA100 - MFA' }) };
const settings = (rollout: string) => `emergencyAccess:\n  waive: "a unit test"\nrollout:\n${rollout}`;

function errorAt(rollout: string, needle: string): string {
  const text = settings(rollout);
  const e = configurationError(() => validate({ ...policy, 'caac.yml': text }));
  expect(e.message.startsWith(`${shown('caac.yml')}:${lineOf(text, needle)}:`)).toBe(true);
  return e.message;
}

test('a well-formed rollout validates clean', () => {
  const result = validate({ ...policy, 'caac.yml': settings('  rings:\n    - name: pilot\n      include: ["group:Pilot", "user:a@contoso.com"]\n    - name: all\n  policies:\n    "CA100 - MFA": { ring: pilot, since: "2026-01-05" }\n  gates: { minDays: 7 }\n') });
  expect(dump(result.findings)).toBe('');
});

test('a policy on a ring that rollout.rings does not define', () => {
  expect(errorAt('  rings:\n    - name: pilot\n      include: ["group:Pilot"]\n    - name: all\n  policies:\n    "CA100 - MFA": { ring: canary }\n', 'canary')).toMatch(/ring "canary", which rollout.rings does not define \(rings: pilot, all\)/);
});

test('a ring before all that names nobody', () => {
  expect(errorAt('  rings:\n    - name: pilot\n    - name: all\n', 'name: pilot')).toMatch(/ring "pilot" names nobody/);
  expect(errorAt('  rings:\n    - name: pilot\n      include: []\n    - name: all\n', 'name: pilot')).toMatch(/names nobody/);
});

test('all must be last, and the last ring must be all', () => {
  expect(errorAt('  rings:\n    - name: all\n    - name: pilot\n      include: ["group:Pilot"]\n', 'name: all')).toMatch(/"all" must be the last ring/);
  expect(errorAt('  rings:\n    - name: pilot\n      include: ["group:Pilot"]\n', 'name: pilot')).toMatch(/the last ring must be \{name: all\}/);
});

test('includes take user: and group: references only', () => {
  expect(errorAt('  rings:\n    - name: pilot\n      include: ["role:Global Administrator"]\n    - name: all\n', 'role:')).toMatch(/take "user:upn@domain" or "group:Name"/);
  expect(errorAt('  rings:\n    - name: pilot\n      include: ["3f2b6c1d-8e4a-4b7f-9c2d-5a6e7f8091ab"]\n    - name: all\n', '3f2b')).toMatch(/"group:<id>"/);
});

test('a listed policy that no file describes is an error finding at its caac.yml line', () => {
  const text = settings('  rings:\n    - name: pilot\n      include: ["group:Pilot"]\n    - name: all\n  policies:\n    "CA100 - MFA": { ring: pilot }\n    "CA101 - Typo": { ring: all }\n');
  const found = byRule(validate({ ...policy, 'caac.yml': text }).findings, 'rollout');
  expect(found.map((f) => [f.file, f.line, f.severity])).toEqual([[shown('caac.yml'), lineOf(text, 'CA101'), 'error']]);
  expect(found[0]!.message).toMatch(/"CA101 - Typo", but no policy file has this displayName/);
});

test('the old placeholder rings[].groups is refused by the schema', () => {
  expect(errorAt('  rings:\n    - name: pilot\n      groups: ["group:Pilot"]\n', 'groups')).toMatch(/groups/);
});
