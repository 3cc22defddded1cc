/**
 * One tenant object as a repository document: Graph's own shape, minus what the server manages,
 * with the ids it holds written as `kind:name` where that name resolves back to exactly that
 * object, in a fixed key order and with set-like arrays sorted, so that the same object always
 * gives the same bytes.
 */
import { isJsonObject, type DocumentKind, type JsonObject, type JsonValue } from '../model/documents.js';
import { escapePointerSegment, parentPointer, parsePointer, valueAtPointer } from '../model/json-pointer.js';
import { POLICY_REFERENCE_SLOTS, isGuid, type ReferenceKind } from '../model/references.js';
import { dropLegacyGuestsKeyword } from '../normalize/legacy-guests.js';
import { PROPERTY_RULES } from '../normalize/property-rules.js';
import { referenceKey, type ReferenceNames } from './names.js';

/** Top-level fields the server manages, by kind (the `id` is kept: it is how a restore matches). */
const SERVER_FIELDS: Record<DocumentKind, readonly string[]> = {
  policy: ['createdDateTime', 'modifiedDateTime', 'templateId', 'deletedDateTime', 'partialEnablementStrategy'],
  namedLocation: ['createdDateTime', 'modifiedDateTime', 'deletedDateTime'],
  authenticationStrength: ['createdDateTime', 'modifiedDateTime', 'deletedDateTime', 'policyType', 'requirementsSatisfied'],
};

/**
 * Key order, by shape pointer (array items are `*`): `@odata.type` first, then these keys in this
 * order, then any other key in code-unit order. Graph's own reading order, fixed here so that the
 * files do not depend on the order a server happens to answer in.
 */
const FILTER = ['mode', 'rule'];
const KEY_ORDER: Record<DocumentKind, Readonly<Record<string, readonly string[]>>> = {
  policy: {
    '': ['id', 'displayName', 'description', 'state', 'conditions', 'grantControls', 'sessionControls'],
    '/conditions': [
      'users', 'applications', 'clientApplications', 'clientAppTypes', 'platforms', 'locations', 'devices',
      'userRiskLevels', 'signInRiskLevels', 'servicePrincipalRiskLevels', 'insiderRiskLevels', 'authenticationFlows',
    ],
    '/conditions/users': [
      'includeUsers', 'excludeUsers', 'includeGroups', 'excludeGroups', 'includeRoles', 'excludeRoles',
      'includeGuestsOrExternalUsers', 'excludeGuestsOrExternalUsers',
    ],
    '/conditions/users/includeGuestsOrExternalUsers': ['guestOrExternalUserTypes', 'externalTenants'],
    '/conditions/users/excludeGuestsOrExternalUsers': ['guestOrExternalUserTypes', 'externalTenants'],
    '/conditions/users/includeGuestsOrExternalUsers/externalTenants': ['membershipKind', 'members'],
    '/conditions/users/excludeGuestsOrExternalUsers/externalTenants': ['membershipKind', 'members'],
    '/conditions/applications': ['includeApplications', 'excludeApplications', 'includeUserActions', 'includeAuthenticationContextClassReferences', 'applicationFilter'],
    '/conditions/applications/applicationFilter': FILTER,
    '/conditions/clientApplications': ['includeServicePrincipals', 'excludeServicePrincipals', 'servicePrincipalFilter'],
    '/conditions/clientApplications/servicePrincipalFilter': FILTER,
    '/conditions/platforms': ['includePlatforms', 'excludePlatforms'],
    '/conditions/locations': ['includeLocations', 'excludeLocations'],
    '/conditions/devices': ['deviceFilter'],
    '/conditions/devices/deviceFilter': FILTER,
    '/grantControls': ['operator', 'builtInControls', 'authenticationStrength', 'customAuthenticationFactors', 'termsOfUse'],
    '/sessionControls': ['applicationEnforcedRestrictions', 'cloudAppSecurity', 'persistentBrowser', 'signInFrequency', 'disableResilienceDefaults'],
    '/sessionControls/applicationEnforcedRestrictions': ['isEnabled'],
    '/sessionControls/cloudAppSecurity': ['isEnabled', 'cloudAppSecurityType'],
    '/sessionControls/persistentBrowser': ['isEnabled', 'mode'],
    '/sessionControls/signInFrequency': ['isEnabled', 'type', 'value', 'authenticationType', 'frequencyInterval'],
  },
  namedLocation: {
    '': ['id', 'displayName', 'isTrusted', 'ipRanges', 'countriesAndRegions', 'includeUnknownCountriesAndRegions', 'countryLookupMethod'],
    '/ipRanges/*': ['cidrAddress'],
  },
  authenticationStrength: {
    '': ['id', 'displayName', 'description', 'allowedCombinations', 'combinationConfigurations'],
    '/combinationConfigurations/*': ['appliesToCombinations', 'allowedAAGUIDs', 'allowedIssuerSkis', 'allowedPolicyOIDs'],
  },
};

const DIRECTORY_OR_NAMED: ReadonlySet<string> = new Set<ReferenceKind>(['user', 'group', 'role', 'app', 'servicePrincipal', 'location', 'authStrength']);

export interface BackupDocumentOptions {
  /** The references to write; undefined keeps every id raw (`--ids`). */
  names?: ReferenceNames;
}

/** The repository document of one tenant object (pure; the input is not changed). */
export function backupDocument(kind: DocumentKind, object: JsonObject, options: BackupDocumentOptions = {}): JsonObject {
  let doc = dropEmptyBetaProperties(kind, stripServerFields(kind, object));
  if (kind === 'authenticationStrength') stripConfigurationIds(doc);
  if (kind === 'policy') {
    // Graph's GET may answer guests twice (keyword and object); the file keeps the object form,
    // the only one a write accepts beside the other.
    doc = dropLegacyGuestsKeyword(doc);
    reduceStrength(doc);
    writeReferences(doc, options.names);
  }
  return order(kind, doc, '') as JsonObject;
}

/** Two-space JSON with a final newline: the bytes of a backup file. */
export function serializeDocument(doc: JsonObject): string {
  return JSON.stringify(doc, null, 2) + '\n';
}

const isAnnotation = (key: string): boolean => key !== '@odata.type' && (key.includes('@odata.') || key.startsWith('#'));

function stripServerFields(kind: DocumentKind, object: JsonObject): JsonObject {
  const dropped = new Set(SERVER_FIELDS[kind]);
  const strip = (value: JsonValue): JsonValue => {
    if (Array.isArray(value)) return value.map(strip);
    if (!isJsonObject(value)) return value;
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value)) if (!isAnnotation(key)) out[key] = strip(child);
    return out;
  };
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(object)) if (!dropped.has(key) && !isAnnotation(key)) out[key] = strip(value);
  return out;
}

/** A configuration's id is the server's: a strength file knows its configurations by type and combinations. */
function stripConfigurationIds(doc: JsonObject): void {
  const configurations = doc['combinationConfigurations'];
  if (!Array.isArray(configurations)) return;
  // None: the file says nothing about them (as before configurations were managed).
  if (configurations.length === 0) {
    delete doc['combinationConfigurations'];
    return;
  }
  doc['combinationConfigurations'] = configurations.map((c) => {
    if (!isJsonObject(c)) return c;
    const { id: _id, ...rest } = c;
    return rest;
  });
}

/**
 * Beta answers carry every beta-only property, mostly `null`: a backup leaves out those that hold
 * nothing (validate would only warn that they may be deleted), and keeps those that say something.
 */
function dropEmptyBetaProperties(kind: DocumentKind, doc: JsonObject): JsonObject {
  const rules = PROPERTY_RULES[kind];
  const empty = (v: JsonValue | undefined): boolean =>
    v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0) || (isJsonObject(v) && Object.values(v).every(empty));
  const walk = (value: JsonValue, shape: string): JsonValue => {
    if (Array.isArray(value)) return value.map((item) => walk(item, `${shape}/*`));
    if (!isJsonObject(value)) return value;
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value)) {
      const childShape = `${shape}/${escapePointerSegment(key)}`;
      if (rules.get(childShape)?.type === 'beta' && empty(child)) continue;
      out[key] = walk(child, childShape);
    }
    return out;
  };
  return walk(doc, '') as JsonObject;
}

/** Graph answers the strength expanded; a document holds only its id (`{ "id": … }`). */
function reduceStrength(doc: JsonObject): void {
  const grant = doc['grantControls'];
  if (!isJsonObject(grant)) return;
  const strength = grant['authenticationStrength'];
  if (isJsonObject(strength)) grant['authenticationStrength'] = { id: strength['id'] ?? null };
}

/** Every id in a reference slot that has a unique name becomes `kind:name`; keywords and the rest stay. */
function writeReferences(doc: JsonObject, names: ReferenceNames | undefined): void {
  if (!names) return;
  const rename = (kind: ReferenceKind, value: JsonValue): JsonValue =>
    typeof value === 'string' && isGuid(value.trim()) ? (names.get(referenceKey(kind, value)) ?? value) : value;
  for (const slot of POLICY_REFERENCE_SLOTS) {
    if (!DIRECTORY_OR_NAMED.has(slot.kind)) continue;
    const kind = slot.kind as ReferenceKind;
    if (slot.single) {
      const parent = valueAtPointer(doc, parentPointer(slot.pointer) ?? '');
      const key = parsePointer(slot.pointer).pop()!;
      if (isJsonObject(parent as JsonValue) && key in (parent as JsonObject)) {
        (parent as JsonObject)[key] = rename(kind, (parent as JsonObject)[key] as JsonValue);
      }
      continue;
    }
    const list = valueAtPointer(doc, slot.pointer);
    if (Array.isArray(list)) list.forEach((v, i) => (list[i] = rename(kind, v as JsonValue)));
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Keys in KEY_ORDER, set-like arrays (the normalizer's `set`, `combinations`, `objectSet`) sorted. */
function order(kind: DocumentKind, value: JsonValue, shape: string): JsonValue {
  if (Array.isArray(value)) {
    const items = value.map((item) => order(kind, item, `${shape}/*`));
    return sortSet(kind, items, shape);
  }
  if (!isJsonObject(value)) return value;
  const listed = KEY_ORDER[kind][shape] ?? [];
  const keys = Object.keys(value);
  const rank = (key: string): number => (key === '@odata.type' ? -1 : listed.includes(key) ? listed.indexOf(key) : listed.length);
  keys.sort((a, b) => rank(a) - rank(b) || compare(a, b));
  const out: JsonObject = {};
  for (const key of keys) out[key] = order(kind, value[key] as JsonValue, `${shape}/${escapePointerSegment(key)}`);
  return out;
}

function sortSet(kind: DocumentKind, items: JsonValue[], shape: string): JsonValue[] {
  const rule = PROPERTY_RULES[kind].get(shape);
  if (!rule || (rule.type !== 'set' && rule.type !== 'combinations' && rule.type !== 'objectSet')) return items;
  const unique = new Map<string, JsonValue>();
  for (const item of items) unique.set(JSON.stringify(item), item);
  const keyOf = (item: JsonValue): string => {
    if (rule.type !== 'objectSet') return typeof item === 'string' ? item : JSON.stringify(item);
    const k = isJsonObject(item) ? item[rule.key] : undefined;
    return typeof k === 'string' ? k.toLowerCase() : JSON.stringify(item);
  };
  return [...unique.entries()].sort(([ja, a], [jb, b]) => compare(keyOf(a), keyOf(b)) || compare(ja, jb)).map(([, v]) => v);
}
