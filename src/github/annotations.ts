/**
 * Findings as workflow annotations on the file and line. GitHub shows at most 10 annotations of
 * each type per step, so we emit the first 10 of each and leave the rest to the job summary.
 * Annotations are workflow commands: src/github/log.ts neutralises their text and @actions/core
 * escapes message and properties by the toolkit's rules, so a file path or message cannot end one.
 */
import { escapeLogValue } from '../model/log-text.js';
import * as runnerLog from './log.js';
import type { Finding } from '../model/findings.js';

export const ANNOTATIONS_PER_TYPE = 10;

export interface AnnotationCounts {
  shown: { errors: number; warnings: number };
  hidden: { errors: number; warnings: number };
}

export function annotateFindings(findings: readonly Finding[]): AnnotationCounts {
  const counts: AnnotationCounts = { shown: { errors: 0, warnings: 0 }, hidden: { errors: 0, warnings: 0 } };
  for (const f of findings) {
    const kind = f.severity === 'error' ? 'errors' : 'warnings';
    if (counts.shown[kind] >= ANNOTATIONS_PER_TYPE) {
      counts.hidden[kind]++;
      continue;
    }
    counts.shown[kind]++;
    const properties = { file: f.file, startLine: f.line, startColumn: f.column, title: `caac ${f.rule}` };
    // A finding is one line: a newline from a file is shown escaped, not as a second annotation line.
    const message = escapeLogValue(f.message);
    if (f.severity === 'error') runnerLog.error(message, properties);
    else runnerLog.warning(message, properties);
  }
  return counts;
}
