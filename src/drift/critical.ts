/** `drift.critical` in caac.yml: displayNames or globs (`*`, `?`), compared without regard to case. */
import { globPattern } from '../model/environments.js';

/** A predicate: is this displayName one of the key objects? */
export function criticalMatcher(globs: readonly string[] | undefined): (displayName: string) => boolean {
  const patterns = (globs ?? []).map(globPattern);
  return (displayName) => patterns.some((p) => p.test(displayName.trim()));
}
