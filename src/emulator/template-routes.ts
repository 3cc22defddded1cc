/**
 * `GET identity/conditionalAccess/templates` and `…/templates/{id}`: read-only (any other method
 * is a 405 from the router), paced with the other Conditional Access endpoints (throttle.ts
 * counts every identity/conditionalAccess path). Graph documents only $filter (scenarios has)
 * and $select here: a paging option is refused rather than silently ignored.
 */
import { badRequest, notFound } from './graph-error.js';
import { applySelect, contextUrl } from './odata.js';
import type { JsonObject } from './types.js';
import { findTemplate, listTemplates } from './entities/templates.js';

const TEMPLATES = 'identity/conditionalAccess/templates';

/** The slice of the router's request and context these handlers read (no import of the router: no cycle). */
type Handler = (req: { params: URLSearchParams }, ctx: { baseUrl: string; version: string }, m: string[]) => { status: number; body: JsonObject };

function selectOf(params: URLSearchParams): string[] | undefined {
  for (const key of params.keys()) {
    if (key.startsWith('$') && key !== '$filter' && key !== '$select') throw badRequest(`Query option '${key}' is not allowed on '${TEMPLATES}'; allowed: $filter, $select.`);
  }
  const raw = params.get('$select');
  if (raw === null) return undefined;
  const select = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = select.find((s) => !['id', 'name', 'description', 'scenarios', 'details'].includes(s));
  if (unknown !== undefined) throw badRequest(`Could not find a property named '${unknown}' on type 'microsoft.graph.conditionalAccessTemplate'.`);
  return select;
}

export const templateRoutes: Array<[string, RegExp, Handler]> = [
  ['GET', new RegExp(`^${TEMPLATES}$`), (req, ctx) => {
    const select = selectOf(req.params);
    const value = listTemplates(req.params.get('$filter')).map((t) => applySelect(t, select));
    return { status: 200, body: { '@odata.context': contextUrl(ctx.baseUrl, ctx.version, TEMPLATES, select), value } };
  }],
  ['GET', new RegExp(`^${TEMPLATES}/([^/]+)$`), (req, ctx, [id = '']) => {
    const select = selectOf(req.params);
    const found = findTemplate(id);
    if (found === undefined) throw notFound('Conditional Access template', id);
    return { status: 200, body: { '@odata.context': contextUrl(ctx.baseUrl, ctx.version, `${TEMPLATES}/$entity`, select), ...applySelect(found, select) } };
  }],
];
