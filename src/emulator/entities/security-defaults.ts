/**
 * Security defaults (`policies/identitySecurityDefaultsEnforcementPolicy`): one object per tenant,
 * `isEnabled` its only writable property (id, displayName and description are read-only, per
 * Graph's reference). While it is on, Graph refuses to enable a Conditional Access policy.
 */
import { badRequest, ca } from '../graph-error.js';
import { isObject } from '../schema.js';
import type { Json, JsonObject, TenantState } from '../types.js';

const ID = '00000000-0000-0000-0000-000000000005';
const TYPE = '#microsoft.graph.identitySecurityDefaultsEnforcementPolicy';

export function renderSecurityDefaults(state: TenantState): JsonObject {
  return {
    id: ID,
    displayName: 'Security Defaults',
    description:
      'Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks.',
    isEnabled: state.securityDefaults?.isEnabled === true,
  };
}

export function patchSecurityDefaults(state: TenantState, body: Json | undefined): void {
  if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
  for (const [key, value] of Object.entries(body)) {
    if (key === '@odata.type' && typeof value === 'string' && value.replace(/^#?/, '#').toLowerCase() === TYPE.toLowerCase()) continue;
    if (key === 'id' || key === 'displayName' || key === 'description') throw badRequest(`Property '${key}' is read-only and cannot be set.`);
    if (key !== 'isEnabled') throw badRequest(`Invalid property '${key}' for identitySecurityDefaultsEnforcementPolicy.`);
    if (typeof value !== 'boolean') throw badRequest("'isEnabled' must be true or false.");
  }
  if (typeof body.isEnabled === 'boolean') state.securityDefaults = { isEnabled: body.isEnabled };
}

/** A policy that a write would leave enabled (enforced), while security defaults are on: refused. */
export function assertEnableAllowed(policy: JsonObject, state: TenantState): void {
  if (state.securityDefaults?.isEnabled === true && String(policy.state).toLowerCase() === 'enabled') throw ca.securityDefaultsOn();
}
