/**
 * Conditional Access policies: creation, PATCH merge, the checks Graph makes (references to
 * directory objects, required conditions, control combinations), and the response shape with the
 * authentication strength expanded.
 */
import { builtInStrengths } from '../builtins.js';
import { badRequest, ca } from '../graph-error.js';
import { forVersion, isObject, mergePatch, normalize, normalizePatch } from '../schema.js';
import type { Json, JsonObject, TenantState } from '../types.js';
import {
  APP_KEYWORDS, LOCATION_KEYWORDS, SP_KEYWORDS, USER_ACTIONS, USER_KEYWORDS, policyInputType, policyType,
} from './policy-schema.js';

/** Graph refuses the 196th policy in a tenant. */
export const POLICY_LIMIT = 195;

const ENTITY = 'ConditionalAccessPolicy';
const ctx = { entity: ENTITY };
const READ_ONLY = ['id', 'createdDateTime', 'modifiedDateTime', 'deletedDateTime', 'templateId'] as const;

const obj = (v: Json | undefined): JsonObject | null => (isObject(v) ? v : null);
const arr = (v: Json | undefined): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

function rejectReadOnly(body: JsonObject): void {
  for (const f of READ_ONLY) {
    // A null templateId is what a GET answers; sending it back is harmless, as in Graph.
    if (f in body && !(f === 'templateId' && body[f] === null)) throw ca.readOnly(f);
  }
  if ('partialEnablementStrategy' in body && body.partialEnablementStrategy !== null) throw ca.readOnly('partialEnablementStrategy');
}

/** Graph applies a policy to all client app types when the condition is left out; only an explicit [] is an error. */
function defaultClientAppTypes(body: JsonObject): JsonObject {
  const conditions = obj(body.conditions);
  if (conditions === null || conditions.clientAppTypes !== undefined) return body;
  return { ...body, conditions: { ...conditions, clientAppTypes: ['all'] } };
}

/** Drops annotations, and the null server fields a client echoes from a GET (rejectReadOnly ran first). */
function stripOdata(v: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, val] of Object.entries(v)) {
    if (k.startsWith('@odata.') || k.endsWith('@odata.context')) continue;
    if ((k === 'templateId' || k === 'partialEnablementStrategy') && val === null) continue;
    out[k] = val;
  }
  return out;
}

/** Shapes the polymorphic parts the schema leaves raw: externalTenants and the strength reference. */
function shapeRaw(p: JsonObject): JsonObject {
  const users = obj(obj(p.conditions)?.users);
  for (const key of ['includeGuestsOrExternalUsers', 'excludeGuestsOrExternalUsers']) {
    const g = obj(users?.[key]);
    if (g === null) continue;
    const t = g.externalTenants;
    if (t === null || t === undefined) {
      g.externalTenants = null;
      continue;
    }
    if (!isObject(t)) throw ca.schema(ENTITY, `'${key}.externalTenants' must be an object.`);
    const type = typeof t['@odata.type'] === 'string' ? (t['@odata.type'] as string).replace(/^#?/, '#').toLowerCase() : '';
    const kind = typeof t.membershipKind === 'string' ? t.membershipKind.toLowerCase() : '';
    if (type === '#microsoft.graph.conditionalaccessallexternaltenants' || (type === '' && kind === 'all')) {
      g.externalTenants = { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' };
    } else if (type === '#microsoft.graph.conditionalaccessenumeratedexternaltenants' || (type === '' && kind === 'enumerated')) {
      const members = arr(t.members);
      if (members.length === 0) throw ca.schema(ENTITY, `'${key}.externalTenants.members' must list at least one tenant id.`);
      g.externalTenants = { '@odata.type': '#microsoft.graph.conditionalAccessEnumeratedExternalTenants', membershipKind: 'enumerated', members };
    } else {
      throw ca.schema(ENTITY, `'${key}.externalTenants' needs @odata.type conditionalAccessAllExternalTenants or conditionalAccessEnumeratedExternalTenants.`);
    }
  }
  const grant = obj(p.grantControls);
  if (grant !== null) {
    const s = grant.authenticationStrength;
    if (s === null || s === undefined) grant.authenticationStrength = null;
    else if (isObject(s) && typeof s.id === 'string') grant.authenticationStrength = { id: s.id };
    else throw ca.schema(ENTITY, "'grantControls.authenticationStrength' must be an object with an 'id'.");
  }
  return p;
}

/** Normalizes a policy loaded from a seed or state file; references are not checked. */
export function normalizeStoredPolicy(p: JsonObject): JsonObject {
  const out = normalize(policyType, stripOdata(defaultClientAppTypes(p)), '', ctx);
  return shapeRaw(out);
}

export function strengthExists(state: TenantState, id: string): boolean {
  return builtInStrengths().some((s) => s.id === id) || state.authenticationStrengthPolicies.some((s) => s.id === id);
}

function checkRefs(values: string[], keywords: readonly string[], exists: (v: string) => boolean, fail: (v: string) => Error): void {
  for (const v of values) {
    if (keywords.includes(v)) continue;
    if (!exists(v)) throw fail(v);
  }
}

/** The checks Graph makes on a whole policy, after create or after a PATCH merge. */
export function validatePolicy(p: JsonObject, state: TenantState): void {
  if (typeof p.displayName !== 'string' || p.displayName.trim() === '') throw ca.schema(ENTITY, "'displayName' is required.");
  if (p.state === null) throw ca.schema(ENTITY, "'state' is required.");
  const conditions = obj(p.conditions);
  if (conditions === null) throw ca.schema(ENTITY, "'conditions' is required.");
  const users = obj(conditions.users);
  const apps = obj(conditions.applications);
  if (apps === null) throw ca.schema(ENTITY, "'conditions.applications' is required.");
  const clientApps = obj(conditions.clientApplications);
  // Graph: users is required unless clientApplications names service principals (a policy for
  // workload identities).
  const includesWorkloads = arr(clientApps?.includeServicePrincipals).length > 0;
  if (users === null && !includesWorkloads) throw ca.schema(ENTITY, "'conditions.users' is required.");
  if (arr(conditions.clientAppTypes).length === 0) throw ca.emptyClientAppTypes();

  // References: every value that is not a keyword must name an object of the right kind.
  const ids = (list: JsonObject[]) => new Set(list.map((o) => String(o.id)));
  const userIds = ids(state.users);
  const groupIds = ids(state.groups);
  const roleIds = ids(state.directoryRoleTemplates);
  const appIds = new Set(state.servicePrincipals.map((s) => String(s.appId)));
  const spIds = ids(state.servicePrincipals);
  const locationIds = ids(state.namedLocations);
  checkRefs([...arr(users?.includeUsers), ...arr(users?.excludeUsers)], USER_KEYWORDS, (v) => userIds.has(v), ca.invalidUser);
  checkRefs([...arr(users?.includeGroups), ...arr(users?.excludeGroups)], [], (v) => groupIds.has(v), ca.invalidGroup);
  checkRefs([...arr(users?.includeRoles), ...arr(users?.excludeRoles)], [], (v) => roleIds.has(v), ca.invalidRole);
  checkRefs([...arr(apps.includeApplications), ...arr(apps.excludeApplications)], APP_KEYWORDS, (v) => appIds.has(v), ca.invalidApplication);
  const locations = obj(conditions.locations);
  // The MFA Trusted IPs id is no named location object, and Graph accepts it (its create example excludes it).
  const mfaTrustedIps = '00000000-0000-0000-0000-000000000000';
  checkRefs([...arr(locations?.includeLocations), ...arr(locations?.excludeLocations)], LOCATION_KEYWORDS, (v) => v === mfaTrustedIps || locationIds.has(v), ca.invalidLocation);
  checkRefs(
    [...arr(clientApps?.includeServicePrincipals), ...arr(clientApps?.excludeServicePrincipals)],
    SP_KEYWORDS,
    (v) => spIds.has(v),
    ca.invalidServicePrincipal,
  );
  for (const a of arr(apps.includeUserActions)) {
    if (!(USER_ACTIONS as readonly string[]).includes(a.toLowerCase())) throw ca.schema(ENTITY, `Unknown user action '${a}'.`);
  }
  for (const c of arr(apps.includeAuthenticationContextClassReferences)) {
    if (!/^c[1-9]\d*$/.test(c)) throw ca.schema(ENTITY, `Invalid authentication context class reference '${c}'.`);
  }

  // What the policy applies to.
  const includesUsers =
    arr(users?.includeUsers).length + arr(users?.includeGroups).length + arr(users?.includeRoles).length > 0 ||
    (users !== null && users.includeGuestsOrExternalUsers !== null && users.includeGuestsOrExternalUsers !== undefined);
  if (!includesUsers && !includesWorkloads) throw ca.noUsers();
  const userActions = arr(apps.includeUserActions);
  if (arr(apps.includeApplications).length > 0 && userActions.length > 0) throw ca.appsAndUserActions();
  if (arr(apps.includeApplications).length + userActions.length + arr(apps.includeAuthenticationContextClassReferences).length === 0) {
    throw ca.noApplications();
  }
  for (const side of ['include', 'exclude'] as const) {
    if (users === null) break;
    const g = obj(users[`${side}GuestsOrExternalUsers`]);
    if (g !== null && arr(users[`${side}Users`]).includes('GuestsOrExternalUsers')) throw ca.guestsStringAndObject();
    if (g !== null && g.externalTenants !== null && g.guestOrExternalUserTypes === null) throw ca.externalTenantsWithoutTypes();
  }

  // Controls.
  const grant = obj(p.grantControls);
  const session = obj(p.sessionControls);
  const controls = arr(grant?.builtInControls);
  const strength = obj(grant?.authenticationStrength);
  const others = controls.length + arr(grant?.termsOfUse).length + arr(grant?.customAuthenticationFactors).length + (strength === null ? 0 : 1);
  if (others === 0 && session === null) throw ca.noControls();
  if (controls.includes('block') && others > 1) throw ca.blockWithOthers();
  if (strength !== null && controls.includes('mfa')) throw ca.strengthWithMfa();
  if (strength !== null && !strengthExists(state, String(strength.id))) throw ca.invalidStrength(String(strength.id));
  if (controls.includes('passwordChange')) {
    const ok =
      (controls.includes('mfa') || strength !== null) &&
      grant?.operator === 'AND' &&
      arr(conditions.userRiskLevels).length > 0 &&
      arr(apps.includeApplications).length === 1 &&
      arr(apps.includeApplications)[0] === 'All';
    if (!ok) throw ca.passwordChange();
  }
  if (controls.includes('riskRemediation') && (strength === null || grant?.operator !== 'AND')) throw ca.riskRemediation();
  const sif = obj(session?.signInFrequency);
  if (sif !== null && sif.frequencyInterval === 'everyTime' && (sif.type !== null || sif.value !== null)) throw ca.everyTimeWithValue();
}

export type ApiVersion = 'v1.0' | 'beta';

export function createPolicy(body: Json | undefined, state: TenantState, id: string, now: string, version: ApiVersion): JsonObject {
  if (!isObject(body)) throw ca.schema(ENTITY, 'The request body must be a JSON object.');
  rejectReadOnly(body);
  const input = shapeRaw(normalize(policyInputType, stripOdata(defaultClientAppTypes(body)), '', { ...ctx, version }));
  const p: JsonObject = normalize(policyType, { ...input, id, templateId: null, createdDateTime: now, modifiedDateTime: null }, '', ctx);
  validatePolicy(p, state);
  if (state.policies.length >= POLICY_LIMIT) throw ca.policyLimit(POLICY_LIMIT);
  return p;
}

/**
 * PATCH, as Graph's update reference says: "existing properties that aren't included in the request
 * body maintain their previous values". Complex properties merge recursively, arrays are replaced
 * whole, null clears; the whole policy is then checked again, as after a create.
 */
export function patchPolicy(stored: JsonObject, body: Json | undefined, state: TenantState, now: string, version: ApiVersion): JsonObject {
  if (!isObject(body)) throw ca.schema(ENTITY, 'The request body must be a JSON object.');
  rejectReadOnly(body);
  const patch = normalizePatch(policyInputType, stripOdata(body), '', { ...ctx, version });
  const merged = mergePatch(policyType, structuredClone(stored), patch, { ...ctx, version });
  const p = shapeRaw(normalize(policyType, { ...merged, modifiedDateTime: now }, '', ctx));
  validatePolicy(p, state);
  return p;
}

/** The policy as Graph answers it: beta-only fields dropped on v1.0, strength expanded. */
export function renderPolicy(p: JsonObject, state: TenantState, version: string, baseUrl: string): JsonObject {
  const out = structuredClone(forVersion(policyType, p, version));
  const grant = obj(out.grantControls);
  if (grant !== null) {
    const ref = obj(grant.authenticationStrength);
    const strength = ref === null ? undefined : [...builtInStrengths(), ...state.authenticationStrengthPolicies].find((s) => s.id === ref.id);
    const shaped: JsonObject = {};
    for (const [k, v] of Object.entries(grant)) {
      if (k === 'authenticationStrength') {
        shaped['authenticationStrength@odata.context'] =
          `${baseUrl}/${version}/$metadata#identity/conditionalAccess/policies('${String(p.id)}')/grantControls/authenticationStrength/$entity`;
        shaped.authenticationStrength = strength === undefined ? null : renderStrengthInline(strength);
      } else shaped[k] = v;
    }
    out.grantControls = shaped;
  }
  return out;
}

function renderStrengthInline(s: JsonObject): JsonObject {
  return { ...structuredClone(s), combinationConfigurations: [] };
}

/** Which policy, if any, references an object (for refusing deletes of named locations and strengths). */
export function policyReferencing(state: TenantState, id: string): JsonObject | undefined {
  return state.policies.find((p) => {
    const locations = obj(obj(p.conditions)?.locations);
    const strength = obj(obj(p.grantControls)?.authenticationStrength);
    return [...arr(locations?.includeLocations), ...arr(locations?.excludeLocations)].includes(id) || strength?.id === id;
  });
}

export function assertObject(body: Json | undefined, entity: string): JsonObject {
  if (!isObject(body)) throw badRequest(`The request body must be a JSON object describing a ${entity}.`);
  return body;
}
