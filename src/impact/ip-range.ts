/** IPv4 and IPv6 addresses and CIDR ranges, as numbers, for "is this IP in that named location". */

export interface ParsedAddress {
  family: 4 | 6;
  value: bigint;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  for (const group of text.split(':')) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    groups.push(parseInt(group, 16));
  }
  return groups;
}

function parseIpv6(text: string): bigint | undefined {
  let body = text;
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.')) {
    // An embedded IPv4 tail (::ffff:192.0.2.1) is two 16-bit groups.
    const v4 = parseIpv4(body.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    body = `${body.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '');
  const rest = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!head || !rest) return undefined;
  const explicit = head.length + rest.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  const groups = [...head, ...Array<number>(8 - explicit).fill(0), ...rest];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** An IPv4 or IPv6 address, or undefined when it is neither. */
export function parseAddress(text: string): ParsedAddress | undefined {
  const trimmed = text.trim();
  if (trimmed.includes(':')) {
    const value = parseIpv6(trimmed);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(trimmed);
  return value === undefined ? undefined : { family: 4, value };
}

/** Whether `address` lies in `cidr` (same family only); a malformed range contains nothing. */
export function cidrContains(cidr: string, address: ParsedAddress): boolean {
  const slash = cidr.indexOf('/');
  if (slash < 0) return false;
  const network = parseAddress(cidr.slice(0, slash));
  const prefixText = cidr.slice(slash + 1);
  if (!network || network.family !== address.family || !/^\d{1,3}$/.test(prefixText)) return false;
  const bits = address.family === 4 ? 32n : 128n;
  const prefix = BigInt(Number(prefixText));
  if (prefix > bits) return false;
  const shift = bits - prefix;
  return network.value >> shift === address.value >> shift;
}
