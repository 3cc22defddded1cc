/** IPv4 and IPv6 addresses and CIDR ranges as numbers, for named-location matching in What If. */

function v4(a: string): bigint | undefined {
  const parts = a.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => (n << 8n) | BigInt(Number(p)), 0n);
}

function v6(a: string): bigint | undefined {
  const halves = a.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** The address as [bits, value]; undefined when it is not an address. */
export function parseAddress(a: string): [number, bigint] | undefined {
  const four = v4(a);
  if (four !== undefined) return [32, four];
  const six = v6(a);
  return six === undefined ? undefined : [128, six];
}

/** Whether `address` lies in `cidr` (same family). */
export function inRange(address: string, cidr: string): boolean {
  const [base, maskText] = cidr.split('/');
  const a = parseAddress(address);
  const b = parseAddress(base ?? '');
  if (a === undefined || b === undefined || a[0] !== b[0]) return false;
  const bits = a[0];
  const mask = maskText === undefined ? bits : Number(maskText);
  if (!Number.isInteger(mask) || mask < 0 || mask > bits) return false;
  const shift = BigInt(bits - mask);
  return a[1] >> shift === b[1] >> shift;
}
