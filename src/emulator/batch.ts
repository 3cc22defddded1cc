/**
 * JSON $batch: at most 20 requests, unique ids, dependsOn honoured (a failed dependency makes the
 * dependent 424), outer status 200 whatever the items did. Each item goes through the same
 * dispatcher as a lone request, so throttling and counting apply per item. Responses come back in
 * reverse order of the requests: Graph promises no order, and a client that assumes one should
 * fail here rather than in production.
 */
import { GraphHttpError, badRequest } from './graph-error.js';
import { isObject } from './schema.js';
import type { Json, JsonObject } from './types.js';

export const BATCH_LIMIT = 20;

export interface BatchItem {
  id: string;
  method: string;
  url: string;
  body: Json | undefined;
  dependsOn: string[];
  /** The item's headers, names in lower case. */
  headers: Record<string, string>;
}

export interface ItemResponse {
  status: number;
  headers: Record<string, string>;
  body?: Json;
}

/** Checks the envelope; throws a 400 for the whole batch as Graph does. */
export function parseBatch(body: Json | undefined): BatchItem[] {
  if (!isObject(body) || !Array.isArray(body.requests)) throw badRequest("A $batch body must be a JSON object with a 'requests' array.");
  const requests = body.requests;
  if (requests.length === 0) throw badRequest('A $batch must contain at least one request.');
  if (requests.length > BATCH_LIMIT) throw badRequest(`A $batch may contain at most ${BATCH_LIMIT} requests; it contained ${requests.length}.`);
  const items = requests.map((r, i): BatchItem => {
    if (!isObject(r)) throw badRequest(`$batch request ${i} must be an object.`);
    const { id, method, url } = r;
    if (typeof id !== 'string' || id === '') throw badRequest(`$batch request ${i} needs a string 'id'.`);
    if (typeof method !== 'string' || typeof url !== 'string') throw badRequest(`$batch request '${id}' needs 'method' and 'url'.`);
    const dependsOn = r.dependsOn === undefined || r.dependsOn === null ? [] : r.dependsOn;
    if (!Array.isArray(dependsOn) || !dependsOn.every((d): d is string => typeof d === 'string')) {
      throw badRequest(`$batch request '${id}': 'dependsOn' must be an array of request ids.`);
    }
    if (r.headers !== undefined && r.headers !== null && !isObject(r.headers)) throw badRequest(`$batch request '${id}': 'headers' must be an object.`);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) if (typeof v === 'string') headers[k.toLowerCase()] = v;
    return { id, method: method.toUpperCase(), url, body: r.body, dependsOn, headers };
  });
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) throw badRequest(`$batch request ids must be unique; '${item.id}' appears more than once.`);
    ids.add(item.id);
  }
  for (const item of items) {
    for (const d of item.dependsOn) {
      if (!ids.has(d)) throw badRequest(`$batch request '${item.id}' depends on '${d}', which is not in the batch.`);
      if (d === item.id) throw badRequest(`$batch request '${item.id}' depends on itself.`);
    }
  }
  return items;
}

/**
 * Runs the items in dependency order. A cycle leaves items that can never run; they fail with 424
 * rather than hang.
 */
export async function runBatch(
  items: BatchItem[],
  dispatch: (item: BatchItem) => Promise<ItemResponse>,
  failed: (item: BatchItem, dependency: string) => ItemResponse,
): Promise<JsonObject> {
  const done = new Map<string, ItemResponse>();
  const pending = [...items];
  while (pending.length > 0) {
    const ready = pending.filter((i) => i.dependsOn.every((d) => done.has(d)));
    if (ready.length === 0) {
      for (const i of pending) done.set(i.id, failed(i, i.dependsOn.find((d) => !done.has(d)) ?? ''));
      break;
    }
    for (const item of ready) {
      pending.splice(pending.indexOf(item), 1);
      const badDep = item.dependsOn.find((d) => (done.get(d)?.status ?? 500) >= 400);
      done.set(item.id, badDep === undefined ? await dispatch(item) : failed(item, badDep));
    }
  }
  const responses = items
    .map((i) => {
      const r = done.get(i.id) as ItemResponse;
      const out: JsonObject = { id: i.id, status: r.status, headers: r.headers };
      if (r.body !== undefined) out.body = r.body;
      return out;
    })
    .reverse();
  return { responses };
}

export function assertNotNested(item: BatchItem): void {
  if (/^\/?\$batch/.test(item.url.replace(/^\/?(v1\.0|beta)\//, ''))) throw new GraphHttpError(400, 'BadRequest', 'A $batch cannot contain another $batch.');
}
