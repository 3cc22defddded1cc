/**
 * decodeText: the encodings real exports come in, and the loader reading each of them from disk.
 */
import { decodeText } from '../../src/repo/decode.js';
import { byRule, dump, load, removeTempDirs, shown } from '../fixtures/repo-helpers.js';

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

  test('empty input and single bytes do not throw', () => {
    expect(decodeText(new Uint8Array())).toEqual({ text: '', encoding: 'utf-8' });
    expect(decodeText(Buffer.from([0xff])).encoding).toBe('utf-8');
    expect(decodeText(Buffer.from([0xff, 0xfe])).text).toBe('');
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
