/**
 * Real files from public repositories: they load, Graph-valid content is never a schema or parse
 * error, and what is beta-only, deprecated or an annotation is at most a warning. Three copies
 * under test/fixtures/corpus always run; the whole corpus (shared/corpus, beside the clone, as in
 * CI) runs when it is there, and the suite says it was skipped when it is not.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runValidate } from '../../src/commands/validate.js';
import { filePolicyStore, loadRepository } from '../../src/repo/load-repository.js';
import { byRule, dump, removeTempDirs, tempDir } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

const CORPUS = path.resolve(process.cwd(), '..', 'shared', 'corpus');
const CORPUS_PRESENT = fs.existsSync(path.join(CORPUS, 'seed-templates')) && fs.existsSync(path.join(CORPUS, 'community'));
/** The whole corpus is an extra: a clone with nothing beside it skips it, and says so. */
const describeCorpus = CORPUS_PRESENT ? describe : describe.skip;
const CORPUS_TITLE = CORPUS_PRESENT ? 'shared/corpus' : `shared/corpus (SKIPPED: ${CORPUS} not found; CI checks it out beside the clone)`;
if (!CORPUS_PRESENT) console.warn(`corpus.test.ts: ${CORPUS_TITLE}`);
const TEMPLATE_8 = 'template-8-app-enforced-restrictions-on-untrusted-devices';

describe('test/fixtures/corpus (three representative files)', () => {
  const result = runValidate(filePolicyStore('test/fixtures/corpus', { cwd: process.cwd() }));

  test('the UTF-16 LE and UTF-8 BOM exports load; template-8 is one parse error at its trailing comma', () => {
    expect(result.summary.files).toBe(3);
    expect(result.summary.documents).toBe(2);
    expect(result.prepared.map((d) => [path.basename(d.file), d.kind])).toEqual([
      ['Config__NamedLocations__All Compliant Network locations.json', 'namedLocation'],
      ['ConditionalAccess__CA701-WLI-AllApps-AnyLoc-WorkloadRiskHigh-Block.json', 'policy'],
    ]);
    const parse = byRule(result.findings, 'parse');
    expect(parse).toEqual([
      {
        rule: 'parse',
        severity: 'error',
        file: `test/fixtures/corpus/policies/${TEMPLATE_8}`,
        line: 12,
        column: 14,
        path: '',
        message: 'invalid JSON: trailing comma before "}": JSON does not allow it; remove the comma',
      },
    ]);
  });

  test('everything else is a warning: annotations, server fields, beta-only compliant network', () => {
    const others = result.findings.filter((f) => f.rule !== 'parse');
    expect(others.filter((f) => f.severity === 'error')).toEqual([]);
    const loc = others.filter((f) => f.file.endsWith('All Compliant Network locations.json'));
    expect(loc.map((f) => [f.rule, f.line])).toEqual([
      ['server-field', 2],
      ['odata-annotation', 4],
      ['deprecated', 14],
    ]);
    const policy = others.filter((f) => f.file.endsWith('CA701-WLI-AllApps-AnyLoc-WorkloadRiskHigh-Block.json'));
    expect(policy.map((f) => [f.rule, f.line])).toEqual([
      ['server-field', 2],
      ['odata-annotation', 3],
      // "times", "deviceStates", "agents": null, as beta exports write them (one warning)
      ['deprecated', 29],
    ]);
    expect(result.summary.errors).toBe(1);
  });

  test('the UTF-16 LE file reads as the same value as JSON.parse of its transcoded text', () => {
    const repo = loadRepository('test/fixtures/corpus', { cwd: process.cwd() });
    const doc = repo.documents.find((d) => d.kind === 'namedLocation')!;
    const bytes = fs.readFileSync(path.join(process.cwd(), doc.file));
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xfe]);
    expect(doc.value).toEqual(JSON.parse(bytes.subarray(2).toString('utf16le')));
    expect(doc.value['displayName']).toBe('All Compliant Network locations');
    // The prepared document keeps its id (to follow renames) and drops the other server fields.
    const prepared = result.prepared.find((d) => d.kind === 'namedLocation')!;
    expect(prepared.value['id']).toBe('3d46dbda-8382-466a-856d-eb00cbc6b910');
    expect(prepared.value['createdDateTime']).toBeUndefined();
  });
});

describeCorpus(CORPUS_TITLE, () => {
  test('seed-templates laid out as a repo: exactly one parse error (template-8), every other file a document', () => {
    const cwd = tempDir();
    const policies = path.join(cwd, 'repo', 'policies');
    fs.mkdirSync(policies, { recursive: true });
    const names = fs.readdirSync(path.join(CORPUS, 'seed-templates'));
    for (const name of names) fs.copyFileSync(path.join(CORPUS, 'seed-templates', name), path.join(policies, name));
    const result = runValidate(filePolicyStore('repo', { cwd }));
    expect(result.summary.files).toBe(names.length);
    expect(result.summary.documents).toBe(names.length - 1);
    const parse = byRule(result.findings, 'parse');
    expect(parse).toHaveLength(1);
    expect(parse[0]!.file).toBe(`repo/policies/${TEMPLATE_8}`);
    expect(parse[0]).toMatchObject({ line: 12, column: 14 });
    expect(dump(byRule(result.findings, 'layout'))).toBe('');
    expect(dump(byRule(result.findings, 'schema'))).toBe('');
  });

  // A placeholder row keeps test.each from refusing an empty table while the suite is skipped.
  const communities = CORPUS_PRESENT ? fs.readdirSync(path.join(CORPUS, 'community')).sort() : ['(none)'];

  test('there are community baselines to check', () => {
    expect(communities.length).toBeGreaterThanOrEqual(5);
  });

  test.each(communities)('community/%s as --dir: everything loads, no schema, parse or layout error; beta-only only warns', (name) => {
    // A relative --dir from the repository, as CI runs it.
    const dir = path.relative(process.cwd(), path.join(CORPUS, 'community', name));
    const result = runValidate(filePolicyStore(dir));
    expect(result.summary.files).toBeGreaterThan(0);
    expect(result.summary.documents).toBe(result.summary.files);
    expect(dump(byRule(result.findings, 'parse'))).toBe('');
    expect(dump(byRule(result.findings, 'schema'))).toBe('');
    expect(dump(byRule(result.findings, 'layout'))).toBe('');
    for (const rule of ['deprecated', 'odata-annotation', 'server-field', 'casing']) {
      expect(byRule(result.findings, rule).every((f) => f.severity === 'warning')).toBe(true);
    }
    const betaErrors = result.findings.filter((f) => /beta/i.test(f.message) && f.severity === 'error');
    expect(dump(betaErrors)).toBe('');
    // At most one odata-annotation and one server-field warning per file.
    for (const rule of ['odata-annotation', 'server-field']) {
      const files = byRule(result.findings, rule).map((f) => f.file);
      expect(new Set(files).size).toBe(files.length);
    }
    // Every finding names a file of the corpus (or the folder itself: the baselines ship no
    // caac.yml, hence no-emergency-access) and a real position.
    expect(byRule(result.findings, 'no-emergency-access').map((f) => f.file)).toEqual([dir]);
    for (const f of result.findings) {
      expect(f.file === dir || f.file.startsWith(dir.split(path.sep).join('/') + '/')).toBe(true);
      expect(f.line).toBeGreaterThanOrEqual(1);
      expect(f.column).toBeGreaterThanOrEqual(1);
    }
  });
});
