/**
 * What the plan reports (text and markdown) share: the summary line, the order of warnings and
 * operations, and values shown with names beside ids (`group:Finance (1b2c…)`). Pure functions;
 * no escaping here (each renderer escapes for its own output).
 */
import { KIND_LABELS, type JsonValue } from '../model/documents.js';
import { sortWarnings, type FieldChange, type Plan, type PlanOperation, type PlanWarning, type PlanWarningKind } from '../model/plan.js';

/** `Plan: X to create, Y to update, Z to delete, N unchanged`. */
export function renderPlanSummaryLine(plan: Plan): string {
  const s = plan.summary;
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete, ${s.unchanged} unchanged`;
}

/** The operations a reviewer reads (creates, updates, deletes), in the plan's (dependency) order. */
export function changedOperations(plan: Plan): PlanOperation[] {
  return plan.operations.filter((op) => op.action !== 'noop');
}

/** Warnings, the ones that can lock people out or remove protection first (stable otherwise). */
export function orderedWarnings(plan: Plan): PlanWarning[] {
  return sortWarnings(plan.warnings, (w) => w.kind);
}

export const WARNING_TITLES: Record<PlanWarningKind, string> = {
  delete: 'deletion',
  enforcement: 'enforcement change',
  'new-block': 'new block',
  'break-glass-removed': 'break-glass exclusion removed',
  'break-glass-added': 'break-glass exclusion added by the guard',
  'break-glass-unmanaged': 'break-glass not excluded (policy not managed here)',
  'no-emergency-access': 'no emergency-access accounts',
  contingency: 'contingency set active',
  'security-defaults': 'security defaults not checked',
  beta: 'beta',
  unmanaged: 'not managed here',
};

export const ACTION_SIGNS: Record<PlanOperation['action'], string> = { create: '+', update: '~', delete: '-', noop: ' ' };

/** `policy`, `named location`, `authentication strength` (falls back to the raw kind). */
export function kindLabel(op: Pick<PlanOperation, 'kind'>): string {
  return KIND_LABELS[op.kind] ?? String(op.kind);
}

/** The first four hex digits of an id: `1b2c` for `1b2c3d4e-…`. */
export function shortId(id: string): string {
  const hex = id.replace(/[^0-9a-f]/gi, '');
  return (hex.length >= 4 ? hex : id).slice(0, 4).toLowerCase();
}

/** `group:Finance (1b2c…)` when the plan knows a label for the id, else undefined. */
export function labelFor(plan: Pick<Plan, 'labels'>, id: string): string | undefined {
  const label = Object.prototype.hasOwnProperty.call(plan.labels, id) ? plan.labels[id] : undefined;
  return label === undefined ? undefined : `${label} (${shortId(id)}…)`;
}

/** Replaces every string that is a labelled id with its label, deep. */
export function labelValue(plan: Pick<Plan, 'labels'>, value: JsonValue): JsonValue {
  if (typeof value === 'string') return labelFor(plan, value) ?? value;
  if (Array.isArray(value)) return value.map((v) => labelValue(plan, v));
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) out[k] = labelValue(plan, v);
    return out;
  }
  return value;
}

/** Values up to this many characters stay on one line. */
export const COMPACT_WIDTH = 100;

/**
 * JSON that is pretty but compact: on one line when it fits COMPACT_WIDTH, otherwise one member
 * or element a line, with nested values that fit kept on one line.
 */
export function formatJson(value: JsonValue, depth = 0): string[] {
  const oneLine = compactJson(value);
  if (value === null || typeof value !== 'object' || oneLine.length + depth * 2 <= COMPACT_WIDTH) return [oneLine];
  const entries: string[][] = Array.isArray(value)
    ? value.map((v) => formatJson(v, depth + 1))
    : Object.entries(value).map(([k, v]) => {
        const lines = formatJson(v, depth + 1);
        lines[0] = `${JSON.stringify(k)}: ${lines[0]}`;
        return lines;
      });
  if (entries.length === 0) return [oneLine];
  const out: string[] = [Array.isArray(value) ? '[' : '{'];
  entries.forEach((lines, i) => {
    const comma = i < entries.length - 1 ? ',' : '';
    lines.forEach((line, j) => out.push(`  ${line}${j === lines.length - 1 ? comma : ''}`));
  });
  out.push(Array.isArray(value) ? ']' : '}');
  return out;
}

/** JSON on one line with a space after `,` and `:` (arrays and objects). */
export function compactJson(value: JsonValue | undefined): string {
  if (value === undefined) return '(absent)';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => compactJson(v)).join(', ')}]`;
  const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${compactJson(v)}`);
  return members.length === 0 ? '{}' : `{ ${members.join(', ')} }`;
}

/**
 * The field changes a report shows for an operation. A create whose planner listed no field
 * changes shows its body's top-level fields as additions.
 */
export function displayedChanges(op: PlanOperation): FieldChange[] {
  if (op.changes.length > 0 || op.action !== 'create' || !op.body) return op.changes;
  return Object.entries(op.body).map(([key, after]) => ({ path: `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, after }));
}

/** `Graph requests: 7 (GET /v1.0/… 2, …)`. */
export function requestParts(plan: Plan): { total: number; endpoints: [string, number][] } {
  const endpoints = Object.entries(plan.requests?.byEndpoint ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { total: plan.requests?.total ?? 0, endpoints };
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}


/** The steps of a delete that takes more than one request, in words (empty: a plain delete). */
export function deleteStepLines(op: PlanOperation): string[] {
  if (op.action !== 'delete' || !op.steps || op.steps.length < 2) return [];
  const words: Record<string, string> = {
    markUntrusted: 'mark it untrusted (isTrusted: true → false): Graph refuses to delete a trusted location',
    delete: 'delete it',
  };
  return op.steps.map((step, i) => `${i + 1}. ${words[step] ?? step}`);
}

/** What the break-glass guard added to an operation's body, in words (undefined: nothing). */
export function guardNote(plan: Plan, op: PlanOperation): string | undefined {
  if (!op.guardAdded?.length) return undefined;
  const parts = op.guardAdded.map((a) => `${a.path.split('/').pop()} ${a.ids.map((id) => plan.labels[id.toLowerCase()] ?? id).join(', ')}`);
  return `added by the break-glass guard (emergencyAccess.mode: enforce): ${parts.join('; ')}`;
}

/** The line a plan without changes shows (an active contingency set may hold some back). */
export function noChangesLine(plan: Plan): string {
  const held = plan.contingency?.held.length ?? 0;
  if (held === 0) return 'No changes. The tenant matches the repository.';
  return `No changes to apply. The tenant matches the repository, except for ${plural(held, 'policy', 'policies')} held by an active contingency set (see Contingency).`;
}
