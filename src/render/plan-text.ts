/**
 * The plan as plain text for a CI log or a terminal: header, summary line, warnings, then each
 * changed object with its field changes (`path: before → after`, names beside ids), footer.
 */
import type { JsonValue } from '../model/documents.js';
import type { Plan, PlanOperation } from '../model/plan.js';
import { ACTION_SIGNS, WARNING_TITLES, changedOperations, compactJson, deleteStepLines, displayedChanges, guardNote, kindLabel, noChangesLine, labelValue, orderedWarnings, plural, renderPlanSummaryLine, requestParts, shortId } from './plan-format.js';
import { contingencyTextLines } from './plan-contingency.js';
import { impactTextLines, type ImpactRenderOptions } from './plan-impact.js';
import { exceptionNotes } from './exception-notes.js';
import { rolloutTextLines } from './plan-rollout.js';
import { escapeLogValue } from '../model/log-text.js';

function quoted(name: string): string {
  return `"${escapeLogValue(name)}"`;
}

function value(plan: Plan, v: JsonValue | undefined): string {
  return escapeLogValue(v === undefined ? '(absent)' : compactJson(labelValue(plan, v)));
}

function operationLines(plan: Plan, op: PlanOperation): string[] {
  const id = op.id ? ` (${escapeLogValue(shortId(op.id))}…)` : '';
  const lines = [`${ACTION_SIGNS[op.action]} ${op.action} ${kindLabel(op)} ${quoted(op.displayName)}${id}`];
  if (op.action === 'delete') return [...lines, ...deleteStepLines(op).map((step) => `    ${step}`)];
  for (const change of displayedChanges(op)) {
    const path = escapeLogValue(change.path);
    if (change.before === undefined) lines.push(`    ${path}: ${value(plan, change.after)}`);
    else lines.push(`    ${path}: ${value(plan, change.before)} → ${value(plan, change.after)}`);
  }
  const note = guardNote(plan, op);
  if (note) lines.push(`    (${escapeLogValue(note)})`);
  for (const line of exceptionNotes(plan, op)) lines.push(`    (${escapeLogValue(line)})`);
  return lines;
}

/** `options.acceptsBlocks`: a restore's plan (restore accepts new blocks; its Access impact says so). */
export function renderPlanText(plan: Plan, options: ImpactRenderOptions = {}): string {
  const out: string[] = [];
  out.push(`caac plan · ${plan.environment ? `environment ${escapeLogValue(plan.environment)} · ` : ''}tenant ${escapeLogValue(plan.tenant.id)} · folder ${escapeLogValue(plan.dir)}`);
  out.push(renderPlanSummaryLine(plan) + (plan.summary.unmanaged > 0 ? `; ${plan.summary.unmanaged} not managed here` : ''));

  const warnings = orderedWarnings(plan);
  if (warnings.length > 0) {
    out.push('', `Warnings (${warnings.length}):`);
    for (const w of warnings) out.push(`  ! ${WARNING_TITLES[w.kind] ?? w.kind}: ${quoted(w.displayName)}: ${escapeLogValue(w.message)}`);
  }
  out.push(...contingencyTextLines(plan));
  out.push(...impactTextLines(plan, options));
  out.push(...rolloutTextLines(plan));

  const changed = changedOperations(plan);
  if (changed.length === 0) {
    out.push('', noChangesLine(plan));
  } else {
    for (const op of changed) out.push('', ...operationLines(plan, op));
  }

  if (plan.unmanaged.length > 0) {
    out.push('', `Not managed here (${plural(plan.unmanaged.length, 'object')} in the tenant that no file describes; prune would delete them):`);
    for (const u of plan.unmanaged) out.push(`  ${kindLabel(u)} ${quoted(u.displayName)} (${escapeLogValue(shortId(u.id))}…)`);
  }

  const requests = requestParts(plan);
  const detail = requests.endpoints.map(([endpoint, n]) => `${escapeLogValue(endpoint)} ${n}`).join(', ');
  out.push('', `Graph requests: ${requests.total}${detail ? ` (${detail})` : ''}`);
  return out.join('\n') + '\n';
}
