/** naming: policy displayNames must match caac.yml naming.pattern (a warning). */
import { runValidate } from '../../src/commands/validate.js';
import { ConfigurationError } from '../../src/errors.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { ROOT, basePolicy, byRule, lineOf, pretty, removeTempDirs, shown, validate, writeRepo } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

const LOCATION = { '@odata.type': '#microsoft.graph.countryNamedLocation', displayName: 'no pattern here', countriesAndRegions: ['NL'] };

test('a policy name that does not match: a warning at displayName', () => {
  const bad = pretty(basePolicy({ displayName: 'Require MFA' }));
  const result = validate({
    'caac.yml': 'naming:\n  pattern: "^CA\\\\d{3} "\n',
    'policies/bad.json': bad,
    'policies/good.json': basePolicy({ displayName: 'CA001 Require MFA' }),
    'named-locations/nl.json': LOCATION,
  });
  const hits = byRule(result.findings, 'naming');
  expect(hits).toHaveLength(1);
  expect(hits[0]).toMatchObject({ severity: 'warning', file: shown('policies/bad.json'), path: '/displayName', line: lineOf(bad, '"displayName"'), column: 3 });
  expect(hits[0]!.message).toBe('"Require MFA" does not match the naming pattern /^CA\\d{3} / set in caac.yml');
  expect(result.summary.errors).toBe(0);
});

test('the pattern is a Unicode regex', () => {
  const result = validate({ 'caac.yml': 'naming:\n  pattern: "^\\\\p{Lu}"\n', 'policies/a.json': basePolicy({ displayName: 'Émile' }), 'policies/b.json': basePolicy({ displayName: 'émile' }) });
  expect(byRule(result.findings, 'naming').map((f) => f.file)).toEqual([shown('policies/b.json')]);
});

test('no pattern: no naming findings', () => {
  expect(byRule(validate({ 'policies/a.json': basePolicy({ displayName: 'anything' }) }).findings, 'naming')).toEqual([]);
});

test('an invalid regex in caac.yml is a ConfigurationError', () => {
  const cwd = writeRepo({ 'caac.yml': 'naming:\n  pattern: "^CA[0-9"\n', 'policies/a.json': basePolicy() });
  expect(() => runValidate(filePolicyStore(ROOT, { cwd }))).toThrow(ConfigurationError);
  expect(() => runValidate(filePolicyStore(ROOT, { cwd }))).toThrow(/caac\.yml:2:3: naming\.pattern is not a valid regular expression/);
});
