/**
 * A repository validated whole, narrowed to some of its documents: `restore --only` plans one
 * object of a backup, but its references (a `location:Name`, an `authStrength:Name`) are checked
 * against every document of the backup, as the rules see them all. Findings in the other
 * documents' files do not stop the selected one; findings that belong to no document (caac.yml,
 * the folder) still count.
 */
import { countBySeverity } from '../model/findings.js';
import type { PreparedDocument } from '../model/rule.js';
import type { ValidationResult } from './validate-repository.js';

export function selectDocuments(validation: ValidationResult, keep: (document: PreparedDocument) => boolean): ValidationResult {
  const prepared = validation.prepared.filter(keep);
  const kept = new Set(prepared.map((d) => d.file));
  const left = new Set(validation.prepared.filter((d) => !kept.has(d.file)).map((d) => d.file));
  const findings = validation.findings.filter((f) => !left.has(f.file));
  const { errors, warnings } = countBySeverity(findings);
  return { findings, prepared, summary: { ...validation.summary, documents: prepared.length, errors, warnings } };
}
