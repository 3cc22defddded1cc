/**
 * An authentication strength's combinationConfigurations (v1.0 navigation property): what a
 * strength's file says, against what the tenant holds. A configuration has no name, and its id is
 * the server's, so it is known by its type and the combinations it applies to (Graph allows one
 * configuration of a type per combination). Pure.
 */
import { isJsonObject, type JsonObject, type JsonValue } from './documents.js';

const LISTS = ['allowedAAGUIDs', 'allowedIssuerSkis', 'allowedPolicyOIDs'] as const;

const text = (v: JsonValue | undefined): string => (typeof v === 'string' ? v.trim() : '');
const lowerGuidsOnly = (list: string, v: string): string => (list === 'allowedAAGUIDs' ? v.toLowerCase() : v);

/** `#microsoft.graph.fido2combinationconfiguration|fido2`: type and combinations, in a fixed form. */
export function configurationKey(c: JsonObject): string {
  const type = text(c['@odata.type']).replace(/^#?/, '#').toLowerCase();
  const applies = Array.isArray(c['appliesToCombinations']) ? c['appliesToCombinations'] : [];
  const combinations = applies.map((a) => text(a).split(',').map((m) => m.trim().toLowerCase()).sort().join(',')).sort();
  return `${type}|${combinations.join(';')}`;
}

/** The restriction lists of a configuration as sets, for comparison. */
function listsOf(c: JsonObject): string {
  const out: Record<string, string[]> = {};
  for (const list of LISTS) {
    const v = c[list];
    if (Array.isArray(v) && v.length > 0) out[list] = [...new Set(v.map((s) => lowerGuidsOnly(list, text(s))))].sort();
  }
  return JSON.stringify(out);
}

export interface ConfigurationChanges {
  /** Ids of live configurations the file no longer has. */
  remove: string[];
  /** Live configurations whose lists change: id and the desired configuration. */
  update: { id: string; body: JsonObject }[];
  /** Desired configurations the tenant does not have. */
  create: JsonObject[];
}

/** What to delete, PATCH and POST so that the live configurations equal the desired ones. */
export function reconcileConfigurations(desired: readonly JsonValue[], live: readonly JsonValue[]): ConfigurationChanges {
  const liveByKey = new Map<string, JsonObject>();
  const remove: string[] = [];
  for (const c of live) {
    if (!isJsonObject(c)) continue;
    const key = configurationKey(c);
    // Two of one key cannot exist in Graph; if they do, the extra one goes.
    if (liveByKey.has(key)) remove.push(String(c['id']));
    else liveByKey.set(key, c);
  }
  const update: ConfigurationChanges['update'] = [];
  const create: JsonObject[] = [];
  const wanted = new Set<string>();
  for (const c of desired) {
    if (!isJsonObject(c)) continue;
    const key = configurationKey(c);
    wanted.add(key);
    const current = liveByKey.get(key);
    if (!current) create.push(c);
    else if (listsOf(current) !== listsOf(c)) update.push({ id: String(current['id']), body: c });
  }
  for (const [key, c] of liveByKey) if (!wanted.has(key)) remove.push(String(c['id']));
  return { remove, update, create };
}
