/** A validation finding: the JSON contract of `caac validate --format json` (see README). */
export type Severity = 'error' | 'warning';

export interface Finding {
  /** Rule id, part of the public contract (`parse`, `schema`, `lockout-risk`, …). */
  rule: string;
  severity: Severity;
  /** File path relative to the working directory, with forward slashes. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** JSON pointer into the document ("" for the whole document). */
  path: string;
  message: string;
  /** Set by `caac validate --fix` on a finding it repaired in the file (not counted as an error or warning). */
  fixed?: true;
}

export interface FindingsSummary {
  files: number;
  documents: number;
  errors: number;
  warnings: number;
  /** Findings `--fix` repaired (present only then). */
  fixed?: number;
}

export interface ValidationReport {
  findings: Finding[];
  summary: FindingsSummary;
}

export function countBySeverity(findings: readonly Finding[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const f of findings) {
    if (f.fixed) continue;
    if (f.severity === 'error') errors++;
    else warnings++;
  }
  return { errors, warnings };
}

/** Stable order for reports: by file, then line, column, rule. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message),
  );
}
