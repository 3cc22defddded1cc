/**
 * Prepares a document for the schema and the rules, walking it alongside its schema:
 * - OData annotations (`includeUsers@odata.type`, `#microsoft.graph.restore`) that export tools
 *   write are dropped, with one warning per file;
 * - server-managed fields (schema `readOnly`) are dropped, with one warning per file;
 * - beta-only or deprecated properties (schema `deprecated`) are kept, with a warning each; those
 *   that hold nothing (`"times": null`, as every beta export writes them) are dropped, with one
 *   warning per file: they are not schema errors, and they say nothing to send;
 * - enum values in another case (`"All"` for `all`) are normalized, with a warning each, because
 *   Graph parses enums without regard to case.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../model/documents.js';
import { childPointer } from '../model/json-pointer.js';
import { enumValues, flagValues, itemsSchema, propertySchema, type SchemaNode } from './schema-walk.js';

export interface PreparationNote {
  rule: 'odata-annotation' | 'server-field' | 'deprecated' | 'casing';
  path: string;
  message: string;
}

export interface Prepared {
  value: JsonObject;
  notes: PreparationNote[];
}

const ANNOTATION = /@odata\.|^#microsoft\.graph\./;

/**
 * An own property, whatever its name: `out["__proto__"] = v` would set the prototype instead,
 * and a file's "__proto__" member would slip past the schema check (found by `npm run fuzz`).
 */
function put(out: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

/** What one preparation gathers while it walks a document. */
interface Walk {
  schema: SchemaNode;
  annotations: string[];
  serverFields: string[];
  emptyBeta: string[];
  notes: PreparationNote[];
}

export function prepareDocument(document: JsonObject, schema: SchemaNode): Prepared {
  const walk: Walk = { schema, annotations: [], serverFields: [], emptyBeta: [], notes: [] };
  const value = prepareValue(walk, document, schema, '') as JsonObject;
  return { value, notes: [...walk.notes, ...summaryNotes(walk)] };
}

function prepareValue(walk: Walk, value: JsonValue, node: SchemaNode | undefined, pointer: string): JsonValue {
  if (node === undefined) return value;
  if (Array.isArray(value)) {
    const items = itemsSchema(node, walk.schema);
    return value.map((item, i) => prepareValue(walk, item, items, childPointer(pointer, i)));
  }
  if (isJsonObject(value)) return prepareObject(walk, value, node, pointer);
  if (typeof value === 'string') return normalizeCase(walk, value, node, pointer);
  return value;
}

function prepareObject(walk: Walk, value: JsonObject, node: SchemaNode, pointer: string): JsonObject {
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    // The file's link for editors (schemas/*: "ignored by caac"): Graph has no such field, so
    // it is never compared, planned or sent.
    if (pointer === '' && key === '$schema') continue;
    const path = childPointer(pointer, key);
    const childSchema = propertySchema(node, key, walk.schema);
    if (!childSchema && ANNOTATION.test(key)) {
      walk.annotations.push(path);
      continue;
    }
    if (childSchema?.readOnly) {
      // The document's own id stays, without a warning: it follows renames
      // (ARCHITECTURE.md, "Identity"), and backups write it on purpose.
      if (pointer === '' && key === 'id') put(out, key, child);
      // A null server field (`templateId: null`) says nothing: drop it quietly.
      else if (child !== null) walk.serverFields.push(path);
      continue;
    }
    if (childSchema?.deprecated) {
      // Beta exports write every beta property, mostly empty: only a value that says
      // something deserves a warning.
      if (isEmptyValue(child)) {
        walk.emptyBeta.push(path);
        continue;
      }
      walk.notes.push({ rule: 'deprecated', path, message: deprecationMessage(key, childSchema) });
      put(out, key, child);
      continue;
    }
    put(out, key, prepareValue(walk, child, childSchema, path));
  }
  return out;
}

function normalizeCase(walk: Walk, value: string, node: SchemaNode, pointer: string): string {
  const allowed = enumValues(node, walk.schema);
  if (allowed && !allowed.includes(value)) {
    const match = allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase());
    if (!match) return value;
    walk.notes.push({ rule: 'casing', path: pointer, message: `"${value}" is written "${match}" by Graph: accepted (Graph ignores case) and normalized` });
    return match;
  }
  const flags = flagValues(node, walk.schema);
  if (!flags) return value;
  const tokens = value.split(',').map((t) => t.trim());
  const fixed = tokens.map((t) => flags.find((f) => f.toLowerCase() === t.toLowerCase()) ?? t);
  if (fixed.every((t, i) => t === tokens[i])) return value;
  const result = fixed.join(',');
  walk.notes.push({ rule: 'casing', path: pointer, message: `"${value}" is written "${result}" by Graph: accepted (Graph ignores case) and normalized` });
  return result;
}

/** One note per kind of thing dropped, naming the first and counting the rest. */
function summaryNotes({ annotations, serverFields, emptyBeta }: Walk): PreparationNote[] {
  const notes: PreparationNote[] = [];
  if (annotations.length) {
    notes.push({
      rule: 'odata-annotation',
      path: annotations[0]!,
      message: `${annotations.length} OData annotation${annotations.length > 1 ? 's' : ''} (${summarize(annotations)}) ignored: export tools write them, Graph does not need them`,
    });
  }
  if (serverFields.length) {
    notes.push({
      rule: 'server-field',
      path: serverFields[0]!,
      message: `server-managed field${serverFields.length > 1 ? 's' : ''} ${summarize(serverFields)} ignored: Graph sets ${serverFields.length > 1 ? 'them' : 'it'}; you may delete ${serverFields.length > 1 ? 'them' : 'it'}`,
    });
  }
  if (emptyBeta.length) {
    const many = emptyBeta.length > 1;
    notes.push({
      rule: 'deprecated',
      path: emptyBeta[0]!,
      message: `${emptyBeta.length} empty beta-only or deprecated propert${many ? 'ies' : 'y'} (${summarize(emptyBeta)}) ignored: beta exports write ${many ? 'them' : 'it'} as null; caac does not send ${many ? 'them' : 'it'}, and you may delete ${many ? 'them' : 'it'}`,
    });
  }
  return notes;
}

/** null, [], {}, "" or an object holding only such values (or annotations). */
export function isEmptyValue(value: JsonValue): boolean {
  if (value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isJsonObject(value)) return Object.entries(value).every(([k, v]) => ANNOTATION.test(k) || isEmptyValue(v));
  return false;
}

function deprecationMessage(key: string, node: SchemaNode): string {
  const description = node.description ?? '';
  const kind = /^beta only/i.test(description) ? 'beta-only' : 'deprecated';
  const detail = description.replace(/^(beta only|deprecated):\s*/i, '');
  return `"${key}" is ${kind} in Microsoft Graph${detail ? ` (${detail.replace(/\.$/, '')})` : ''}: accepted, but caac manages it only with --api-version beta`;
}

function summarize(pointers: string[]): string {
  const names = pointers.map((p) => p.split('/').pop()!.replace(/~1/g, '/').replace(/~0/g, '~'));
  const unique = [...new Set(names)];
  const shown = unique.slice(0, 4).map((n) => `"${n}"`);
  return unique.length > 4 ? `${shown.join(', ')} and ${unique.length - 4} more` : shown.join(', ');
}
