/**
 * `caac apply`: the reviewed plan, and nothing else. Refuses before any write when the plan is
 * unsafe, deletes without --allow-delete, targets another tenant, is stale, or would undo an active
 * contingency set without --end-contingency; keeps a snapshot of everything it will touch; writes
 * in dependency order; then re-reads the tenant and verifies.
 */
import { executeOperations, type OperationResult } from '../apply/execute.js';
import { planSafetyProblems } from '../apply/guards.js';
import { contingencyConflicts, HELD_DELETE, releaseHeld, type HeldPolicy } from '../contingency/hold.js';
import { SafetyError, StalePlanError } from '../errors.js';
import type { DocumentKind, JsonObject } from '../model/documents.js';
import type { Plan } from '../model/plan.js';
import { kindOfTenantList, requestsSince, type RequestTally, type TenantSnapshot } from '../model/tenant.js';
import { normalizeDocument } from '../normalize/normalize-document.js';
import { fieldChanges } from '../plan/field-changes.js';
import { fingerprintSnapshot } from '../plan/fingerprint.js';
import type { Tenant } from '../plan/ports.js';
import { describeStateChanges, stateOf } from '../plan/state.js';
import type { SnapshotStore } from '../repo/snapshot-store.js';

export interface ApplyOptions {
  allowDelete: boolean;
  keepGoing: boolean;
  /**
   * Write the declared state of the policies an active contingency set holds (the plan's
   * `contingency.held`), ending the contingency; without it (the default) apply leaves an active
   * set's policies as they are and refuses a plan that would change them.
   */
  endContingency?: boolean;
  log: (line: string) => void;
}

export interface ApplyOutcome {
  results: OperationResult[];
  applied: number;
  failed: number;
  skipped: number;
  /** Differences found when the tenant was read back (empty: it matches the plan). */
  verification: string[];
  snapshotDir?: string;
  requests: RequestTally;
}

export async function runApply(reviewed: Plan, ports: { tenant: Tenant; snapshots: SnapshotStore }, options: ApplyOptions): Promise<ApplyOutcome> {
  const { tenant } = ports;
  const before = tenant.requests();
  const endContingency = options.endContingency ?? false;
  const plan = settleHeldPolicies(reviewed, endContingency, options.log);
  const safety = planSafetyProblems(plan);
  if (safety.length) throw new SafetyError(`apply refuses this plan:\n  ${safety.join('\n  ')}\nFix the repository and make the plan again.`);

  const deletes = plan.operations.filter((op) => op.action === 'delete');
  if (deletes.length && !options.allowDelete) {
    throw new SafetyError(
      `the plan deletes ${deletes.length} object(s) (${deletes.map((d) => `"${d.displayName}"`).join(', ')}): nothing was changed. Pass --allow-delete (input allow-delete) to apply deletions.`,
    );
  }

  options.log('reading the tenant to check the plan is still current');
  const live = await tenant.read();
  if (plan.tenant.id && live.tenantId && plan.tenant.id.toLowerCase() !== live.tenantId.toLowerCase()) {
    throw new SafetyError(`the plan was made for tenant ${plan.tenant.id}, but this connection reaches tenant ${live.tenantId}: nothing was changed`);
  }
  const fingerprint = fingerprintSnapshot(live, plan.apiVersion);
  if (fingerprint !== plan.fingerprint) {
    const changes = plan.state ? describeStateChanges(plan.state, stateOf(live, plan.apiVersion)) : [];
    throw new StalePlanError(
      `the tenant changed since the plan was made, so it may no longer show what apply would do: nothing was changed.${changes.length ? `\n  ${changes.join('\n  ')}` : ''}\nMake the plan again and review it.`,
    );
  }
  // Against the tenant as it is now, whatever the plan file says (it may be edited by hand).
  const conflicts = endContingency ? [] : contingencyConflicts(plan, live);
  if (conflicts.length) {
    const lines = conflicts.map(
      (c) => `contingency set "${c.set}" is active${c.since ? ` since ${c.since}` : ''}: the plan would change ${c.policies.map((p) => `"${p.displayName}" (${p.change})`).join(', ')}`,
    );
    const deactivate = conflicts.map((c) => `"caac contingency deactivate ${c.set}"`).join(' and ');
    throw new SafetyError(
      `apply refuses to undo an active contingency set: nothing was changed.\n  ${lines.join('\n  ')}\nTo end the contingency with this apply, pass --end-contingency (input end-contingency); or run ${deactivate} first and make the plan again.`,
    );
  }

  const work = plan.operations.filter((op) => op.action !== 'noop');
  if (work.length === 0) {
    options.log('nothing to apply: the plan has no changes');
    return { results: [], applied: 0, failed: 0, skipped: 0, verification: [], requests: requestsSince(before, tenant.requests()) };
  }

  const touched = work
    .filter((op) => op.id)
    .map((op) => ({ kind: op.kind, object: findObject(live, op.kind, op.id!) }))
    .filter((t): t is { kind: DocumentKind; object: JsonObject } => t.object !== undefined);
  let snapshotDir: string;
  try {
    snapshotDir = ports.snapshots.write(touched);
  } catch (e) {
    // Without the snapshot there is nothing to go back to: no write may happen.
    throw new SafetyError(`the snapshot of the objects the plan touches could not be written (${e instanceof Error ? e.message : String(e)}): nothing was changed. Choose another --snapshot-dir.`, { cause: e });
  }
  options.log(`snapshot of ${touched.length} object(s) the plan touches written to ${snapshotDir}`);

  const results = await executeOperations(work, tenant, { keepGoing: options.keepGoing, log: options.log });
  const applied = results.filter((r) => r.status === 'applied');
  options.log('reading the tenant back to verify');
  const after = await tenant.read();
  const verification = verify(applied, after, plan.apiVersion);
  return {
    results,
    applied: applied.length,
    failed: results.filter((r) => r.status === 'failed').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
    verification,
    snapshotDir,
    requests: requestsSince(before, tenant.requests()),
  };
}

/**
 * The plan to apply as far as held contingency policies go: with --end-contingency they get their
 * declared documents back; without it they stay as the plan holds them. Either way the log says so.
 */
function settleHeldPolicies(plan: Plan, endContingency: boolean, log: (line: string) => void): Plan {
  const held = plan.contingency?.held ?? [];
  if (held.length === 0) return plan;
  const what = (h: HeldPolicy): string => `policy "${h.displayName}" (contingency set "${h.set}")`;
  if (!endContingency) {
    log(`${held.length} polic${held.length === 1 ? 'y keeps its' : 'ies keep their'} contingency state, as the plan holds ${held.length === 1 ? 'it' : 'them'} (apply --end-contingency writes the declared state):`);
    for (const h of held) log(`  ${what(h)}: stays ${h.state}, the repository declares ${h.declared}`);
    return plan;
  }
  const released = releaseHeld(plan);
  log(`--end-contingency: ${held.length} held polic${held.length === 1 ? 'y returns' : 'ies return'} to the repository's declaration:`);
  for (const h of held) log(`  ${what(h)}: ${h.state} → ${h.declared === HELD_DELETE ? 'deleted (prune)' : h.declared}`);
  return released;
}

function findObject(snapshot: TenantSnapshot, kind: DocumentKind, id: string): JsonObject | undefined {
  return snapshot[kindOfTenantList(kind)].find((o) => String(o['id']).toLowerCase() === id.toLowerCase());
}

/** Every applied operation must now read back as sent: anything else is reported, field by field. */
function verify(applied: readonly OperationResult[], after: TenantSnapshot, apiVersion: Plan['apiVersion']): string[] {
  const problems: string[] = [];
  for (const r of applied) {
    const op = r.operation;
    const found = r.id ? findObject(after, op.kind, r.id) : undefined;
    if (op.action === 'delete') {
      if (found) problems.push(`${op.kind} "${op.displayName}" (${r.id}) still exists after its delete`);
      continue;
    }
    if (!found) {
      problems.push(`${op.kind} "${op.displayName}" (${r.id ?? 'no id'}) is missing when read back`);
      continue;
    }
    const differences = fieldChanges(normalizeDocument(op.kind, found, { apiVersion }), normalizeDocument(op.kind, r.sent ?? {}, { apiVersion }));
    for (const d of differences) {
      problems.push(`${op.kind} "${op.displayName}": ${d.path} reads back as ${JSON.stringify(d.before ?? null)}, not ${JSON.stringify(d.after ?? null)}`);
    }
  }
  return problems;
}

