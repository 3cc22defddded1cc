/**
 * The rings' references resolve like any other: each ring before `all` becomes a stand-in policy
 * document (its `user:` references under includeUsers, its `group:` references under
 * includeGroups) that goes through the same bulk directory calls as the repository's documents, and
 * whose problems point at the ring's line in caac.yml. The plan takes them out again before it
 * compares anything (`isRingDocument`).
 */
import type { JsonObject, Locator } from '../model/documents.js';
import type { PreparedDocument } from '../model/rule.js';
import type { Settings, SettingsSource } from '../model/settings.js';
import { parseReferenceValue } from '../model/references.js';
import { ringsOf } from './rings.js';

const STAND_INS = new WeakSet<JsonObject>();

/** One stand-in document per ring that names someone (none without caac.yml or rollout). */
export function ringDocuments(settings: Settings, source: SettingsSource | undefined): PreparedDocument[] {
  if (source === undefined) return [];
  return ringsOf(settings).flatMap((ring, i) => {
    if (ring.include.length === 0) return [];
    const users: string[] = [];
    const groups: string[] = [];
    const origin = new Map<string, number>();
    ring.include.forEach((raw, j) => {
      const parsed = parseReferenceValue(raw, []);
      const list = parsed.type === 'reference' && parsed.reference.kind === 'group' ? groups : users;
      origin.set(`/conditions/users/${list === groups ? 'includeGroups' : 'includeUsers'}/${list.length}`, j);
      list.push(raw);
    });
    const value: JsonObject = { displayName: `rollout ring ${ring.name}`, conditions: { users: { includeUsers: users, includeGroups: groups } } };
    STAND_INS.add(value);
    const locate: Locator = (pointer) => {
      const j = origin.get(pointer);
      return source.locate(j === undefined ? `/rollout/rings/${i}` : `/rollout/rings/${i}/include/${j}`);
    };
    return [{ file: source.file, kind: 'policy' as const, value, locate, schemaValid: true }];
  });
}

/** True for a stand-in made by ringDocuments (its resolved copy keeps the same `value`). */
export function isRingDocument(document: { value: JsonObject }): boolean {
  return STAND_INS.has(document.value);
}

/** Ring name → the resolved ids of the users and groups it names (lower-case). */
export function ringMembers(documents: readonly { value: JsonObject; resolved: JsonObject }[]): Map<string, { users: string[]; groups: string[] }> {
  const out = new Map<string, { users: string[]; groups: string[] }>();
  for (const d of documents) {
    if (!isRingDocument(d)) continue;
    const users = (d.resolved['conditions'] as { users: { includeUsers: string[]; includeGroups: string[] } }).users;
    out.set(String(d.value['displayName']).slice('rollout ring '.length), {
      users: users.includeUsers.map((s) => s.toLowerCase()),
      groups: users.includeGroups.map((s) => s.toLowerCase()),
    });
  }
  return out;
}
