/**
 * Two applies of the same plan at once (two pipelines, a retried job) both create the same new
 * object: Graph takes both, and the tenant holds the policy twice. Nothing in Graph can stop the
 * second create, so apply settles it afterwards, the same way in every run that sees it: among
 * the *twins* of an object this run created — objects of the same kind and name, identical to
 * what this run sent, that were not in the tenant when this run read it (so they appeared while
 * it ran) — the earliest created (then the lowest id) stays and the others go. Every run that
 * sees the twins picks the same one, so two runs that settle at once delete the same objects
 * (the second delete finds nothing), and the tenant ends with exactly one.
 *
 * An object that differs from what this run sent by any field is never a twin: it is someone's
 * edit, reported as a duplicate for a person to sort out. Only removeTwins writes; the rest is pure.
 */
import { displayNameOf, type DocumentKind, type JsonObject } from '../model/documents.js';
import type { OperationResult } from '../model/outcomes.js';
import { kindOfTenantList, type ApiVersion, type TenantSnapshot } from '../model/tenant.js';
import { normalizeDocument } from '../normalize/normalize-document.js';
import { fieldChanges } from '../plan/field-changes.js';
import { GraphError } from '../errors.js';
import type { Tenant } from '../ports/tenant.js';

export interface Twins {
  kind: DocumentKind;
  displayName: string;
  /** The id that stays: the earliest created, then the lowest id. */
  keep: string;
  /** The other twins' ids (this run's own among them, or not). */
  remove: string[];
}

const nameKey = (value: unknown): string | undefined => (typeof value === 'string' ? value.trim().toLowerCase() : undefined);

/** The twins of every object this run created that `after` shows more than once. */
export function concurrentTwins(applied: readonly OperationResult[], before: TenantSnapshot, after: TenantSnapshot, apiVersion: ApiVersion): Twins[] {
  const found: Twins[] = [];
  for (const r of applied) {
    if (r.operation.action !== 'create' || r.status !== 'applied' || r.sent === undefined) continue;
    const twins = twinsOf(r.operation.kind, r.sent, before, after, apiVersion);
    if (twins.length < 2 || found.some((t) => t.kind === r.operation.kind && twins.some((o) => String(o['id']) === t.keep))) continue;
    found.push({ kind: r.operation.kind, displayName: r.operation.displayName, ...keepEarliest(twins) });
  }
  return found;
}

/** Objects in `after` of this kind and name, new since `before`, that read as `sent`. */
export function twinsOf(kind: DocumentKind, sent: JsonObject, before: TenantSnapshot, after: TenantSnapshot, apiVersion: ApiVersion): JsonObject[] {
  const list = kindOfTenantList(kind);
  const name = nameKey(displayNameOf({ value: sent }));
  if (name === undefined) return [];
  const existed = new Set(before[list].map((o) => String(o['id']).toLowerCase()));
  const same = readsAs(kind, sent, apiVersion);
  return after[list].filter((o) => nameKey(o['displayName']) === name && !existed.has(String(o['id']).toLowerCase()) && same(o));
}

/** Whether an object reads, field by field and normalized as the plan compares, as `sent`. */
function readsAs(kind: DocumentKind, sent: JsonObject, apiVersion: ApiVersion): (o: JsonObject) => boolean {
  const expected = normalizeDocument(kind, sent, { apiVersion });
  return (o) => fieldChanges(normalizeDocument(kind, o, { apiVersion }), expected).length === 0;
}

/** The earliest created (then the lowest id) stays: the same choice in every run that sees the same twins. */
function keepEarliest(twins: readonly JsonObject[]): { keep: string; remove: string[] } {
  const [keep, ...rest] = [...twins].sort(earliestFirst);
  return { keep: String(keep!['id']), remove: rest.map((o) => String(o['id'])) };
}

function earliestFirst(a: JsonObject, b: JsonObject): number {
  const at = (o: JsonObject): string => (typeof o['createdDateTime'] === 'string' ? o['createdDateTime'] : '\uffff');
  const byTime = at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0;
  if (byTime !== 0) return byTime;
  const ia = String(a['id']).toLowerCase();
  const ib = String(b['id']).toLowerCase();
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

/**
 * After a create whose answer was lost, a look-up by name found several objects. The plan made a
 * create, so none of them existed when apply read the tenant: when every one reads exactly as
 * sent, they are twins (this run's and another apply's), and the earliest is the object the plan
 * asked for. Undefined when any differs: which one is ours cannot be told then.
 */
export function settleFoundTwins(kind: DocumentKind, sent: JsonObject, found: readonly JsonObject[], apiVersion: ApiVersion): { keep: string; remove: string[] } | undefined {
  const same = readsAs(kind, sent, apiVersion);
  if (found.length < 2 || !found.every((o) => typeof o['id'] === 'string' && same(o))) return undefined;
  return keepEarliest(found);
}

/**
 * Deletes the twins that go. A 404 counts as removed: the other run got there first, the same
 * outcome. What could not be removed comes back with the reason, for the caller to report.
 */
export async function removeTwins(tenant: Tenant, kind: DocumentKind, ids: readonly string[]): Promise<{ removed: string[]; failed: { id: string; reason: string }[] }> {
  const removed: string[] = [];
  const failed: { id: string; reason: string }[] = [];
  for (const id of ids) {
    try {
      await tenant.remove(kind, id);
      removed.push(id);
    } catch (e) {
      if (e instanceof GraphError && e.status === 404) removed.push(id);
      else failed.push({ id, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return { removed, failed };
}
