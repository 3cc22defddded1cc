/**
 * Maps a Graph request (method, path under /v1.0 or /beta, query, body) to the tenant. Pure with
 * respect to HTTP: the server and $batch both call `route`, so a request behaves the same inside
 * and outside a batch.
 */
import { randomUUID } from 'node:crypto';
import { GraphHttpError, badRequest, ca, notFound } from './graph-error.js';
import { contextUrl, listBody, parseListQuery, applySelect } from './odata.js';
import type { StateAccess, Store } from './store.js';
import type { Json, JsonObject, TenantState } from './types.js';
import { createPolicy, patchPolicy, policyReferencing, renderPolicy, POLICY_LIMIT } from './entities/policies.js';
import { assertLocationCapacity, assertUntrusted, createNamedLocation, patchNamedLocation } from './entities/named-locations.js';
import { allStrengths, assertCustom, createStrength, normalizeCombinations, patchStrength } from './entities/authentication-strengths.js';
import { assertConfigurationsFit, configurationsOf, createConfiguration, patchConfiguration } from './entities/authentication-strengths.js';
import { isContextId, upsertContext } from './entities/authentication-contexts.js';
import { findDirectoryObject, getByIds, ODATA_TYPE, type DirectoryKind } from './entities/directory.js';
import { assertEnableAllowed, patchSecurityDefaults, renderSecurityDefaults } from './entities/security-defaults.js';
import { templateRoutes } from './template-routes.js';
import { evaluateWhatIf } from './what-if/evaluate.js';
import { readWhatIfRequest } from './what-if/request.js';
import { SIGN_INS, listSignIns } from './entities/sign-ins.js';

export interface GraphRequest {
  method: string;
  /** Path under the version, without leading slash or query. */
  path: string;
  params: URLSearchParams;
  body: Json | undefined;
  /** `ConsistencyLevel: eventual` was sent: advanced query capabilities (longer `in` lists, $count). */
  advanced?: boolean;
  /** The request's `/v1.0/path?query` as sent (encoded), for Graph's URL length limit. */
  pathAndQuery?: string;
}

export interface GraphResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Json;
}

export interface RouteContext {
  /** The primary for writes; for a GET, what a (possibly lagging) replica shows. */
  store: StateAccess;
  version: 'v1.0' | 'beta';
  baseUrl: string;
  /** ms since epoch at the time of the request. */
  now: number;
  eventualConsistencyMs: number;
}

type Handler = (req: GraphRequest, ctx: RouteContext, m: string[]) => GraphResponse;

const CA = 'identity/conditionalAccess';
const PAGE = 100;

const ok = (body: Json): GraphResponse => ({ status: 200, body });
const noContent = (): GraphResponse => ({ status: 204 });
const iso = (ms: number): string => new Date(ms).toISOString();

function entityBody(ctx: RouteContext, contextPath: string, entity: JsonObject, params?: URLSearchParams): JsonObject {
  const select = params === undefined ? undefined : parseListQuery(params).select;
  return { '@odata.context': contextUrl(ctx.baseUrl, ctx.version, `${contextPath}/$entity`, select), ...applySelect(entity, select) };
}

function created(ctx: RouteContext, path: string, contextPath: string, entity: JsonObject): GraphResponse {
  return {
    status: 201,
    headers: { Location: `${ctx.baseUrl}/${ctx.version}/${path}('${String(entity.id)}')` },
    body: entityBody(ctx, contextPath, entity),
  };
}

/** Replicas lag in Graph: a GET right after a create may not see the object yet. */
function assertVisible(ctx: RouteContext, id: string, what: string): void {
  const at = ctx.store.createdAt(id);
  if (ctx.eventualConsistencyMs > 0 && at !== undefined && ctx.now - at < ctx.eventualConsistencyMs) throw notFound(what, id);
}

function findIn(list: JsonObject[], id: string, what: string): JsonObject {
  const found = list.find((o) => o.id === id);
  if (found === undefined) throw notFound(what, id);
  return found;
}

function replaceIn(list: JsonObject[], entity: JsonObject): void {
  const i = list.findIndex((o) => o.id === entity.id);
  if (i >= 0) list[i] = entity;
}

const caList = (ctx: RouteContext, path: string, items: JsonObject[], params: URLSearchParams, filterable: readonly string[]): GraphResponse =>
  ok(listBody(items, params, { baseUrl: ctx.baseUrl, version: ctx.version, path, filterable, pageParam: '$skip', defaultPageSize: PAGE }));

// ── Soft-deletable Conditional Access collections (policies, named locations) ───────────────────

interface SoftCollection {
  segment: 'policies' | 'namedLocations';
  what: string;
  active: (s: TenantState) => JsonObject[];
  deleted: (s: TenantState) => JsonObject[];
  render: (e: JsonObject, ctx: RouteContext) => JsonObject;
  create: (body: Json | undefined, ctx: RouteContext, id: string) => JsonObject;
  patch: (stored: JsonObject, body: Json | undefined, ctx: RouteContext) => JsonObject;
  beforeDelete?: (e: JsonObject, ctx: RouteContext) => void;
  beforeRestore?: (ctx: RouteContext) => void;
  /** Rules over the entity a create or PATCH would store (before it is stored). */
  checkWrite?: (e: JsonObject, ctx: RouteContext) => void;
}

const policies: SoftCollection = {
  segment: 'policies',
  what: 'Conditional Access policy',
  active: (s) => s.policies,
  deleted: (s) => s.deletedPolicies,
  render: (e, ctx) => renderPolicy(e, ctx.store.state, ctx.version, ctx.baseUrl),
  create: (body, ctx, id) => createPolicy(body, ctx.store.state, id, iso(ctx.now), ctx.version),
  patch: (stored, body, ctx) => patchPolicy(stored, body, ctx.store.state, iso(ctx.now), ctx.version),
  beforeRestore: (ctx) => {
    if (ctx.store.state.policies.length >= POLICY_LIMIT) throw ca.policyLimit(POLICY_LIMIT);
  },

  // Graph refuses to enable a policy while security defaults are on (a create, or a PATCH that
  // leaves it enabled).
  checkWrite: (e, ctx) => assertEnableAllowed(e, ctx.store.state),
};

const namedLocations: SoftCollection = {
  segment: 'namedLocations',
  what: 'Named location',
  active: (s) => s.namedLocations,
  deleted: (s) => s.deletedNamedLocations,
  render: (e) => structuredClone(e),
  create: (body, ctx, id) => {
    const l = createNamedLocation(body, id, iso(ctx.now));
    assertLocationCapacity(ctx.store.state);
    return l;
  },
  patch: (stored, body, ctx) => patchNamedLocation(stored, body, iso(ctx.now)),
  beforeDelete: (e, ctx) => {
    const p = policyReferencing(ctx.store.state, String(e.id));
    if (p !== undefined) throw ca.inUse('Named location', String(e.id), String(p.displayName));
    // Entra refuses to delete a trusted location; it must be marked untrusted first.
    assertUntrusted(e);
  },
  beforeRestore: (ctx) => assertLocationCapacity(ctx.store.state),
};

function softRoutes(c: SoftCollection): Array<[string, RegExp, Handler]> {
  const path = `${CA}/${c.segment}`;
  const deletedPath = `${CA}/deletedItems/${c.segment}`;
  const commit = (ctx: RouteContext) => ctx.store.save();
  return [
    ['GET', new RegExp(`^${path}$`), (req, ctx) => caList(ctx, path, c.active(ctx.store.state).map((e) => c.render(e, ctx)), req.params, ['displayName', 'id', 'state'])],
    ['POST', new RegExp(`^${path}$`), (req, ctx) => {
      const e = c.create(req.body, ctx, randomUUID());
      c.checkWrite?.(e, ctx);
      c.active(ctx.store.state).push(e);
      ctx.store.markCreated(String(e.id), ctx.now);
      commit(ctx);
      return created(ctx, path, path, c.render(e, ctx));
    }],
    ['GET', new RegExp(`^${path}/([^/]+)$`), (req, ctx, [id = '']) => {
      assertVisible(ctx, id, c.what);
      return ok(entityBody(ctx, path, c.render(findIn(c.active(ctx.store.state), id, c.what), ctx), req.params));
    }],
    ['PATCH', new RegExp(`^${path}/([^/]+)$`), (req, ctx, [id = '']) => {
      const updated = c.patch(findIn(c.active(ctx.store.state), id, c.what), req.body, ctx);
      c.checkWrite?.(updated, ctx);
      replaceIn(c.active(ctx.store.state), updated);
      commit(ctx);
      return noContent();
    }],
    ['DELETE', new RegExp(`^${path}/([^/]+)$`), (_req, ctx, [id = '']) => {
      const list = c.active(ctx.store.state);
      const e = findIn(list, id, c.what);
      c.beforeDelete?.(e, ctx);
      list.splice(list.indexOf(e), 1);
      // Graph keeps deleted policies and named locations for 30 days under deletedItems.
      c.deleted(ctx.store.state).push({ ...e, deletedDateTime: iso(ctx.now) });
      commit(ctx);
      return noContent();
    }],
    ['GET', new RegExp(`^${deletedPath}$`), (req, ctx) => caList(ctx, deletedPath, c.deleted(ctx.store.state).map((e) => c.render(e, ctx)), req.params, ['displayName', 'id'])],
    ['GET', new RegExp(`^${deletedPath}/([^/]+)$`), (req, ctx, [id = '']) =>
      ok(entityBody(ctx, deletedPath, c.render(findIn(c.deleted(ctx.store.state), id, c.what), ctx), req.params))],
    ['DELETE', new RegExp(`^${deletedPath}/([^/]+)$`), (_req, ctx, [id = '']) => {
      const list = c.deleted(ctx.store.state);
      list.splice(list.indexOf(findIn(list, id, c.what)), 1);
      commit(ctx);
      return noContent();
    }],
    ['POST', new RegExp(`^${deletedPath}/([^/]+)/restore$`), (_req, ctx, [id = '']) => {
      const list = c.deleted(ctx.store.state);
      const e = findIn(list, id, c.what);
      c.beforeRestore?.(ctx);
      list.splice(list.indexOf(e), 1);
      const { deletedDateTime: _gone, ...restored } = e;
      c.active(ctx.store.state).push(restored);
      commit(ctx);
      return ok(entityBody(ctx, path, c.render(restored, ctx)));
    }],
  ];
}

// ── Authentication strengths and contexts ───────────────────────────────────────────────────────

const STRENGTHS = 'policies/authenticationStrengthPolicies';
const CONTEXTS = `${CA}/authenticationContextClassReferences`;

const renderStrength = (s: JsonObject, ctx: RouteContext): JsonObject => ({
  ...structuredClone(s),
  'combinationConfigurations@odata.context': `${ctx.baseUrl}/${ctx.version}/$metadata#${STRENGTHS}('${String(s.id)}')/combinationConfigurations`,
  combinationConfigurations: structuredClone(configurationsOf(s)),
});

/**
 * `…/authenticationStrengthPolicies/{id}/combinationConfigurations`: list, create (201), get,
 * update (200 with the object), delete (204). Stored inside their strength, so a strength's GET
 * and list carry them (and lag with it).
 */
function combinationRoutes(): Array<[string, RegExp, Handler]> {
  const what = 'Authentication combination configuration';
  const base = `^${STRENGTHS}/([^/]+)/combinationConfigurations`;
  const strengthOf = (ctx: RouteContext, id: string): JsonObject => findIn(allStrengths(ctx.store.state), id, 'Authentication strength policy');
  const path = (id: string): string => `${STRENGTHS}('${id}')/combinationConfigurations`;
  const save = (ctx: RouteContext, strength: JsonObject, configurations: JsonObject[]): void => {
    replaceIn(ctx.store.state.authenticationStrengthPolicies, { ...strength, combinationConfigurations: configurations, modifiedDateTime: iso(ctx.now) });
    ctx.store.save();
  };
  return [
    ['GET', new RegExp(`${base}$`), (req, ctx, [id = '']) => caList(ctx, path(id), structuredClone(configurationsOf(strengthOf(ctx, id))), req.params, ['id'])],
    ['POST', new RegExp(`${base}$`), (req, ctx, [id = '']) => {
      const strength = strengthOf(ctx, id);
      const c = createConfiguration(strength, req.body, randomUUID());
      save(ctx, strength, [...configurationsOf(strength), c]);
      return created(ctx, `${STRENGTHS}/${id}/combinationConfigurations`, path(id), c);
    }],
    ['GET', new RegExp(`${base}/([^/]+)$`), (req, ctx, [id = '', cid = '']) =>
      ok(entityBody(ctx, path(id), structuredClone(findIn(configurationsOf(strengthOf(ctx, id)), cid, what)), req.params))],
    ['PATCH', new RegExp(`${base}/([^/]+)$`), (req, ctx, [id = '', cid = '']) => {
      const strength = strengthOf(ctx, id);
      const list = configurationsOf(strength);
      const next = patchConfiguration(strength, findIn(list, cid, what), req.body);
      save(ctx, strength, list.map((c) => (c.id === cid ? next : c)));
      return ok(entityBody(ctx, path(id), next));
    }],
    ['DELETE', new RegExp(`${base}/([^/]+)$`), (_req, ctx, [id = '', cid = '']) => {
      const strength = strengthOf(ctx, id);
      assertCustom(strength);
      const list = configurationsOf(strength);
      findIn(list, cid, what);
      save(ctx, strength, list.filter((c) => c.id !== cid));
      return noContent();
    }],
  ];
}

const strengthRoutes: Array<[string, RegExp, Handler]> = [
  ['GET', new RegExp(`^${STRENGTHS}$`), (req, ctx) =>
    caList(ctx, STRENGTHS, allStrengths(ctx.store.state).map((s) => renderStrength(s, ctx)), req.params, ['displayName', 'policyType', 'id'])],
  ['POST', new RegExp(`^${STRENGTHS}$`), (req, ctx) => {
    const s = createStrength(req.body, ctx.store.state, randomUUID(), iso(ctx.now));
    ctx.store.state.authenticationStrengthPolicies.push(s);
    ctx.store.markCreated(String(s.id), ctx.now);
    ctx.store.save();
    return created(ctx, STRENGTHS, STRENGTHS, renderStrength(s, ctx));
  }],
  ['GET', new RegExp(`^${STRENGTHS}/([^/]+)$`), (req, ctx, [id = '']) => {
    assertVisible(ctx, id, 'Authentication strength policy');
    return ok(entityBody(ctx, STRENGTHS, renderStrength(findIn(allStrengths(ctx.store.state), id, 'Authentication strength policy'), ctx), req.params));
  }],
  ['PATCH', new RegExp(`^${STRENGTHS}/([^/]+)$`), (req, ctx, [id = '']) => {
    const stored = findIn(allStrengths(ctx.store.state), id, 'Authentication strength policy');
    replaceIn(ctx.store.state.authenticationStrengthPolicies, patchStrength(stored, req.body, ctx.store.state, iso(ctx.now)));
    ctx.store.save();
    return noContent();
  }],
  ['DELETE', new RegExp(`^${STRENGTHS}/([^/]+)$`), (_req, ctx, [id = '']) => {
    const stored = findIn(allStrengths(ctx.store.state), id, 'Authentication strength policy');
    assertCustom(stored);
    const p = policyReferencing(ctx.store.state, id);
    if (p !== undefined) throw ca.inUse('Authentication strength', id, String(p.displayName));
    const list = ctx.store.state.authenticationStrengthPolicies;
    list.splice(list.indexOf(stored), 1);
    ctx.store.save();
    return noContent();
  }],
  ['POST', new RegExp(`^${STRENGTHS}/([^/]+)/updateAllowedCombinations$`), (req, ctx, [id = '']) => {
    const stored = findIn(allStrengths(ctx.store.state), id, 'Authentication strength policy');
    assertCustom(stored);
    const body = req.body;
    const next = normalizeCombinations(typeof body === 'object' && body !== null && !Array.isArray(body) ? body.allowedCombinations : undefined);
    assertConfigurationsFit(stored, next);
    const previous = stored.allowedCombinations ?? [];
    replaceIn(ctx.store.state.authenticationStrengthPolicies, { ...stored, allowedCombinations: next, modifiedDateTime: iso(ctx.now) });
    ctx.store.save();
    return ok({
      '@odata.context': `${ctx.baseUrl}/${ctx.version}/$metadata#microsoft.graph.updateAllowedCombinationsResult`,
      additionalInformation: null,
      conditionalAccessReferences: ctx.store.state.policies.filter((p) => policyReferencing({ ...ctx.store.state, policies: [p] }, id)).map((p) => String(p.id)),
      currentCombinations: next,
      previousCombinations: previous,
    });
  }],
  ...combinationRoutes(),
  ['GET', new RegExp(`^${CONTEXTS}$`), (req, ctx) => caList(ctx, CONTEXTS, structuredClone(ctx.store.state.authenticationContextClassReferences), req.params, ['displayName', 'id'])],
  ['GET', new RegExp(`^${CONTEXTS}/([^/]+)$`), (req, ctx, [id = '']) =>
    ok(entityBody(ctx, CONTEXTS, structuredClone(findIn(ctx.store.state.authenticationContextClassReferences, id, 'Authentication context')), req.params))],
  ['PATCH', new RegExp(`^${CONTEXTS}/([^/]+)$`), (req, ctx, [id = '']) => {
    const list = ctx.store.state.authenticationContextClassReferences;
    const existing = list.find((c) => c.id === id);
    const next = upsertContext(existing, id, req.body);
    if (existing === undefined) list.push(next);
    else replaceIn(list, next);
    ctx.store.save();
    return noContent();
  }],
  ['DELETE', new RegExp(`^${CONTEXTS}/([^/]+)$`), (_req, ctx, [id = '']) => {
    if (!isContextId(id)) throw notFound('Authentication context', id);
    const list = ctx.store.state.authenticationContextClassReferences;
    list.splice(list.indexOf(findIn(list, id, 'Authentication context')), 1);
    ctx.store.save();
    return noContent();
  }],
];

// ── Directory ───────────────────────────────────────────────────────────────────────────────────

const dirNotFound = (id: string): GraphHttpError =>
  new GraphHttpError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);

/** A directory list: filtered over the stored collection (no copy of it), with Graph's query limits. */
function dirList(kind: DirectoryKind, filterable: readonly string[]): Handler {
  return (req, ctx) =>
    ok(listBody(indexed(ctx, kind, req.advanced === true), req.params, { baseUrl: ctx.baseUrl, version: ctx.version, path: kind, filterable, pageParam: '$skiptoken', defaultPageSize: PAGE }, {
      advanced: req.advanced === true,
      pathAndQuery: req.pathAndQuery ?? `/${ctx.version}/${req.path}?${req.params.toString()}`,
    }));
}

/**
 * What a list reads: the collection, or for an advanced query (`ConsistencyLevel: eventual`) with
 * `--eventual-consistency` set, the index behind it, which does not show objects created within
 * that window yet (a group made seconds ago is "not found" by a name look-up).
 */
function indexed(ctx: RouteContext, kind: DirectoryKind, advanced: boolean): JsonObject[] {
  const list = ctx.store.state[kind];
  if (!advanced || ctx.eventualConsistencyMs <= 0) return list;
  return list.filter((o) => {
    const at = ctx.store.createdAt(String(o.id));
    return at === undefined || ctx.now - at >= ctx.eventualConsistencyMs;
  });
}

function dirGet(kind: DirectoryKind, key: (o: JsonObject, v: string) => boolean): Handler {
  return (req, ctx, [raw = '']) => {
    const v = decodeURIComponent(raw);
    const found = ctx.store.state[kind].find((o) => key(o, v));
    if (found === undefined) throw dirNotFound(v);
    assertVisible(ctx, String(found.id), kind);
    return ok(entityBody(ctx, kind, structuredClone(found), req.params));
  };
}

const byId = (o: JsonObject, v: string): boolean => String(o.id).toLowerCase() === v.toLowerCase();
const byAppId = (o: JsonObject, v: string): boolean => String(o.appId).toLowerCase() === v.toLowerCase();
const byIdOrUpn = (o: JsonObject, v: string): boolean => byId(o, v) || String(o.userPrincipalName).toLowerCase() === v.toLowerCase();

const directoryRoutes: Array<[string, RegExp, Handler]> = [
  ['GET', /^users$/, dirList('users', ['displayName', 'userPrincipalName', 'mail', 'id'])],
  ['GET', /^users\/([^/]+)$/, dirGet('users', byIdOrUpn)],
  ['GET', /^groups$/, dirList('groups', ['displayName', 'mailNickname', 'id'])],
  ['GET', /^groups\/([^/]+)$/, dirGet('groups', byId)],
  ['GET', /^groups\/([^/]+)\/members$/, (req, ctx, [id = '']) => {
    if (!ctx.store.state.groups.some((g) => byId(g, id))) throw dirNotFound(id);
    const members = (ctx.store.state.groupMembers[id] ?? []).flatMap((m) => {
      const found = findDirectoryObject(ctx.store.state, m);
      return found === undefined ? [] : [{ '@odata.type': ODATA_TYPE[found.kind], ...found.object }];
    });
    return ok(listBody(members, req.params, { baseUrl: ctx.baseUrl, version: ctx.version, path: 'directoryObjects', filterable: ['displayName'], pageParam: '$skiptoken', defaultPageSize: PAGE }));
  }],
  ['GET', /^servicePrincipals$/, dirList('servicePrincipals', ['displayName', 'appId', 'id'])],
  ['GET', /^servicePrincipals\(appId='([^']*)'\)$/, dirGet('servicePrincipals', byAppId)],
  ['GET', /^servicePrincipals\/([^/]+)$/, dirGet('servicePrincipals', byId)],
  ['GET', /^applications$/, dirList('applications', ['displayName', 'appId', 'id'])],
  ['GET', /^applications\(appId='([^']*)'\)$/, dirGet('applications', byAppId)],
  ['GET', /^applications\/([^/]+)$/, dirGet('applications', byId)],
  ['GET', /^directoryRoleTemplates$/, dirList('directoryRoleTemplates', ['displayName', 'id'])],
  ['GET', /^directoryRoleTemplates\/([^/]+)$/, dirGet('directoryRoleTemplates', byId)],
  ['POST', /^directoryObjects\/getByIds$/, (req, ctx) =>
    ok({ '@odata.context': contextUrl(ctx.baseUrl, ctx.version, 'directoryObjects'), value: getByIds(ctx.store.state, req.body) })],
  ['GET', /^directoryObjects\/([^/]+)$/, (_req, ctx, [id = '']) => {
    const found = findDirectoryObject(ctx.store.state, id);
    if (found === undefined) throw dirNotFound(id);
    return ok({ '@odata.context': contextUrl(ctx.baseUrl, ctx.version, 'directoryObjects/$entity'), '@odata.type': ODATA_TYPE[found.kind], ...found.object });
  }],
  ['GET', /^organization$/, (_req, ctx) =>
    ok({ '@odata.context': contextUrl(ctx.baseUrl, ctx.version, 'organization'), value: [{ id: ctx.store.state.tenantId, displayName: 'Contoso' }] })],
];

const SECURITY_DEFAULTS = 'policies/identitySecurityDefaultsEnforcementPolicy';

const securityDefaultsRoutes: Array<[string, RegExp, Handler]> = [
  ['GET', new RegExp(`^${SECURITY_DEFAULTS}$`), (req, ctx) => ok(entityBody(ctx, SECURITY_DEFAULTS, renderSecurityDefaults(ctx.store.state), req.params))],
  ['PATCH', new RegExp(`^${SECURITY_DEFAULTS}$`), (req, ctx) => {
    patchSecurityDefaults(ctx.store.state, req.body);
    ctx.store.save();
    return noContent();
  }],
];

// What If: judged against the primary (a POST), throttled with the other Conditional Access calls.
const whatIfRoutes: Array<[string, RegExp, Handler]> = [
  ['POST', new RegExp(`^${CA}/evaluate$`), (req, ctx) =>
    ok({
      '@odata.context': `${ctx.baseUrl}/${ctx.version}/$metadata#Collection(microsoft.graph.whatIfAnalysisResult)`,
      value: evaluateWhatIf(ctx.store.state, readWhatIfRequest(req.body)).map((v) => ({
        ...renderPolicy(v.policy, ctx.store.state, ctx.version, ctx.baseUrl),
        policyApplies: v.applies,
        analysisReasons: v.analysisReasons,
      })),
    })],
];

const ROUTES: Array<[string, RegExp, Handler]> = [
  ...whatIfRoutes,
  ...softRoutes(policies),
  ...softRoutes(namedLocations),
  ...strengthRoutes,
  ...directoryRoutes,
  ...securityDefaultsRoutes,
  ...templateRoutes,
  ['GET', new RegExp(`^${SIGN_INS}$`), (req, ctx) => ok(listSignIns(ctx.store.state.signIns ?? [], req.params, ctx))],
  ['GET', new RegExp(`^${SIGN_INS}/([^/]+)$`), (req, ctx, [id = '']) => ok(entityBody(ctx, SIGN_INS, structuredClone(findIn(ctx.store.state.signIns ?? [], id, 'signIn')), req.params))],
];

/** Runs one Graph request against the tenant. Throws GraphHttpError for Graph's error answers. */
export function route(req: GraphRequest, primary: RouteContext & { store: Store }): GraphResponse {
  // Reads may be served by a replica that has not seen the latest writes (--list-lag).
  const ctx: RouteContext = req.method.toUpperCase() === 'GET' ? { ...primary, store: primary.store.readView(primary.now) } : primary;
  const path = req.path.replace(/^\/+|\/+$/g, '');
  let pathMatched = false;
  for (const [method, re, handler] of ROUTES) {
    const m = re.exec(path);
    if (m === null) continue;
    pathMatched = true;
    if (method !== req.method.toUpperCase()) continue;
    return handler(req, ctx, m.slice(1).map((s) => decodeURIComponent(s)));
  }
  if (pathMatched) throw new GraphHttpError(405, 'Request_BadRequest', `The HTTP method '${req.method}' is not allowed on '${path}'.`);
  throw badRequest(`Resource not found for the segment '${path.split('/').pop() ?? path}'.`);
}
