/**
 * Directory objects that Conditional Access references: users, groups, service principals,
 * applications and directory role templates. Read-only through Graph; seeded from fixtures.
 * Stored objects are filled with the properties Graph's default $select returns.
 */
import { badRequest } from '../graph-error.js';
import type { Json, JsonObject, TenantState } from '../types.js';

const USER_DEFAULTS: JsonObject = {
  businessPhones: [], displayName: null, givenName: null, jobTitle: null, mail: null, mobilePhone: null,
  officeLocation: null, preferredLanguage: null, surname: null, userPrincipalName: null,
};
const GROUP_DEFAULTS: JsonObject = {
  deletedDateTime: null, classification: null, createdDateTime: null, description: null, displayName: null,
  groupTypes: [], isAssignableToRole: null, mail: null, mailEnabled: false, mailNickname: null, securityEnabled: true,
  visibility: null,
};
const SP_DEFAULTS: JsonObject = {
  accountEnabled: true, appDisplayName: null, appId: null, appOwnerOrganizationId: null, displayName: null,
  servicePrincipalType: 'Application', tags: [],
};
const APP_DEFAULTS: JsonObject = { appId: null, displayName: null, signInAudience: 'AzureADMyOrg', createdDateTime: null };
const ROLE_DEFAULTS: JsonObject = { deletedDateTime: null, description: null, displayName: null };

export type DirectoryKind = 'users' | 'groups' | 'servicePrincipals' | 'applications' | 'directoryRoleTemplates';

export const ODATA_TYPE: Record<DirectoryKind, string> = {
  users: '#microsoft.graph.user',
  groups: '#microsoft.graph.group',
  servicePrincipals: '#microsoft.graph.servicePrincipal',
  applications: '#microsoft.graph.application',
  directoryRoleTemplates: '#microsoft.graph.directoryRoleTemplate',
};

const DEFAULTS: Record<DirectoryKind, JsonObject> = {
  users: USER_DEFAULTS, groups: GROUP_DEFAULTS, servicePrincipals: SP_DEFAULTS, applications: APP_DEFAULTS, directoryRoleTemplates: ROLE_DEFAULTS,
};

/** Fills Graph's defaults around what a fixture gives; `id` first, as Graph answers. */
export function normalizeDirectoryObject(kind: DirectoryKind, o: JsonObject): JsonObject {
  if (typeof o.id !== 'string' || o.id === '') throw badRequest(`A ${kind} entry in the tenant has no 'id'.`);
  const out: JsonObject = { id: o.id };
  for (const [k, v] of Object.entries(DEFAULTS[kind])) out[k] = structuredClone(v);
  for (const [k, v] of Object.entries(o)) if (!k.startsWith('@odata.')) out[k] = v;
  return out;
}

const KIND_BY_TYPE: Record<string, DirectoryKind> = {
  user: 'users', group: 'groups', serviceprincipal: 'servicePrincipals', application: 'applications', directoryroletemplate: 'directoryRoleTemplates',
};

/** POST directoryObjects/getByIds: up to 1000 ids, optionally restricted to some types. */
export function getByIds(state: TenantState, body: Json | undefined): JsonObject[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest("The request body must be a JSON object with 'ids'.");
  const ids = body.ids;
  if (!Array.isArray(ids) || !ids.every((i): i is string => typeof i === 'string')) throw badRequest("'ids' must be an array of strings.");
  if (ids.length > 1000) throw badRequest(`'ids' may hold at most 1000 values; ${ids.length} were sent.`);
  let kinds = Object.values(KIND_BY_TYPE);
  if (body.types !== undefined && body.types !== null) {
    if (!Array.isArray(body.types) || !body.types.every((t): t is string => typeof t === 'string')) throw badRequest("'types' must be an array of strings.");
    // Types Graph knows but this emulator holds none of (device, orgContact, …) simply match nothing.
    kinds = body.types.map((t) => KIND_BY_TYPE[t.replace(/^#?(microsoft\.graph\.)?/i, '').toLowerCase()]).filter((k): k is DirectoryKind => k !== undefined);
  }
  const wanted = new Set(ids.map((i) => i.toLowerCase()));
  // Graph does not answer in the order asked; grouping by type makes clients that assume it fail here too.
  return kinds.flatMap((k) => state[k].filter((o) => wanted.has(String(o.id).toLowerCase())).map((o) => ({ '@odata.type': ODATA_TYPE[k], ...o })));
}

export function findDirectoryObject(state: TenantState, id: string): { kind: DirectoryKind; object: JsonObject } | undefined {
  for (const kind of Object.keys(ODATA_TYPE) as DirectoryKind[]) {
    const object = state[kind].find((o) => String(o.id).toLowerCase() === id.toLowerCase());
    if (object !== undefined) return { kind, object };
  }
  return undefined;
}
