/** The lines a plan report shows for caac.yml's exceptions on one operation (unescaped: each face escapes). */
import type { Plan, PlanExceptionNote, PlanOperation } from '../model/plan.js';

const who = (plan: Plan, note: PlanExceptionNote): string => note.ids.map((id) => plan.labels[id.toLowerCase()] ?? id).join(', ');
const list = (note: PlanExceptionNote): string => note.path.split('/').pop() ?? note.path;
const extra = (note: PlanExceptionNote): string => [note.ticket ? `ticket ${note.ticket}` : '', note.owner ? `owner ${note.owner}` : ''].filter(Boolean).join(', ');

export function exceptionNotes(plan: Plan, op: PlanOperation): string[] {
  const lines: string[] = [];
  for (const note of op.exceptions ?? []) {
    const more = extra(note);
    lines.push(`${list(note)} ${who(plan, note)}: exception until ${note.until} (${note.reason})${more ? ` [${more}]` : ''}`);
  }
  for (const note of op.expired ?? []) {
    lines.push(`exception expired ${note.until}: removes ${who(plan, note)} from the exclusions of "${op.displayName}" (${list(note)}; it was: ${note.reason})`);
  }
  return lines;
}
