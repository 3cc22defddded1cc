/**
 * What `caac validate --fix` may change in a document: only repairs that cannot change who a
 * policy covers or what it asks of them. Each repair names the rule whose finding it settles.
 *
 * - `graph-rule`: `clientAppTypes: []` → `["all"]` (Graph refuses `[]` with 1064, and treats a
 *   missing list as all clients: `["all"]` is what the author meant and what Graph stores);
 *   the legacy `"GuestsOrExternalUsers"` string removed from include/excludeUsers where the
 *   include/excludeGuestsOrExternalUsers object says the same (Graph refuses both in a write).
 * - `casing`: an enum value in another case (`"All"` → `"all"`) where the schema declares an enum
 *   or a flags enum. Keyword lists (`includeUsers: ["All"]`) are not enums: they are left alone.
 * - `server-field`: server-managed fields (createdDateTime, modifiedDateTime, templateId,
 *   deletedDateTime, partialEnablementStrategy, …) removed; the document's own `id` stays, it is
 *   how a rename is followed.
 * - `odata-annotation`: OData annotations (`@odata.context`, `…@odata.type`, `#microsoft.graph.*`)
 *   removed, except an `@odata.type` that Graph needs (the schema declares it).
 * - `deprecated`: a beta-only or deprecated property that holds nothing (`"deviceStates": null`).
 *
 * Never repaired (only reported): a missing `state`, an unknown property, a lockout, a
 * reference, a name — each could change who is covered.
 */
import { isJsonObject, type DocumentKind, type JsonObject, type JsonValue } from '../model/documents.js';
import { toPointer } from '../model/json-pointer.js';
import { applyRepairsToValue, type Repair } from '../model/repair.js';

export { applyRepairsToValue };
import { isEmptyValue } from './prepare.js';
import { enumValues, flagValues, itemsSchema, propertySchema, type SchemaNode } from './schema-walk.js';
import { DOCUMENT_SCHEMAS } from './schemas.js';

const ANNOTATION = /@odata\.|^#microsoft\.graph\./;
const GUESTS_KEYWORD = 'guestsorexternalusers';

/** Every repair a document allows, in an order in which they can be applied one after another. */
export function planRepairs(kind: DocumentKind, document: JsonObject): Repair[] {
  const schema = DOCUMENT_SCHEMAS[kind];
  const repairs: Repair[] = [];
  walkObject(repairs, schema, document, schema, []);
  if (kind === 'policy') repairs.push(...policyRepairs(document));
  return orderForApplying(repairs);
}

function walkValue(out: Repair[], root: SchemaNode, value: JsonValue, node: SchemaNode | undefined, at: (string | number)[]): void {
  if (node === undefined) return;
  if (Array.isArray(value)) {
    const items = itemsSchema(node, root);
    value.forEach((item, i) => walkValue(out, root, item, items, [...at, i]));
  } else if (isJsonObject(value)) walkObject(out, root, value, node, at);
  else if (typeof value === 'string') caseRepair(out, root, value, node, at);
}

function walkObject(out: Repair[], root: SchemaNode, value: JsonObject, node: SchemaNode, at: (string | number)[]): void {
  for (const [key, child] of Object.entries(value)) {
    if (at.length === 0 && key === '$schema') continue;
    const path = [...at, key];
    const childSchema = propertySchema(node, key, root);
    // An annotation the schema does not require (`@odata.context` is declared only as read-only).
    if (ANNOTATION.test(key) && (!childSchema || childSchema.readOnly)) {
      out.push({ rule: 'odata-annotation', segments: path, edit: { op: 'remove' }, message: `OData annotation "${key}" removed: export tools write it, Graph does not need it` });
      continue;
    }
    if (childSchema?.readOnly) {
      if (at.length === 0 && key === 'id') continue; // kept: an id in a file is how a rename is followed
      out.push({ rule: 'server-field', segments: path, edit: { op: 'remove' }, message: `server-managed field "${key}" removed: Graph sets it, and ignores it in a write` });
      continue;
    }
    if (childSchema?.deprecated) {
      if (isEmptyValue(child)) {
        out.push({ rule: 'deprecated', segments: path, edit: { op: 'remove' }, message: `empty beta-only or deprecated property "${key}" removed: it holds nothing, and caac never sends it` });
      }
      continue;
    }
    walkValue(out, root, child, childSchema, path);
  }
}

/** An enum or flags value written in another case gets Graph's case; anything else is left alone. */
function caseRepair(out: Repair[], root: SchemaNode, value: string, node: SchemaNode, at: (string | number)[]): void {
  const allowed = enumValues(node, root);
  if (allowed) {
    if (allowed.includes(value)) return;
    const match = allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase());
    if (match) out.push({ rule: 'casing', segments: at, edit: { op: 'replace', value: match }, message: `"${value}" written "${match}", as Graph writes it` });
    return;
  }
  const flags = flagValues(node, root);
  if (!flags) return;
  const tokens = value.split(',').map((t) => t.trim());
  const fixed = tokens.map((t) => flags.find((f) => f.toLowerCase() === t.toLowerCase()));
  // Only a pure case change: an unknown token stays for the schema to report.
  if (fixed.some((t) => t === undefined)) return;
  const result = fixed.join(',');
  if (result !== value) out.push({ rule: 'casing', segments: at, edit: { op: 'replace', value: result }, message: `"${value}" written "${result}", as Graph writes it` });
}

function policyRepairs(document: JsonObject): Repair[] {
  const out: Repair[] = [];
  const conditions = document['conditions'];
  if (!isJsonObject(conditions)) return out;
  const clientAppTypes = conditions['clientAppTypes'];
  if (Array.isArray(clientAppTypes) && clientAppTypes.length === 0) {
    out.push({
      rule: 'graph-rule',
      segments: ['conditions', 'clientAppTypes'],
      edit: { op: 'replace', value: ['all'] },
      message: 'clientAppTypes [] (refused by Graph with 1064) written ["all"], which is what Graph applies when no client type is chosen',
    });
  }
  const users = conditions['users'];
  if (!isJsonObject(users)) return out;
  for (const side of ['include', 'exclude'] as const) {
    const list = users[`${side}Users`];
    if (!Array.isArray(list) || !isJsonObject(users[`${side}GuestsOrExternalUsers`])) continue;
    list.forEach((v, i) => {
      if (typeof v !== 'string' || v.trim().toLowerCase() !== GUESTS_KEYWORD) return;
      out.push({
        rule: 'graph-rule',
        segments: ['conditions', 'users', `${side}Users`, i],
        edit: { op: 'remove' },
        message: `"GuestsOrExternalUsers" removed from ${side}Users: ${side}GuestsOrExternalUsers says the same, and Graph refuses both in a write`,
      });
    });
  }
  return out;
}

/**
 * Removing an array item shifts the items after it, so those removals go last, the highest index
 * of an array first. A repair inside a member that another repair removes is dropped.
 */
function orderForApplying(repairs: Repair[]): Repair[] {
  const removed = repairs.filter((r) => r.edit.op === 'remove').map((r) => toPointer(r.segments));
  const kept = repairs.filter((r) => {
    const p = toPointer(r.segments);
    return !removed.some((q) => p.startsWith(`${q}/`));
  });
  const isItemRemoval = (r: Repair): boolean => r.edit.op === 'remove' && typeof r.segments[r.segments.length - 1] === 'number';
  const itemRemovals = kept.filter(isItemRemoval).sort((a, b) => {
    const parentA = toPointer(a.segments.slice(0, -1));
    const parentB = toPointer(b.segments.slice(0, -1));
    if (parentA !== parentB) return parentA < parentB ? -1 : 1;
    return (b.segments[b.segments.length - 1] as number) - (a.segments[a.segments.length - 1] as number);
  });
  return [...kept.filter((r) => !isItemRemoval(r)), ...itemRemovals];
}

/** The displayed location of a repair (a JSON pointer). */
export function repairPointer(repair: Repair): string {
  return toPointer(repair.segments);
}
