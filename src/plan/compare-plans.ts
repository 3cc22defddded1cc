/**
 * A reviewed plan file against the plan made again from the repository and the live tenant: every
 * difference in what apply would write, operation by operation, named for a person to read (which
 * operation, which field, both values). Empty: the plan file says exactly what the repository and
 * the tenant make. Pure.
 */
import { DOCUMENT_KINDS, KIND_LABELS, type JsonValue } from '../model/documents.js';
import type { Plan, PlanOperation } from '../model/plan.js';
import { canonicalJson } from '../normalize/normalize-document.js';

const MAX_FIELDS = 5;
const MAX_VALUE = 120;

/** A value in a message: JSON (control characters escaped), cut short. */
function shown(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}

function describe(op: PlanOperation): string {
  return `${op.action} ${KIND_LABELS[op.kind]} ${JSON.stringify(op.displayName)}${op.id ? ` (${op.id})` : ''}`;
}

/** JSON pointers where two values differ (objects by key, arrays and scalars as a whole once they differ). */
function differingPaths(a: unknown, b: unknown, path = ''): string[] {
  if (canonicalJson(a) === canonicalJson(b)) return [];
  const isObj = (v: unknown): v is Record<string, JsonValue> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differingPaths(a[k], b[k], `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  }
  return [path || '/'];
}

function valueAt(value: unknown, pointer: string): unknown {
  if (pointer === '/') return value;
  let at: unknown = value;
  for (const part of pointer.slice(1).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined;
  }
  return at;
}

/** The fields of one operation that differ, each with the plan file's value and the remade one. */
function fieldDifferences(claimed: PlanOperation, remade: PlanOperation): string[] {
  const lines: string[] = [];
  const scalar = (field: keyof PlanOperation) => {
    const a = claimed[field];
    const b = remade[field];
    const same = typeof a === 'string' && typeof b === 'string' && field === 'id' ? a.toLowerCase() === b.toLowerCase() : canonicalJson(a) === canonicalJson(b);
    if (!same) lines.push(`${field}: the plan file has ${shown(a)}, made again it is ${shown(b)}`);
  };
  scalar('kind');
  scalar('action');
  scalar('id');
  scalar('displayName');
  const body = differingPaths(claimed.body, remade.body);
  for (const p of body.slice(0, MAX_FIELDS)) lines.push(`body${p === '/' ? '' : p}: the plan file has ${shown(valueAt(claimed.body, p))}, made again it is ${shown(valueAt(remade.body, p))}`);
  if (body.length > MAX_FIELDS) lines.push(`body: and ${body.length - MAX_FIELDS} more field(s)`);
  scalar('steps');
  scalar('restoreFrom');
  scalar('guardAdded');
  scalar('exceptions');
  scalar('expired');
  if (canonicalJson(claimed.changes) !== canonicalJson(remade.changes)) lines.push('changes: the plan file shows other changes than the ones the repository and the tenant make');
  return lines;
}

const signature = (op: PlanOperation): string => `${op.kind}:${op.action}:${op.displayName.trim().toLowerCase()}`;
const idKey = (op: PlanOperation): string | undefined => (op.id ? `${op.kind}:${op.action}:${op.id.toLowerCase()}` : undefined);

/**
 * Pairs the operations (first by kind, action and name; what is left by kind, action and id; what
 * is left after that by position), then lists what differs: an operation only the plan file has,
 * one it lacks, a field that differs, another order.
 */
export function planDifferences(claimed: Plan, remade: Plan): string[] {
  const lines: string[] = [];
  const left = claimed.operations.map((op, i) => ({ op, i }));
  const right = remade.operations.map((op, i) => ({ op, i }));
  const pairs: { a: { op: PlanOperation; i: number }; b: { op: PlanOperation; i: number } }[] = [];
  // Linear in the operations (a plan file may be large): the remade ones by key, first come first paired.
  const pairBy = (key: (op: PlanOperation) => string | undefined) => {
    const byKey = new Map<string, { op: PlanOperation; i: number }[]>();
    for (const b of right) {
      const k = key(b.op);
      if (k === undefined) continue;
      const list = byKey.get(k);
      if (list) list.push(b);
      else byKey.set(k, [b]);
    }
    const paired = new Set<{ op: PlanOperation; i: number }>();
    for (const a of left) {
      const k = key(a.op);
      const b = k === undefined ? undefined : byKey.get(k)?.shift();
      if (!b) continue;
      pairs.push({ a, b });
      paired.add(a).add(b);
    }
    const keep = (list: { op: PlanOperation; i: number }[]) => list.splice(0, list.length, ...list.filter((x) => !paired.has(x)));
    keep(left);
    keep(right);
  };
  pairBy(signature);
  pairBy(idKey);
  // Same kind, either side once: a changed name or action of one operation is named field by field.
  const count = (list: { op: PlanOperation }[], kind: string) => list.filter((x) => x.op.kind === kind).length;
  const once = new Set(DOCUMENT_KINDS.filter((kind) => count(left, kind) === 1 && count(right, kind) === 1));
  pairBy((op) => (once.has(op.kind) ? op.kind : undefined));

  for (const { a, b } of pairs.sort((x, y) => x.a.i - y.a.i)) {
    const fields = fieldDifferences(a.op, b.op);
    if (fields.length) lines.push(`operation ${a.i + 1} (${describe(a.op)}): ${fields.join('; ')}`);
  }
  for (const a of left) lines.push(`operation ${a.i + 1} (${describe(a.op)}) is in the plan file, but the repository and the tenant make no such operation`);
  for (const b of right) lines.push(`the plan file lacks the operation ${describe(b.op)} that the repository and the tenant make`);
  if (lines.length === 0 && pairs.some(({ a, b }) => a.i !== b.i)) lines.push('the operations are in another order than the one apply writes them in');

  lines.push(...heldDifferences(claimed, remade));
  const guards = (p: Plan) => canonicalJson({ users: [...(p.guards?.users ?? [])].map((s) => s.toLowerCase()).sort(), groups: [...(p.guards?.groups ?? [])].map((s) => s.toLowerCase()).sort(), exempt: [...(p.guards?.exemptPolicies ?? [])].sort() });
  if (guards(claimed) !== guards(remade)) {
    lines.push(`guards: the plan file lists ${shown(claimed.guards ?? null)}, but caac.yml gives ${shown(remade.guards ?? null)} (apply uses caac.yml's)`);
  }
  return lines;
}

/** The contingency hold as each plan records it: which policies are held, in which state, and the declared body. */
function heldDifferences(claimed: Plan, remade: Plan): string[] {
  const key = (h: NonNullable<Plan['contingency']>['held'][number]) => h.id.toLowerCase();
  const a = new Map((claimed.contingency?.held ?? []).map((h) => [key(h), h]));
  const b = new Map((remade.contingency?.held ?? []).map((h) => [key(h), h]));
  const lines: string[] = [];
  for (const [id, h] of a) {
    const other = b.get(id);
    if (!other) lines.push(`contingency: the plan file holds policy ${JSON.stringify(h.displayName)} (${h.id}), which made again is not held`);
    else if (canonicalJson(h) !== canonicalJson(other)) {
      const fields = differingPaths(h, other).slice(0, MAX_FIELDS).map((p) => `${p.slice(1)}: ${shown(valueAt(h, p))} in the plan file, ${shown(valueAt(other, p))} made again`);
      lines.push(`contingency: held policy ${JSON.stringify(h.displayName)} (${h.id}): ${fields.join('; ')}`);
    }
  }
  for (const [id, h] of b) if (!a.has(id)) lines.push(`contingency: the plan file does not hold policy ${JSON.stringify(h.displayName)} (${h.id}), which an active contingency set holds`);
  return lines;
}
