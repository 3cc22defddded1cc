/**
 * decodeText: the encodings real exports come in, and the loader reading each of them from disk.
 */
import { isUtf8 } from 'node:buffer';
import { TextDecodingError, decodeText, firstInvalidUtf8 } from '../../src/repo/decode.js';
import { loadRepository } from '../../src/repo/load-repository.js';
import { byRule, configurationError, dump, load, removeTempDirs, ROOT, shown, writeRepo } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

const TEXT = '{\r\n  "displayName": "Zürich – €uro ✓ 🔐",\r\n  "state": "disabled"\r\n}\r\n';

function utf16le(text: string, bom = true): Uint8Array {
  const body = Buffer.from(text, 'utf16le');
  return bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body;
}

function utf16be(text: string): Uint8Array {
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1]!;
    be[i + 1] = le[i]!;
  }
  return Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
}

function utf8bom(text: string): Uint8Array {
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

describe('decodeText', () => {
  test('plain UTF-8', () => {
    expect(decodeText(Buffer.from(TEXT, 'utf8'))).toEqual({ text: TEXT, encoding: 'utf-8' });
  });

  test('UTF-8 with a BOM: the BOM is dropped', () => {
    const decoded = decodeText(utf8bom(TEXT));
    expect(decoded.encoding).toBe('utf-8-bom');
    expect(decoded.text).toBe(TEXT);
    expect(decoded.text.charCodeAt(0)).toBe(0x7b);
  });

  test('UTF-16 LE with a BOM (Windows PowerShell Out-File), including a surrogate pair', () => {
    const decoded = decodeText(utf16le(TEXT));
    expect(decoded).toEqual({ text: TEXT, encoding: 'utf-16le' });
  });

  test('UTF-16 BE with a BOM', () => {
    expect(decodeText(utf16be(TEXT))).toEqual({ text: TEXT, encoding: 'utf-16be' });
  });

  test('UTF-16 LE without a BOM is recognised from its zero bytes', () => {
    expect(decodeText(utf16le(TEXT, false))).toEqual({ text: TEXT, encoding: 'utf-16le' });
  });

  test('a Uint8Array view into a larger buffer decodes only its own bytes', () => {
    const big = Buffer.from(`xxxx${TEXT}yyyy`, 'utf8');
    const view = new Uint8Array(big.buffer, big.byteOffset + 4, Buffer.byteLength(TEXT));
    expect(decodeText(view).text).toBe(TEXT);
  });

  test('empty input and a bare BOM decode to empty text; a lone 0xFF is not UTF-8', () => {
    expect(decodeText(new Uint8Array())).toEqual({ text: '', encoding: 'utf-8' });
    expect(decodeText(Buffer.from([0xff, 0xfe])).text).toBe('');
    expect(decodingError(Buffer.from([0xff])).byteOffset).toBe(0);
  });
});

function decodingError(bytes: Uint8Array): TextDecodingError {
  try {
    decodeText(bytes);
  } catch (e) {
    if (e instanceof TextDecodingError) return e;
    throw new Error(`expected a TextDecodingError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected a TextDecodingError, the bytes decoded');
}

describe('bytes that are not text are refused at their offset, never turned into U+FFFD', () => {
  const prefix = Buffer.from('{\n  "displayName": "l', 'utf8');
  test.each([
    ['a Latin-1 é', [0xe9, 0x67]],
    ['a lone continuation byte', [0x80]],
    ['an overlong "/" (C0 AF)', [0xc0, 0xaf]],
    ['an overlong 3-byte form (E0 80 AF)', [0xe0, 0x80, 0xaf]],
    ['a UTF-16 surrogate written as UTF-8 (ED A0 80)', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
    ['a 2-byte sequence cut short', [0xc3, 0x22]],
    ['0xFE, never valid', [0xfe]],
  ])('%s', (_name, bad) => {
    const bytes = Buffer.concat([prefix, Buffer.from(bad), Buffer.from('egacy"\n}\n')]);
    const e = decodingError(bytes);
    expect(e.byteOffset).toBe(prefix.length);
    expect(e.position).toEqual({ line: 2, column: 20 });
    expect(e.message).toContain(`byte offset ${prefix.length} (line 2, column 20)`);
    expect(e.message).toMatch(/^not valid UTF-8: byte 0x[0-9A-F]{2} /);
  });

  test('a sequence cut short by the end of the file', () => {
    expect(decodingError(Buffer.from([0x41, 0xe2, 0x82])).byteOffset).toBe(1);
  });

  test('after a UTF-8 BOM, the offset counts the BOM', () => {
    const e = decodingError(Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0xff, 0x7d]));
    expect(e.byteOffset).toBe(4);
    expect(e.position).toEqual({ line: 1, column: 2 });
  });

  test('UTF-16: a lone surrogate and an odd number of bytes', () => {
    const lone = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":"', 'utf16le'), Buffer.from([0x00, 0xd8]), Buffer.from('"}', 'utf16le')]);
    const e = decodingError(lone);
    expect(e.message).toMatch(/not valid UTF-16 LE: a lone surrogate \(0xD800\) at byte offset 14/);
    expect(e.byteOffset).toBe(14);
    const odd = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from([0x00, 0x7b, 0x00])]);
    expect(decodingError(odd).message).toMatch(/not valid UTF-16 BE: the file ends in the middle of a character/);
  });

  test('firstInvalidUtf8 agrees with Node\'s own UTF-8 check on many random byte strings', () => {
    // A deterministic generator: the same strings on every run.
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    const interesting = [0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x9f, 0xa0, 0x8f, 0x90];
    for (let n = 0; n < 20000; n++) {
      const bytes = Buffer.from(Array.from({ length: 1 + (next() % 6) }, () => interesting[next() % interesting.length]!));
      const at = firstInvalidUtf8(bytes);
      expect([bytes.toString('hex'), at === -1]).toEqual([bytes.toString('hex'), isUtf8(bytes)]);
      if (at >= 0) expect(isUtf8(bytes.subarray(0, at))).toBe(true);
    }
  });

  test('the loader: a parse error with the file and the offset; the other files still load', () => {
    const broken = Buffer.concat([Buffer.from('{"displayName": "l', 'utf8'), Buffer.from([0xe9]), Buffer.from('gacy", "state": "disabled"}', 'utf8')]);
    const repo = load({ 'policies/legacy.json': broken, 'policies/ok.json': '{"displayName": "ok", "conditions": {}}' });
    expect(repo.documents.map((d) => d.file)).toEqual([shown('policies/ok.json')]);
    expect(repo.files).toBe(2);
    expect(repo.findings).toEqual([
      expect.objectContaining({ rule: 'parse', severity: 'error', file: shown('policies/legacy.json'), line: 1, column: 19, message: expect.stringContaining('byte offset 18') }),
    ]);
  });

  test('an extensionless file that is not text and does not start like JSON is left alone; one that does is a parse error', () => {
    const repo = load({ 'policies/LICENSE': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff]), 'policies/export': Buffer.from([0x7b, 0xff, 0x7d]) });
    expect(repo.findings.map((f) => [f.file, f.rule])).toEqual([[shown('policies/export'), 'parse']]);
  });

  test('a caac.yml that is not UTF-8 is a configuration error at its line', () => {
    const cwd = writeRepo({ 'caac.yml': Buffer.concat([Buffer.from('naming:\n  pattern: "^CA', 'utf8'), Buffer.from([0xa7]), Buffer.from('"\n')]) });
    const e = configurationError(() => loadRepository(ROOT, { cwd }));
    expect(e.message).toMatch(/^conditional-access\/caac\.yml:2:16: not valid UTF-8: byte 0xA7 at byte offset 23/);
    expect(e.location).toMatchObject({ line: 2, column: 16 });
  });
});

describe('the loader reads every encoding', () => {
  const policy = (name: string) =>
    `{\r\n  "displayName": "${name}",\r\n  "state": "disabled",\r\n  "conditions": {\r\n    "users": { "includeUsers": ["None"] },\r\n    "applications": { "includeApplications": ["All"] }\r\n  },\r\n  "grantControls": { "operator": "OR", "builtInControls": ["mfa"] }\r\n}\r\n`;

  test.each([
    ['utf8.json', (t: string) => Buffer.from(t, 'utf8')],
    ['utf8-bom.json', utf8bom],
    ['utf16le-bom.json', (t: string) => utf16le(t)],
    ['utf16be-bom.json', utf16be],
    ['utf16le-nobom.json', (t: string) => utf16le(t, false)],
  ])('%s', (file, encode) => {
    const name = `Zürich ✓ ${file}`;
    const repo = load({ [`policies/${file}`]: encode(policy(name)) });
    expect(repo.findings).toEqual([]);
    expect(repo.files).toBe(1);
    expect(repo.documents).toHaveLength(1);
    const doc = repo.documents[0]!;
    expect(doc.file).toBe(shown(`policies/${file}`));
    expect(doc.kind).toBe('policy');
    expect(doc.value['displayName']).toBe(name);
    // Positions count characters of the decoded text, not bytes, and CRLF is one line break.
    expect(doc.locate('/state')).toEqual({ line: 3, column: 3 });
    expect(doc.locate('/conditions/users/includeUsers')).toEqual({ line: 5, column: 16 });
  });

  test('a UTF-16 LE file with a syntax error reports the line of the text, not of the bytes', () => {
    const text = '{\r\n  "displayName": "x",\r\n  "state": "disabled",\r\n}\r\n';
    const repo = load({ 'policies/broken.json': utf16le(text) });
    const parse = byRule(repo.findings, 'parse');
    expect(parse).toHaveLength(1);
    expect(parse[0]).toMatchObject({ severity: 'error', line: 3, column: 22 });
    expect(dump(parse)).toMatch(/trailing comma/);
  });

  test('an extensionless UTF-16 LE JSON export is detected as JSON', () => {
    const repo = load({ 'policies/exported-policy': utf16le(policy('No extension')) });
    expect(repo.findings).toEqual([]);
    expect(repo.documents.map((d) => d.value['displayName'])).toEqual(['No extension']);
  });
});
