import type { ValidationReport } from '../model/findings.js';

/** `file:line:col severity rule message`, one finding a line, then a summary line. */
export function renderFindingsText(report: ValidationReport): string {
  const lines = report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule} ${f.message}`);
  const s = report.summary;
  lines.push(
    `${s.files} file${s.files === 1 ? '' : 's'}, ${s.documents} document${s.documents === 1 ? '' : 's'}: ${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}`,
  );
  return lines.join('\n') + '\n';
}
