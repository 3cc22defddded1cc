/**
 * Expiring exceptions, the pure parts: when an entry ends, which policies a glob names, who it
 * would leave a policy for, validate's refusals (through the real loader and validator), and what
 * apply --only-expiries lets through.
 */
import { daysLeft, endOf, excludesEveryone, isActive, policyMatcher } from '../../src/exceptions/exception-entry.js';
import { notOnlyExpiries } from '../../src/exceptions/only-expiries.js';
import type { PlanOperation } from '../../src/model/plan.js';
import { viewPolicy } from '../../src/model/policy-view.js';
import { loadRepository } from '../../src/repo/load-repository.js';
import { readSettings } from '../../src/validate/settings.js';
import { validateRepository } from '../../src/validate/validate-repository.js';
import { ROOT, basePolicy, lineOf, removeTempDirs, writeRepo, type FileContent } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

describe('until', () => {
  test('a date lasts to the end of that day in UTC; a date-time ends at its instant', () => {
    expect(endOf('2026-03-20')!.toISOString()).toBe('2026-03-21T00:00:00.000Z');
    expect(endOf(' 2026-03-20 ')!.toISOString()).toBe('2026-03-21T00:00:00.000Z');
    expect(endOf('2026-03-20T18:00:00+01:00')!.toISOString()).toBe('2026-03-20T17:00:00.000Z');
    expect(endOf('2026-03-20T18:00Z')!.toISOString()).toBe('2026-03-20T18:00:00.000Z');
  });

  test('anything else is no date: no zone, a day that does not exist, prose', () => {
    for (const bad of ['2026-03-20T18:00:00', '2026-02-30', '2026-13-01', '2026-03-20T24:00:00Z', '20 March', '2026-3-20', '']) expect(endOf(bad)).toBeUndefined();
  });

  test('active until its end, days left in whole UTC days', () => {
    const end = endOf('2026-03-20')!;
    expect(isActive(end, new Date('2026-03-20T23:59:59.999Z'))).toBe(true);
    expect(isActive(end, new Date('2026-03-21T00:00:00Z'))).toBe(false);
    expect(daysLeft(end, new Date('2026-03-20T08:00:00Z'))).toBe(0);
    expect(daysLeft(end, new Date('2026-03-19T23:00:00Z'))).toBe(1);
    expect(daysLeft(end, new Date('2026-03-22T01:00:00Z'))).toBe(-2);
  });
});

test('a policy glob: * and ?, case-insensitive, the whole name, no regular expression', () => {
  const m = policyMatcher('ca00? - block*');
  expect(m('CA005 - Block access')).toBe(true);
  expect(m('CA0050 - Block')).toBe(false);
  expect(m('xCA005 - Block')).toBe(false);
  expect(policyMatcher('CA (pilot).x')('CA (pilot).x')).toBe(true);
  expect(policyMatcher('CA (pilot).x')('CA (pilot)yx')).toBe(false);
  expect(policyMatcher('*')('anything')).toBe(true);
  expect(policyMatcher('a*b*c')('aXbYc')).toBe(true);
  expect(policyMatcher('a*b*c')('aXbYcZ')).toBe(false);
  expect(policyMatcher('??')('ab')).toBe(true);
  expect(policyMatcher('??')('abc')).toBe(false);
  expect(policyMatcher('x')(undefined)).toBe(false);
  // A pattern built to make a backtracking matcher hang answers at once.
  expect(policyMatcher(`${'*a'.repeat(40)}*b`)('a'.repeat(256))).toBe(false);
});

test('excluding everyone a policy includes by name', () => {
  const users = (u: object) => viewPolicy({ conditions: { users: u } } as never).users;
  const none = { users: [], groups: [], roles: [] };
  expect(excludesEveryone(users({ includeGroups: ['group:Finance'] }), { ...none, groups: ['group:finance'] })).toBe(true);
  expect(excludesEveryone(users({ includeGroups: ['group:Finance', 'group:HR'] }), { ...none, groups: ['group:Finance'] })).toBe(false);
  expect(excludesEveryone(users({ includeUsers: ['user:a@x'], excludeUsers: ['user:b@x'], includeGroups: ['group:G'] }), { ...none, users: ['user:a@x'], groups: ['group:G'] })).toBe(true);
  expect(excludesEveryone(users({ includeUsers: ['All'] }), { ...none, users: ['user:a@x'] })).toBe(false);
  expect(excludesEveryone(users({ includeUsers: ['None'] }), none)).toBe(false);
});

describe('validate', () => {
  const NOW = new Date('2026-03-10T09:00:00Z');
  function findings(files: Record<string, FileContent>) {
    const repo = loadRepository(ROOT, { cwd: writeRepo(files) });
    const settings = readSettings(repo.settings);
    return validateRepository({ documents: repo.documents, loadFindings: repo.findings, files: repo.files, settings, place: { root: repo.root, settings: repo.settings }, now: NOW }).findings.filter((f) => f.rule.startsWith('exception'));
  }
  const yml = (entry: string, extra = '') => `emergencyAccess:\n  groups: ["group:Break Glass"]\n  exempt: ["CA200 Admins"]\n${extra}exceptions:\n${entry}`;
  const finance = basePolicy({ displayName: 'CA300 Finance', conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeGroups: ['group:Finance'], excludeGroups: ['group:Break Glass'] } } });
  const files = (settings: string): Record<string, FileContent> => ({
    'caac.yml': settings,
    'policies/ca100.json': basePolicy(),
    'policies/ca200.json': basePolicy({ displayName: 'CA200 Admins' }),
    'policies/ca300.json': finance,
  });

  test('a good entry has no finding', () => {
    expect(findings(files(yml('  - policy: "CA100*"\n    exclude: { users: ["user:ann@contoso.com"] }\n    until: 2026-03-20\n    reason: "travel"\n')))).toEqual([]);
  });

  test('a policy the break-glass guard exempts is refused', () => {
    const text = yml('  - policy: "CA200 Admins"\n    exclude: { users: ["user:ann@contoso.com"] }\n    until: 2026-03-20\n    reason: "travel"\n');
    expect(findings(files(text)).map((f) => [f.severity, f.path, f.line, f.message])).toEqual([
      ['error', '/exceptions/0/policy', lineOf(text, '- policy'), expect.stringContaining('exceptions[0]: "CA200 Admins" is exempt from the break-glass guard')],
    ]);
  });

  test('an exception that would exclude everyone the policy includes is refused', () => {
    const text = yml('  - policy: "CA300 Finance"\n    exclude: { groups: ["group:Finance"] }\n    until: 2026-03-20\n    reason: "audit"\n');
    expect(findings(files(text)).map((f) => [f.severity, f.path, f.line, f.message])).toEqual([
      ['error', '/exceptions/0/exclude', lineOf(text, 'exclude:'), expect.stringContaining('exceptions[0]: with this exception "CA300 Finance" would exclude everyone')],
    ]);
  });

  test('an ended entry is a warning (plan decides whether it is new), past exceptionsMaxDays an error', () => {
    const text = yml('  - policy: "CA100*"\n    exclude: { users: ["user:ann@contoso.com"] }\n    until: 2026-03-01\n    reason: "travel"\n  - policy: "CA100*"\n    exclude: { users: ["user:ann@contoso.com"] }\n    until: 2026-03-18\n    reason: "travel"\n', 'exceptionsMaxDays: 7\n');
    expect(findings(files(text)).map((f) => [f.severity, f.rule, f.path])).toEqual([
      ['warning', 'exception-expired', '/exceptions/0/until'],
      ['error', 'exception', '/exceptions/1/until'],
    ]);
  });

  test('caac.yml\'s schema refuses unknown keys in an entry and a max of 0 days', () => {
    expect(() => findings(files(yml('  - policy: "CA100*"\n    exclude: { people: ["user:ann@contoso.com"] }\n    until: 2026-03-20\n    reason: "x"\n')))).toThrow(/caac\.yml:\d+:\d+: invalid settings/);
    expect(() => findings(files(yml('  - policy: "CA100*"\n    exclude: { users: ["user:a@b"] }\n    until: 2026-03-20\n    reason: "x"\n', 'exceptionsMaxDays: 0\n')))).toThrow(/exceptionsMaxDays/);
  });
});

describe('apply --only-expiries', () => {
  const A = 'aaaaaaaa-0000-4000-8000-000000000001';
  const B = 'bbbbbbbb-0000-4000-8000-000000000002';
  const note = { path: '/conditions/users/excludeUsers', ids: [A], until: '2026-03-20', reason: 'travel', entry: 0 };
  const update = (changes: PlanOperation['changes'], expired = [note]): PlanOperation => ({ kind: 'policy', action: 'update', displayName: 'CA005', id: 'x', changes, expired });

  test('lets through an update that only takes ended exceptions\' people out', () => {
    expect(notOnlyExpiries({ operations: [update([{ path: '/conditions/users/excludeUsers', before: [B, A], after: [B] }])] })).toEqual([]);
    expect(notOnlyExpiries({ operations: [update([{ path: '/conditions/users/excludeUsers', before: [A], after: [] }])] })).toEqual([]);
    expect(notOnlyExpiries({ operations: [] })).toEqual([]);
  });

  test('refuses anything else, naming it', () => {
    expect(notOnlyExpiries({ operations: [update([{ path: '/conditions/users/excludeUsers', before: [B, A], after: [] }])] })).toEqual([
      `update policy "CA005": /conditions/users/excludeUsers removes ${B}, which no ended exception added`,
    ]);
    expect(notOnlyExpiries({ operations: [update([{ path: '/conditions/users/excludeUsers', before: [A], after: [B] }])] })).toEqual([`update policy "CA005": /conditions/users/excludeUsers adds ${B}`]);
    expect(notOnlyExpiries({ operations: [update([{ path: '/state', before: 'enabled', after: 'disabled' }])] })).toEqual(['update policy "CA005": /state is not an exclusion list']);
    expect(notOnlyExpiries({ operations: [update([{ path: '/conditions/users/excludeUsers', before: [A], after: [] }], [])] })).toEqual([
      'update policy "CA005": changes /conditions/users/excludeUsers, and no exception of it has ended',
    ]);
    expect(notOnlyExpiries({ operations: [{ kind: 'namedLocation', action: 'create', displayName: 'X', changes: [] }] })).toEqual(['create namedLocation "X": not an exception\'s expiry']);
  });
});
