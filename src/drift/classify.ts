/**
 * Drift from a plan: the plan already compares the repository with the tenant through the same
 * normalization (so whatever plan treats as equal is equal here), and drift only reads it the other
 * way round. An update is a `changed` object (each field: the file's value, the tenant's); a create
 * is an object `removed` from the tenant; an object no file describes (unmanaged) was `added`.
 * Pure: the plan, the snapshot it read and the deleted items in, drift items out.
 */
import type { DocumentKind, JsonObject } from '../model/documents.js';
import { kindOfTenantList, type TenantSnapshot } from '../model/tenant.js';
import type { Plan } from '../model/plan.js';
import type { DriftContingency, DriftItem } from './report.js';

export type DeletedItems = Partial<Record<DocumentKind, readonly JsonObject[]>>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const sameId = (a: string | undefined, b: string | undefined): boolean => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

function modifiedOf(snapshot: TenantSnapshot, kind: DocumentKind, id: string): string | null {
  const object = snapshot[kindOfTenantList(kind)].find((o) => sameId(str(o['id']), id));
  return str(object?.['modifiedDateTime']) ?? str(object?.['createdDateTime']) ?? null;
}

/** The kinds whose objects a plan would create: removed from the tenant (their deleted items are worth a read). */
export function removedKinds(plan: Plan): DocumentKind[] {
  return [...new Set(plan.operations.filter((o) => o.action === 'create').map((o) => o.kind))];
}

/** The deleted item a removed object left (by the file's id, else by displayName, the latest deletion). */
function deletedItemFor(deleted: readonly JsonObject[] | undefined, id: string | undefined, displayName: string): JsonObject | undefined {
  const candidates = (deleted ?? []).filter((d) => (id !== undefined ? sameId(str(d['id']), id) : str(d['displayName']) === displayName));
  return candidates.sort((a, b) => String(b['deletedDateTime'] ?? '').localeCompare(String(a['deletedDateTime'] ?? '')))[0];
}

/** Every drifted object of a plan made without prune (critical and changedBy are filled in later). */
export function driftFromPlan(plan: Plan, snapshot: TenantSnapshot, deleted: DeletedItems): DriftItem[] {
  const items: DriftItem[] = [];
  for (const op of plan.operations) {
    if (op.action === 'update' && op.id !== undefined) {
      items.push({
        kind: op.kind,
        displayName: op.displayName,
        id: op.id,
        change: 'changed',
        fields: op.changes.map((c) => ({ path: c.path, ...(c.after === undefined ? {} : { repository: c.after }), ...(c.before === undefined ? {} : { tenant: c.before }) })),
        modifiedDateTime: modifiedOf(snapshot, op.kind, op.id),
        changedBy: [],
        critical: false,
        ...(op.file === undefined ? {} : { file: op.file }),
      });
    } else if (op.action === 'create') {
      const fileId = str(op.body?.['id']);
      const gone = deletedItemFor(deleted[op.kind], fileId, op.displayName);
      const id = str(gone?.['id']) ?? fileId ?? null;
      items.push({
        kind: op.kind,
        displayName: op.displayName,
        id,
        change: 'removed',
        fields: [],
        modifiedDateTime: str(gone?.['deletedDateTime']) ?? null,
        changedBy: [],
        critical: false,
        ...(op.file === undefined ? {} : { file: op.file }),
        deleted: gone === undefined ? 'gone' : 'deletedItems',
      });
    }
  }
  for (const u of plan.unmanaged) {
    items.push({ kind: u.kind, displayName: u.displayName, id: u.id, change: 'added', fields: [], modifiedDateTime: modifiedOf(snapshot, u.kind, u.id), changedBy: [], critical: false });
  }
  return items;
}

/** The contingency sets active in the tenant, as the plan saw them. */
export function activeContingency(plan: Plan): DriftContingency[] {
  return (plan.contingency?.active ?? []).map((a) => ({ set: a.name, ...(a.since === undefined ? {} : { since: a.since }), policies: [...a.policies] }));
}
