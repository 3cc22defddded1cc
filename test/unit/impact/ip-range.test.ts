import { cidrContains, parseAddress } from '../../../src/impact/ip-range.js';

const inRange = (cidr: string, ip: string): boolean => {
  const address = parseAddress(ip);
  if (!address) throw new Error(`bad address ${ip}`);
  return cidrContains(cidr, address);
};

describe('IP ranges of named locations', () => {
  test('IPv4: prefix boundaries', () => {
    expect(inRange('203.0.113.0/24', '203.0.113.255')).toBe(true);
    expect(inRange('203.0.113.0/24', '203.0.114.0')).toBe(false);
    expect(inRange('10.0.0.0/8', '10.255.1.2')).toBe(true);
    expect(inRange('198.51.100.7/32', '198.51.100.7')).toBe(true);
    expect(inRange('0.0.0.0/0', '8.8.8.8')).toBe(true);
  });

  test('IPv6: compressed forms, embedded IPv4, and the families never mix', () => {
    expect(inRange('2001:db8:1000::/48', '2001:0db8:1000:ffff::1')).toBe(true);
    expect(inRange('2001:db8:1000::/48', '2001:db8:1001::1')).toBe(false);
    expect(inRange('::ffff:0:0/96', '::ffff:192.0.2.1')).toBe(true);
    expect(inRange('2001:db8::/32', '2001:db8::')).toBe(true);
    expect(inRange('0.0.0.0/0', '2001:db8::1')).toBe(false);
    expect(inRange('::/0', '192.0.2.1')).toBe(false);
  });

  test('malformed addresses and ranges are refused, never half-read', () => {
    for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '2001:db8:::1', '2001:db8::1::2', 'g::1', '1:2:3:4:5:6:7:8:9', 'localhost']) expect(parseAddress(bad)).toBeUndefined();
    const ip = parseAddress('192.0.2.1')!;
    expect(cidrContains('192.0.2.0', ip)).toBe(false);
    expect(cidrContains('192.0.2.0/33', ip)).toBe(false);
    expect(cidrContains('192.0.2.0/x', ip)).toBe(false);
  });
});
