/**
 * While a contingency set is active in the tenant, its policies are in the state the outage
 * needs, and the repository (rightly) still declares their normal state. A plan made then must not
 * quietly undo the contingency: it holds each such policy in its tenant state, says so, and keeps
 * the declared document so that `apply --end-contingency` can write it when the outage is over.
 * Apply re-checks against the live tenant, because a plan file is input and may be edited by hand.
 * Pure functions over a plan, the sets and a tenant snapshot.
 */
import type { JsonObject } from '../model/documents.js';
import { sortWarnings, summarize, type Plan, type PlanContingency, type PlanContingencySet, type PlanOperation, type PlanWarning } from '../model/plan.js';
import type { TenantSnapshot } from '../model/tenant.js';
import { normalizeDocument } from '../normalize/normalize-document.js';
import { policyWarnings } from './warnings.js';
import { DEFAULT_DEACTIVATED_STATE, setStatus, type ContingencySetStatus, type NamedContingencySet } from '../contingency/contingency.js';

/** `declared` of a held entry whose operation was a delete (prune): the body is then `{}`. */
export const HELD_DELETE = 'deleted';

export type HeldPolicy = PlanContingency['held'][number];

/** A set as the plan file records it (every field spelled out). */
export function toPlanSet(set: NamedContingencySet): PlanContingencySet {
  return {
    name: set.name,
    activate: [...set.activate],
    deactivate: [...(set.deactivate ?? [])],
    deactivatedState: set.deactivatedState ?? DEFAULT_DEACTIVATED_STATE,
    source: set.source ?? 'settings',
  };
}

const sameId = (a: string | undefined, b: string | undefined): boolean => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/** The policies of the active sets by id (lower case): the first active set that names one holds it. */
/** A policy of an active set, and the state the set keeps it in. */
interface Member {
  set: ContingencySetStatus;
  state: string;
}

function heldMembers(statuses: readonly ContingencySetStatus[]): Map<string, Member> {
  const members = new Map<string, Member>();
  for (const set of statuses) {
    if (!set.active) continue;
    for (const p of set.policies) {
      if (p.id !== undefined && p.state !== undefined && !members.has(p.id.toLowerCase())) members.set(p.id.toLowerCase(), { set, state: p.state });
    }
  }
  return members;
}

/** The state an operation would leave the policy in; undefined when it does not set one. */
function targetState(op: PlanOperation): string | undefined {
  const body = op.body?.['state'];
  if (typeof body === 'string') return body;
  const after = op.changes.find((c) => c.path === '/state')?.after;
  return typeof after === 'string' ? after : undefined;
}

const quoteList = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

/**
 * The plan with every policy of a set that is active in `snapshot` held in its tenant state: a
 * `/state` change is taken out of the operation (the body keeps the tenant's state), an update
 * left with no change becomes a noop, a delete (prune) becomes a noop; each is recorded in
 * `contingency.held` with the declared document. Records every set in `contingency.sets` (no
 * `contingency` key when there are none) and warns once per active set.
 */
export function holdActiveContingency(plan: Plan, sets: readonly NamedContingencySet[], snapshot: TenantSnapshot): Plan {
  if (sets.length === 0) return plan;
  const statuses = sets.map((set) => setStatus(set, snapshot));
  const active = statuses.filter((s) => s.active);
  const contingency: PlanContingency = {
    sets: sets.map(toPlanSet),
    active: active.map((s) => ({ name: s.name, ...(s.since === undefined ? {} : { since: s.since }), policies: s.policies.map((p) => p.displayName) })),
    held: [],
  };
  if (active.length === 0) return { ...plan, contingency };

  const members = heldMembers(statuses);
  const hold: Hold = { plan, snapshot, warnings: [...plan.warnings], added: [], held: [], operations: [], becameNoop: [] };
  for (const op of plan.operations) {
    const member = op.kind === 'policy' && op.id !== undefined ? members.get(op.id.toLowerCase()) : undefined;
    if (!member || !op.id) hold.operations.push(op);
    else if (op.action === 'delete') holdDelete(hold, op, op.id, member);
    else holdState(hold, op, op.id, member);
  }
  contingency.held = hold.held;
  hold.added.push(...active.map((set) => activeSetWarning(set, hold.held)));

  // Noops go last, as planChanges orders them.
  const { operations, becameNoop } = hold;
  const all = [...operations.filter((o) => o.action !== 'noop'), ...becameNoop, ...operations.filter((o) => o.action === 'noop')];
  return { ...plan, operations: all, summary: summarize(all, plan.summary.unmanaged), warnings: sortWarnings([...hold.warnings, ...hold.added], (w) => w.kind), contingency };
}

/** The plan being rewritten: the operations kept, those that became noops, the warnings taken away and added. */
interface Hold {
  plan: Plan;
  snapshot: TenantSnapshot;
  warnings: PlanWarning[];
  added: PlanWarning[];
  held: HeldPolicy[];
  operations: PlanOperation[];
  becameNoop: PlanOperation[];
}

/** Prune would delete a policy the active set needs: kept, and said so. */
function holdDelete(hold: Hold, op: PlanOperation, id: string, member: Member): void {
  hold.held.push({ set: member.set.name, displayName: op.displayName, id, state: member.state, declared: HELD_DELETE, body: {} });
  hold.warnings = hold.warnings.filter((w) => !(w.kind === 'delete' && w.displayName === op.displayName && w.message.includes(id)));
  hold.added.push({
    kind: 'contingency',
    displayName: member.set.name,
    message: `prune would delete policy "${op.displayName}" (${id}), which this active set needs: the plan keeps it; apply --end-contingency (with --allow-delete) deletes it`,
  });
  hold.becameNoop.push({ kind: op.kind, action: 'noop', displayName: op.displayName, id, changes: [] });
}

/** An update that would change a held policy's state: the state change is taken out. */
function holdState(hold: Hold, op: PlanOperation, id: string, member: Member): void {
  const declared = op.action === 'update' ? targetState(op) : undefined;
  if (declared === undefined || declared === member.state || !op.body) {
    hold.operations.push(op);
    return;
  }
  hold.held.push({ set: member.set.name, displayName: op.displayName, id, state: member.state, declared, body: structuredClone(op.body) });
  const changes = op.changes.filter((c) => c.path !== '/state');
  const body: JsonObject = { ...op.body, state: member.state };
  // The state no longer changes: the warnings that came from the declared state go, and those the
  // tenant's state earns (a "block" added while the set keeps the policy enabled) come instead.
  hold.warnings = hold.warnings.filter((w) => !((w.kind === 'enforcement' || w.kind === 'new-block') && w.displayName === op.displayName));
  const actual = hold.snapshot.policies.find((p) => sameId(String(p['id']), id));
  if (actual) {
    const { apiVersion, labels } = hold.plan;
    const before = normalizeDocument('policy', actual, { apiVersion });
    const after = normalizeDocument('policy', body, { apiVersion });
    hold.added.push(...policyWarnings(op.displayName, before, after, new Set(), labels).filter((w) => w.kind === 'enforcement' || w.kind === 'new-block'));
  }
  if (changes.length === 0) {
    hold.becameNoop.push({ kind: op.kind, action: 'noop', displayName: op.displayName, id, ...(op.file === undefined ? {} : { file: op.file }), changes: [] });
  } else {
    hold.operations.push({ ...op, changes, body });
  }
}

function activeSetWarning(set: ContingencySetStatus, held: readonly HeldPolicy[]): PlanWarning {
  const count = held.filter((h) => h.set === set.name && h.declared !== HELD_DELETE).length;
  const names = set.policies.map((p) => p.displayName);
  return {
    kind: 'contingency',
    displayName: set.name,
    message:
      `is active in the tenant${set.since ? ` since ${set.since}` : ''} (${names.length === 1 ? 'policy' : 'policies'} ${quoteList(names)}): ` +
      (count > 0
        ? `the plan holds ${count === 1 ? 'one of them' : `${count} of them`} in ${count === 1 ? 'its' : 'their'} contingency state instead of the state the repository declares. `
        : 'the plan keeps their contingency state. ') +
      `Once the outage is over, apply with --end-contingency or run "caac contingency deactivate ${set.name}"`,
  };
}

/**
 * `apply --end-contingency`: every held policy gets its declared document back. A held update
 * merges into the operation of the same id (or turns its noop into an update); a held delete
 * becomes a delete again.
 */
export function releaseHeld(plan: Plan): Plan {
  const held = plan.contingency?.held ?? [];
  if (held.length === 0) return plan;
  const operations = [...plan.operations];
  const updates: PlanOperation[] = [];
  const deletes: PlanOperation[] = [];
  for (const h of held) {
    const i = operations.findIndex((op) => op.kind === 'policy' && sameId(op.id, h.id));
    const op = i < 0 ? undefined : operations[i]!;
    if (h.declared === HELD_DELETE) {
      if (op) operations.splice(i, 1);
      deletes.push({ kind: 'policy', action: 'delete', displayName: op?.displayName ?? h.displayName, id: h.id, changes: [] });
      continue;
    }
    const state = { path: '/state', before: h.state, after: h.declared };
    if (op?.action === 'update') {
      operations[i] = { ...op, changes: [...op.changes.filter((c) => c.path !== '/state'), state], body: { ...(op.body ?? {}), ...structuredClone(h.body) } };
      continue;
    }
    if (op) operations.splice(i, 1);
    updates.push({
      kind: 'policy',
      action: 'update',
      displayName: op?.displayName ?? h.displayName,
      id: h.id,
      ...(op?.file === undefined ? {} : { file: op.file }),
      changes: [state],
      body: structuredClone(h.body),
    });
  }
  // Dependency order, as planChanges has it: updates before any delete, policy deletes before the
  // deletes of the locations and strengths they may name.
  const firstDelete = (list: readonly PlanOperation[]): number => {
    const at = list.findIndex((op) => op.action === 'delete' || op.action === 'noop');
    return at < 0 ? list.length : at;
  };
  operations.splice(firstDelete(operations), 0, ...updates);
  operations.splice(firstDelete(operations), 0, ...deletes);
  const contingency: PlanContingency = { ...plan.contingency!, held: [] };
  return { ...plan, operations, summary: summarize(operations, plan.summary.unmanaged), contingency };
}

export interface ContingencyConflict {
  set: string;
  since?: string;
  /** The policies whose state the plan would change (`enabled → disabled`) or that it would delete. */
  policies: { displayName: string; id: string; change: string }[];
}

/**
 * The operations that would change the state of, or delete, a policy of a set that is active in
 * `live` (the sets the plan recorded). Apply refuses them unless told to end the contingency.
 */
export function contingencyConflicts(plan: Pick<Plan, 'operations' | 'contingency'>, live: TenantSnapshot): ContingencyConflict[] {
  const statuses = (plan.contingency?.sets ?? []).map((set) => setStatus(set, live));
  const members = heldMembers(statuses);
  const conflicts = new Map<string, ContingencyConflict>();
  for (const op of plan.operations) {
    const member = op.kind === 'policy' && op.id !== undefined ? members.get(op.id.toLowerCase()) : undefined;
    if (!member || !op.id) continue;
    let change: string | undefined;
    if (op.action === 'delete') change = `${member.state} → deleted`;
    else if (op.action === 'update' || op.action === 'create') {
      const target = targetState(op);
      if (target !== undefined && target !== member.state) change = `${member.state} → ${target}`;
    }
    if (change === undefined) continue;
    const conflict = conflicts.get(member.set.name) ?? { set: member.set.name, ...(member.set.since === undefined ? {} : { since: member.set.since }), policies: [] };
    conflict.policies.push({ displayName: op.displayName, id: op.id, change });
    conflicts.set(member.set.name, conflict);
  }
  return [...conflicts.values()];
}
