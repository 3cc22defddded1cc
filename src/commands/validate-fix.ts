/**
 * `caac validate --fix [--dry-run]`: repairs in place what can be repaired without changing what
 * a policy means (src/validate/repairs.ts), splits a Graph list export into one file per object,
 * then validates again and reports what remains. Every repair is a finding with `fixed: true` and
 * the rule that found it. A file that does not parse is left untouched; anything whose repair
 * could change who is covered is only reported.
 */
import { displayNameOf, isJsonObject, type JsonObject, type SourceDocument } from '../model/documents.js';
import { countBySeverity, sortFindings, type Finding } from '../model/findings.js';
import { toPointer } from '../model/json-pointer.js';
import type { Repair } from '../model/repair.js';
import type { PolicyStore } from '../ports/policy-store.js';
import type { FileChange, DocumentFiles } from '../ports/document-files.js';
import { assignFileStems } from '../backup/slug.js';
import { applyRepairsToValue, planRepairs } from '../validate/repairs.js';
import type { ValidationResult } from '../validate/validate-repository.js';
import { runValidate } from './validate.js';

export interface FixOptions {
  /** Compute the changes and show them; write nothing. */
  dryRun: boolean;
}

export interface FixRun {
  /** The repairs (`fixed: true`) and, unless a dry run, the findings that remain after them. */
  result: ValidationResult;
  /** Every file changed (or, in a dry run, that would be). */
  changes: FileChange[];
}

/** Severity a repaired finding had: the rule's own (an empty clientAppTypes is an error). */
const REPAIR_SEVERITY = (repair: Repair): Finding['severity'] =>
  repair.rule === 'layout' || (repair.rule === 'graph-rule' && repair.edit.op === 'replace') ? 'error' : 'warning';

export function runValidateFix(store: PolicyStore, files: DocumentFiles, options: FixOptions): FixRun {
  // Settings are checked first (a bad caac.yml stops the run before anything is written).
  const before = runValidate(store);
  const repo = store.load();
  const fixed: Finding[] = [];
  const refused: Finding[] = [];
  const changes: FileChange[] = [];
  for (const document of repo.documents) repairDocument(document, files, { fixed, refused, changes });
  for (const finding of repo.findings) {
    if (finding.rule === 'layout' && finding.path === '/value') splitExport(finding, files, { fixed, refused, changes });
  }
  if (!options.dryRun && changes.length) files.commit(changes);
  const after = options.dryRun || changes.length === 0 ? before : runValidate(store);
  // A dry run validates nothing new: it shows what --fix would write, and the repairs it would make.
  const remaining = options.dryRun ? [] : after.findings;
  const findings = sortFindings([...fixed, ...refused, ...remaining]);
  const { errors, warnings } = countBySeverity(findings);
  return {
    result: { findings, summary: { ...after.summary, errors, warnings, fixed: fixed.length }, prepared: after.prepared },
    changes,
  };
}

interface Collect {
  fixed: Finding[];
  refused: Finding[];
  changes: FileChange[];
}

function repairDocument(document: SourceDocument, files: DocumentFiles, out: Collect): void {
  const repairs = planRepairs(document.kind, document.value);
  if (repairs.length === 0) return;
  const outcome = files.repair(document.file, repairs);
  if ('problem' in outcome) {
    out.refused.push({ rule: 'fix', severity: 'warning', file: document.file, line: 1, column: 1, path: '', message: outcome.problem });
    return;
  }
  out.changes.push(outcome.change);
  for (const repair of repairs) {
    const path = toPointer(repair.segments);
    const p = document.locate(path);
    out.fixed.push({ rule: repair.rule, severity: REPAIR_SEVERITY(repair), file: document.file, line: p.line, column: p.column, path, message: repair.message, fixed: true });
  }
}

/**
 * A Graph list export (`{"value": [...]}`) becomes one file per entry beside it, named by the
 * backup's slug rule, each entry repaired as above; the export is removed. An entry that is not
 * a document of a known kind with a displayName stops the split (nothing is dropped).
 */
function splitExport(finding: Finding, files: DocumentFiles, out: Collect): void {
  const refuse = (message: string): void => void out.refused.push({ ...finding, rule: 'fix', severity: 'warning', message: `${finding.file} not split: ${message}` });
  const read = files.readListExport(finding.file);
  if ('problem' in read) return refuse(read.problem);
  const parts: { stem: string; value: JsonObject; repairs: Repair[] }[] = [];
  for (const [i, entry] of read.entries.entries()) {
    const value = entry.value;
    if (!isJsonObject(value) || !entry.kind || !displayNameOf({ value })) return refuse(`entry ${i} is not a policy, named location or authentication strength with a displayName; split it by hand`);
    const repairs = planRepairs(entry.kind, value);
    parts.push({ stem: '', value: applyRepairsToValue(value, repairs), repairs });
  }
  if (parts.length === 0) return refuse('the export holds no entries');
  // Keys unique even when two entries share an id; ordered by id, then by place in the export.
  const keyOf = (p: { value: JsonObject }, i: number): string => `${typeof p.value['id'] === 'string' ? p.value['id'] : ''}|${String(i).padStart(6, '0')}`;
  const stems = assignFileStems(parts.map((p, i) => ({ id: keyOf(p, i), displayName: displayNameOf(p)! })));
  parts.forEach((p, i) => (p.stem = stems.get(keyOf(p, i))!));
  const split = files.splitListExport(finding.file, parts);
  if ('problem' in split) return refuse(split.problem);
  out.changes.push(...split.changes);
  const created = split.changes.filter((c) => c.before === undefined);
  out.fixed.push({ ...finding, fixed: true, message: `Graph list export split into ${created.length} file${created.length === 1 ? '' : 's'} (${created.map((c) => c.file).join(', ')}), then removed` });
  parts.forEach((part, i) => {
    for (const repair of part.repairs) {
      out.fixed.push({ rule: repair.rule, severity: REPAIR_SEVERITY(repair), file: created[i]!.file, line: 1, column: 1, path: toPointer(repair.segments), message: repair.message, fixed: true });
    }
  });
}
