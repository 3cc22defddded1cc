/**
 * loadRepository over real folders on disk: which files become documents of which kind, which are
 * left alone, and the `parse` / `layout` findings (or ConfigurationError) for everything else.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../src/model/findings.js';
import { MAX_DOCUMENT_FILES, MAX_ENTRIES, MAX_FILE_BYTES } from '../../src/repo/limits.js';
import { filePolicyStore, loadRepository } from '../../src/repo/load-repository.js';
import { basePolicy, byRule, columnOf, configurationError, lineOf, load, pretty, removeTempDirs, ROOT, shown, tempDir, writeRepo } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

const LOCATION = { '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'Office', isTrusted: true, ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.0/24' }] };
const COUNTRIES = { '@odata.type': '#microsoft.graph.countryNamedLocation', displayName: 'Allowed countries', countriesAndRegions: ['NL', 'BE'], includeUnknownCountriesAndRegions: false };
const STRENGTH = { displayName: 'FIDO2 only', allowedCombinations: ['fido2'] };

function kinds(files: Record<string, string | object>): [string, string][] {
  return load(files).documents.map((d) => [d.file, d.kind]);
}

describe('folder layout', () => {
  test('policies/, named-locations/, authentication-strengths/ and caac.yml at the root', () => {
    const repo = load({
      'caac.yml': 'naming:\n  pattern: "^CA"\n',
      'policies/mfa.json': basePolicy(),
      'policies/nested/deeper/block.yaml': 'displayName: CA200 Block\nconditions: {}\n',
      'named-locations/office.json': LOCATION,
      'named-locations/countries.json': COUNTRIES,
      'authentication-strengths/fido.json': STRENGTH,
    });
    expect(repo.findings).toEqual([]);
    expect(repo.files).toBe(5);
    expect(repo.root).toBe(ROOT);
    expect(repo.documents.map((d) => [d.file, d.kind])).toEqual([
      [shown('authentication-strengths/fido.json'), 'authenticationStrength'],
      [shown('named-locations/countries.json'), 'namedLocation'],
      [shown('named-locations/office.json'), 'namedLocation'],
      [shown('policies/mfa.json'), 'policy'],
      [shown('policies/nested/deeper/block.yaml'), 'policy'],
    ]);
    expect(repo.settings?.file).toBe(shown('caac.yml'));
    expect(repo.settings?.value).toEqual({ naming: { pattern: '^CA' } });
    expect(repo.settings?.locate('/naming/pattern')).toEqual({ line: 2, column: 3 });
  });

  test('caac.yaml and caac.json are settings files too', () => {
    const yaml = writeRepo({ 'caac.yaml': 'prune: true\n' });
    expect(loadRepository(ROOT, { cwd: yaml }).settings?.value).toEqual({ prune: true });
    const json = writeRepo({ 'caac.json': '{"prune": false}' });
    expect(loadRepository(ROOT, { cwd: json }).settings?.value).toEqual({ prune: false });
  });

  test('an empty caac.yml is empty settings', () => {
    const repo = load({ 'caac.yml': '\n' });
    expect(repo.settings?.value).toEqual({});
    expect(repo.files).toBe(0);
  });

  test('without caac.yml there are no settings', () => {
    expect(load({ 'policies/a.json': basePolicy() }).settings).toBeUndefined();
  });

  test('files at the root (flat exports) are classified by their content', () => {
    expect(
      kinds({
        'a-policy.json': basePolicy(),
        'b-ip.json': LOCATION,
        'c-country.json': COUNTRIES,
        'd-strength.json': STRENGTH,
        'e-policy-by-type.json': { '@odata.type': '#microsoft.graph.conditionalAccessPolicy', displayName: 'x' },
        'f-strength-by-type.json': { '@odata.type': '#microsoft.graph.authenticationStrengthPolicy', displayName: 'y' },
        'g-country-no-type.json': { displayName: 'z', countriesAndRegions: ['FR'] },
      }),
    ).toEqual([
      [shown('a-policy.json'), 'policy'],
      [shown('b-ip.json'), 'namedLocation'],
      [shown('c-country.json'), 'namedLocation'],
      [shown('d-strength.json'), 'authenticationStrength'],
      [shown('e-policy-by-type.json'), 'policy'],
      [shown('f-strength-by-type.json'), 'authenticationStrength'],
      [shown('g-country-no-type.json'), 'namedLocation'],
    ]);
  });

  test('the folder decides for a document whose content says nothing', () => {
    expect(kinds({ 'policies/bare.json': { displayName: 'only a name' } })).toEqual([[shown('policies/bare.json'), 'policy']]);
    expect(kinds({ 'named-locations/bare.json': { displayName: 'only a name' } })).toEqual([[shown('named-locations/bare.json'), 'namedLocation']]);
    expect(kinds({ 'authentication-strengths/bare.json': { displayName: 'n' } })).toEqual([[shown('authentication-strengths/bare.json'), 'authenticationStrength']]);
  });

  test('extensionless JSON files are read (the seed templates have none), README and LICENSE are not', () => {
    const repo = load({
      'policies/template-1-require-mfa': pretty(basePolicy()),
      'policies/template-2 with spaces': '  \r\n' + pretty(basePolicy({ displayName: 'Second' })),
      'policies/README': '# Policies\n\nOne file per policy.\n',
      'LICENSE': 'MIT License\n\nCopyright (c) 2024\n',
      'policies/notes.md': '# Notes\n{ not json }\n',
      'Makefile': 'all:\n\tcaac validate\n',
    });
    expect(repo.findings).toEqual([]);
    expect(repo.files).toBe(2);
    expect(repo.documents.map((d) => d.file)).toEqual([shown('policies/template-1-require-mfa'), shown('policies/template-2 with spaces')]);
  });

  test('an extensionless file that starts like JSON but is broken is a parse error', () => {
    const repo = load({ 'policies/template-8': '{\n  "displayName": "x",\n}\n' });
    expect(repo.findings).toEqual([
      expect.objectContaining({ rule: 'parse', severity: 'error', file: shown('policies/template-8'), line: 2, column: 21 }),
    ]);
    expect(repo.findings[0]!.message).toMatch(/^invalid JSON: trailing comma/);
  });

  test('hidden files and folders, and node_modules, are ignored', () => {
    const repo = load({
      '.hidden.json': basePolicy({ displayName: 'hidden' }),
      '.git/config.json': '{ broken',
      'policies/.draft.json': '{ broken',
      'policies/.wip/p.json': basePolicy({ displayName: 'wip' }),
      'node_modules/x/package.json': '{"name": "x"}',
      'policies/visible.json': basePolicy(),
    });
    expect(repo.findings).toEqual([]);
    expect(repo.documents.map((d) => d.file)).toEqual([shown('policies/visible.json')]);
    expect(repo.files).toBe(1);
  });

  test('an empty folder loads nothing and finds nothing', () => {
    const repo = load({});
    expect(repo).toEqual({ root: ROOT, files: 0, documents: [], findings: [] });
  });

  test('an absolute --dir works as well as a relative one', () => {
    const cwd = writeRepo({ 'policies/a.json': basePolicy() });
    const elsewhere = tempDir();
    const repo = loadRepository(path.join(cwd, ROOT), { cwd: elsewhere });
    expect(repo.findings).toEqual([]);
    expect(repo.documents).toHaveLength(1);
    // Files are named relative to the working directory.
    expect(repo.documents[0]!.file).toBe(path.relative(elsewhere, path.join(cwd, ROOT, 'policies', 'a.json')).split(path.sep).join('/'));
  });

  test('filePolicyStore loads the same repository', () => {
    const cwd = writeRepo({ 'policies/a.json': basePolicy() });
    const store = filePolicyStore(ROOT, { cwd });
    expect(store.load().documents.map((d) => d.value['displayName'])).toEqual(['CA100 Require MFA']);
  });
});

describe('layout findings', () => {
  test('an array of documents: one layout error saying one document per file', () => {
    const repo = load({ 'policies/all.json': [basePolicy(), basePolicy({ displayName: 'two' })] });
    expect(repo.documents).toEqual([]);
    expect(repo.findings).toHaveLength(1);
    const f = repo.findings[0]!;
    expect(f).toMatchObject({ rule: 'layout', severity: 'error', file: shown('policies/all.json'), line: 1, column: 1 });
    expect(f.message).toMatch(/array of 2 documents/);
    expect(f.message).toMatch(/one document per file/);
    expect(f.message).toMatch(/jq -c '\.\[\]'/);
  });

  test('a Graph list export {"value": [...]}: one layout error at "value"', () => {
    const text = pretty({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies', value: [basePolicy(), basePolicy({ displayName: 'b' }), basePolicy({ displayName: 'c' })] });
    const repo = load({ 'export.json': text });
    expect(repo.documents).toEqual([]);
    expect(repo.findings).toHaveLength(1);
    const f = repo.findings[0]!;
    expect(f).toMatchObject({ rule: 'layout', severity: 'error', file: shown('export.json'), path: '/value', line: lineOf(text, '"value"'), column: 3 });
    expect(f.message).toMatch(/Graph list export \("value" with 3 entries\)/);
    expect(f.message).toMatch(/one document per file/);
    expect(f.message).toMatch(/jq -c '\.value\[\]'/);
  });

  test('a file name that needs quoting is quoted in the jq hint', () => {
    const repo = load({ "it's all.json": [basePolicy()] });
    expect(repo.findings[0]!.message).toContain(`'${ROOT}/it'\\''s all.json'`);
  });

  test('a scalar document', () => {
    const repo = load({ 'policies/n.json': 'null', 'policies/s.json': '"x"', 'policies/k.json': '42' });
    expect(repo.findings.map((f) => [f.rule, f.file, f.message])).toEqual([
      ['layout', shown('policies/k.json'), 'the file holds a number, not a document object'],
      ['layout', shown('policies/n.json'), 'the file holds a null, not a document object'],
      ['layout', shown('policies/s.json'), 'the file holds a string, not a document object'],
    ]);
  });

  test('a document of unknown kind at the root', () => {
    const repo = load({ 'thing.json': { displayName: 'What am I', something: true } });
    expect(repo.documents).toEqual([]);
    expect(repo.findings).toEqual([expect.objectContaining({ rule: 'layout', severity: 'error', file: shown('thing.json'), line: 1, column: 1 })]);
    expect(repo.findings[0]!.message).toMatch(/cannot tell what kind of document/);
  });

  test('a YAML settings-like file under policies/ is not settings', () => {
    const repo = load({ 'policies/caac.yml': 'prune: true\n' });
    expect(repo.settings).toBeUndefined();
    expect(repo.documents.map((d) => d.kind)).toEqual(['policy']);
  });

  test('a named location under policies/: a layout warning, and it loads as a named location', () => {
    const repo = load({ 'policies/office.json': LOCATION });
    expect(repo.documents.map((d) => d.kind)).toEqual(['namedLocation']);
    expect(repo.findings).toEqual([expect.objectContaining({ rule: 'layout', severity: 'warning', file: shown('policies/office.json'), line: 1 })]);
    expect(repo.findings[0]!.message).toMatch(/named location lies under policies\/: move it to named-locations\//);
  });

  test('a policy under named-locations/ and a strength under policies/', () => {
    const repo = load({ 'named-locations/p.json': basePolicy(), 'policies/s.json': STRENGTH });
    expect(repo.documents.map((d) => [d.file, d.kind])).toEqual([
      [shown('named-locations/p.json'), 'policy'],
      [shown('policies/s.json'), 'authenticationStrength'],
    ]);
    expect(repo.findings.map((f) => [f.rule, f.severity, f.file])).toEqual([
      ['layout', 'warning', shown('named-locations/p.json')],
      ['layout', 'warning', shown('policies/s.json')],
    ]);
  });
});

describe('broken files', () => {
  test('an invalid file does not stop the others from loading', () => {
    const broken = '{\n  "displayName": "broken",\n  "state": "enabled",,\n}';
    const repo = load({
      'policies/a-good.json': basePolicy({ displayName: 'a' }),
      'policies/b-broken.json': broken,
      'policies/c-empty.json': '',
      'policies/d-bom-only.json': Buffer.from([0xef, 0xbb, 0xbf, 0x0a]),
      'policies/e-good.yaml': 'displayName: e\nconditions: {}\n',
      'policies/f-comment.json': '// a comment\n{}',
      'policies/g-good.json': basePolicy({ displayName: 'g' }),
    });
    expect(repo.documents.map((d) => d.value['displayName'])).toEqual(['a', 'e', 'g']);
    expect(repo.files).toBe(7);
    const parse = byRule(repo.findings, 'parse');
    expect(parse.map((f: Finding) => [f.file, f.line, f.column, f.severity])).toEqual([
      [shown('policies/b-broken.json'), 3, columnOf(broken, ',,') + 1, 'error'],
      [shown('policies/c-empty.json'), 1, 1, 'error'],
      [shown('policies/d-bom-only.json'), 1, 1, 'error'],
      [shown('policies/f-comment.json'), 1, 1, 'error'],
    ]);
    expect(parse[1]!.message).toBe('the file is empty: expected one JSON document');
    expect(parse[2]!.message).toMatch(/empty/);
    expect(parse[3]!.message).toMatch(/comments are not allowed/);
    expect(repo.findings).toHaveLength(4);
  });

  test('every finding is plain data with a path (never an exception) for a broken file', () => {
    const repo = load({ 'policies/x.json': '{"a": [1, 2}' });
    expect(repo.findings).toEqual([
      { rule: 'parse', severity: 'error', file: shown('policies/x.json'), line: 1, column: 12, path: '', message: expect.stringMatching(/^invalid JSON: expected "," or "\]"/) },
    ]);
  });

  test('an empty YAML file says YAML', () => {
    const repo = load({ 'policies/x.yaml': '\n\n' });
    expect(repo.findings[0]!.message).toBe('the file is empty: expected one YAML document');
  });
});

describe('ConfigurationError', () => {
  test('a missing --dir folder', () => {
    const cwd = tempDir();
    const e = configurationError(() => loadRepository('no-such-folder', { cwd }));
    expect(e.message).toMatch(/no folder "no-such-folder"/);
    expect(e.message).toMatch(/--dir/);
  });

  test('a --dir that is a file', () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'policy.json'), '{}');
    expect(configurationError(() => loadRepository('policy.json', { cwd })).message).toMatch(/is a file, not a folder/);
  });

  test('a broken caac.yml names file:line:column', () => {
    const cwd = writeRepo({ 'caac.yml': 'emergencyAccess:\n  groups:\n    - group:BreakGlass\n  groups: []\n', 'policies/a.json': basePolicy() });
    const e = configurationError(() => loadRepository(ROOT, { cwd }));
    expect(e.message).toMatch(new RegExp(`^${ROOT}/caac\\.yml:4:3: invalid settings file`));
    expect(e.location).toEqual({ file: shown('caac.yml'), line: 4, column: 3 });
  });

  test('a caac.yml with a tab', () => {
    const cwd = writeRepo({ 'caac.yml': 'naming:\n\tpattern: x\n' });
    const e = configurationError(() => loadRepository(ROOT, { cwd }));
    expect(e.location).toMatchObject({ file: shown('caac.yml'), line: 2 });
  });

  test('a broken caac.json', () => {
    const cwd = writeRepo({ 'caac.json': '{"prune": true,}' });
    const e = configurationError(() => loadRepository(ROOT, { cwd }));
    expect(e.message).toMatch(/caac\.json:1:15: invalid settings file: trailing comma/);
  });

  test('a caac.yml that is a list, not a mapping', () => {
    const cwd = writeRepo({ 'caac.yml': '- a\n- b\n' });
    const e = configurationError(() => loadRepository(ROOT, { cwd }));
    expect(e.message).toMatch(/settings must be a mapping/);
    expect(e.location).toEqual({ file: shown('caac.yml'), line: 1, column: 1 });
  });

  test('a caac.yml with a circular alias', () => {
    const cwd = writeRepo({ 'caac.yml': 'naming: &n\n  pattern: *n\n' });
    const e = configurationError(() => loadRepository(ROOT, { cwd }));
    expect(e.location).toMatchObject({ line: 2 });
  });
});

describe('hostile entries: symbolic links, pipes, sizes, counts', () => {
  const abs = (cwd: string, rel: string) => path.join(cwd, ROOT, rel);
  const fileFindings = (findings: readonly Finding[]) => byRule(findings, 'file').map((f) => [f.file, f.severity, f.line, f.column]);

  test('a symlinked policies/ folder is an error naming the link, not "no policies"', () => {
    const cwd = writeRepo({ 'real/a.json': basePolicy(), 'caac.yml': 'prune: true\n' });
    fs.symlinkSync('real', abs(cwd, 'policies'));
    const repo = loadRepository(ROOT, { cwd });
    expect(fileFindings(repo.findings)).toEqual([[shown('policies'), 'error', 1, 1]]);
    const finding = byRule(repo.findings, 'file')[0]!;
    expect(finding.message).toMatch(/^conditional-access\/policies is a symbolic link \(to "real"\): caac does not follow links/);
    // The real folder under another name is read as itself; the link adds nothing.
    expect(repo.documents.map((d) => d.file)).toEqual([shown('real/a.json')]);
  });

  test.each(['named-locations', 'authentication-strengths'])('a symlinked %s/ folder is an error too', (folder) => {
    const cwd = writeRepo({ 'policies/a.json': basePolicy() });
    const outside = tempDir();
    fs.symlinkSync(outside, abs(cwd, folder));
    expect(fileFindings(loadRepository(ROOT, { cwd }).findings)).toEqual([[shown(folder), 'error', 1, 1]]);
  });

  test('a symlinked file is an error even when its target lies inside the repository; a dangling one too', () => {
    const cwd = writeRepo({ 'policies/a.json': basePolicy() });
    fs.symlinkSync('a.json', abs(cwd, 'policies/b.json'));
    fs.symlinkSync('/nonexistent/caac/x.json', abs(cwd, 'policies/dangling.json'));
    fs.symlinkSync('/etc/hostname', abs(cwd, 'policies/README'));
    const repo = loadRepository(ROOT, { cwd });
    expect(fileFindings(repo.findings)).toEqual([
      [shown('policies/README'), 'error', 1, 1],
      [shown('policies/b.json'), 'error', 1, 1],
      [shown('policies/dangling.json'), 'error', 1, 1],
    ]);
    expect(repo.documents.map((d) => d.file)).toEqual([shown('policies/a.json')]);
  });

  test('a symlinked caac.yml is a configuration error naming it (it would turn the break-glass guard off)', () => {
    const cwd = writeRepo({ 'policies/a.json': basePolicy() });
    const settings = path.join(tempDir(), 'caac.yml');
    fs.writeFileSync(settings, 'emergencyAccess:\n  groups: ["group:Break Glass"]\n');
    fs.symlinkSync(settings, abs(cwd, 'caac.yml'));
    const e = configurationError(() => loadRepository(ROOT, { cwd }));
    expect(e.message).toMatch(/^conditional-access\/caac\.yml is a symbolic link \(to ".*caac\.yml"\): caac does not follow links/);
    expect(e.location).toMatchObject({ file: shown('caac.yml') });
  });

  test('a root folder that is a symbolic link is a configuration error that names the real folder', () => {
    const cwd = writeRepo({ 'policies/a.json': basePolicy() });
    fs.symlinkSync(ROOT, path.join(cwd, 'linked'));
    const e = configurationError(() => loadRepository('linked', { cwd }));
    expect(e.message).toMatch(/^"linked" is a symbolic link \(to "conditional-access"\): caac does not follow links in the policy folder, the root included; pass --dir the folder itself \(".*conditional-access"\)$/);
  });

  test('a named pipe is an error, and reading the folder does not wait for a writer', () => {
    const cwd = writeRepo({ 'policies/a.json': basePolicy() });
    const fifo = abs(cwd, 'policies/pipe.json');
    execFileSync('mkfifo', [fifo]);
    const repo = loadRepository(ROOT, { cwd });
    expect(fileFindings(repo.findings)).toEqual([[shown('policies/pipe.json'), 'error', 1, 1]]);
    expect(byRule(repo.findings, 'file')[0]!.message).toMatch(/not a regular file or folder/);
    expect(repo.documents).toHaveLength(1);
  });

  test(`a file over ${MAX_FILE_BYTES} bytes is an error before it is parsed; one of exactly that size is read`, () => {
    const at = (size: number, fill: string) => '{"displayName": "big", "conditions": {}, "description": "' + fill.repeat(size - 60) + '"}';
    const exact = at(MAX_FILE_BYTES, 'x');
    const padded = exact + ' '.repeat(MAX_FILE_BYTES - exact.length);
    expect(Buffer.byteLength(padded)).toBe(MAX_FILE_BYTES);
    // Not even JSON: a parser would say so; the size check comes first.
    const repo = load({ 'policies/exact.json': padded, 'policies/over.json': 'x'.repeat(MAX_FILE_BYTES + 1) });
    expect(fileFindings(repo.findings)).toEqual([[shown('policies/over.json'), 'error', 1, 1]]);
    expect(byRule(repo.findings, 'file')[0]!.message).toMatch(/is 1,048,577 bytes: caac reads files up to 1 MiB/);
    expect(byRule(repo.findings, 'parse')).toEqual([]);
    expect(repo.documents.map((d) => d.file)).toEqual([shown('policies/exact.json')]);
    expect(repo.files).toBe(2);
  });

  test('a caac.yml over the size limit is a configuration error', () => {
    const cwd = writeRepo({ 'caac.yml': '#'.repeat(MAX_FILE_BYTES + 1) });
    expect(configurationError(() => loadRepository(ROOT, { cwd })).message).toMatch(/^conditional-access\/caac\.yml is 1,048,577 bytes/);
  });

  test(`more than ${MAX_DOCUMENT_FILES} document files is a configuration error`, () => {
    const files: Record<string, string> = {};
    for (let i = 0; i <= MAX_DOCUMENT_FILES; i++) files[`policies/p${i}.json`] = '{}';
    const cwd = writeRepo(files);
    expect(configurationError(() => loadRepository(ROOT, { cwd })).message).toMatch(/^more than 1,000 policy files under "conditional-access"/);
  });

  test(`more than ${MAX_ENTRIES} files and folders (a --dir of /) stops with a configuration error`, () => {
    const cwd = writeRepo({});
    const notes = abs(cwd, 'notes');
    fs.mkdirSync(notes);
    for (let i = 0; i < MAX_ENTRIES; i++) fs.writeFileSync(path.join(notes, `n${i}.txt`), '');
    expect(configurationError(() => loadRepository(ROOT, { cwd })).message).toMatch(/^more than 10,000 files and folders under "conditional-access"/);
  });
});
