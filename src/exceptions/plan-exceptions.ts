/**
 * What caac.yml's exceptions do to a plan, over resolved documents (ids, not names):
 * - an active exception's exclusions are appended to each policy it names, after the file's own
 *   exclusions (and the break-glass guard's), never in their place; the operation says
 *   "exception until <date> (<reason>)";
 * - an ended exception adds nothing, so the plan removes from the tenant the exclusions it had
 *   added (unless the file itself lists the same people); the operation says
 *   "exception expired <date>: removes <who> from the exclusions of <policy>".
 *
 * An ended entry is *new* (and refused, at its line in caac.yml) when the tenant holds none of its
 * exclusions in any policy it names AND none of those policies was changed since it ended: then it
 * was never applied, and its date is a mistake (2025 for 2026) rather than an expiry. Once an
 * expiry is applied the policy's modifiedDateTime lies after the end, so the entry that stays in
 * caac.yml after its expiry is only warned about (validate's exception-expired), never refused.
 */
import { displayNameOf, type JsonObject } from '../model/documents.js';
import type { Plan, PlanExceptionNote } from '../model/plan.js';
import { viewPolicy } from '../model/policy-view.js';
import type { PreparedDocument } from '../model/rule.js';
import type { ExceptionEntry, Settings, SettingsSource } from '../model/settings.js';
import type { TenantSnapshot } from '../model/tenant.js';
import { resolveReferences, type ResolutionProblem, type ResolutionResult, type ResolveContext, type ResolvedDocument } from '../resolve/resolve-references.js';
import { EXCEPTION_LISTS, endOf, excludedRefs, excludesEveryone, isActive, policyMatcher, type ExceptionListKey } from './exception-entry.js';

/** One entry of caac.yml with its references resolved to (lower-case) ids. */
export interface ResolvedException {
  index: number;
  entry: ExceptionEntry;
  end: Date;
  ids: Record<ExceptionListKey, string[]>;
}

const SYNTHETIC = '#exceptions/';

/**
 * resolveReferences over the documents and caac.yml's exceptions together (one round of directory
 * look-ups for both): each entry rides as a stand-in policy document whose problems are moved back
 * to the entry's line in caac.yml.
 */
export async function resolveWithExceptions(
  prepared: readonly PreparedDocument[],
  ctx: ResolveContext,
  settings: Settings,
  source: SettingsSource | undefined,
): Promise<ResolutionResult & { exceptions: ResolvedException[] }> {
  const entries = source ? (settings.exceptions ?? []).map((entry, index) => ({ entry, index, end: endOf(entry.until) })) : [];
  const usable = entries.filter((e): e is typeof e & { end: Date } => e.end !== undefined);
  const standIns = usable.map(({ entry, index }) => standInDocument(entry, index, source!));
  const resolution = await resolveReferences([...prepared, ...standIns], ctx);
  const resolvedStandIns = resolution.documents.splice(prepared.length, standIns.length);
  const problems = resolution.problems.map((p) => (p.file.startsWith(`${source?.file}${SYNTHETIC}`) ? movedToSettings(p, source!) : p));
  const exceptions = usable.map(({ entry, index, end }, k) => ({ index, entry, end, ids: idsOf(resolvedStandIns[k]!.resolved) }));
  return { ...resolution, problems, exceptions };
}

function standInDocument(entry: ExceptionEntry, index: number, source: SettingsSource): PreparedDocument {
  const refs = excludedRefs(entry);
  const users: JsonObject = {};
  for (const list of EXCEPTION_LISTS) users[list.pointer.split('/').pop()!] = [...refs[list.key]];
  return {
    file: `${source.file}${SYNTHETIC}${index}`,
    kind: 'policy',
    value: { conditions: { users } },
    locate: (pointer) => source.locate(settingsPointer(pointer, index)),
    schemaValid: true,
  };
}

/** `/conditions/users/excludeGroups/2` of stand-in k → `/exceptions/k/exclude/groups/2`. */
function settingsPointer(pointer: string, index: number): string {
  for (const list of EXCEPTION_LISTS) {
    if (pointer === list.pointer || pointer.startsWith(`${list.pointer}/`)) return `/exceptions/${index}/exclude/${list.key}${pointer.slice(list.pointer.length)}`;
  }
  return `/exceptions/${index}`;
}

function movedToSettings(problem: ResolutionProblem, source: SettingsSource): ResolutionProblem {
  const index = Number(problem.file.slice(`${source.file}${SYNTHETIC}`.length));
  return { ...problem, file: source.file, path: settingsPointer(problem.path, index), message: `exceptions[${index}]: ${problem.message}` };
}

function idsOf(resolved: JsonObject): Record<ExceptionListKey, string[]> {
  const users = viewPolicy(resolved).users;
  const lower = (list: string[]): string[] => [...new Set(list.map((v) => v.toLowerCase()))];
  return { users: lower(users.excludeUsers), groups: lower(users.excludeGroups), roles: lower(users.excludeRoles) };
}

/** What the exceptions did, by document, and what makes the plan refuse. */
export interface ExceptionsApplied {
  added: Map<ResolvedDocument, PlanExceptionNote[]>;
  expired: Map<ResolvedDocument, PlanExceptionNote[]>;
  problems: ResolutionProblem[];
}

/**
 * Appends each active exception's ids to the policies it names (changing `document.resolved` in
 * place) and finds what each ended one leaves to remove from the tenant.
 */
export function applyExceptions(documents: readonly ResolvedDocument[], exceptions: readonly ResolvedException[], snapshot: TenantSnapshot, now: Date, source: SettingsSource | undefined): ExceptionsApplied {
  const applied: ExceptionsApplied = { added: new Map(), expired: new Map(), problems: [] };
  if (!source) return applied;
  const policies = documents.filter((d) => d.kind === 'policy');
  // Active ones first: an ended entry renewed by another keeps its people, and its expiry removes no one.
  const ordered = [...exceptions].sort((a, b) => Number(isActive(b.end, now)) - Number(isActive(a.end, now)));
  for (const exception of ordered) {
    const matches = policyMatcher(exception.entry.policy);
    const named = policies.filter((d) => matches(displayNameOf({ value: d.resolved }) ?? displayNameOf(d)));
    const problem = (path: string, message: string): void => {
      const pointer = `/exceptions/${exception.index}${path}`;
      const at = source.locate(pointer);
      applied.problems.push({ file: source.file, path: pointer, line: at.line, column: at.column, message: `exceptions[${exception.index}]: ${message}` });
    };
    if (isActive(exception.end, now)) {
      for (const document of named) addExclusions(document, exception, applied, problem);
    } else {
      const tenant = named.map((d) => ({ document: d, actual: tenantPolicyOf(d, snapshot.policies) }));
      const held = tenant.some(({ actual }) => actual !== undefined && EXCEPTION_LISTS.some((l) => exception.ids[l.key].some((id) => listOf(actual, l.pointer).has(id))));
      if (!held && !changedSince(tenant.map((t) => t.actual), exception.end)) {
        problem('/until', `until ${exception.entry.until} has passed, and no policy it names holds its exclusions nor was changed since: a new exception must end in the future; fix the date, or delete the entry`);
        continue;
      }
      for (const { document, actual } of tenant) if (actual) noteExpiry(document, actual, exception, applied);
    }
  }
  return applied;
}

function addExclusions(document: ResolvedDocument, exception: ResolvedException, applied: ExceptionsApplied, problem: (path: string, message: string) => void): void {
  const users = usersOf(document.resolved);
  const notes: PlanExceptionNote[] = [];
  for (const list of EXCEPTION_LISTS) {
    const key = list.pointer.split('/').pop()!;
    const current = Array.isArray(users[key]) ? (users[key] as string[]) : [];
    const have = new Set(current.map((v) => String(v).toLowerCase()));
    const wanted = exception.ids[list.key].filter((id) => !have.has(id));
    if (!wanted.length) continue;
    users[key] = [...current, ...wanted];
    notes.push(noteOf(exception, list.pointer, wanted));
  }
  if (notes.length && excludesEveryone(viewPolicy(document.resolved).users, { users: [], groups: [], roles: [] })) {
    problem('/exclude', `with this exception "${displayNameOf({ value: document.resolved }) ?? document.file}" would exclude everyone it includes, and apply to no one: exclude fewer people, or change the policy itself in its file`);
  }
  if (notes.length) applied.added.set(document, [...(applied.added.get(document) ?? []), ...notes]);
}

/** The ids the tenant's policy excludes because of this exception and the desired one no longer does. */
function noteExpiry(document: ResolvedDocument, actual: JsonObject, exception: ResolvedException, applied: ExceptionsApplied): void {
  const notes: PlanExceptionNote[] = [];
  for (const list of EXCEPTION_LISTS) {
    const before = listOf(actual, list.pointer);
    const after = listOf(document.resolved, list.pointer);
    const removed = exception.ids[list.key].filter((id) => before.has(id) && !after.has(id));
    if (removed.length) notes.push(noteOf(exception, list.pointer, removed));
  }
  if (notes.length) applied.expired.set(document, [...(applied.expired.get(document) ?? []), ...notes]);
}

function noteOf(exception: ResolvedException, path: string, ids: string[]): PlanExceptionNote {
  const { entry } = exception;
  return {
    path,
    ids,
    until: entry.until.trim(),
    reason: entry.reason?.trim() ?? '',
    entry: exception.index,
    ...(entry.ticket ? { ticket: entry.ticket } : {}),
    ...(entry.owner ? { owner: entry.owner } : {}),
  };
}

function usersOf(policy: JsonObject): JsonObject {
  const conditions = (policy['conditions'] ??= {}) as JsonObject;
  return (conditions['users'] ??= {}) as JsonObject;
}

function listOf(policy: JsonObject, pointer: string): Set<string> {
  const users = viewPolicy(policy).users as unknown as Record<string, string[]>;
  return new Set((users[pointer.split('/').pop()!] ?? []).map((v) => v.toLowerCase()));
}

/** The tenant policy a document describes: by its id when written, else by displayName (as plan matches). */
function tenantPolicyOf(document: ResolvedDocument, policies: readonly JsonObject[]): JsonObject | undefined {
  const id = typeof document.value['id'] === 'string' ? document.value['id'].toLowerCase() : undefined;
  const byId = id ? policies.find((p) => String(p['id']).toLowerCase() === id) : undefined;
  if (byId) return byId;
  const name = (displayNameOf({ value: document.resolved }) ?? '').trim().toLowerCase();
  return policies.find((p) => typeof p['displayName'] === 'string' && p['displayName'].trim().toLowerCase() === name);
}

/** True when one of the tenant's policies was modified (or created) at or after `end`. */
function changedSince(policies: readonly (JsonObject | undefined)[], end: Date): boolean {
  return policies.some((p) => {
    const stamp = p?.['modifiedDateTime'] ?? p?.['createdDateTime'];
    const at = typeof stamp === 'string' ? Date.parse(stamp) : NaN;
    return Number.isFinite(at) && at >= end.getTime();
  });
}

/** The exceptions' notes on the plan's operations (by the file the operation comes from). */
export function annotateExceptions(plan: Plan, applied: ExceptionsApplied): void {
  const byFile = (map: Map<ResolvedDocument, PlanExceptionNote[]>): Map<string, PlanExceptionNote[]> => new Map([...map].map(([d, notes]) => [d.file, notes]));
  const added = byFile(applied.added);
  const expired = byFile(applied.expired);
  for (const op of plan.operations) {
    if (op.kind !== 'policy' || !op.file) continue;
    const a = added.get(op.file);
    const e = expired.get(op.file);
    if (a?.length) op.exceptions = a;
    if (e?.length && op.action === 'update') op.expired = e;
  }
}
