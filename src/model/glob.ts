/**
 * caac.yml's displayName globs (environments' policies, exceptions' policy, drift.critical):
 * `*` any run of characters, `?` one, everything else literal; over the whole trimmed name, any
 * case. Matched without a regular expression, by the greedy two-pointer walk (at most
 * name × pattern steps), so no pattern in caac.yml can make validate, plan or drift hang.
 */
export function globMatcher(pattern: string): (displayName: string | undefined) => boolean {
  const glob = Array.from(pattern.trim().toLowerCase());
  return (displayName) => displayName !== undefined && walk(glob, Array.from(displayName.trim().toLowerCase()));
}

/** Whether `displayName` matches the glob `pattern` (see globMatcher). */
export function globMatches(pattern: string, displayName: string | undefined): boolean {
  return globMatcher(pattern)(displayName);
}

function walk(glob: readonly string[], name: readonly string[]): boolean {
  let g = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (g < glob.length && (glob[g] === '?' || (glob[g] !== '*' && glob[g] === name[n]))) {
      g++;
      n++;
    } else if (g < glob.length && glob[g] === '*') {
      star = g++;
      resume = n;
    } else if (star >= 0) {
      g = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}
