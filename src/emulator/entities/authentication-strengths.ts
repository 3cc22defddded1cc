/**
 * Authentication strength policies: the three built-ins (read-only) and custom ones. Graph keeps
 * allowedCombinations out of PATCH (there is an updateAllowedCombinations action for that).
 */
import { randomUUID } from 'node:crypto';
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
    combinationConfigurations: { k: 'raw', def: [] },
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
    if (k === 'requirementsSatisfied') continue;
    if (k === 'combinationConfigurations') {
      // The configurations are a navigation property with an endpoint of their own.
      if (v === null || (Array.isArray(v) && v.length === 0)) continue;
      throw badRequest("'combinationConfigurations' cannot be set when the policy is created: POST each one to the policy's combinationConfigurations.");
    }
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
  const configs = out.combinationConfigurations;
  if (!Array.isArray(configs)) throw new Error(`Tenant state: 'combinationConfigurations' of strength '${String(out.displayName)}' must be an array.`);
  const checked: JsonObject[] = [];
  for (const c of configs) {
    if (!isObject(c)) throw new Error(`Tenant state: 'combinationConfigurations' of strength '${String(out.displayName)}' must hold objects.`);
    const id = typeof c.id === 'string' ? c.id : randomUUID();
    const { id: _id, ...rest } = c;
    checked.push(createConfiguration({ ...out, combinationConfigurations: checked }, rest, id));
  }
  out.combinationConfigurations = checked;
  return out;
}

// ── combinationConfigurations (v1.0 navigation property) ────────────────────────────────────────

export const FIDO2_CONFIG = '#microsoft.graph.fido2CombinationConfiguration';
export const X509_CONFIG = '#microsoft.graph.x509CertificateCombinationConfiguration';

/**
 * Per type: the combinations it may apply to (Graph's reference: "the only possible value" for
 * FIDO2 is `fido2`; x509 applies to `x509CertificateSingleFactor` or `x509CertificateMultiFactor`)
 * and its list properties.
 */
const CONFIG_TYPES: Record<string, { name: string; combinations: readonly string[]; lists: readonly string[] }> = {
  [FIDO2_CONFIG.toLowerCase()]: { name: FIDO2_CONFIG, combinations: ['fido2'], lists: ['allowedAAGUIDs'] },
  [X509_CONFIG.toLowerCase()]: { name: X509_CONFIG, combinations: ['x509CertificateSingleFactor', 'x509CertificateMultiFactor'], lists: ['allowedIssuerSkis', 'allowedPolicyOIDs'] },
};
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CONFIG_ENTITY = 'AuthenticationCombinationConfiguration';

export function configurationsOf(strength: JsonObject): JsonObject[] {
  return Array.isArray(strength.combinationConfigurations) ? (strength.combinationConfigurations.filter(isObject) as JsonObject[]) : [];
}

function configType(raw: Json | undefined): (typeof CONFIG_TYPES)[string] {
  if (typeof raw !== 'string') throw badRequest(`1007: '@odata.type' is required for a combination configuration: '${FIDO2_CONFIG}' or '${X509_CONFIG}'.`);
  const t = CONFIG_TYPES[raw.replace(/^#?/, '#').toLowerCase()];
  if (t === undefined) throw badRequest(`1007: Unknown combination configuration type '${raw}'.`);
  return t;
}

/**
 * One configuration, checked against its strength: known properties only (1007), appliesToCombinations
 * among the strength's allowedCombinations and fitting the type, one configuration per type and
 * combination, string lists (AAGUIDs are GUIDs).
 */
function checkConfiguration(strength: JsonObject, type: (typeof CONFIG_TYPES)[string], c: JsonObject, exceptId?: string): JsonObject {
  for (const key of Object.keys(c)) {
    if (key === '@odata.type' || key.endsWith('@odata.context')) continue;
    if (key !== 'appliesToCombinations' && !type.lists.includes(key)) throw ca.schema(CONFIG_ENTITY, `Property '${key}' does not exist on type '${type.name.replace('#microsoft.graph.', 'microsoft.graph.')}'.`);
  }
  const applies = c.appliesToCombinations;
  if (!Array.isArray(applies) || applies.length === 0) throw badRequest("'appliesToCombinations' must list at least one combination of the authentication strength.");
  const allowed = Array.isArray(strength.allowedCombinations) ? (strength.allowedCombinations as string[]) : [];
  const combinations = applies.map((a) => {
    if (typeof a !== 'string') throw ca.schema(CONFIG_ENTITY, "'appliesToCombinations' must be an array of strings.");
    const [normalized] = normalizeCombinations([a]);
    const fits = type.combinations.find((t) => t === normalized);
    if (fits === undefined) throw badRequest(`'${a}' cannot be configured by a ${type.name.replace('#microsoft.graph.', '')}: it applies to ${type.combinations.join(' or ')} only.`);
    if (!allowed.includes(fits)) throw badRequest(`'${a}' is not one of the authentication strength's allowedCombinations (${allowed.join('; ')}).`);
    return fits;
  });
  const taken = configurationsOf(strength).filter((o) => o.id !== exceptId && String(o['@odata.type']).toLowerCase() === type.name.toLowerCase());
  const clash = combinations.find((x) => taken.some((o) => Array.isArray(o.appliesToCombinations) && o.appliesToCombinations.includes(x)));
  if (clash !== undefined) throw badRequest(`The combination '${clash}' already has a ${type.name.replace('#microsoft.graph.', '')} in this authentication strength.`);
  const out: JsonObject = { '@odata.type': type.name, appliesToCombinations: [...new Set(combinations)] };
  for (const list of type.lists) {
    const v = c[list] ?? [];
    if (!Array.isArray(v) || !v.every((s): s is string => typeof s === 'string')) throw ca.schema(CONFIG_ENTITY, `'${list}' must be an array of strings.`);
    if (list === 'allowedAAGUIDs') {
      const bad = v.find((s) => !GUID_RE.test(s));
      if (bad !== undefined) throw badRequest(`Invalid AAGUID '${bad}': expected a GUID.`);
    }
    out[list] = list === 'allowedAAGUIDs' ? v.map((s) => s.toLowerCase()) : [...v];
  }
  return out;
}

/** A new configuration (POST), with its id. */
export function createConfiguration(strength: JsonObject, body: Json | undefined, id: string): JsonObject {
  assertCustom(strength);
  if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
  if ('id' in body) throw ca.readOnly('id');
  return { id, ...checkConfiguration(strength, configType(body['@odata.type']), body) };
}

/** A PATCH of one configuration: its type cannot change; properties sent replace the stored ones. */
export function patchConfiguration(strength: JsonObject, stored: JsonObject, body: Json | undefined): JsonObject {
  assertCustom(strength);
  if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
  if ('id' in body) throw ca.readOnly('id');
  const type = configType(stored['@odata.type']);
  if (body['@odata.type'] !== undefined && configType(body['@odata.type']).name !== type.name) throw badRequest('The type of a combination configuration cannot be changed.');
  const { id: _id, ...current } = stored;
  return { id: stored.id ?? null, ...checkConfiguration(strength, type, { ...current, ...body }, String(stored.id)) };
}

/** updateAllowedCombinations may not drop a combination that a configuration applies to. */
export function assertConfigurationsFit(strength: JsonObject, next: readonly string[]): void {
  for (const c of configurationsOf(strength)) {
    const orphan = (Array.isArray(c.appliesToCombinations) ? c.appliesToCombinations : []).find((a) => typeof a === 'string' && !next.includes(a));
    if (orphan !== undefined) throw badRequest(`The combination '${String(orphan)}' has a combination configuration (${String(c.id)}): delete it before removing the combination.`);
  }
}
