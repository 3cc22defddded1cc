import type { ValidationReport } from '../model/findings.js';
import { escapeLogValue } from '../model/log-text.js';

/** `file:line:col severity rule message`, one finding a line (paths and messages escaped: they come from files), then a summary line. */
export function renderFindingsText(report: ValidationReport): string {
  const lines = report.findings.map((f) => `${escapeLogValue(f.file)}:${f.line}:${f.column} ${f.fixed ? 'fixed' : f.severity} ${f.rule} ${escapeLogValue(f.message)}`);
  const s = report.summary;
  lines.push(
    `${s.files} file${s.files === 1 ? '' : 's'}, ${s.documents} document${s.documents === 1 ? '' : 's'}: ${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}${s.fixed !== undefined ? `, ${s.fixed} fixed` : ''}`,
  );
  return lines.join('\n') + '\n';
}
