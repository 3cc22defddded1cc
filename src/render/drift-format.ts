/** What the drift renderers share: values shown short, who in one phrase, and the way back. */
import type { JsonValue } from '../model/documents.js';
import type { DriftActor, DriftItem, DriftReport } from '../drift/report.js';
import { clip } from './plan-markdown.js';

const KIND_WORDS: Record<DriftItem['kind'], string> = { policy: 'policy', namedLocation: 'named location', authenticationStrength: 'authentication strength' };
export const kindWord = (kind: DriftItem['kind']): string => KIND_WORDS[kind];

/** A value in one line, cut to `max` characters; absent is "(absent)". */
export function shortValue(value: JsonValue | undefined, max = 160): string {
  if (value === undefined) return '(absent)';
  return clip(JSON.stringify(value), max);
}

/** `mallory@contoso.com`, `app "Graph Explorer"`, or both. */
export function whoPhrase(a: Pick<DriftActor, 'actor' | 'app'>): string {
  if (a.actor !== null && a.app !== null) return `${a.actor} (through ${a.app})`;
  return a.actor ?? (a.app !== null ? `app ${a.app}` : 'an unnamed caller');
}

/** The one-line summary: `3 drifted objects (1 changed, 1 added, 1 removed), 1 critical`. */
export function summaryLine(report: DriftReport): string {
  const s = report.summary;
  const total = s.changed + s.added + s.removed;
  if (total === 0) return 'no drift: the tenant matches the repository';
  return `${total} drifted object${total === 1 ? '' : 's'} (${s.changed} changed, ${s.added} added, ${s.removed} removed)${s.critical ? `, ${s.critical} critical` : ''}`;
}

/** The commands that bring the tenant back to the repository, or the repository to the tenant. */
export function wayBack(report: DriftReport): { revert: string[]; keep: string[] } {
  const dir = JSON.stringify(report.folder);
  const revert = [`caac plan --dir ${dir} --out drift-plan.json`, `caac apply --plan drift-plan.json --dir ${dir}`];
  const added = report.drift.filter((i) => i.change === 'added');
  if (added.length > 0) revert.push(`(objects added in the tenant are deleted only with --prune: caac plan --dir ${dir} --prune --out drift-plan.json, then caac apply --plan drift-plan.json --dir ${dir} --allow-delete)`);
  const keep = [`caac backup --out ${dir}   (updates the files in place; commit the drifted objects' files and open a pull request)`];
  return { revert, keep };
}
