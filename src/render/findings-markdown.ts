import type { ValidationReport } from '../model/findings.js';
import { escapeMarkdown } from './markdown-escape.js';

/** The job summary of a validate run: a count line, then every finding in a table. */
export function renderFindingsMarkdown(report: ValidationReport, title: string): string {
  const s = report.summary;
  const out: string[] = [];
  const status = s.errors > 0 ? '❌' : s.warnings > 0 ? '⚠️' : '✅';
  out.push(`## ${status} ${escapeMarkdown(title)}`, '');
  out.push(`${s.files} files, ${s.documents} documents: **${s.errors} errors**, **${s.warnings} warnings**`, '');
  if (report.findings.length === 0) {
    out.push('No findings.');
    return out.join('\n') + '\n';
  }
  out.push('| | file | line | rule | message |', '|---|---|---|---|---|');
  for (const f of report.findings) {
    out.push(`| ${f.fixed ? '🔧' : f.severity === 'error' ? '❌' : '⚠️'} | ${escapeMarkdown(f.file)} | ${f.line}:${f.column} | \`${f.rule}\` | ${escapeMarkdown(f.message)} |`);
  }
  return out.join('\n') + '\n';
}
