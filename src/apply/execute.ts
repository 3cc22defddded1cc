/**
 * Carries out a plan's operations through the Tenant port, in dependency order, one at a time
 * (the client paces them at the tenant's limit), with a progress line each.
 */
import { GraphError } from '../errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../model/documents.js';
import type { PlanOperation } from '../model/plan.js';
import type { Tenant } from '../plan/ports.js';

export interface OperationResult {
  operation: PlanOperation;
  status: 'applied' | 'failed' | 'skipped';
  /** The object's id (for a create, the new one). */
  id?: string;
  /** The body sent, references to objects created in this run resolved. */
  sent?: JsonObject;
  error?: string;
  ms: number;
}

export interface ExecuteOptions {
  keepGoing: boolean;
  log: (line: string) => void;
  clock?: () => number;
  /** Attempts of one create whose earlier attempts failed unclearly and left nothing behind; default 6. */
  createAttempts?: number;
  /** Wait before such a new attempt, times the attempt number; default 500 ms. */
  createRetryDelayMs?: number;
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * A create is not idempotent, so the client does not retry it on a 5xx or a dropped connection.
 * After such an unclear failure, look by name: found once, it was created; found nowhere, it was
 * not, and it is safe to send again; anything else (the look-up fails, or finds several) stops.
 */
async function createOnce(op: PlanOperation, tenant: Tenant, body: JsonObject, options: ExecuteOptions): Promise<string> {
  const attempts = Math.max(1, options.createAttempts ?? 6);
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await tenant.create(op.kind, body);
      return String(answer['id'] ?? '');
    } catch (e) {
      if (!(e instanceof GraphError && (e.status === 0 || e.status >= 500))) throw e;
      let found: JsonObject[];
      try {
        found = await tenant.findByDisplayName(op.kind, op.displayName);
      } catch {
        throw e;
      }
      if (found.length === 1 && typeof found[0]!['id'] === 'string') return found[0]!['id'];
      if (found.length > 0 || attempt >= attempts) throw e;
      await sleep((options.createRetryDelayMs ?? 500) * attempt);
    }
  }
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
  let stopped = false;
  for (const [index, op] of ordered.entries()) {
    const label = `[${index + 1}/${ordered.length}] ${op.action} ${op.kind === 'namedLocation' ? 'named location' : op.kind === 'authenticationStrength' ? 'authentication strength' : 'policy'} "${op.displayName}"`;
    if (stopped) {
      results.push({ operation: op, status: 'skipped', id: op.id, error: 'not attempted: an earlier operation failed (use --keep-going to go on past failures)', ms: 0 });
      continue;
    }
    const started = clock();
    const result = await runOne(op, tenant, created, options);
    result.ms = clock() - started;
    results.push(result);
    const seconds = `${(result.ms / 1000).toFixed(1)}s`;
    if (result.status === 'applied') {
      options.log(`${label} ok ${seconds}`);
      if (op.action === 'create' && result.id) {
        const prefix = op.kind === 'namedLocation' ? 'location' : op.kind === 'authenticationStrength' ? 'authStrength' : undefined;
        if (prefix) created.set(`${prefix}:${op.displayName}`.toLowerCase(), result.id);
      }
    } else {
      options.log(`${label} ${result.status}: ${result.error ?? ''}`);
      if (!options.keepGoing) stopped = true;
    }
  }
  return results;
}

/** restore: brings a soft-deleted object back with its id; false when it is gone from the recycle bin. */
async function restoreDeleted(op: PlanOperation, tenant: Tenant): Promise<boolean> {
  try {
    await tenant.restoreDeleted(op.kind, op.restoreFrom!);
    return true;
  } catch (e) {
    // Purged, or past Graph's 30 days: it is created anew instead.
    if (e instanceof GraphError && e.status === 404) return false;
    throw e;
  }
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
      return { operation: op, status: 'skipped', id: op.id, error: `depends on ${[...missing].join(', ')}, which this run did not create`, ms: 0 };
    }
    if (op.action === 'update') {
      await tenant.update(op.kind, op.id!, body);
      return { operation: op, status: 'applied', id: op.id, sent: body, ms: 0 };
    }
    if (op.restoreFrom && (await restoreDeleted(op, tenant))) {
      await tenant.update(op.kind, op.restoreFrom, body);
      return { operation: op, status: 'applied', id: op.restoreFrom, sent: body, ms: 0 };
    }
    const id = await createOnce(op, tenant, body, options);
    return { operation: op, status: 'applied', id, sent: body, ms: 0 };
  } catch (e) {
    return { operation: op, status: 'failed', id: op.id, error: e instanceof Error ? e.message : String(e), ms: 0 };
  }
}
