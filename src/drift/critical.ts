/** `drift.critical` in caac.yml: displayNames or globs (`*`, `?`), compared without regard to case. */
import { globMatcher } from '../model/glob.js';

/** A predicate: is this displayName one of the key objects? */
export function criticalMatcher(globs: readonly string[] | undefined): (displayName: string) => boolean {
  const matchers = (globs ?? []).map(globMatcher);
  return (displayName) => matchers.some((m) => m(displayName));
}
