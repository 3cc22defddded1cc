/**
 * contingency-convention: sets found by the names Microsoft's resilience guidance uses must be
 * complete and readable, or validate says so on the policy's displayName.
 */
import { basePolicy, byRule, lineOf, merge, pretty, removeTempDirs, validate, type FileContent } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

function run(names: string[], settings?: string) {
  const files: Record<string, FileContent> = {};
  const texts: Record<string, string> = {};
  names.forEach((displayName, i) => {
    const text = pretty(merge(basePolicy({ state: 'disabled' }), { displayName }));
    files[`policies/p${i}.json`] = text;
    texts[displayName] = text;
  });
  if (settings !== undefined) files['caac.yml'] = settings;
  return { hits: byRule(validate(files).findings, 'contingency-convention'), texts };
}

const EM = (n: number, m: number, tag = 'MFA Disruption') => `EM0${n} - ENABLE IN EMERGENCY: ${tag} [${n}/${m}] - All apps`;

test('a complete set, and names without the mark: nothing to say', () => {
  expect(run([EM(1, 2), EM(2, 2), 'CA001 - Block legacy authentication']).hits).toEqual([]);
});

test('an incomplete set: a warning on the displayName of its policies, naming the missing position', () => {
  const { hits, texts } = run([EM(1, 3), EM(3, 3)]);
  expect(hits.map((h) => [h.severity, h.path, h.line])).toEqual([['warning', '/displayName', lineOf(texts[EM(1, 3)]!, '"displayName"')]]);
  expect(hits[0]!.message).toMatch(/contingency set "mfa-disruption" \(by name convention\) is incomplete: \[n\/m\] says 3 policies, found 2 \(missing 2\/3\)/);
});

test('the mark without a readable tag and [n/m]: the policy belongs to no set', () => {
  const { hits } = run(['EM09 - ENABLE IN EMERGENCY - block everything']);
  expect(hits.map((h) => h.message)).toEqual([expect.stringMatching(/carries "ENABLE IN EMERGENCY" but no disruption tag and \[n\/m\] that can be read/)]);
});

test('a set of the same name in caac.yml takes the place of the names', () => {
  const settings = `contingency:\n  mfa-disruption:\n    activate: ["${EM(1, 3)}"]\n`;
  expect(run([EM(1, 3)], settings).hits).toEqual([]);
});
