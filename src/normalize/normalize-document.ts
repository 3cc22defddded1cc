/**
 * One canonical form for both sides of a plan, and the request bodies apply sends, both driven by
 * the table in property-rules.ts. Pure functions over plain JSON.
 */
import { isJsonObject, type DocumentKind, type JsonObject, type JsonValue } from '../model/documents.js';
import { escapePointerSegment } from '../model/json-pointer.js';
import { isGuid } from '../model/references.js';
import type { ApiVersion } from '../model/tenant.js';
import { PROPERTY_RULES, childRulesByParent, type ChildRule, type PropertyRule, type RuleTable } from './property-rules.js';
import { dropLegacyGuestsKeyword } from './legacy-guests.js';

export interface NormalizeOptions {
  apiVersion: ApiVersion;
}

interface Mode {
  apiVersion: ApiVersion;
  /** Canonical form: remove null/[]/{}/"" and fill Graph's defaults. Body: keep them, fill arrays. */
  canonical: boolean;
  table: RuleTable;
  children: Map<string, ChildRule[]>;
  rootType: string | undefined;
}

const CHILDREN: Record<DocumentKind, Map<string, ChildRule[]>> = {
  policy: childRulesByParent(PROPERTY_RULES.policy),
  namedLocation: childRulesByParent(PROPERTY_RULES.namedLocation),
  authenticationStrength: childRulesByParent(PROPERTY_RULES.authenticationStrength),
};

/**
 * The canonical form of a document, as the plan compares it: server fields and annotations
 * dropped, beta-only properties dropped under v1.0, enum casing and flags order Graph's, set-like
 * arrays sorted and deduplicated, the expanded authentication strength reduced to `{id}`, Graph's
 * defaults filled, and null ≡ [] ≡ {} ≡ absent (such values removed; `false` is kept). Keys sorted.
 * A policy's legacy "GuestsOrExternalUsers" keyword is dropped where the object form is present.
 */
export function normalizeDocument(kind: DocumentKind, doc: JsonObject, options: NormalizeOptions): JsonObject {
  const mode = modeFor(kind, doc, options.apiVersion, true);
  return (walkObject(kind === 'policy' ? dropLegacyGuestsKeyword(doc) : doc, '', mode) as JsonObject | undefined) ?? {};
}

/**
 * A complete request body (POST or PATCH) from a resolved desired document: server fields and
 * annotations removed (`@odata.type` kept where Graph needs it), every array Graph holds present
 * (`[]` when empty, so an emptied exclusion is sent and cleared), every optional object and scalar
 * the table knows sent as `null` when the file leaves it out (Graph's PATCH merges: what a body
 * does not name keeps its stored value), beta-only properties dropped under v1.0, enum casing
 * Graph's. So a PATCH with this body leaves the stored object equal to the file.
 */
export function toGraphBody(kind: DocumentKind, doc: JsonObject, options: Partial<NormalizeOptions> = {}): JsonObject {
  const mode = modeFor(kind, doc, options.apiVersion ?? 'v1.0', false);
  return (walkObject(kind === 'policy' ? dropLegacyGuestsKeyword(doc) : doc, '', mode) as JsonObject | undefined) ?? {};
}

/** JSON pointers of beta-only properties that hold a value (for the warning under v1.0). */
export function betaOnlyProperties(kind: DocumentKind, doc: JsonObject): string[] {
  const table = PROPERTY_RULES[kind];
  const found: string[] = [];
  const visit = (value: JsonValue, pointer: string, shape: string): void => {
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${pointer}/${i}`, `${shape}/*`));
    else if (isJsonObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        const seg = escapePointerSegment(key);
        if (table.get(`${shape}/${seg}`)?.type === 'beta') {
          if (!isEmpty(prune(child))) found.push(`${pointer}/${seg}`);
        } else visit(child, `${pointer}/${seg}`, `${shape}/${seg}`);
      }
    }
  };
  visit(doc, '', '');
  return found;
}

/** JSON with object keys sorted at every level: the form hashed and compared byte for byte. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

// ── The walk ────────────────────────────────────────────────────────────────────────────────────

function modeFor(kind: DocumentKind, doc: JsonObject, apiVersion: ApiVersion, canonical: boolean): Mode {
  const type = doc['@odata.type'];
  return {
    apiVersion,
    canonical,
    table: PROPERTY_RULES[kind],
    children: CHILDREN[kind],
    rootType: typeof type === 'string' ? type.replace(/^#?/, '#').toLowerCase() : undefined,
  };
}

function isAnnotation(key: string): boolean {
  return key.startsWith('@odata.') || key.includes('@odata.') || key.startsWith('#');
}

function walkObject(obj: JsonObject, shape: string, mode: Mode): JsonValue | undefined {
  const out: JsonObject = {};
  for (const key of Object.keys(obj).sort()) {
    const childShape = `${shape}/${escapePointerSegment(key)}`;
    const rule = mode.table.get(childShape);
    if (isAnnotation(key) && rule?.type !== 'odataType') continue;
    if (rule?.type === 'server') continue;
    if (rule?.type === 'beta' && mode.apiVersion === 'v1.0') continue;
    let value = applyRule(rule, obj[key] as JsonValue, childShape, mode);
    if (value === undefined) continue;
    // A body clears an object with null, not with an object of nothing (or of nulls only).
    if (!mode.canonical && rule?.nullable && isJsonObject(value) && Object.values(value).every((v) => v === null)) value = null;
    if (mode.canonical && isEmpty(value)) continue;
    out[key] = value;
  }
  fillDefaults(out, shape, mode);
  return mode.canonical ? sortObject(out) : out;
}

function fillDefaults(out: JsonObject, shape: string, mode: Mode): void {
  const children = mode.children.get(shape);
  if (!children) return;
  // Canonical form: Graph's defaults exist only inside an object that exists.
  if (mode.canonical && shape !== '' && Object.keys(out).length === 0) return;
  for (const { key, rule } of children) {
    const current = out[key];
    if (current !== undefined && current !== null && !(mode.canonical && isEmpty(current))) continue;
    if (rule.type === 'server' || (rule.type === 'beta' && mode.apiVersion === 'v1.0')) continue;
    if (rule.when !== undefined && rule.when.toLowerCase() !== mode.rootType) continue;
    if (rule.whenType !== undefined && rule.whenType.toLowerCase() !== String(out['@odata.type'] ?? '').toLowerCase()) continue;
    let value: JsonValue | undefined = typeof rule.default === 'function' ? rule.default(out) : rule.default;
    if (value === undefined && !mode.canonical) {
      if (rule.type === 'set' || rule.type === 'objectSet' || rule.type === 'combinations') value = [];
      else if (rule.nullable) value = null;
    }
    if (value !== undefined) out[key] = structuredClone(value);
  }
}

function applyRule(rule: PropertyRule | undefined, value: JsonValue, shape: string, mode: Mode): JsonValue | undefined {
  if (value === null) return null;
  switch (rule?.type) {
    case undefined:
    case 'beta':
    case 'object': {
      if (Array.isArray(value)) return value.map((item) => (isJsonObject(item) ? (walkObject(item, `${shape}/*`, mode) ?? {}) : item));
      if (isJsonObject(value)) {
        const walked = walkObject(value, shape, mode) as JsonObject;
        if (mode.canonical && rule?.type === 'object' && rule.dropUnless && !rule.dropUnless.some((k) => walked[k] !== undefined)) return undefined;
        return walked;
      }
      return value;
    }
    case 'server':
      return undefined;
    case 'enum':
      return typeof value === 'string' ? canonicalEnum(rule.values, value) : value;
    case 'odataType':
      return typeof value === 'string' ? canonicalEnum(rule.values, value.replace(/^#?/, '#')) : value;
    case 'flags':
      return typeof value === 'string' ? canonicalFlags(rule.values, value) : value;
    case 'set': {
      if (!Array.isArray(value)) return value;
      const items = value.map((item) => (typeof item === 'string' ? canonicalSetItem(rule, item) : item));
      return mode.canonical ? sortedUnique(items) : dedupe(items);
    }
    case 'combinations': {
      if (!Array.isArray(value)) return value;
      const items = value.map((item) => (typeof item === 'string' ? canonicalFlags(rule.values, item) : item));
      return mode.canonical ? sortedUnique(items) : dedupe(items);
    }
    case 'objectSet': {
      if (!Array.isArray(value)) return value;
      const items = value.map((item) => (isJsonObject(item) ? ((walkObject(item, `${shape}/*`, mode) as JsonObject | undefined) ?? {}) : item));
      if (!mode.canonical) return items;
      const keyOf = (item: JsonValue): string => {
        const k = isJsonObject(item) ? item[rule.key] : undefined;
        return typeof k === 'string' ? k.toLowerCase() : canonicalJson(item);
      };
      const unique = new Map<string, JsonValue>();
      for (const item of items) unique.set(canonicalJson(item), item);
      return [...unique.values()].sort((a, b) => compare(keyOf(a), keyOf(b)) || compare(canonicalJson(a), canonicalJson(b)));
    }
    case 'strengthRef': {
      if (!isJsonObject(value)) return value;
      const id = value['id'];
      return { id: typeof id === 'string' ? canonicalId(id) : (id ?? null) };
    }
    case 'scalar': {
      if (mode.canonical && rule.falseIsEmpty && value === false) return undefined;
      if (typeof value === 'string' && rule.case) return rule.case === 'upper' ? value.toUpperCase() : value.toLowerCase();
      return value;
    }
  }
}

function canonicalEnum(values: readonly string[], raw: string): string {
  const trimmed = raw.trim();
  return values.find((v) => v.toLowerCase() === trimmed.toLowerCase()) ?? raw;
}

/** Tokens in Graph's casing, deduplicated, in the enum's order (unknown tokens last, sorted). */
function canonicalFlags(values: readonly string[], raw: string): string {
  const tokens = [...new Set(raw.split(',').map((t) => t.trim()).filter((t) => t !== '').map((t) => canonicalEnum(values, t)))];
  const rank = (t: string): number => {
    const i = values.indexOf(t);
    return i < 0 ? values.length : i;
  };
  return tokens.sort((a, b) => rank(a) - rank(b) || compare(a, b)).join(',');
}

function canonicalSetItem(rule: Extract<PropertyRule, { type: 'set' }>, raw: string): string {
  const trimmed = raw.trim();
  if (rule.values) return canonicalEnum(rule.values, trimmed);
  const keyword = rule.keywords?.find((k) => k.toLowerCase() === trimmed.toLowerCase());
  if (keyword) return keyword;
  if (rule.case === 'upper') return trimmed.toUpperCase();
  if (rule.case === 'lower') return trimmed.toLowerCase();
  if (rule.ids) return canonicalId(trimmed);
  return raw;
}

/** Graph's ids are GUIDs compared without regard to case, and answered in lower case. */
function canonicalId(id: string): string {
  return isGuid(id.trim()) ? id.trim().toLowerCase() : id;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedUnique(items: JsonValue[]): JsonValue[] {
  const unique = new Map<string, JsonValue>();
  for (const item of items) unique.set(canonicalJson(item), item);
  return [...unique.entries()].sort(([a], [b]) => compare(a, b)).map(([, v]) => v);
}

function dedupe(items: JsonValue[]): JsonValue[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = canonicalJson(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sortObject(obj: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(obj).sort()) out[key] = obj[key] as JsonValue;
  return out;
}

/** null, undefined, "", [] or {}: what Graph treats as "not set". */
export function isEmpty(value: JsonValue | undefined): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isJsonObject(value)) return Object.keys(value).length === 0;
  return false;
}

/** Removes empty values recursively (used to decide whether a beta-only value says anything). */
function prune(value: JsonValue): JsonValue | undefined {
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((v): v is JsonValue => !isEmpty(v));
    return items;
  }
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (isAnnotation(k)) continue;
      const p = prune(v);
      if (!isEmpty(p)) out[k] = p as JsonValue;
    }
    return out;
  }
  return value;
}
