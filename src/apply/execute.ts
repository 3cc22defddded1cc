/**
 * Carries out a plan's operations through the Tenant port, in dependency order, one at a time
 * (the client paces them at the tenant's limit), with a progress line each.
 *
 * A write whose answer is lost (a 5xx, a 504, a dropped connection) may or may not have been
 * carried out, and Graph's lists may not show it for seconds. Such a create or restore is never
 * sent again: caac looks for its result, with backoff, for a bounded time, and when it still
 * cannot tell it stops the run and says so (the next plan sees what is there).
 */
import { GraphError } from '../errors.js';
import { isJsonObject, KIND_LABELS, type JsonObject, type JsonValue } from '../model/documents.js';
import type { PlanOperation } from '../model/plan.js';
import type { Tenant } from '../ports/tenant.js';
import { DEFAULT_CONFIRM_TIMEOUT_MS, pollUntil, seconds, type ConfirmOptions } from './poll.js';
import { escapeLogValue } from '../model/log-text.js';
import type { OperationResult } from '../model/outcomes.js';
import type { ApiVersion } from '../model/tenant.js';
import { removeTwins, settleFoundTwins } from './concurrent-twins.js';
import type { Logger } from '../ports/logger.js';


export interface ExecuteOptions {
  keepGoing: boolean;
  log: Logger;
  clock?: () => number;
  /** How to look for the result of a create or restore whose answer was lost (timeoutMs: --confirm-timeout). */
  confirm?: ConfirmOptions;
  /** The Graph version the bodies are written for (to compare what a look-up finds with what was sent). */
  apiVersion?: ApiVersion;
}

/** Graph may have carried the write out: no answer (0), or a 5xx (a 504 is a gateway that gave up waiting). */
export function isUnknownOutcome(e: unknown): e is GraphError {
  return e instanceof GraphError && (e.status === 0 || e.status >= 500);
}

/** The run cannot go on safely: the message names the object and what to do. */
class OutcomeUnknown extends Error {}

const kindLabel = (op: PlanOperation): string => KIND_LABELS[op.kind];
const quoted = (name: string): string => `"${escapeLogValue(name)}"`;
const PLAN_AGAIN = 'Plan again: the next plan sees what is there.';

/**
 * A create is not idempotent, so it is sent once: the client retries it only on a 429 (Graph
 * answers that before doing anything). When the answer is lost, Graph may have created the object
 * all the same, and its lists lag behind writes by seconds, so a look-up that finds nothing proves
 * nothing. An earlier version sent the create again after one empty look-up and left up to four
 * copies of a policy under list lag. So: never send it again; look by name, with backoff, for at
 * most the confirm timeout. Found once: created (that id). Found several that all read as sent:
 * twins of a concurrent apply of the same plan, the earliest stays (concurrent-twins.ts). Found
 * several that differ: stop and name them all (which one is ours cannot be told, and duplicates
 * are never silent). Still not found: stop.
 */
async function createOnce(op: PlanOperation, tenant: Tenant, body: JsonObject, options: ExecuteOptions): Promise<string> {
  let lost: GraphError;
  try {
    const answer = await tenant.create(op.kind, body);
    return String(answer['id'] ?? '');
  } catch (e) {
    if (!isUnknownOutcome(e)) throw e;
    lost = e;
  }
  const timeoutMs = options.confirm?.timeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS;
  options.log.info(`  the answer to the create of ${kindLabel(op)} ${quoted(op.displayName)} was lost (${escapeLogValue(lost.message)}); looking for it by name for up to ${seconds(timeoutMs)}, without sending it again`);
  let lookupError: string | undefined;
  const seen = await pollUntil(async () => {
    let found: JsonObject[];
    try {
      found = await tenant.findByDisplayName(op.kind, op.displayName);
    } catch (e) {
      lookupError = e instanceof Error ? e.message : String(e);
      return { done: false, value: [] as JsonObject[] };
    }
    return { done: found.length > 0, value: found };
  }, options.confirm);
  if (seen.done && seen.value.length === 1 && typeof seen.value[0]!['id'] === 'string') {
    const id = seen.value[0]!['id'];
    // A strength's combinationConfigurations are written after the strength itself, and that part
    // never ran: send the (idempotent) update that brings them in line.
    if (op.kind === 'authenticationStrength') await tenant.update(op.kind, id, body);
    return id;
  }
  const twins = seen.done ? settleFoundTwins(op.kind, body, seen.value, options.apiVersion ?? 'v1.0') : undefined;
  if (seen.done && twins) {
    // Another apply of the same plan created it too (concurrent-twins.ts): the earliest stays.
    options.log.info(`  ${seen.value.length} identical ${kindLabel(op)} objects named ${quoted(op.displayName)} exist (another apply of the same plan ran beside this one): keeping ${twins.keep}, removing ${twins.remove.join(', ')}`);
    const { failed } = await removeTwins(tenant, op.kind, twins.remove);
    if (failed.length) {
      const list = failed.map((f) => `${f.id} (${escapeLogValue(f.reason)})`).join(', ');
      throw new OutcomeUnknown(`the answer to the create was lost, and the duplicates of ${quoted(op.displayName)} could not all be removed: ${list}. Keep one, delete the others, then plan again.`);
    }
    if (op.kind === 'authenticationStrength') await tenant.update(op.kind, twins.keep, body);
    return twins.keep;
  }
  if (seen.done) {
    const ids = seen.value.map((o) => String(o['id'] ?? '?')).join(', ');
    throw new OutcomeUnknown(
      `the answer to the create was lost, and ${seen.value.length} ${kindLabel(op)} objects named ${quoted(op.displayName)} now exist (ids ${ids}): caac cannot tell which one it created. Keep one, delete the others, then plan again.`,
    );
  }
  throw new OutcomeUnknown(
    `outcome unknown: the answer to the create was lost (${escapeLogValue(lost.message)}), and after ${seconds(timeoutMs)} of looking (${seen.rounds} look-ups) no ${kindLabel(op)} named ${quoted(op.displayName)} is listed${lookupError ? ` (last look-up failed: ${escapeLogValue(lookupError)})` : ''}. It may still appear: caac did not send the create again. ${PLAN_AGAIN}`,
  );
}

/** Named locations and strengths first, then policies, then policy deletes, then the rest's deletes. */
export function phaseOf(op: PlanOperation): number {
  const policy = op.kind === 'policy';
  if (op.action === 'delete') return policy ? 2 : 3;
  return policy ? 1 : 0;
}

export function orderedOperations(operations: readonly PlanOperation[]): PlanOperation[] {
  return operations
    .filter((op) => op.action !== 'noop')
    .map((op, i) => ({ op, i }))
    .sort((a, b) => phaseOf(a.op) - phaseOf(b.op) || a.i - b.i)
    .map(({ op }) => op);
}

const REF = /^(location|authStrength):(.+)$/;

/** Replaces `location:Name` / `authStrength:Name` left for objects this run creates. */
export function substituteCreated(value: JsonValue, created: Map<string, string>, missing: Set<string>): JsonValue {
  if (typeof value === 'string') {
    const m = REF.exec(value);
    if (!m) return value;
    const id = created.get(value.toLowerCase());
    if (id) return id;
    missing.add(value);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => substituteCreated(v, created, missing));
  if (isJsonObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteCreated(v, created, missing)]));
  return value;
}

export async function executeOperations(operations: readonly PlanOperation[], tenant: Tenant, options: ExecuteOptions): Promise<OperationResult[]> {
  const clock = options.clock ?? Date.now;
  const ordered = orderedOperations(operations);
  const created = new Map<string, string>();
  const results: OperationResult[] = [];
  let stopped: string | undefined;
  for (const [index, op] of ordered.entries()) {
    const action = op.action === 'create' && op.restoreFrom ? 'restore' : op.action;
    const label = `[${index + 1}/${ordered.length}] ${action} ${kindLabel(op)} ${quoted(op.displayName)}${action === 'restore' ? ' from deleted items' : ''}`;
    if (stopped) {
      results.push({ operation: op, status: 'skipped', id: op.id, error: stopped, ms: 0 });
      continue;
    }
    const started = clock();
    const result = await runOne(op, tenant, created, options);
    result.ms = clock() - started;
    results.push(result);
    const took = `${(result.ms / 1000).toFixed(1)}s`;
    if (result.status === 'applied') {
      options.log.info(`${label} ok ${took}`);
      if (op.action === 'create' && result.id) {
        const prefix = op.kind === 'namedLocation' ? 'location' : op.kind === 'authenticationStrength' ? 'authStrength' : undefined;
        if (prefix) created.set(`${prefix}:${op.displayName}`.toLowerCase(), result.id);
      }
    } else {
      options.log.info(`${label} ${result.unknown ? 'outcome unknown' : result.status}: ${escapeLogValue(result.error ?? '')}`);
      // An unknown outcome stops the run even with keepGoing: what the tenant holds is not known.
      if (result.unknown) stopped = `not attempted: the outcome of ${op.action} ${kindLabel(op)} ${quoted(op.displayName)} is unknown. ${PLAN_AGAIN}`;
      else if (!options.keepGoing) stopped = 'not attempted: an earlier operation failed (use --keep-going to go on past failures)';
    }
  }
  return results;
}

/**
 * restore: brings a soft-deleted object back with its id; false when it is gone from the recycle
 * bin for sure (then it is created anew). Sent once, like a create: a blind retry of a restore
 * whose answer was lost gets 404 (the first one worked), and taking that 404 for "purged" created
 * a second copy beside the restored original. So a lost answer, or a 404, is checked against the
 * live object by id (polling: a GET lags behind the restore) before anything else.
 */
async function restoreDeleted(op: PlanOperation, tenant: Tenant, options: ExecuteOptions): Promise<boolean> {
  const id = op.restoreFrom!;
  let failure: GraphError;
  try {
    await tenant.restoreDeleted(op.kind, id);
    return true;
  } catch (e) {
    if (!(e instanceof GraphError && (e.status === 404 || isUnknownOutcome(e)))) throw e;
    failure = e;
  }
  const what = `${kindLabel(op)} ${quoted(op.displayName)} (${id})`;
  const isLive = async (): Promise<{ done: boolean; value: undefined }> => ({ done: (await tenant.getById(op.kind, id)) !== undefined, value: undefined });
  const inRecycleBin = async (): Promise<boolean> => (await tenant.readDeleted(op.kind)).some((o) => String(o['id']).toLowerCase() === id.toLowerCase());
  if (failure.status === 404) {
    // Graph answered, so nothing was restored by this request: the object is live already
    // (restored by someone else), or purged. A lagging replica may still show either state.
    if ((await isLive()).done) return true;
    if (!(await inRecycleBin())) return false;
  } else {
    options.log.info(`  the answer to the restore of ${what} was lost (${escapeLogValue(failure.message)}); looking for it by id, without sending it again`);
  }
  const timeoutMs = options.confirm?.timeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS;
  // A look that fails proves nothing either way: look again until the deadline.
  const seen = await pollUntil(() => isLive().catch(() => ({ done: false, value: undefined })), options.confirm);
  if (seen.done) return true;
  const still = await inRecycleBin().catch(() => undefined);
  const where = still === true ? 'it is still listed in the recycle bin (deletedItems)' : still === false ? 'it is not listed in the recycle bin (deletedItems) either' : 'the recycle bin could not be read';
  throw new OutcomeUnknown(
    `outcome unknown: ${failure.status === 404 ? 'the restore answered 404' : `the restore's answer was lost (${escapeLogValue(failure.message)})`}, and after ${seconds(timeoutMs)} (${seen.rounds} look-ups) the ${kindLabel(op)} is not readable by its id; ${where}. caac did not send the restore again nor create a copy. ${PLAN_AGAIN}`,
  );
}

async function runOne(op: PlanOperation, tenant: Tenant, created: Map<string, string>, options: ExecuteOptions): Promise<OperationResult> {
  try {
    if (op.action === 'delete') {
      // A trusted location: Graph refuses the DELETE until it is marked untrusted (the plan's steps).
      if (op.steps?.includes('markUntrusted')) {
        await tenant.update(op.kind, op.id!, { '@odata.type': '#microsoft.graph.ipNamedLocation', isTrusted: false }).catch((e: unknown) => {
          if (!(e instanceof GraphError && e.status === 404)) throw e;
        });
      }
      await tenant.remove(op.kind, op.id!).catch((e: unknown) => {
        // Already gone (an earlier attempt whose answer was lost): what the plan asked for.
        if (!(e instanceof GraphError && e.status === 404)) throw e;
      });
      return { operation: op, status: 'applied', id: op.id, ms: 0 };
    }
    const missing = new Set<string>();
    const body = substituteCreated(op.body ?? {}, created, missing) as JsonObject;
    if (missing.size > 0) {
      return { operation: op, status: 'skipped', id: op.id, error: `not attempted: depends on ${[...missing].join(', ')}, which this run did not create`, ms: 0 };
    }
    if (op.action === 'update') {
      await tenant.update(op.kind, op.id!, body);
      return { operation: op, status: 'applied', id: op.id, sent: body, ms: 0 };
    }
    if (op.restoreFrom && (await restoreDeleted(op, tenant, options))) {
      await tenant.update(op.kind, op.restoreFrom, body);
      return { operation: op, status: 'applied', id: op.restoreFrom, sent: body, ms: 0 };
    }
    const id = await createOnce(op, tenant, body, options);
    return { operation: op, status: 'applied', id, sent: body, ms: 0 };
  } catch (e) {
    const unknown = e instanceof OutcomeUnknown ? { unknown: true } : {};
    return { operation: op, status: 'failed', id: op.id, error: e instanceof Error ? e.message : String(e), ...unknown, ms: 0 };
  }
}
