import type { ValidationReport } from '../model/findings.js';

/** The JSON contract: `{findings: [...], summary: {...}}` (README, "The JSON contract"). */
export function renderFindingsJson(report: ValidationReport): string {
  const findings = report.findings.map(({ rule, severity, file, line, column, path, message, fixed }) => ({ rule, severity, file, line, column, path, message, ...(fixed ? { fixed } : {}) }));
  return JSON.stringify({ findings, summary: report.summary }, null, 2) + '\n';
}
