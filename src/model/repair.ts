/** A repair `caac validate --fix` makes to one document (planned in src/validate/repairs.ts). */
import { isJsonObject, type JsonObject, type JsonValue } from './documents.js';

export type RepairRule = 'graph-rule' | 'casing' | 'server-field' | 'odata-annotation' | 'deprecated' | 'layout';

export interface Repair {
  rule: RepairRule;
  /** Where, as path segments (array indexes as numbers). */
  segments: (string | number)[];
  /** Remove the member or array item, or replace its value. */
  edit: { op: 'remove' } | { op: 'replace'; value: JsonValue };
  message: string;
}

/**
 * A copy of the document with the repairs applied: what the repaired file must parse to (the text
 * edits are checked against it), and the entries of a split list export.
 */
export function applyRepairsToValue(document: JsonObject, repairs: readonly Repair[]): JsonObject {
  const copy = structuredClone(document);
  for (const repair of repairs) {
    let parent: JsonValue = copy;
    for (const segment of repair.segments.slice(0, -1)) {
      parent = Array.isArray(parent) ? (parent[segment as number] ?? null) : isJsonObject(parent) ? (parent[segment as string] ?? null) : null;
    }
    const last = repair.segments[repair.segments.length - 1]!;
    if (Array.isArray(parent) && typeof last === 'number') {
      if (repair.edit.op === 'remove') parent.splice(last, 1);
      else parent[last] = repair.edit.value;
    } else if (isJsonObject(parent) && typeof last === 'string') {
      if (repair.edit.op === 'remove') delete parent[last];
      else parent[last] = repair.edit.value;
    }
  }
  return copy;
}
