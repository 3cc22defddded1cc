/**
 * A Conditional Access template (Graph's conditionalAccessTemplate) as a repository policy file,
 * the way a backup writes a policy: Graph's shape without what the server manages, ids written
 * as `kind:name` where the name resolves back to exactly that object.
 *
 * What caac decides beyond a backup:
 * - `state` is `enabledForReportingButNotEnforced`: a template starts report-only, whatever it says.
 * - The template's name and id go into `description` (Graph's `templateId` is read-only).
 * - Graph's templates hold a placeholder where the portal excludes the signed-in administrator
 *   (`excludeUsers: ["Current administrator will be excluded"]`, localized with Accept-Language):
 *   any string in excludeUsers that is neither an id nor a keyword is that placeholder. caac has no
 *   "current administrator" (it runs as an application): the placeholder is dropped, and the
 *   emergency-access accounts and groups of caac.yml are excluded instead, as validate requires.
 * - A placeholder anywhere else (an include list, groups, roles) stops the run: dropping it could
 *   widen or narrow who is covered, and caac never guesses.
 * - Properties the policy schema does not declare and that hold nothing (`times: null`,
 *   `signInRiskDetections: null`) are left out; one that holds something stays, and validate
 *   names it.
 */
import { ConfigurationError } from '../errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../model/documents.js';
import { isGuid } from '../model/references.js';
import type { PolicyTemplate } from '../model/templates.js';
import { propertySchema, type SchemaNode } from '../validate/schema-walk.js';
import { DOCUMENT_SCHEMAS } from '../validate/schemas.js';
import { backupDocument } from './document.js';
import type { ReferenceNames } from './names.js';

export const NEW_POLICY_STATE = 'enabledForReportingButNotEnforced';

const USER_KEYWORDS = new Set(['all', 'none', 'guestsorexternalusers']);
const USER_SLOTS = ['includeUsers', 'excludeUsers', 'includeGroups', 'excludeGroups', 'includeRoles', 'excludeRoles'] as const;

export interface TemplateDocumentInput {
  template: PolicyTemplate;
  displayName: string;
  /** caac.yml's emergency-access accounts and groups, as written there (`user:…`, `group:…` or ids). */
  emergency: { users: readonly string[]; groups: readonly string[] };
  /** References to write for the ids the template holds; undefined keeps ids. */
  names?: ReferenceNames;
}

export interface TemplateDocument {
  document: JsonObject;
  /** What caac changed from the template, one line each (printed by `caac new`). */
  notes: string[];
}

/** The policy before names are written: the template's details with caac's defaults (pure). */
export function policyFromTemplate(input: Omit<TemplateDocumentInput, 'names'>): TemplateDocument {
  const { template } = input;
  const notes: string[] = [];
  const details = compactUndeclared(structuredClone(template.details), DOCUMENT_SCHEMAS.policy, DOCUMENT_SCHEMAS.policy) as JsonObject;
  const policy: JsonObject = {
    displayName: input.displayName,
    description: `From Microsoft's Conditional Access template "${template.name}" (${template.id}).`,
    state: NEW_POLICY_STATE,
  };
  for (const key of ['conditions', 'grantControls', 'sessionControls']) if (key in details) policy[key] = details[key]!;
  const conditions = isJsonObject(policy['conditions']) ? policy['conditions'] : undefined;
  const users = conditions && isJsonObject(conditions['users']) ? conditions['users'] : undefined;
  if (users) {
    for (const slot of USER_SLOTS) {
      const list = users[slot];
      if (!Array.isArray(list)) continue;
      const placeholders = list.filter((v): v is string => typeof v === 'string' && !isGuid(v.trim()) && !USER_KEYWORDS.has(v.trim().toLowerCase()));
      if (placeholders.length === 0) continue;
      if (slot !== 'excludeUsers') {
        throw new ConfigurationError(
          `template "${template.name}" (${template.id}) holds ${placeholders.map((p) => JSON.stringify(p)).join(', ')} in conditions.users.${slot}: not an id, and caac does not guess what it stands for; start from another template or from the skeleton (caac new without --template)`,
        );
      }
      users[slot] = list.filter((v) => !placeholders.includes(v as string));
      notes.push(`the template excludes ${placeholders.map((p) => JSON.stringify(p)).join(', ')}: caac runs as an application, so it excludes caac.yml's emergency-access accounts instead`);
    }
  }
  addEmergencyExclusions(policy, input.emergency, notes);
  return { document: policy, notes };
}

/** The repository document: defaults as above, ids named, keys in the backup's order (pure). */
export function templateDocument(input: TemplateDocumentInput): TemplateDocument {
  const { document, notes } = policyFromTemplate(input);
  return { document: withoutEmpties(backupDocument('policy', document, { names: input.names ?? new Map() })), notes };
}

/** A minimal valid policy with the same defaults: all users' sign-ins to no application, require MFA. */
export function skeletonPolicy(displayName: string, emergency: TemplateDocumentInput['emergency']): TemplateDocument {
  const notes: string[] = [];
  const policy: JsonObject = {
    displayName,
    description: 'Created by caac new: choose the users, applications and controls, then open a pull request.',
    state: NEW_POLICY_STATE,
    conditions: {
      users: { includeUsers: ['All'] },
      applications: { includeApplications: ['None'] },
      clientAppTypes: ['all'],
    },
    grantControls: { operator: 'OR', builtInControls: ['mfa'] },
  };
  addEmergencyExclusions(policy, emergency, notes);
  return { document: withoutEmpties(backupDocument('policy', policy, {})), notes };
}

function addEmergencyExclusions(policy: JsonObject, emergency: TemplateDocumentInput['emergency'], notes: string[]): void {
  if (emergency.users.length + emergency.groups.length === 0) return;
  const conditions = (policy['conditions'] ??= {}) as JsonObject;
  const users = (conditions['users'] ??= {}) as JsonObject;
  const add = (slot: 'excludeUsers' | 'excludeGroups', values: readonly string[]): void => {
    const list = Array.isArray(users[slot]) ? (users[slot] as JsonValue[]) : [];
    const have = new Set(list.map((v) => (typeof v === 'string' ? v.trim().toLowerCase() : '')));
    users[slot] = [...list, ...values.filter((v) => !have.has(v.trim().toLowerCase()))];
  };
  add('excludeUsers', emergency.users);
  add('excludeGroups', emergency.groups);
  notes.push(`excludes the emergency-access accounts of caac.yml (${[...emergency.users, ...emergency.groups].join(', ')})`);
}

/**
 * A new file says only what the template sets: null and [] are what Graph stores for an absent
 * property (the normalizer fills them on both sides of a plan), so leaving them out changes
 * nothing, and an object left with nothing to say goes too.
 */
function withoutEmpties(document: JsonObject): JsonObject {
  const walk = (value: JsonValue): JsonValue | undefined => {
    if (value === null || (Array.isArray(value) && value.length === 0)) return undefined;
    if (!isJsonObject(value)) return value;
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value)) {
      const kept = walk(child);
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length ? out : undefined;
  };
  return (walk(document) as JsonObject | undefined) ?? {};
}

/** Drops members the schema does not declare when they hold nothing (null, [], {}); recurses into declared objects. */
function compactUndeclared(value: JsonValue, node: SchemaNode | undefined, root: SchemaNode): JsonValue {
  if (!isJsonObject(value) || node === undefined) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    const childSchema = propertySchema(node, key, root);
    const empty = child === null || (Array.isArray(child) && child.length === 0) || (isJsonObject(child) && Object.keys(child).length === 0);
    if (!childSchema && empty) continue;
    out[key] = compactUndeclared(child, childSchema, root);
  }
  return out;
}
