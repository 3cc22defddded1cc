/**
 * The JSON parser with positions: values, positions of keys and array items, and a message at the
 * right place for every kind of broken input.
 */
import { SourceSyntaxError, parseJsonSource } from '../../src/repo/json-source.js';

/** Parses text that must fail, and returns the error. */
function failure(text: string): SourceSyntaxError {
  try {
    parseJsonSource(text);
  } catch (e) {
    if (e instanceof SourceSyntaxError) return e;
    throw new Error(`expected a SourceSyntaxError, got ${String(e)}`, { cause: e });
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

describe('values', () => {
  test('a document parses to the same value as JSON.parse', () => {
    const text = JSON.stringify(
      {
        displayName: 'A "quoted" \\ name / with slash',
        nested: { list: [1, -2.5, 3e2, 0, -0.125e-2, true, false, null, '', [], {}] },
        unicode: 'Zürich ✓ 🔐',
      },
      null,
      2,
    );
    expect(parseJsonSource(text).value).toEqual(JSON.parse(text));
  });

  test('escapes: \\n \\t \\r \\b \\f \\/ \\\\ \\" and \\u, including a surrogate pair', () => {
    const { value } = parseJsonSource('{"s": "a\\nb\\tc\\rd\\be\\ff\\/g\\\\h\\"i\\u00e9\\u20AC\\ud83d\\udd10"}');
    expect(value).toEqual({ s: 'a\nb\tc\rd\be\ff/g\\h"ié€🔐' });
  });

  test('numbers: integers, negatives, fractions, exponents', () => {
    expect(parseJsonSource('[0, -0, 7, -12, 1.5, 1e3, 2E-2, -3.25e+1, 123456789012]').value).toEqual([0, -0, 7, -12, 1.5, 1000, 0.02, -32.5, 123456789012]);
  });

  test('a scalar, an array and an empty object are documents too', () => {
    expect(parseJsonSource(' "x" ').value).toBe('x');
    expect(parseJsonSource('[1]').value).toEqual([1]);
    expect(parseJsonSource('{}').value).toEqual({});
  });

  test('a BOM left in the text is whitespace', () => {
    expect(parseJsonSource('\ufeff{"a": 1}').value).toEqual({ a: 1 });
  });

  test('keys with "/" and "~" get escaped JSON pointers', () => {
    const { value, positions } = parseJsonSource('{\n  "a/b": {\n    "c~d": 1\n  }\n}');
    expect(value).toEqual({ 'a/b': { 'c~d': 1 } });
    expect(positions.get('/a~1b')).toEqual({ line: 2, column: 3 });
    expect(positions.get('/a~1b/c~0d')).toEqual({ line: 3, column: 5 });
  });
});

describe('positions (1-based)', () => {
  const text = [
    '{', //                                   1
    '  "displayName": "x",', //               2
    '  "conditions": {', //                   3
    '    "users": {', //                      4
    '      "includeUsers": [', //             5
    '        "All",', //                      6
    '          "None"', //                    7
    '      ],', //                            8
    '      "excludeGroups": [ "g1", "g2" ]', // 9
    '    }', //                               10
    '  }', //                                 11
    '}', //                                   12
  ].join('\n');

  test('the root, keys (at their opening quote) and array items (at the value)', () => {
    const { positions } = parseJsonSource(text);
    expect(positions.get('')).toEqual({ line: 1, column: 1 });
    expect(positions.get('/displayName')).toEqual({ line: 2, column: 3 });
    expect(positions.get('/conditions')).toEqual({ line: 3, column: 3 });
    expect(positions.get('/conditions/users')).toEqual({ line: 4, column: 5 });
    expect(positions.get('/conditions/users/includeUsers')).toEqual({ line: 5, column: 7 });
    expect(positions.get('/conditions/users/includeUsers/0')).toEqual({ line: 6, column: 9 });
    expect(positions.get('/conditions/users/includeUsers/1')).toEqual({ line: 7, column: 11 });
    expect(positions.get('/conditions/users/excludeGroups/0')).toEqual({ line: 9, column: 26 });
    expect(positions.get('/conditions/users/excludeGroups/1')).toEqual({ line: 9, column: 32 });
  });

  test('CRLF line endings count as one line break', () => {
    const { positions } = parseJsonSource(text.replace(/\n/g, '\r\n'));
    expect(positions.get('/conditions/users/includeUsers/1')).toEqual({ line: 7, column: 11 });
    expect(positions.get('/conditions/users/excludeGroups/1')).toEqual({ line: 9, column: 32 });
  });

  test('old Mac CR line endings also count', () => {
    const { positions } = parseJsonSource(text.replace(/\n/g, '\r'));
    expect(positions.get('/conditions/users/includeUsers/1')).toEqual({ line: 7, column: 11 });
  });

  test('a document that starts after blank lines', () => {
    const { positions } = parseJsonSource('\n\n  {"a": [true]}');
    expect(positions.get('')).toEqual({ line: 3, column: 3 });
    expect(positions.get('/a')).toEqual({ line: 3, column: 4 });
    expect(positions.get('/a/0')).toEqual({ line: 3, column: 10 });
  });
});

describe('broken inputs: a message that says what to change, at the right place', () => {
  test('trailing comma in an object: at the comma', () => {
    const e = failure('{\n  "a": 1,\n  "b": 2,\n}\n');
    expect(e.message).toMatch(/trailing comma/);
    expect(e.message).toMatch(/"\}"/);
    expect(e.position).toEqual({ line: 3, column: 9 });
  });

  test('trailing comma in an array: at the comma', () => {
    const e = failure('{\r\n  "a": [\r\n    "x",\r\n    "y",\r\n  ]\r\n}');
    expect(e.message).toMatch(/trailing comma/);
    expect(e.message).toMatch(/"\]"/);
    expect(e.position).toEqual({ line: 4, column: 8 });
  });

  test('trailing comma followed by a comment-free blank line still points at the comma', () => {
    const e = failure('[1,\n\n\n]');
    expect(e.position).toEqual({ line: 1, column: 3 });
  });

  test('duplicate key: at the second key, naming the line of the first', () => {
    const e = failure('{\n  "conditions": {\n    "users": {},\n    "applications": {},\n    "users": {}\n  }\n}');
    expect(e.message).toMatch(/duplicate property "users"/);
    expect(e.message).toMatch(/first at line 3/);
    expect(e.position).toEqual({ line: 5, column: 5 });
  });

  test('the same key in two different objects is not a duplicate', () => {
    expect(() => parseJsonSource('{"a": {"x": 1}, "b": {"x": 2}}')).not.toThrow();
  });

  test('// and /* */ comments are refused with a pointer to YAML', () => {
    const line = failure('{\n  // a comment\n  "a": 1\n}');
    expect(line.message).toMatch(/comments are not allowed/);
    expect(line.message).toMatch(/YAML/);
    expect(line.position).toEqual({ line: 2, column: 3 });
    const block = failure('{"a": 1 /* why */}');
    expect(block.message).toMatch(/comments are not allowed/);
    expect(block.position).toEqual({ line: 1, column: 9 });
  });

  test('single-quoted string value', () => {
    const e = failure("{\n  \"state\": 'enabled'\n}");
    expect(e.message).toMatch(/double quotes/);
    expect(e.position).toEqual({ line: 2, column: 12 });
  });

  test('single-quoted or unquoted property name', () => {
    const single = failure("{'state': \"enabled\"}");
    expect(single.message).toMatch(/property name in double quotes/);
    expect(single.position).toEqual({ line: 1, column: 2 });
    const bare = failure('{\n  state: "enabled"\n}');
    expect(bare.message).toMatch(/property name in double quotes, found "state"/);
    expect(bare.position).toEqual({ line: 2, column: 3 });
  });

  test('unterminated string at the end of the file: at the opening quote', () => {
    const e = failure('{\n  "displayName": "abc');
    expect(e.message).toMatch(/closing " is missing/);
    expect(e.position).toEqual({ line: 2, column: 18 });
  });

  test('a string that runs past its line: at the opening quote', () => {
    const e = failure('{\n  "displayName": "abc,\n  "state": "enabled"\n}');
    expect(e.message).toMatch(/runs past the end of its line/);
    expect(e.position).toEqual({ line: 2, column: 18 });
  });

  test('unterminated object: names where it was opened', () => {
    const e = failure('{\n  "a": {\n    "b": 1\n');
    expect(e.message).toMatch(/not closed with "\}"/);
    expect(e.message).toMatch(/line 2, column 8/);
    expect(e.position.line).toBe(4);
  });

  test('unterminated array: names where it was opened', () => {
    const e = failure('{"a": [1, 2');
    expect(e.message).toMatch(/array opened at line 1, column 7 is not closed with "\]"/);
  });

  test('a property without a value at the end of the file', () => {
    const e = failure('{"a":');
    expect(e.message).toMatch(/unexpected end of file/);
  });

  test('an empty file or one with only whitespace', () => {
    expect(failure('').message).toMatch(/empty/);
    expect(failure(' \r\n\t\n').message).toMatch(/empty/);
    expect(failure('').position).toEqual({ line: 1, column: 1 });
  });

  test('garbage after the document: at the garbage', () => {
    const e = failure('{"a": 1}\n\n}');
    expect(e.message).toMatch(/after the end of the JSON document/);
    expect(e.position).toEqual({ line: 3, column: 1 });
    const two = failure('{"a": 1}\n{"b": 2}');
    expect(two.message).toMatch(/one document/);
    expect(two.position).toEqual({ line: 2, column: 1 });
  });

  test('missing comma between two properties: at the second one', () => {
    const e = failure('{\n  "a": 1\n  "b": 2\n}');
    expect(e.message).toMatch(/missing comma/);
    expect(e.position).toEqual({ line: 3, column: 3 });
  });

  test('missing comma between array items', () => {
    const e = failure('["a" "b"]');
    expect(e.message).toMatch(/expected "," or "\]"/);
    expect(e.position).toEqual({ line: 1, column: 6 });
  });

  test('missing colon', () => {
    const e = failure('{"a" 1}');
    expect(e.message).toMatch(/expected ":" after the property name "a"/);
    expect(e.position).toEqual({ line: 1, column: 6 });
  });

  test('invalid escapes: a Windows path, a short \\u', () => {
    const path = failure('{"p": "C:\\temp\\x"}');
    expect(path.message).toMatch(/invalid escape "\\x"/);
    expect(path.position).toEqual({ line: 1, column: 15 });
    const u = failure('{"p": "\\u12G4"}');
    expect(u.message).toMatch(/\\u escape/);
    expect(u.position).toEqual({ line: 1, column: 8 });
  });

  test('a raw control character (tab) inside a string', () => {
    const e = failure('{"p": "a\tb"}');
    expect(e.message).toMatch(/control character/);
    expect(e.position).toEqual({ line: 1, column: 9 });
  });

  test('misspelled literals', () => {
    expect(failure('{"a": tru}').message).toMatch(/did you mean true/);
    expect(failure('{"a": nul}').message).toMatch(/did you mean null/);
    expect(failure('{"a": True}').message).toMatch(/unexpected "True"/);
  });

  test('bad numbers', () => {
    expect(failure('[-]').message).toMatch(/invalid number/);
    expect(failure('[.5]').message).toMatch(/unexpected "\.5"/);
    expect(failure('[01]').position).toEqual({ line: 1, column: 3 });
    expect(failure('[NaN]').message).toMatch(/unexpected "NaN"/);
  });

  test('no input, however broken, throws anything but a SourceSyntaxError', () => {
    const inputs = ['{', '[', '"', '{"', '{"a"', '{"a":', '{"a":1', '{"a":1,', '[1,', '\\', '}', ']', ',', ':', '{]', '[}', '"\\u', '"\\', 'tr', '-', '1e', '{"a":1}}', '\u0000', '/', '/*'];
    for (const input of inputs) expect(failure(input)).toBeInstanceOf(SourceSyntaxError);
  });
});

describe('nesting and hostile keys', () => {
  const nested = (depth: number, open = '[', close = ']') => open.repeat(depth) + close.repeat(depth);

  test('64 levels of objects and arrays parse', () => {
    expect(() => parseJsonSource(nested(64))).not.toThrow();
    const objects = '{"a":'.repeat(63) + '[]' + '}'.repeat(63);
    expect(() => parseJsonSource(objects)).not.toThrow();
  });

  test('the 65th level is a syntax error at its bracket', () => {
    const e = failure(nested(65));
    expect(e.position).toEqual({ line: 1, column: 65 });
    expect(e.message).toMatch(/nested more than 64 deep/);
    const objects = failure('{"a":'.repeat(65) + '1' + '}'.repeat(65));
    expect(objects.position).toEqual({ line: 1, column: 5 * 64 + 1 });
  });

  test('5,000 and 500,000 levels are the same syntax error, never a stack overflow', () => {
    for (const depth of [5000, 500_000]) {
      const e = failure(nested(depth));
      expect(e).toBeInstanceOf(SourceSyntaxError);
      expect(e.message).toMatch(/nested more than 64 deep/);
    }
    // Unclosed, and mixed with objects.
    expect(failure('[{"a":'.repeat(100_000)).message).toMatch(/nested more than 64 deep/);
  });

  test('a "__proto__" key stays an own property of the object (the schema then refuses it), never its prototype', () => {
    const { value } = parseJsonSource('{"__proto__": {"state": "disabled"}, "displayName": "x"}');
    const object = value as Record<string, unknown>;
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(Object.keys(object)).toEqual(['__proto__', 'displayName']);
    expect(object['state']).toBeUndefined();
  });
});
