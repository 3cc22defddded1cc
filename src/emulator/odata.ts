/**
 * The slice of OData that caac's client uses: $top/$skip paging with an absolute @odata.nextLink,
 * $filter with `eq`, `in` and `startswith` on string properties (OData quoting: '' is a quote),
 * $select, and `$count=true` with advanced queries.
 *
 * Graph's limits on `in` (the filter query parameter docs): at most 15 values in a filter clause by
 * default; with advanced query capabilities (`ConsistencyLevel: eventual`) the only limit is a URL
 * of at most 2,048 characters. Lists never copy the collection: the filter runs over the stored
 * items, and only the page that is answered is copied (by $select, or by a clone).
 */
import { badRequest } from './graph-error.js';
import type { Json, JsonObject } from './types.js';

export type Filter =
  | { op: 'eq'; prop: string; values: string[] }
  | { op: 'startswith'; prop: string; value: string };

export interface ListQuery {
  top?: number;
  skip: number;
  filter?: Filter;
  select?: string[];
  /** `$count=true`: answer `@odata.count` (an advanced query). */
  count: boolean;
}

/** Values an `in` may hold without advanced query capabilities. */
export const IN_LIMIT = 15;
/** The longest URL an advanced query may have (counted on https://graph.microsoft.com). */
export const ADVANCED_URL_LIMIT = 2048;
const GRAPH_ORIGIN = 'https://graph.microsoft.com';

/** How the request came: advanced query capabilities asked for, and its URL for the length limit. */
export interface QueryContext {
  /** `ConsistencyLevel: eventual` was sent. */
  advanced: boolean;
  /** `/v1.0/users?$filter=…` as sent (encoded), for the URL length limit. */
  pathAndQuery: string;
}

const QUOTED = /'((?:[^']|'')*)'/g;
const unquote = (s: string): string => s.replace(/''/g, "'");

export function parseFilter(raw: string): Filter {
  const eq = /^\s*([A-Za-z]\w*)\s+eq\s+'((?:[^']|'')*)'\s*$/.exec(raw);
  if (eq?.[1] !== undefined && eq[2] !== undefined) return { op: 'eq', prop: eq[1], values: [unquote(eq[2])] };
  const inList = /^\s*([A-Za-z]\w*)\s+in\s+\(((?:\s*'(?:[^']|'')*'\s*,?)*)\)\s*$/.exec(raw);
  if (inList?.[1] !== undefined && inList[2] !== undefined) {
    const values = [...inList[2].matchAll(QUOTED)].map((m) => unquote(m[1] ?? ''));
    return { op: 'eq', prop: inList[1], values };
  }
  const sw = /^\s*startswith\(\s*([A-Za-z]\w*)\s*,\s*'((?:[^']|'')*)'\s*\)\s*$/i.exec(raw);
  if (sw?.[1] !== undefined && sw[2] !== undefined) return { op: 'startswith', prop: sw[1], value: unquote(sw[2]) };
  throw new BadQuery(`Invalid filter clause: ${raw}`);
}

class BadQuery extends Error {}

function intParam(name: string, raw: string | null, min: number, max: number): number | undefined {
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw badRequest(`Invalid value '${raw}' for query parameter '${name}'; expected an integer from ${min} to ${max}.`);
  }
  return Number(raw);
}

export function parseListQuery(params: URLSearchParams): ListQuery {
  const top = intParam('$top', params.get('$top'), 1, 999);
  // $skiptoken is what our own nextLinks carry for directory collections; it is an offset too.
  const skip = intParam('$skip', params.get('$skip'), 0, Number.MAX_SAFE_INTEGER) ?? intParam('$skiptoken', params.get('$skiptoken'), 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const rawFilter = params.get('$filter');
  let filter: Filter | undefined;
  if (rawFilter !== null) {
    try {
      filter = parseFilter(rawFilter);
    } catch (e) {
      if (e instanceof BadQuery) throw badRequest(e.message);
      throw e;
    }
  }
  const rawSelect = params.get('$select');
  const select = rawSelect === null ? undefined : rawSelect.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const rawCount = params.get('$count');
  if (rawCount !== null && rawCount !== 'true' && rawCount !== 'false') throw badRequest(`Invalid value '${rawCount}' for query parameter '$count'; expected true or false.`);
  return { top, skip, filter, select, count: rawCount === 'true' };
}

/**
 * Graph's limits for a directory query: `in` with more than 15 values, and `$count`, need
 * `ConsistencyLevel: eventual`; with it, the URL may not exceed 2,048 characters.
 */
export function assertQueryLimits(q: ListQuery, query: QueryContext): void {
  if (query.advanced) {
    const length = GRAPH_ORIGIN.length + query.pathAndQuery.length;
    if (length > ADVANCED_URL_LIMIT) {
      throw badRequest(`The request URL is ${length} characters long; advanced queries allow at most ${ADVANCED_URL_LIMIT}. Split the filter.`);
    }
    return;
  }
  if (q.filter?.op === 'eq' && q.filter.values.length > IN_LIMIT) {
    throw badRequest(`Too many values in the 'in' operator: ${q.filter.values.length}; at most ${IN_LIMIT} are allowed (more need advanced query capabilities: ConsistencyLevel: eventual).`);
  }
  if (q.count) throw badRequest("$count is an advanced query: send the header 'ConsistencyLevel: eventual'.");
}

/** A predicate for the filter, built once per request (a Set for `in`, not a scan per item). */
export function matcher(f: Filter): (item: JsonObject) => boolean {
  // Graph compares directory strings case-insensitively.
  const value = (item: JsonObject): string | undefined => {
    const v: Json | undefined = item[f.prop];
    return typeof v === 'string' ? v.toLowerCase() : undefined;
  };
  if (f.op === 'eq') {
    const wanted = new Set(f.values.map((x) => x.toLowerCase()));
    return (item) => {
      const v = value(item);
      return v !== undefined && wanted.has(v);
    };
  }
  const prefix = f.value.toLowerCase();
  return (item) => value(item)?.startsWith(prefix) === true;
}

export function matches(item: JsonObject, f: Filter): boolean {
  return matcher(f)(item);
}

/** The item as answered: only the selected properties (a new object), or all of them (a copy, so a caller may not write through to the store). */
export function applySelect(item: JsonObject, select: string[] | undefined): JsonObject {
  if (select === undefined) return structuredClone(item);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(item)) {
    if (k.startsWith('@odata.') || select.includes(k)) out[k] = v;
  }
  return out;
}

export interface ListOptions {
  baseUrl: string;
  version: string;
  /** Path under the version, without leading slash, e.g. identity/conditionalAccess/policies. */
  path: string;
  /** Properties $filter may name; anything else is a 400, as Graph does for unsupported filters. */
  filterable: readonly string[];
  /** Which query option our nextLink carries: CA collections page with $skip, directory ones with $skiptoken. */
  pageParam: '$skip' | '$skiptoken';
  defaultPageSize: number;
}

export function contextUrl(baseUrl: string, version: string, contextPath: string, select?: string[]): string {
  return `${baseUrl}/${version}/$metadata#${contextPath}${select === undefined ? '' : `(${select.join(',')})`}`;
}

/**
 * Filters, pages and selects a collection into Graph's list body. `items` may be the stored
 * collection itself: it is read, never written, and only the answered page is copied. `query`
 * (absent for the Conditional Access lists, where Graph has no advanced queries) applies the
 * directory's limits.
 */
export function listBody(items: readonly JsonObject[], params: URLSearchParams, o: ListOptions, query?: QueryContext): JsonObject {
  const q = parseListQuery(params);
  if (q.filter !== undefined && !o.filterable.includes(q.filter.prop)) {
    throw badRequest(`Unsupported or invalid query filter clause specified for property '${q.filter.prop}' of resource '${o.path}'.`);
  }
  if (query !== undefined) assertQueryLimits(q, query);
  if (q.select !== undefined && items.length > 0) {
    // A property no item has is unknown (stops at the first item that has it: no scan of the collection as a rule).
    const unknown = q.select.find((s) => !items.some((i) => Object.prototype.hasOwnProperty.call(i, s)));
    if (unknown !== undefined) throw badRequest(`Could not find a property named '${unknown}' on type '${o.path}'.`);
  }
  const filtered = q.filter === undefined ? items : items.filter(matcher(q.filter));
  const size = q.top ?? o.defaultPageSize;
  const page = filtered.slice(q.skip, q.skip + size);
  const body: JsonObject = { '@odata.context': contextUrl(o.baseUrl, o.version, o.path, q.select) };
  if (q.skip + size < filtered.length) {
    const parts: string[] = [];
    for (const [k, v] of params) {
      if (k === '$skip' || k === '$skiptoken') continue;
      parts.push(`${k}=${encodeURIComponent(v)}`);
    }
    if (q.top === undefined) parts.push(`$top=${size}`);
    parts.push(`${o.pageParam}=${q.skip + size}`);
    body['@odata.nextLink'] = `${o.baseUrl}/${o.version}/${o.path}?${parts.join('&')}`;
  }
  if (q.count && query !== undefined) body['@odata.count'] = filtered.length;
  body.value = page.map((i) => applySelect(i, q.select));
  return body;
}
