/**
 * Authentication context class references (c1, c2, …). Graph creates one with PATCH on its id
 * (an upsert); the number is not capped here because Graph keeps raising the cap.
 */
import { badRequest } from '../graph-error.js';
import { isObject, normalize, normalizePartial, type TypeDef } from '../schema.js';
import type { Json, JsonObject } from '../types.js';

const ctx = { entity: 'AuthenticationContextClassReference' };
export const contextType: TypeDef = {
  name: 'authenticationContextClassReference',
  fields: { id: { k: 'string' }, displayName: { k: 'string' }, description: { k: 'string' }, isAvailable: { k: 'bool', def: false } },
};
const patchType: TypeDef = {
  name: 'authenticationContextClassReference',
  fields: { id: { k: 'string' }, displayName: { k: 'string' }, description: { k: 'string' }, isAvailable: { k: 'bool' } },
};

export function isContextId(id: string): boolean {
  return /^c[1-9]\d*$/.test(id);
}

export function upsertContext(existing: JsonObject | undefined, id: string, body: Json | undefined): JsonObject {
  if (!isContextId(id)) throw badRequest(`Invalid authentication context id '${id}': expected c1, c2, …`);
  if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
  const partial = normalizePartial(patchType, body, ctx);
  if (partial.id !== undefined && partial.id !== id) throw badRequest("'id' in the body must match the id in the URL.");
  const merged: JsonObject = { ...(existing ?? normalize(contextType, { id }, '', ctx)), ...partial, id };
  if (typeof merged.displayName !== 'string' || merged.displayName === '') throw badRequest("'displayName' is required.");
  return normalize(contextType, merged, '', ctx);
}
