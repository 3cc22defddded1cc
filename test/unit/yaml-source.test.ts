/**
 * YAML documents with positions, and YAML mistakes reported as SourceSyntaxError at their line.
 */
import { SourceSyntaxError } from '../../src/repo/json-source.js';
import { parseYamlSource } from '../../src/repo/yaml-source.js';
import { byRule, dump, load, removeTempDirs, shown } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

function failure(text: string): SourceSyntaxError {
  try {
    parseYamlSource(text);
  } catch (e) {
    if (e instanceof SourceSyntaxError) return e;
    throw new Error(`expected a SourceSyntaxError, got ${String(e)}`, { cause: e });
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

const POLICY = [
  '# Require MFA for everyone', //           1
  'displayName: CA100 Require MFA', //       2
  'state: enabledForReportingButNotEnforced', // 3
  'conditions:', //                          4
  '  clientAppTypes: [all]', //              5
  '  users:', //                             6
  '    includeUsers:', //                    7
  '      - All', //                          8
  '      - "None"', //                       9
  '    excludeGroups: ["group:Break Glass"]', // 10
  '  applications:', //                      11
  '    includeApplications: [All]', //       12
  'grantControls:', //                       13
  '  operator: OR', //                       14
  '  builtInControls:', //                   15
  '  - mfa', //                              16
  '', //
].join('\n');

describe('parseYamlSource', () => {
  test('values follow YAML 1.2 core: no date or yes/no conversion', () => {
    const { value } = parseYamlSource('a: 2024-01-01\nb: yes\nc: off\nd: 1.5\ne: null\nf: ~\ng: "010"\nh: 010\n');
    expect(value).toEqual({ a: '2024-01-01', b: 'yes', c: 'off', d: 1.5, e: null, f: null, g: '010', h: 10 });
  });

  test('a policy in YAML reads as the same value as its JSON', () => {
    expect(parseYamlSource(POLICY).value).toEqual({
      displayName: 'CA100 Require MFA',
      state: 'enabledForReportingButNotEnforced',
      conditions: {
        clientAppTypes: ['all'],
        users: { includeUsers: ['All', 'None'], excludeGroups: ['group:Break Glass'] },
        applications: { includeApplications: ['All'] },
      },
      grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    });
  });

  test('positions of keys and of sequence items (block and flow), 1-based', () => {
    const { positions } = parseYamlSource(POLICY);
    expect(positions.get('')).toEqual({ line: 2, column: 1 });
    expect(positions.get('/displayName')).toEqual({ line: 2, column: 1 });
    expect(positions.get('/conditions/clientAppTypes')).toEqual({ line: 5, column: 3 });
    expect(positions.get('/conditions/clientAppTypes/0')).toEqual({ line: 5, column: 20 });
    expect(positions.get('/conditions/users/includeUsers')).toEqual({ line: 7, column: 5 });
    expect(positions.get('/conditions/users/includeUsers/0')).toEqual({ line: 8, column: 9 });
    expect(positions.get('/conditions/users/includeUsers/1')).toEqual({ line: 9, column: 9 });
    expect(positions.get('/conditions/users/excludeGroups/0')).toEqual({ line: 10, column: 21 });
    expect(positions.get('/grantControls/builtInControls/0')).toEqual({ line: 16, column: 5 });
  });

  test('CRLF line endings', () => {
    const { positions } = parseYamlSource(POLICY.replace(/\n/g, '\r\n'));
    expect(positions.get('/conditions/users/includeUsers/1')).toEqual({ line: 9, column: 9 });
    expect(positions.get('/grantControls/operator')).toEqual({ line: 14, column: 3 });
  });

  test('JSON is YAML: a JSON document parses with positions', () => {
    const { value, positions } = parseYamlSource('{\n  "a": [\n    1,\n    2\n  ]\n}\n');
    expect(value).toEqual({ a: [1, 2] });
    expect(positions.get('/a')).toEqual({ line: 2, column: 3 });
    expect(positions.get('/a/1')).toEqual({ line: 4, column: 5 });
  });

  test('duplicate key: at the second key, with the sentence that says what to do', () => {
    const e = failure('displayName: a\nconditions:\n  users: {}\n  users: {}\n');
    expect(e.message).toMatch(/unique|duplicate/i);
    expect(e.message).toMatch(/silently lost; merge them/);
    expect(e.position).toEqual({ line: 4, column: 3 });
  });

  test('a tab used as indentation', () => {
    const e = failure('conditions:\n\tusers: {}\n');
    expect(e.message).toMatch(/spaces only|tab/i);
    expect(e.position.line).toBe(2);
  });

  test('more than one document: at the second', () => {
    const e = failure('displayName: a\n---\ndisplayName: b\n');
    expect(e.message).toMatch(/more than one YAML document/);
    expect(e.position.line).toBe(2);
  });

  test('a leading "---" alone is one document', () => {
    expect(parseYamlSource('---\ndisplayName: a\n').value).toEqual({ displayName: 'a' });
  });

  test('empty input, only whitespace, only comments', () => {
    for (const text of ['', '   \n', '# nothing here\n']) {
      const e = failure(text);
      expect(e.message).toMatch(/empty/);
      expect(e.position).toEqual({ line: 1, column: 1 });
    }
  });

  test('aliases: a plain alias reads as its value', () => {
    expect(parseYamlSource('a: &x [1]\nb: *x\n').value).toEqual({ a: [1], b: [1] });
  });

  test('an unresolved alias is a syntax error at the alias, not a ReferenceError', () => {
    const e = failure('displayName: a\nconditions:\n  users: *nowhere\n');
    expect(e.message).toMatch(/alias/i);
    expect(e.position).toEqual({ line: 3, column: 10 });
  });

  test('an alias inside its own anchor (an infinite document) is a syntax error', () => {
    const e = failure('displayName: a\nlist: &x [1, *x]\n');
    expect(e.message).toMatch(/infinite/);
    expect(e.position).toEqual({ line: 2, column: 14 });
  });

  test('an alias bomb is a syntax error, not a hang', () => {
    const bomb = ['a: &a [1, 2]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]', ''].join('\n');
    const e = failure(bomb);
    expect(e.message).toMatch(/alias/i);
    expect(e.position.line).toBe(2);
  });

  test('a syntax error (unclosed flow sequence) is at its line', () => {
    const e = failure('displayName: a\nconditions:\n  clientAppTypes: [all\nstate: enabled\n');
    expect(e.position.line).toBeGreaterThanOrEqual(3);
    expect(e.message).not.toMatch(/\n/);
  });

  test('bad indentation', () => {
    const e = failure('conditions:\n  users:\n    includeUsers: [All]\n   excludeUsers: []\n');
    expect(e.position.line).toBe(4);
  });

  test('no input, however broken, throws anything but a SourceSyntaxError', () => {
    const inputs = ['a: [', 'a: {', '"a', "'a", 'a: b: c', '- a\nb: c', '&x a: *y', '*y', 'a: &x [*x]', 'a: &x {b: *x}', '? [a]\n: b\n? [a]\n: c', 'a:\n\t- b', '@a', '`a', '---\n'];
    let failures = 0;
    for (const input of inputs) {
      try {
        parseYamlSource(input);
      } catch (e) {
        expect(e).toBeInstanceOf(SourceSyntaxError);
        failures++;
      }
    }
    expect(failures).toBeGreaterThanOrEqual(12);
  });
});

describe('the loader reads YAML files', () => {
  test.each(['policies/a.yaml', 'policies/a.yml', 'policies/A.YML'])('%s', (file) => {
    const repo = load({ [file]: POLICY });
    expect(repo.findings).toEqual([]);
    expect(repo.documents).toHaveLength(1);
    const doc = repo.documents[0]!;
    expect(doc.kind).toBe('policy');
    expect(doc.file).toBe(shown(file));
    expect(doc.locate('/conditions/users/includeUsers/1')).toEqual({ line: 9, column: 9 });
    // A pointer with no position of its own falls back to its nearest ancestor.
    expect(doc.locate('/conditions/users/includeUsers/7')).toEqual({ line: 7, column: 5 });
  });

  test('YAML mistakes become one parse error each, with file and line, and say YAML', () => {
    const repo = load({
      'policies/dup.yaml': 'displayName: a\ndisplayName: b\n',
      'policies/two.yml': 'displayName: a\n---\ndisplayName: b\n',
      'policies/empty.yaml': '',
      'policies/comments.yaml': '# only a comment\n',
      'policies/tab.yaml': 'conditions:\n\tusers: {}\n',
    });
    const parse = byRule(repo.findings, 'parse');
    expect(parse.map((f) => [f.file, f.line, f.severity])).toEqual([
      [shown('policies/comments.yaml'), 1, 'error'],
      [shown('policies/dup.yaml'), 2, 'error'],
      [shown('policies/empty.yaml'), 1, 'error'],
      [shown('policies/tab.yaml'), 2, 'error'],
      [shown('policies/two.yml'), 2, 'error'],
    ]);
    expect(parse.every((f) => /YAML/.test(f.message))).toBe(true);
    expect(repo.findings).toHaveLength(5);
    expect(repo.documents).toEqual([]);
    expect(repo.files).toBe(5);
    expect(dump(parse)).toMatch(/empty/);
  });

  test('a YAML scalar or null document is a layout error, not a crash', () => {
    const repo = load({ 'policies/scalar.yaml': 'just a string\n', 'policies/null.yaml': '~\n', 'policies/marker.yaml': '---\n' });
    expect(repo.findings.map((f) => [f.rule, f.severity, f.file])).toEqual([
      ['layout', 'error', shown('policies/marker.yaml')],
      ['layout', 'error', shown('policies/null.yaml')],
      ['layout', 'error', shown('policies/scalar.yaml')],
    ]);
  });

  test('a YAML file with a circular alias is a parse error, and the other files still load', () => {
    const repo = load({ 'policies/loop.yaml': 'displayName: a\nconditions: &c\n  users: *c\n', 'policies/ok.yaml': POLICY });
    expect(repo.findings.map((f) => [f.rule, f.file, f.line])).toEqual([['parse', shown('policies/loop.yaml'), 3]]);
    expect(repo.documents).toHaveLength(1);
  });
});

describe('nesting and aliases that expand: a syntax error, never a stack overflow or a hang', () => {
  test('64 levels of flow and block collections parse; the 65th is an error at its place', () => {
    expect(() => parseYamlSource('['.repeat(64) + ']'.repeat(64))).not.toThrow();
    const e = failure('['.repeat(65) + ']'.repeat(65));
    expect(e.message).toMatch(/nested more than 64 deep/);
    expect(e.position).toEqual({ line: 1, column: 65 });
    const block = (depth: number) => Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n';
    expect(() => parseYamlSource(block(64))).not.toThrow();
    expect(failure(block(65)).position.line).toBe(65);
  });

  test.each([
    ['flow sequences', '['.repeat(200_000)],
    ['flow mappings', 'a: ' + '{a: '.repeat(50_000) + '1' + '}'.repeat(50_000)],
    ['compact block sequences', '- '.repeat(100_000) + 'x\n'],
    ['block mappings 3,000 deep', Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n'],
  ])('%s', (_name, text) => {
    const e = failure(text);
    expect(e.message).toMatch(/nested more than 64 deep/);
  });

  test('aliases that nest a document deeper than 64 levels', () => {
    // Each anchor is 60 deep in the text; the second holds the first at its bottom: 121 expanded.
    const deep = (inner: string) => '['.repeat(60) + inner + ']'.repeat(60);
    const e = failure(`a: &a ${deep('x')}\nb: ${deep('*a')}\n`);
    expect(e.message).toMatch(/with its aliases expanded, the document is nested more than 64 deep/);
  });

  test('aliases that multiply a document beyond 100,000 values', () => {
    const list = `big: &big [${Array.from({ length: 2000 }, () => '0').join(', ')}]`;
    const uses = `copies: [${Array.from({ length: 60 }, () => '*big').join(', ')}]`;
    const e = failure(`${list}\n${uses}\n`);
    expect(e.message).toMatch(/the document holds more than 100,000 values \(an alias counts each time it is used\)/);
    expect(e.position.line).toBe(2);
  });

  test('a mapping of 40,000 keys is read in one pass (the yaml package\'s own duplicate check is quadratic); 1 and "1" are one key', () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `k${i}: ${i}`).join('\n');
    expect(Object.keys(parseYamlSource(keys + '\n').value as object)).toHaveLength(40_000);
    const e = failure(`${keys}\nk7: again\n`);
    expect(e.message).toMatch(/^Map keys must be unique: "k7" appears twice \(first at line 8\): a reader keeps only one of them/);
    expect(e.position).toEqual({ line: 40_001, column: 1 });
    const numeric = failure('a:\n  1: x\n  "1": y\n');
    expect(numeric.message).toMatch(/"1" appears twice \(first at line 2\)/);
    expect(numeric.position).toEqual({ line: 3, column: 3 });
  });

  test('an alias used a few times is fine', () => {
    const { value } = parseYamlSource('a: &x [1, 2]\nb: *x\nc: [*x, *x]\n');
    expect(value).toEqual({ a: [1, 2], b: [1, 2], c: [[1, 2], [1, 2]] });
  });

  test('the loader: a parse finding for the deep file, the others load', () => {
    const repo = load({ 'policies/deep.yaml': '- '.repeat(10_000) + 'x\n', 'policies/deep.json': '['.repeat(5000) + ']'.repeat(5000), 'policies/ok.yaml': POLICY });
    expect(repo.findings.map((f) => [f.rule, f.severity, f.file])).toEqual([
      ['parse', 'error', shown('policies/deep.json')],
      ['parse', 'error', shown('policies/deep.yaml')],
    ]);
    expect(repo.documents).toHaveLength(1);
  });
});
