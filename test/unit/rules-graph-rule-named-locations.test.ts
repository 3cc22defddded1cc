/**
 * graph-rule on named locations: the limits Graph enforces when a location is written (masks of
 * /8 or wider, more than 2,000 ranges, more than 195 locations, an empty country list), each at
 * its file and line, with the fix; and what Graph accepts passes.
 */
import { byRule, dump, lineOf, pretty, removeTempDirs, shown, validate } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

const FILE = 'named-locations/office.json';

function ipLocation(ranges: string[], name = 'Office'): object {
  return {
    '@odata.type': '#microsoft.graph.ipNamedLocation',
    displayName: name,
    isTrusted: false,
    ipRanges: ranges.map((cidrAddress) => ({ '@odata.type': cidrAddress.includes(':') ? '#microsoft.graph.iPv6CidrRange' : '#microsoft.graph.iPv4CidrRange', cidrAddress })),
  };
}

function check(doc: object, file = FILE) {
  const text = pretty(doc);
  const result = validate({ [file]: text });
  return { text, hits: byRule(result.findings, 'graph-rule'), all: result.findings };
}

describe('CIDR masks', () => {
  test.each(['0.0.0.0/0', '10.0.0.0/8', '64.0.0.0/2', '2000::/3', '2001::/8'])('%s (mask /8 or wider) is an error at its line, with the fix', (cidr) => {
    const { text, hits } = check(ipLocation(['203.0.113.0/24', cidr]));
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ severity: 'error', file: shown(FILE), path: '/ipRanges/1/cidrAddress', line: lineOf(text, `"${cidr}"`) });
    expect(hits[0]!.message).toMatch(/Graph accepts only CIDR masks greater than \/8 .*write the ranges you mean with masks of \/9 or longer, or use a country location$/);
  });

  test('a /8 says how many addresses it spans', () => {
    expect(check(ipLocation(['10.0.0.0/8'])).hits[0]!.message).toContain('a /8 spans 16,777,216 addresses');
  });

  test.each(['11.0.0.0/9', '203.0.113.7/32', '2001:db8::/32', '2001:db8::1/128'])('%s passes', (cidr) => {
    expect(dump(check(ipLocation([cidr])).hits)).toBe('');
  });

  test('not CIDR notation, or a mask out of range, is an error too', () => {
    const { hits } = check(ipLocation(['203.0.113.7', '203.0.113.0/33']));
    expect(hits.map((h) => [h.path, h.message.replace(/:.*/, '')])).toEqual([
      ['/ipRanges/0/cidrAddress', '"203.0.113.7" is not in CIDR notation (address/mask, for example 203.0.113.0/24 or 2001'],
      ['/ipRanges/1/cidrAddress', '"203.0.113.0/33"'],
    ]);
  });
});

describe('ranges per location', () => {
  const ranges = (n: number) => Array.from({ length: n }, (_, i) => `198.${18 + Math.floor(i / 256)}.${i % 256}.0/24`);

  test('2,000 ranges pass', () => {
    expect(dump(check(ipLocation(ranges(2000))).hits)).toBe('');
  });

  test('2,001 ranges: one error, at the 2,001st', () => {
    const { text, hits } = check(ipLocation(ranges(2001)));
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ severity: 'error', path: '/ipRanges/2000', line: lineOf(text, '"198.25.208.0/24"') - 2 });
    expect(hits[0]!.message).toMatch(/^2,001 IP ranges: Graph accepts at most 2,000 per named location; split them over several locations/);
  });
});

describe('country locations', () => {
  const country = (extra: object) => ({ '@odata.type': '#microsoft.graph.countryNamedLocation', displayName: 'Blocked countries', ...extra });

  test('an empty country list is an error with the fix (not a schema error)', () => {
    const { text, hits, all } = check(country({ countriesAndRegions: [] }));
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ severity: 'error', path: '/countriesAndRegions', line: lineOf(text, '"countriesAndRegions"') });
    expect(hits[0]!.message).toMatch(/countriesAndRegions is empty: .*list at least one ISO 3166-1 code .*or set includeUnknownCountriesAndRegions to true/);
    expect(dump(byRule(all, 'schema'))).toBe('');
  });

  test('empty with includeUnknownCountriesAndRegions true passes (unknown countries only)', () => {
    expect(dump(check(country({ countriesAndRegions: [], includeUnknownCountriesAndRegions: true })).hits)).toBe('');
  });

  test('empty with includeUnknownCountriesAndRegions false is still an error', () => {
    expect(check(country({ countriesAndRegions: [], includeUnknownCountriesAndRegions: false })).hits).toHaveLength(1);
  });

  test('a missing list stays a schema error (Graph requires the property)', () => {
    const { all } = check(country({}));
    expect(byRule(all, 'schema').map((f) => f.message)).toEqual(['the document is missing the required property "countriesAndRegions"']);
  });

  test('a listed country passes', () => {
    expect(dump(check(country({ countriesAndRegions: ['FR'] })).hits)).toBe('');
  });
});

describe('named locations in the repository', () => {
  const files = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`named-locations/loc-${String(i).padStart(3, '0')}.json`, ipLocation([`203.0.${i % 256}.0/24`], `Location ${i}`)]));

  test('195 pass', () => {
    const result = validate(files(195));
    expect(dump(byRule(result.findings, 'graph-rule'))).toBe('');
  });

  test('197: one error, on the 196th file (in path order), at its displayName, saying how many to remove', () => {
    const result = validate(files(197));
    const hits = byRule(result.findings, 'graph-rule');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ severity: 'error', file: shown('named-locations/loc-195.json'), path: '/displayName', line: 3 });
    expect(hits[0]!.message).toBe(
      'the repository defines 197 named locations: Graph allows at most 195 in a tenant (its unmanaged ones count too), and this one ("Location 195") is number 196; merge locations (a location holds up to 2,000 ranges) or delete 2',
    );
  });
});
