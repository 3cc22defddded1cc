/**
 * `rollout`: a policy listed under caac.yml's rollout.policies that no file describes is an error
 * at its line in caac.yml (a typo there would otherwise leave the real policy unnarrowed).
 */
import { displayNameOf, type SourceDocument } from '../model/documents.js';
import type { Finding } from '../model/findings.js';
import type { Settings, SettingsSource } from '../model/settings.js';
import { escapePointer } from './rings.js';

export const ROLLOUT_RULE = 'rollout';

/** None while a file could not be read (the policy may be in it: that error is the one to fix first). */
export function rolloutFindings(settings: Settings, documents: readonly SourceDocument[], source: SettingsSource | undefined, loadFindings: readonly Finding[] = []): Finding[] {
  const listed = Object.keys(settings.rollout?.policies ?? {});
  if (listed.length === 0 || source === undefined || loadFindings.some((f) => f.severity === 'error')) return [];
  const names = new Set(documents.filter((d) => d.kind === 'policy').map((d) => displayNameOf(d)?.trim().toLowerCase()));
  return listed
    .filter((name) => !names.has(name.trim().toLowerCase()))
    .map((name) => {
      const path = `/rollout/policies/${escapePointer(name)}`;
      const at = source.locate(path);
      return {
        rule: ROLLOUT_RULE,
        severity: 'error' as const,
        file: source.file,
        line: at.line,
        column: at.column,
        path,
        message: `rollout.policies lists "${name}", but no policy file has this displayName: fix the name, or remove the entry`,
      };
    });
}
