/**
 * Authentication strength policies: the three built-ins (read-only) and custom ones. Graph keeps
 * allowedCombinations out of PATCH (there is an updateAllowedCombinations action for that).
 */
import { AUTH_METHOD_MODES, builtInStrengths } from '../builtins.js';
import { GraphHttpError, badRequest, ca } from '../graph-error.js';
import { isObject, normalize, normalizePartial, type TypeDef } from '../schema.js';
import type { Json, JsonObject, TenantState } from '../types.js';

const ctx = { entity: 'AuthenticationStrengthPolicy' };

const inputType: TypeDef = {
  name: 'authenticationStrengthPolicy',
  fields: { displayName: { k: 'string' }, description: { k: 'string' }, allowedCombinations: { k: 'raw' } },
};
const patchType: TypeDef = { name: 'authenticationStrengthPolicy', fields: { displayName: { k: 'string' }, description: { k: 'string' } } };

export const strengthStoredType: TypeDef = {
  name: 'authenticationStrengthPolicy',
  fields: {
    id: { k: 'string' },
    createdDateTime: { k: 'string' },
    modifiedDateTime: { k: 'string' },
    displayName: { k: 'string' },
    description: { k: 'string' },
    policyType: { k: 'enum', values: ['builtIn', 'custom', 'unknownFutureValue'], def: 'custom' },
    requirementsSatisfied: { k: 'enum', values: ['none', 'mfa', 'unknownFutureValue'], def: 'mfa' },
    allowedCombinations: { k: 'raw' },
  },
};

/** "password, sms" → "password,sms" with each mode in Graph's casing. */
export function normalizeCombinations(raw: Json | undefined): string[] {
  if (!Array.isArray(raw) || raw.length === 0) throw badRequest("'allowedCombinations' must list at least one combination of authentication methods.");
  return raw.map((c) => {
    if (typeof c !== 'string') throw badRequest("'allowedCombinations' must be an array of strings.");
    return c
      .split(',')
      .map((m) => {
        const found = AUTH_METHOD_MODES.find((x) => x.toLowerCase() === m.trim().toLowerCase());
        if (found === undefined) throw badRequest(`Invalid authentication method mode '${m.trim()}' in allowedCombinations.`);
        return found;
      })
      .join(',');
  });
}

export function allStrengths(state: TenantState): JsonObject[] {
  return [...builtInStrengths(), ...state.authenticationStrengthPolicies];
}

function assertUniqueName(state: TenantState, name: Json | undefined, exceptId?: string): void {
  if (typeof name !== 'string' || name.trim() === '') throw badRequest("'displayName' is required.");
  const clash = allStrengths(state).find((s) => s.id !== exceptId && String(s.displayName).toLowerCase() === name.toLowerCase());
  if (clash !== undefined) throw badRequest(`An authentication strength policy named '${name}' already exists.`);
}

export function assertCustom(s: JsonObject): void {
  if (s.policyType === 'builtIn') {
    throw new GraphHttpError(400, 'BadRequest', `Built-in authentication strength policy '${String(s.id)}' cannot be modified or deleted.`);
  }
}

export function createStrength(body: Json | undefined, state: TenantState, id: string, now: string): JsonObject {
  if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
  for (const f of ['id', 'createdDateTime', 'modifiedDateTime']) if (f in body) throw ca.readOnly(f);
  const rest: JsonObject = {};
  // policyType and requirementsSatisfied are computed by Graph; a client echoing "custom" is harmless.
  for (const [k, v] of Object.entries(body)) {
    if (k === 'policyType' && v === 'custom') continue;
    if (k === 'requirementsSatisfied' || k === 'combinationConfigurations') continue;
    rest[k] = v;
  }
  const input = normalize(inputType, rest, '', ctx);
  assertUniqueName(state, input.displayName);
  return normalize(
    strengthStoredType,
    { id, createdDateTime: now, modifiedDateTime: now, ...input, policyType: 'custom', requirementsSatisfied: 'mfa', allowedCombinations: normalizeCombinations(input.allowedCombinations) },
    '',
    ctx,
  );
}

export function patchStrength(stored: JsonObject, body: Json | undefined, state: TenantState, now: string): JsonObject {
  assertCustom(stored);
  if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
  if ('allowedCombinations' in body) {
    throw badRequest("'allowedCombinations' cannot be updated with PATCH; use the updateAllowedCombinations action.");
  }
  const partial = normalizePartial(patchType, body, ctx);
  if ('displayName' in partial) assertUniqueName(state, partial.displayName, String(stored.id));
  return { ...stored, ...partial, modifiedDateTime: now };
}

export function normalizeStoredStrength(s: JsonObject): JsonObject {
  const out = normalize(strengthStoredType, s, '', ctx);
  out.allowedCombinations = normalizeCombinations(out.allowedCombinations);
  return out;
}
