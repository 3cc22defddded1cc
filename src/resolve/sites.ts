/**
 * Where references sit: every string in a reference slot of a policy (or in caac.yml's
 * emergency-access lists) as a `Site` that knows its file, JSON path and how to write the
 * resolved id back into the resolved copy of its document.
 */
import { isJsonObject, type JsonObject, type JsonValue, type Locator } from '../model/documents.js';
import type { EmergencyAccessIds } from '../model/emergency-access.js';
import { childPointer, parentPointer, parsePointer, valueAtPointer } from '../model/json-pointer.js';
import { parseReferenceValue, type ParsedReferenceValue, type ReferenceSlot } from '../model/references.js';
import type { PreparedDocument } from '../model/rule.js';

export type ResolvedDocument = PreparedDocument & { resolved: JsonObject };

/** One value in one reference slot of one document. */
export interface Site {
  document: ResolvedDocument;
  path: string;
  slot: ReferenceSlot;
  raw: string;
  parsed: ParsedReferenceValue;
  set(value: string): void;
}

export interface EmergencyAccessSource {
  file: string;
  locate: Locator;
  users: readonly string[];
  groups: readonly string[];
}

/**
 * caac.yml's emergency-access values as sites of a stand-in document (it only locates problems
 * in caac.yml); each resolved id lands in `into`.
 */
export function emergencyAccessSites(source: EmergencyAccessSource, into: EmergencyAccessIds): Site[] {
  const document: ResolvedDocument = { file: source.file, kind: 'policy', value: {}, resolved: {}, locate: source.locate, schemaValid: true };
  const lists = [
    { key: 'users', kind: 'user', values: source.users, ids: into.users },
    { key: 'groups', kind: 'group', values: source.groups, ids: into.groups },
  ] as const;
  return lists.flatMap((list) => {
    const slot: ReferenceSlot = { pointer: `/emergencyAccess/${list.key}`, kind: list.kind, keywords: [] };
    return list.values.map((raw, i) => ({
      document,
      path: childPointer(slot.pointer, i),
      slot,
      raw,
      parsed: parseReferenceValue(raw, []),
      set: (id: string) => {
        if (!list.ids.includes(id.toLowerCase())) list.ids.push(id.toLowerCase());
      },
    }));
  });
}

export function slotSites(document: ResolvedDocument, slot: ReferenceSlot): Site[] {
  const raw = valueAtPointer(document.resolved, slot.pointer);
  const make = (path: string, value: string, set: (v: string) => void): Site => ({
    document,
    path,
    slot,
    raw: value,
    parsed: parseReferenceValue(value, slot.keywords),
    set,
  });
  if (slot.single) {
    if (typeof raw !== 'string') return [];
    const parent = valueAtPointer(document.resolved, parentPointer(slot.pointer) ?? '');
    const key = parsePointer(slot.pointer).pop()!;
    if (!isJsonObject(parent as JsonValue)) return [];
    return [make(slot.pointer, raw, (v) => ((parent as JsonObject)[key] = v))];
  }
  if (!Array.isArray(raw)) return [];
  const list = raw as JsonValue[];
  const sites: Site[] = [];
  list.forEach((value, i) => {
    if (typeof value === 'string') sites.push(make(childPointer(slot.pointer, i), value, (v) => (list[i] = v)));
  });
  return sites;
}

export function slotName(slot: ReferenceSlot): string {
  if (slot.pointer.startsWith('/emergencyAccess/')) return slot.pointer.slice(1).replace('/', '.');
  return slot.pointer.split('/').pop() ?? slot.pointer;
}
