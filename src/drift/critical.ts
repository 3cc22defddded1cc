/** `drift.critical` in caac.yml: displayNames or globs (`*`, `?`), compared without regard to case. */

/** A glob as a whole-string, case-insensitive regular expression. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'is');
}

/** A predicate: is this displayName one of the key objects? */
export function criticalMatcher(globs: readonly string[] | undefined): (displayName: string) => boolean {
  const patterns = (globs ?? []).map(globToRegExp);
  return (displayName) => patterns.some((p) => p.test(displayName));
}
