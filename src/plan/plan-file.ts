/**
 * Reads a plan file back (apply, and the reports of a plan made in another job): checks the
 * format version and the shape, with errors that say what is wrong and where.
 */
import { ConfigurationError } from '../errors.js';
import { DOCUMENT_KINDS } from '../model/documents.js';
import { DELETE_STEPS, PLAN_FORMAT_VERSION, PLAN_WARNING_KINDS, type Plan } from '../model/plan.js';

const ACTIONS = ['create', 'update', 'delete', 'noop'];
const SHA256 = /^[0-9a-f]{64}$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Serializes a plan as the plan file holds it. */
export function writePlanFile(plan: Plan): string {
  return JSON.stringify(plan, null, 2) + '\n';
}

/**
 * A delete's steps (an optional field of format version 1: a caac that does not know it sends a
 * plain DELETE, which Graph refuses for a trusted location, so nothing unsafe can follow): each
 * known step once, `delete` last, `markUntrusted` on named locations only.
 */
function deleteSteps(op: Obj, path: string, fail: (path: string, message: string) => never): void {
  const steps = op['steps'];
  const known: readonly unknown[] = DELETE_STEPS;
  if (op['action'] !== 'delete') fail(`${path}/steps`, 'only a delete has steps');
  if (!Array.isArray(steps) || steps.length === 0 || !steps.every((s) => known.includes(s))) fail(`${path}/steps`, `expected a list of ${DELETE_STEPS.join(', ')}`);
  const list = steps as string[];
  if (new Set(list).size !== list.length || list[list.length - 1] !== 'delete') fail(`${path}/steps`, "each step once, and 'delete' last");
  if (list.includes('markUntrusted') && op['kind'] !== 'namedLocation') fail(`${path}/steps`, "'markUntrusted' applies to named locations only");
}

export function readPlanFile(text: string, file = 'plan file'): Plan {
  const fail = (path: string, message: string): never => {
    throw new ConfigurationError(`${file}: ${path ? `${path}: ` : ''}${message}`, { file, path });
  };
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return fail('', `not valid JSON (${(e as Error).message}): pass the file that caac plan --out wrote`);
  }
  if (!isObj(data)) return fail('', 'not a caac plan: expected a JSON object');
  const version = data['formatVersion'];
  if (typeof version !== 'number') return fail('/formatVersion', 'missing: this is not a caac plan file');
  if (version !== PLAN_FORMAT_VERSION) {
    return fail(
      '/formatVersion',
      version > PLAN_FORMAT_VERSION
        ? `format version ${version} was written by a newer caac (this one reads version ${PLAN_FORMAT_VERSION}): use the same caac version for plan and apply`
        : version === 1
          ? `format version 1 records no digest of the documents the plan was made from, which apply checks now (this caac reads version ${PLAN_FORMAT_VERSION}): make the plan again with this caac (caac plan --out)`
          : `format version ${version} is no longer supported (this caac reads version ${PLAN_FORMAT_VERSION}): make the plan again`,
    );
  }
  const str = (o: Obj, key: string, path: string, optional = false): void => {
    const v = o[key];
    if (v === undefined && optional) return;
    if (typeof v !== 'string') fail(`${path}/${key}`, `expected a string${v === undefined ? ', found nothing' : ''}`);
  };
  const num = (o: Obj, key: string, path: string): void => {
    if (typeof o[key] !== 'number' || !Number.isInteger(o[key]) || (o[key] as number) < 0) fail(`${path}/${key}`, 'expected a whole number');
  };
  const obj = (o: Obj, key: string, path: string): Obj => {
    const v = o[key];
    return isObj(v) ? v : fail(`${path}/${key}`, 'expected an object');
  };
  const arr = (o: Obj, key: string, path: string): unknown[] => {
    const v = o[key];
    return Array.isArray(v) ? v : fail(`${path}/${key}`, 'expected an array');
  };
  const oneOf = (o: Obj, key: string, path: string, values: readonly string[]): void => {
    if (typeof o[key] !== 'string' || !values.includes(o[key] as string)) fail(`${path}/${key}`, `expected one of ${values.join(', ')}`);
  };

  const tool = obj(data, 'tool', '');
  str(tool, 'name', '/tool');
  str(tool, 'version', '/tool');
  const tenant = obj(data, 'tenant', '');
  str(tenant, 'id', '/tenant');
  str(tenant, 'graphUrl', '/tenant');
  str(data, 'dir', '');
  oneOf(data, 'apiVersion', '', ['v1.0', 'beta']);
  str(data, 'createdAt', '');
  if (typeof data['fingerprint'] !== 'string' || !/^[0-9a-f]{64}$/.test(data['fingerprint'])) fail('/fingerprint', 'expected a sha256 hex digest');
  // What the plan was made from: apply re-reads the folder and refuses other documents.
  const source = obj(data, 'source', '');
  if (typeof source['digest'] !== 'string' || !SHA256.test(source['digest'])) fail('/source/digest', 'expected a sha256 hex digest of the documents the plan was made from: make the plan again');
  num(source, 'documents', '/source');
  for (const [k, v] of Object.entries(obj(source, 'files', '/source'))) if (typeof v !== 'string' || !SHA256.test(v)) fail(`/source/files/${k}`, 'expected a sha256 hex digest');
  if (source['commit'] !== undefined && (typeof source['commit'] !== 'string' || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(source['commit']))) fail('/source/commit', 'expected a git commit id');
  if (typeof source['prune'] !== 'boolean') fail('/source/prune', 'expected true or false');
  const summary = obj(data, 'summary', '');
  for (const key of ['create', 'update', 'delete', 'unchanged', 'unmanaged']) num(summary, key, '/summary');
  arr(data, 'operations', '').forEach((op, i) => {
    const path = `/operations/${i}`;
    if (!isObj(op)) return fail(path, 'expected an object');
    oneOf(op, 'kind', path, DOCUMENT_KINDS);
    oneOf(op, 'action', path, ACTIONS);
    str(op, 'displayName', path);
    str(op, 'id', path, op['action'] === 'create');
    if (op['action'] !== 'create' && typeof op['id'] !== 'string') fail(`${path}/id`, `a ${String(op['action'])} needs the tenant object's id`);
    str(op, 'file', path, true);
    str(op, 'restoreFrom', path, true);
    arr(op, 'changes', path).forEach((c, j) => {
      if (!isObj(c) || typeof c['path'] !== 'string') fail(`${path}/changes/${j}`, 'expected {path, before?, after?}');
    });
    if (op['action'] === 'create' || op['action'] === 'update') obj(op, 'body', path);
    if (op['steps'] !== undefined) deleteSteps(op, path, fail);
  });
  arr(data, 'unmanaged', '').forEach((u, i) => {
    const path = `/unmanaged/${i}`;
    if (!isObj(u)) return fail(path, 'expected an object');
    oneOf(u, 'kind', path, DOCUMENT_KINDS);
    str(u, 'id', path);
    str(u, 'displayName', path);
  });
  arr(data, 'warnings', '').forEach((w, i) => {
    const path = `/warnings/${i}`;
    if (!isObj(w)) return fail(path, 'expected an object');
    oneOf(w, 'kind', path, PLAN_WARNING_KINDS);
    str(w, 'displayName', path);
    str(w, 'message', path);
  });
  const labels = obj(data, 'labels', '');
  for (const [k, v] of Object.entries(labels)) if (typeof v !== 'string') fail(`/labels/${k}`, 'expected a string');
  const requests = obj(data, 'requests', '');
  num(requests, 'total', '/requests');
  obj(requests, 'byEndpoint', '/requests');
  const strings = (o: Obj, key: string, path: string): void =>
    arr(o, key, path).forEach((v, j) => {
      if (typeof v !== 'string') fail(`${path}/${key}/${j}`, 'expected a string');
    });
  // Apply's break-glass check reads the emergency-access ids: a malformed list must not read as "none".
  if (data['guards'] !== undefined) {
    const guards = obj(data, 'guards', '');
    for (const key of ['users', 'groups', 'exemptPolicies']) strings(guards, key, '/guards');
  }
  // Apply's contingency guard reads the sets, and --end-contingency writes the held bodies.
  if (data['contingency'] !== undefined) {
    const contingency = obj(data, 'contingency', '');
    arr(contingency, 'sets', '/contingency').forEach((set, i) => {
      const path = `/contingency/sets/${i}`;
      if (!isObj(set)) return fail(path, 'expected an object');
      str(set, 'name', path);
      strings(set, 'activate', path);
      strings(set, 'deactivate', path);
      oneOf(set, 'deactivatedState', path, ['enabledForReportingButNotEnforced', 'disabled']);
      oneOf(set, 'source', path, ['settings', 'convention']);
    });
    arr(contingency, 'active', '/contingency').forEach((a, i) => {
      const path = `/contingency/active/${i}`;
      if (!isObj(a)) return fail(path, 'expected an object');
      str(a, 'name', path);
      str(a, 'since', path, true);
      strings(a, 'policies', path);
    });
    arr(contingency, 'held', '/contingency').forEach((h, i) => {
      const path = `/contingency/held/${i}`;
      if (!isObj(h)) return fail(path, 'expected an object');
      for (const key of ['set', 'displayName', 'id', 'state', 'declared']) str(h, key, path);
      obj(h, 'body', path);
    });
  }
  return data as unknown as Plan;
}
