import { MAX_SLUG_LENGTH, assignFileStems, isWindowsReservedName, slugify } from '../../src/backup/slug.js';

const SAFE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

describe('slugify', () => {
  test.each([
    ['CA001 - Block legacy authentication', 'ca001-block-legacy-authentication'],
    ['Zugriff für Gäste – Übersicht', 'zugriff-fur-gaste-ubersicht'],
    ['Ünïcödé ÀÉÎÕÜ ß æ ø Œ Ł đ þ', 'unicode-aeiou-ss-ae-o-oe-l-d-th'],
    ['ﬁle ① ｆｕｌｌｗｉｄｔｈ', 'file-1-fullwidth'],
    ['Block/legacy\\auth', 'block-legacy-auth'],
    ['../../etc/passwd', 'etc-passwd'],
    ['..', ''],
    ['...hidden.', 'hidden'],
    ['v1.2. policy.', 'v1-2-policy'],
    ['C:\\Windows\\System32', 'c-windows-system32'],
    ['🔒🔒🔒', ''],
    ['🔒 Lock down 🔒', 'lock-down'],
    ['名前だけ', ''],
    ['Trailing spaces   ', 'trailing-spaces'],
    ['   Leading spaces', 'leading-spaces'],
    ['Tab\tand newline\nin name', 'tab-and-newline-in-name'],
    ['Quote "double" \'single\' <angle> |pipe| ?star* :colon', 'quote-double-single-angle-pipe-star-colon'],
    ['a -- b __ c', 'a-b-c'],
    ['\u0000\u001f nul bytes \u007f', 'nul-bytes'],
  ])('%j → %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  test.each([
    ['CON', 'con-1'],
    ['con', 'con-1'],
    ['Prn', 'prn-1'],
    ['AUX', 'aux-1'],
    ['nul', 'nul-1'],
    ['COM1', 'com1-1'],
    ['com9', 'com9-1'],
    ['LPT1', 'lpt1-1'],
    ['lpt9', 'lpt9-1'],
    ['CON.', 'con-1'],
    [' nul ', 'nul-1'],
    ['COM¹', 'com1-1'],
  ])('Windows device name %j → %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  test('names that only contain a device name are not device names', () => {
    expect(slugify('nul.txt')).toBe('nul-txt');
    expect(slugify('console')).toBe('console');
    expect(slugify('com10')).toBe('com10');
    expect(isWindowsReservedName('nul-txt')).toBe(false);
  });

  test('long names are cut at the limit, without a trailing dash', () => {
    const slug = slugify('x'.repeat(300));
    expect(slug).toBe('x'.repeat(MAX_SLUG_LENGTH));
    const cut = slugify(`${'a'.repeat(MAX_SLUG_LENGTH - 1)} b`);
    expect(cut).toBe('a'.repeat(MAX_SLUG_LENGTH - 1));
    expect(cut).toMatch(SAFE);
  });

  test('every slug is safe: lower-case ASCII letters, digits and single inner dashes', () => {
    const names = ['', ' ', '.', '-', '/', '\\', '..\\..', 'A'.repeat(1000), '\u202eevil\u202c', 'İstanbul', 'ǅemal', 'Ꭰ', '\ud83d', 'x\u0301\u0301'];
    for (const name of names) {
      const slug = slugify(name);
      if (slug !== '') expect(slug).toMatch(SAFE);
      expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH + 2);
    }
  });
});

describe('assignFileStems', () => {
  const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  test('names that slug alike are ordered by id and suffixed -2, -3', () => {
    const stems = assignFileStems([
      { id: id(3), displayName: 'CA_001_BLOCK' },
      { id: id(1), displayName: 'ca 001 block' },
      { id: id(2), displayName: 'CA-001 Block' },
    ]);
    expect(stems.get(id(1))).toBe('ca-001-block');
    expect(stems.get(id(2))).toBe('ca-001-block-2');
    expect(stems.get(id(3))).toBe('ca-001-block-3');
  });

  test('names that differ only by case get distinct (lower-case) stems', () => {
    const stems = assignFileStems([
      { id: id(2), displayName: 'Block Legacy' },
      { id: id(1), displayName: 'block legacy' },
    ]);
    expect([stems.get(id(1)), stems.get(id(2))]).toEqual(['block-legacy', 'block-legacy-2']);
  });

  test('a suffix never takes a stem another object holds naturally', () => {
    const stems = assignFileStems([
      { id: id(1), displayName: 'Policy' },
      { id: id(2), displayName: 'policy' },
      { id: id(3), displayName: 'Policy 2' },
    ]);
    expect(stems.get(id(3))).toBe('policy-2');
    expect(stems.get(id(1))).toBe('policy');
    expect(stems.get(id(2))).toBe('policy-3');
  });

  test('a name without usable characters falls back to the id; empty everything falls back to "unnamed"', () => {
    const stems = assignFileStems([
      { id: 'ABCDEF01-0000-4000-8000-000000000001', displayName: '🔒🔒' },
      { id: id(7), displayName: '' },
      { id: '🙂', displayName: '名前' },
    ]);
    expect(stems.get('ABCDEF01-0000-4000-8000-000000000001')).toBe('abcdef01-0000-4000-8000-000000000001');
    expect(stems.get(id(7))).toBe(id(7));
    expect(stems.get('🙂')).toBe('unnamed');
  });

  test('the result does not depend on the order objects come in', () => {
    const objects = [
      { id: id(5), displayName: 'A' },
      { id: id(4), displayName: 'a' },
      { id: id(3), displayName: 'A 2' },
      { id: id(2), displayName: 'CON' },
      { id: id(1), displayName: 'con 1' },
    ];
    const forward = assignFileStems(objects);
    const backward = assignFileStems([...objects].reverse());
    expect([...backward.entries()].sort()).toEqual([...forward.entries()].sort());
    expect(new Set(forward.values()).size).toBe(objects.length);
    expect(forward.get(id(1))).toBe('con-1');
    expect(forward.get(id(2))).toBe('con-1-2');
  });

  test('long colliding names keep within the limit with their suffix', () => {
    const long = 'y'.repeat(200);
    const stems = assignFileStems([
      { id: id(1), displayName: long },
      { id: id(2), displayName: long.toUpperCase() },
    ]);
    expect(stems.get(id(2))).toBe(`${'y'.repeat(MAX_SLUG_LENGTH - 2)}-2`);
  });
});
