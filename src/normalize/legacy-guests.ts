/**
 * Graph's GET may answer a policy's guests twice: the legacy `"GuestsOrExternalUsers"` keyword in
 * includeUsers/excludeUsers *and* the include/excludeGuestsOrExternalUsers object that says which
 * guest types. A write that sends both fails (terraform-provider-azuread#1196), so caac keeps the
 * object form, which says more, and drops the keyword wherever the object is present: in the
 * canonical form (no false drift against a tenant that answers both), in request bodies and in
 * backups.
 */
import { isJsonObject, type JsonObject } from '../model/documents.js';

const KEYWORD = 'guestsorexternalusers';

/** A copy of the policy without the keyword where the object form is present (the input is not changed). */
export function dropLegacyGuestsKeyword(policy: JsonObject): JsonObject {
  const conditions = policy['conditions'];
  const users = isJsonObject(conditions) ? conditions['users'] : undefined;
  if (!isJsonObject(conditions) || !isJsonObject(users)) return policy;
  let changed: JsonObject | undefined;
  for (const side of ['include', 'exclude'] as const) {
    const list = users[`${side}Users`];
    if (!isJsonObject(users[`${side}GuestsOrExternalUsers`]) || !Array.isArray(list)) continue;
    const kept = list.filter((v) => !(typeof v === 'string' && v.trim().toLowerCase() === KEYWORD));
    if (kept.length === list.length) continue;
    changed ??= { ...users };
    changed[`${side}Users`] = kept;
  }
  return changed ? { ...policy, conditions: { ...conditions, users: changed } } : policy;
}
