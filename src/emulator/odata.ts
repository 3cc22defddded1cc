/**
 * The slice of OData that caac's client uses: $top/$skip paging with an absolute @odata.nextLink,
 * $filter with `eq`, `in` and `startswith` on string properties (OData quoting: '' is a quote),
 * and $select.
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
  return { top, skip, filter, select };
}

export function matches(item: JsonObject, f: Filter): boolean {
  const v: Json | undefined = item[f.prop];
  if (typeof v !== 'string') return false;
  // Graph compares directory strings case-insensitively.
  const lower = v.toLowerCase();
  return f.op === 'eq' ? f.values.some((x) => x.toLowerCase() === lower) : lower.startsWith(f.value.toLowerCase());
}

export function applySelect(item: JsonObject, select: string[] | undefined): JsonObject {
  if (select === undefined) return item;
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

/** Filters, pages and selects a collection into Graph's list body. */
export function listBody(items: JsonObject[], params: URLSearchParams, o: ListOptions): JsonObject {
  const q = parseListQuery(params);
  if (q.filter !== undefined && !o.filterable.includes(q.filter.prop)) {
    throw badRequest(`Unsupported or invalid query filter clause specified for property '${q.filter.prop}' of resource '${o.path}'.`);
  }
  if (q.select !== undefined && items.length > 0) {
    const known = new Set(items.flatMap((i) => Object.keys(i)));
    const unknown = q.select.find((s) => !known.has(s));
    if (unknown !== undefined) throw badRequest(`Could not find a property named '${unknown}' on type '${o.path}'.`);
  }
  const filtered = q.filter === undefined ? items : items.filter((i) => matches(i, q.filter as Filter));
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
  body.value = page.map((i) => applySelect(i, q.select));
  return body;
}
