/**
 * File names for backed-up documents: slugged from displayName, deterministic, and safe on every
 * checkout (Linux, macOS, Windows): lowercase ASCII letters, digits and single dashes only, so no
 * path separator, no `..`, no character Windows refuses, no trailing dot or space, no name that
 * differs from another only by case, and never a Windows device name (CON, NUL, COM1 …).
 */

/** The longest slug, before a collision suffix. */
export const MAX_SLUG_LENGTH = 80;

/** Windows device names: reserved whatever the extension (`con.json` cannot be created). */
const WINDOWS_RESERVED = new Set([
  'con', 'prn', 'aux', 'nul',
  'com0', 'com1', 'com2', 'com3', 'com4', 'com5', 'com6', 'com7', 'com8', 'com9',
  'lpt0', 'lpt1', 'lpt2', 'lpt3', 'lpt4', 'lpt5', 'lpt6', 'lpt7', 'lpt8', 'lpt9',
  'conin$', 'conout$',
]);

/** Letters NFKD does not decompose, spelled the way people transliterate them. */
const TRANSLITERATE: Readonly<Record<string, string>> = {
  ß: 'ss', ẞ: 'ss', æ: 'ae', Æ: 'ae', œ: 'oe', Œ: 'oe', ø: 'o', Ø: 'o', đ: 'd', Đ: 'd', ð: 'd', Ð: 'd',
  ł: 'l', Ł: 'l', þ: 'th', Þ: 'th', ı: 'i', ħ: 'h', Ħ: 'h', ŧ: 't', Ŧ: 't', ŋ: 'ng', Ŋ: 'ng',
};

export function isWindowsReservedName(name: string): boolean {
  return WINDOWS_RESERVED.has(name.toLowerCase());
}

function trimDashes(s: string): string {
  return s.replace(/^-+/, '').replace(/-+$/, '');
}

/**
 * The slug of a name: unicode folded (NFKD, combining marks stripped, a few letters
 * transliterated), lowercased, every run of other characters one `-`, dashes trimmed, at most
 * MAX_SLUG_LENGTH characters, and a Windows device name suffixed `-1`. Empty when nothing usable
 * is left (a name of emoji or of a script without a Latin form): the caller falls back to the id.
 */
export function slugify(name: string, maxLength = MAX_SLUG_LENGTH): string {
  const folded = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^ -~]/gu, (c) => TRANSLITERATE[c] ?? '-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-');
  let slug = trimDashes(trimDashes(folded).slice(0, maxLength));
  if (isWindowsReservedName(slug)) slug = `${slug}-1`;
  return slug;
}

export interface Nameable {
  /** Object id: orders colliding names, and is the fallback name. */
  id: string;
  displayName: string;
}

/**
 * One file stem (name without `.json`) per object, all distinct even without regard to case.
 * Objects whose names slug alike are ordered by id: the first keeps the slug, the next get `-2`,
 * `-3`, … (skipping any stem another object already holds). A name with no usable characters
 * becomes its id's slug. The result depends only on the (id, displayName) pairs, not their order.
 */
export function assignFileStems(objects: readonly Nameable[]): Map<string, string> {
  const natural = objects.map((o) => ({ o, slug: slugify(o.displayName) || slugify(o.id) || 'unnamed' }));
  const groups = new Map<string, Nameable[]>();
  for (const { o, slug } of natural) groups.set(slug, [...(groups.get(slug) ?? []), o]);
  const taken = new Set(groups.keys());
  const result = new Map<string, string>();
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  for (const slug of [...groups.keys()].sort(compare)) {
    const members = groups.get(slug)!.sort((a, b) => compare(a.id.toLowerCase(), b.id.toLowerCase()) || compare(a.displayName, b.displayName));
    members.forEach((o, i) => {
      if (i === 0) return result.set(o.id, slug);
      let n = i + 1;
      let stem = withSuffix(slug, n);
      while (taken.has(stem)) stem = withSuffix(slug, ++n);
      taken.add(stem);
      result.set(o.id, stem);
    });
  }
  return result;
}

/** `slug-n`, cut so that it stays within MAX_SLUG_LENGTH. */
export function withSuffix(slug: string, n: number): string {
  const suffix = `-${n}`;
  return `${trimDashes(slug.slice(0, MAX_SLUG_LENGTH - suffix.length))}${suffix}`;
}
