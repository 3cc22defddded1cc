/** duplicate-name: displayName identifies a document within its kind, without regard to case. */
import { basePolicy, byRule, lineOf, pretty, removeTempDirs, shown, validate } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

const location = (displayName: string) => ({ '@odata.type': '#microsoft.graph.countryNamedLocation', displayName, countriesAndRegions: ['NL'] });

test('two policies with one name in another case: an error on the second, naming the first', () => {
  const second = '\n\n' + pretty(basePolicy({ displayName: 'ca100 REQUIRE mfa' }));
  const result = validate({ 'policies/a.json': basePolicy(), 'policies/b.json': second });
  const hits = byRule(result.findings, 'duplicate-name');
  expect(hits).toHaveLength(1);
  expect(hits[0]).toMatchObject({ severity: 'error', file: shown('policies/b.json'), path: '/displayName', line: lineOf(second, '"displayName"'), column: 3 });
  expect(hits[0]!.message).toBe(`another policy is named "ca100 REQUIRE mfa" (${shown('policies/a.json')}:2): displayName identifies a document, so rename one of them`);
});

test('surrounding spaces do not make a name different', () => {
  const result = validate({ 'policies/a.json': basePolicy(), 'policies/b.json': basePolicy({ displayName: '  CA100 Require MFA ' }) });
  expect(byRule(result.findings, 'duplicate-name')).toHaveLength(1);
});

test('three with one name: two errors, each pointing at the first', () => {
  const result = validate({ 'policies/a.json': basePolicy(), 'policies/b.json': basePolicy(), 'policies/c.yaml': 'displayName: CA100 Require MFA\nconditions: {}\n' });
  const hits = byRule(result.findings, 'duplicate-name');
  expect(hits.map((h) => h.file)).toEqual([shown('policies/b.json'), shown('policies/c.yaml')]);
  expect(hits.every((h) => h.message.includes(`${shown('policies/a.json')}:2`))).toBe(true);
  expect(hits[1]!.line).toBe(1);
});

test('a policy and a named location may share a name; two named locations may not', () => {
  const shared = validate({ 'policies/a.json': basePolicy({ displayName: 'Office' }), 'named-locations/o.json': location('Office') });
  expect(byRule(shared.findings, 'duplicate-name')).toEqual([]);
  const twice = validate({ 'named-locations/a.json': location('Office'), 'named-locations/b.json': location('OFFICE') });
  const hits = byRule(twice.findings, 'duplicate-name');
  expect(hits.map((h) => h.file)).toEqual([shown('named-locations/b.json')]);
  expect(hits[0]!.message).toMatch(/^another named location is named "OFFICE"/);
});

test('different names, and documents without a usable name, are not duplicates', () => {
  const result = validate({
    'policies/a.json': basePolicy({ displayName: 'CA100' }),
    'policies/b.json': basePolicy({ displayName: 'CA101' }),
    'policies/c.json': basePolicy({ displayName: '' }),
    'policies/d.json': basePolicy({ displayName: '   ' }),
    'policies/e.json': basePolicy({ displayName: null }),
  });
  expect(byRule(result.findings, 'duplicate-name')).toEqual([]);
});
