/**
 * Field-level changes between two normalized documents, as JSON pointers. Arrays are reported
 * whole at the array's pointer (`/conditions/users/excludeGroups: [a, b] → [a]`), never as
 * per-index edits: that is how a reviewer reads a set.
 */
import deepDiff from 'deep-diff';
import type { JsonObject, JsonValue } from '../model/documents.js';
import { toPointer, valueAtPointer } from '../model/json-pointer.js';
import type { FieldChange } from '../model/plan.js';

export function fieldChanges(before: JsonObject | undefined, after: JsonObject | undefined): FieldChange[] {
  const lhs = before ?? {};
  const rhs = after ?? {};
  const differences = deepDiff.diff(lhs, rhs) ?? [];
  const byPointer = new Map<string, FieldChange>();
  for (const d of differences) {
    const path: (string | number)[] = [...((d.path ?? []) as (string | number)[])];
    // Cut the path at the first array: the change is reported on the whole array.
    const cut = path.findIndex((segment, i) => typeof segment === 'number' && (Array.isArray(valueAtPointer(lhs, toPointer(path.slice(0, i)))) || Array.isArray(valueAtPointer(rhs, toPointer(path.slice(0, i))))));
    const pointer = toPointer(cut < 0 ? path : path.slice(0, cut));
    if (byPointer.has(pointer)) continue;
    const change: FieldChange = { path: pointer };
    const b = valueAtPointer(lhs, pointer) as JsonValue | undefined;
    const a = valueAtPointer(rhs, pointer) as JsonValue | undefined;
    if (b !== undefined) change.before = structuredClone(b);
    if (a !== undefined) change.after = structuredClone(a);
    byPointer.set(pointer, change);
  }
  return [...byPointer.values()].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}
