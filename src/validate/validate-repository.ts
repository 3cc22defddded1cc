/**
 * validate: documents in, findings out. Pure: the loader did the reading, and the faces do the
 * printing.
 */
import type { SourceDocument } from '../model/documents.js';
import { countBySeverity, sortFindings, type Finding, type ValidationReport } from '../model/findings.js';
import type { Settings } from '../model/settings.js';
import { noEmergencyAccessFinding, type RepositoryPlace } from './emergency-access-declared.js';
import { environmentFindings } from './environments.js';
import { prepareDocument } from './prepare.js';
import { exceptionFindings } from '../exceptions/exception-findings.js';
import { rolloutFindings } from '../rollout/rollout-findings.js';
import type { PreparedDocument } from '../model/rule.js';
import { RULES } from './rules/index.js';
import { describeSchemaErrors } from './schema-errors.js';
import { DOCUMENT_SCHEMAS, checkDocumentSchema } from './schemas.js';

export interface ValidationInput {
  documents: readonly SourceDocument[];
  /** Findings the loader already made (parse, layout). */
  loadFindings: readonly Finding[];
  files: number;
  settings: Settings;
  /**
   * The repository's root and settings file: given, validate warns (`no-emergency-access`) when
   * caac.yml names no emergency-access account and does not waive the check.
   */
  place?: RepositoryPlace;
  /** What day it is for caac.yml's exceptions (default: now; tests and plan give theirs). */
  now?: Date;
}

export interface ValidationResult extends ValidationReport {
  prepared: PreparedDocument[];
}

export function validateRepository(input: ValidationInput): ValidationResult {
  const findings: Finding[] = [...input.loadFindings];
  const unguarded = input.place ? noEmergencyAccessFinding(input.settings, input.place) : undefined;
  if (unguarded) findings.push(unguarded);
  findings.push(...rolloutFindings(input.settings, input.documents, input.place?.settings, input.loadFindings));
  const prepared: PreparedDocument[] = [];
  for (const document of input.documents) {
    const schema = DOCUMENT_SCHEMAS[document.kind];
    const { value, notes } = prepareDocument(document.value, schema);
    const at = (rule: string, severity: Finding['severity'], path: string, message: string): Finding => {
      const p = document.locate(path);
      return { rule, severity, file: document.file, line: p.line, column: p.column, path, message };
    };
    for (const note of notes) findings.push(at(note.rule, 'warning', note.path, note.message));
    const problems = describeSchemaErrors(checkDocumentSchema(document.kind, value), schema);
    for (const problem of problems) findings.push(at('schema', 'error', problem.path, problem.message));
    prepared.push({ file: document.file, kind: document.kind, value, locate: document.locate, schemaValid: problems.length === 0 });
  }
  findings.push(...exceptionFindings(input.settings, prepared, input.place?.settings, input.now ?? new Date()));
  for (const rule of RULES) {
    for (const hit of rule.check({ documents: prepared, settings: input.settings })) {
      const p = hit.document.locate(hit.path);
      findings.push({
        rule: rule.id,
        severity: hit.severity ?? rule.severity,
        file: hit.document.file,
        line: p.line,
        column: p.column,
        path: hit.path,
        message: hit.message,
      });
    }
  }
  findings.push(...environmentFindings(input.settings, input.place?.settings, prepared));
  sortFindings(findings);
  const { errors, warnings } = countBySeverity(findings);
  return { findings, summary: { files: input.files, documents: input.documents.length, errors, warnings }, prepared };
}
