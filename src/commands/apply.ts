/**
 * `caac apply`: the reviewed plan, and nothing else. Refuses before any write when the plan is
 * unsafe, deletes without --allow-delete, was made from other documents than its folder holds,
 * targets another tenant, is stale, is not what the repository and the tenant make (a plan file is
 * a claim: it is made again and compared, and the plan made again is what is written), or would
 * undo an active contingency set without --end-contingency; keeps a snapshot of everything it will
 * touch; writes in dependency order; then re-reads the tenant and verifies.
 *
 * Once the checks before any write are passed, it does not throw: whatever fails (the first read,
 * a write, the read-back) ends in an outcome that names what was applied, what failed, what was
 * not attempted and what is unverified, with the error itself for the face to map to its exit code.
 */
import { snapshotFiles } from '../backup/snapshot-files.js';
import { executeOperations } from '../apply/execute.js';
import { concurrentTwins, removeTwins, twinsOf } from '../apply/concurrent-twins.js';
import { type OperationResult } from '../model/outcomes.js';
import { planSafetyProblems } from '../apply/guards.js';
import { impactRefusal } from '../apply/impact-guard.js';
import { DEFAULT_CONFIRM_TIMEOUT_MS, pollUntil, seconds, type ConfirmOptions } from '../apply/poll.js';
import { contingencyConflicts, HELD_DELETE, releaseHeld, type HeldPolicy } from '../plan/contingency-hold.js';
import { SafetyError, StalePlanError } from '../errors.js';
import { DOCUMENT_KINDS, KIND_LABELS, type DocumentKind, type JsonObject } from '../model/documents.js';
import type { Plan, PlanOperation } from '../model/plan.js';
import { kindOfTenantList, requestsSince, type TenantSnapshot } from '../model/tenant.js';
import { normalizeDocument } from '../normalize/normalize-document.js';
import { fieldChanges } from '../plan/field-changes.js';
import { fingerprintSnapshot } from '../plan/fingerprint.js';
import type { Tenant } from '../ports/tenant.js';
import { describeStateChanges, stateOf } from '../plan/state.js';
import { checkDocuments, remadePlan, type PlanSource } from './plan-check.js';
import { refuseUnlessOnlyExpiries } from '../exceptions/only-expiries.js';
import { refuseWhileSecurityDefaultsOn } from './security-defaults-check.js';
import type { SnapshotStore } from '../ports/snapshot-store.js';
import { escapeLogValue } from '../model/log-text.js';
import type { ApplyOutcome } from '../model/outcomes.js';
import { escapingLogger, silentLogger, type Logger } from '../ports/logger.js';

export interface ApplyOptions {
  allowDelete: boolean;
  keepGoing: boolean;
  /**
   * Write the declared state of the policies an active contingency set holds (the plan's
   * `contingency.held`), ending the contingency; without it (the default) apply leaves an active
   * set's policies as they are and refuses a plan that would change them.
   */
  endContingency?: boolean;
  /** Apply a plan whose Access impact blocks sign-ins that are not blocked today (--accept-impact); emergency accounts never. */
  acceptImpact?: boolean;
  /**
   * How long to look for the result of a create or restore whose answer was lost, and to read the
   * tenant back until it matches; default 60 s (--confirm-timeout). `confirm` tunes the polling (tests).
   */
  confirmTimeoutMs?: number;
  confirm?: ConfirmOptions;
  /** Refuse, before any write, a plan that changes anything but ended exceptions' exclusions (apply --only-expiries). */
  onlyExpiries?: boolean;
  log: Logger;
}


const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * `source`: where the plan comes from. A plan file (`reviewedPlanSource`) is made again from the
 * folder apply runs in and the tenant, and refused unless equal; a plan this run made
 * (`madeHereSource`) only has its folder checked again.
 */
export async function runApply(reviewed: Plan, ports: { tenant: Tenant; snapshots: SnapshotStore; source: PlanSource }, given: ApplyOptions): Promise<ApplyOutcome> {
  const { tenant } = ports;
  // Names in log lines come from files and the tenant: a control character must not forge a line.
  const options: ApplyOptions = { ...given, log: escapingLogger(given.log, escapeLogValue) };
  const before = tenant.requests();
  const endContingency = options.endContingency ?? false;
  // A restore's source accepts new blocks (it brings back rules the tenant had); a block that only an
  // ended exception brings back is accepted by the impact guard itself. Emergency blocks never.
  const acceptImpact = options.acceptImpact ?? (ports.source.kind === 'made-here' && ports.source.acceptImpact === true);
  // The cheap refusals first, on the plan as given (no request yet); each is made again on the plan apply writes.
  if (options.onlyExpiries) refuseUnlessOnlyExpiries(reviewed);
  refuseUnsafe(settleHeldPolicies(reviewed, endContingency, options.log), options.allowDelete, acceptImpact);
  checkDocuments(reviewed, ports.source);

  const outcome = (results: OperationResult[], rest: Partial<ApplyOutcome> = {}): ApplyOutcome => ({
    results,
    applied: results.filter((r) => r.status === 'applied').length,
    failed: results.filter((r) => r.status === 'failed').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
    verification: [],
    readBack: 'none',
    ...rest,
    requests: requestsSince(before, tenant.requests()),
  });
  /** The run stopped before any write: every operation is named as not attempted. */
  const notAttempted = (stopped: string, error: unknown, operations = reviewed.operations): ApplyOutcome =>
    outcome(operations.filter((op) => op.action !== 'noop').map((op) => ({ operation: op, status: 'skipped', id: op.id, error: `not attempted: ${stopped}`, ms: 0 })), { stopped, error });

  // A plan made in this run and applied without a pause brings the tenant as it read it: one read
  // serves the plan, the stale check, the security-defaults check and the snapshot.
  const madeHere = ports.source.kind === 'made-here' ? ports.source : undefined;
  let live: TenantSnapshot;
  try {
    if (madeHere?.snapshot) {
      options.log.info('the plan was made from the tenant as read a moment ago: no second read');
      live = madeHere.snapshot;
    } else {
      options.log.info('reading the tenant to check the plan is still current');
      live = await tenant.read(madeHere?.kinds);
    }
  } catch (e) {
    return notAttempted(`the tenant could not be read to check the plan is still current (${messageOf(e)}): nothing was changed`, e);
  }
  refuseStale(reviewed, live);
  // From here on, the plan made again (equal to the file's, or refused): its bodies and its guards (caac.yml's).
  let remade: Plan;
  try {
    remade = await remadePlan(reviewed, ports.source, live, options.log);
  } catch (e) {
    if (e instanceof StalePlanError || e instanceof SafetyError) throw e;
    return notAttempted(`the plan could not be made again to check it (${messageOf(e)}): nothing was changed`, e);
  }
  const plan = settleHeldPolicies(remade, endContingency, silentLogger);
  if (options.onlyExpiries) refuseUnlessOnlyExpiries(plan);
  refuseUnsafe(plan, options.allowDelete, acceptImpact);
  const work = plan.operations.filter((op) => op.action !== 'noop');
  // Against the tenant as it is now, whatever the plan file says (it may be edited by hand).
  if (!endContingency) refuseToUndoContingency(plan, live);

  if (work.length === 0) {
    options.log.info('nothing to apply: the plan has no changes');
    return outcome([]);
  }
  try {
    if (!madeHere?.snapshot) await refuseWhileSecurityDefaultsOn(work, tenant, 'apply', options.log);
  } catch (e) {
    if (e instanceof SafetyError) throw e;
    return notAttempted(`the security-defaults setting could not be read (${messageOf(e)}): nothing was changed`, e, work);
  }

  const snapshotDir = writeSnapshot(work, live, ports.snapshots, options.log);

  const confirm: ConfirmOptions = { ...options.confirm, timeoutMs: options.confirmTimeoutMs ?? options.confirm?.timeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS };
  let results: OperationResult[];
  try {
    results = await executeOperations(work, tenant, { keepGoing: options.keepGoing, log: options.log, confirm, apiVersion: plan.apiVersion });
  } catch (e) {
    // executeOperations reports each operation's failure itself; this is a bug, but the report must survive it.
    return { ...notAttempted(`apply stopped unexpectedly (${messageOf(e)}); some operations may have been applied: plan again to see what is there`, e, work), snapshotDir };
  }
  const applied = results.filter((r) => r.status === 'applied');
  const labels = applied.map((r) => `${r.operation.action} ${KIND_LABELS[r.operation.kind]} "${r.operation.displayName}" (${r.id ?? 'no id'})`);
  const read = await readBack(labels, { tenant, kinds: kindsOf(applied.map((r) => r.operation)), before: live }, (after) => verify(applied, live, after, plan.apiVersion), confirm, options.log);
  const settled = read.after ? await settleTwins(applied, live, read.after, tenant, plan.apiVersion, options.log) : undefined;
  const { after: _after, ...report } = settled ?? read;
  return outcome(results, { ...report, snapshotDir });
}

/** The plan must be for the tenant this connection reaches (the token's, never a flag), and that tenant as the plan saw it. */
function refuseStale(reviewed: Plan, live: TenantSnapshot): void {
  // live.tenantId is the token's tenant (never a flag): a plan without one is not trusted either.
  if (!reviewed.tenant.id || reviewed.tenant.id.toLowerCase() !== live.tenantId.toLowerCase()) {
    throw new SafetyError(`the plan was made for tenant ${reviewed.tenant.id || '(none named)'}, but this connection reaches tenant ${live.tenantId}: nothing was changed`);
  }
  const fingerprint = fingerprintSnapshot(live, reviewed.apiVersion);
  if (fingerprint !== reviewed.fingerprint) {
    const changes = reviewed.state ? describeStateChanges(reviewed.state, stateOf(live, reviewed.apiVersion)) : [];
    throw new StalePlanError(
      `the tenant changed since the plan was made, so it may no longer show what apply would do: nothing was changed.${changes.length ? `\n  ${changes.join('\n  ')}` : ''}\nMake the plan again and review it.`,
    );
  }
}

/** An active contingency set keeps its policies' states until it is ended on purpose. */
function refuseToUndoContingency(plan: Plan, live: TenantSnapshot): void {
  const conflicts = contingencyConflicts(plan, live);
  if (conflicts.length) {
    const lines = conflicts.map(
      (c) => `contingency set "${c.set}" is active${c.since ? ` since ${c.since}` : ''}: the plan would change ${c.policies.map((p) => `"${p.displayName}" (${p.change})`).join(', ')}`,
    );
    const deactivate = conflicts.map((c) => `"caac contingency deactivate ${escapeLogValue(c.set)}"`).join(' and ');
    throw new SafetyError(
      `apply refuses to undo an active contingency set: nothing was changed.\n  ${lines.map(escapeLogValue).join('\n  ')}\nTo end the contingency with this apply, pass --end-contingency (input end-contingency); or run ${deactivate} first and make the plan again.`,
    );
  }
}

/** The objects the plan touches, as they are, written before the first write: a failure stops apply. */
function writeSnapshot(work: readonly PlanOperation[], live: TenantSnapshot, snapshots: SnapshotStore, log: Logger): string {
  const touched = work
    .filter((op) => op.id)
    .map((op) => ({ kind: op.kind, object: findObject(live, op.kind, op.id!) }))
    .filter((t): t is { kind: DocumentKind; object: JsonObject } => t.object !== undefined);
  let snapshotDir: string;
  try {
    snapshotDir = snapshots.write(snapshotFiles(touched));
  } catch (e) {
    // Without the snapshot there is nothing to go back to: no write may happen.
    throw new SafetyError(`the snapshot of the objects the plan touches could not be written (${e instanceof Error ? e.message : String(e)}): nothing was changed. Choose another --snapshot-dir.`, { cause: e });
  }
  log.info(`snapshot of ${touched.length} object(s) the plan touches written to ${snapshotDir}`);
  return snapshotDir;
}

/** Lockout, break-glass (the plan's guards) and deletions without --allow-delete: refused before any write. */
function refuseUnsafe(plan: Plan, allowDelete: boolean, acceptImpact = false): void {
  const safety = planSafetyProblems(plan);
  // One problem a line; names in them come from files and the tenant, so each is escaped whole.
  if (safety.length) throw new SafetyError(`apply refuses this plan:\n  ${safety.map(escapeLogValue).join('\n  ')}\nFix the repository and make the plan again.`);
  const deletes = plan.operations.filter((op) => op.action === 'delete');
  if (deletes.length && !allowDelete) {
    throw new SafetyError(
      `the plan deletes ${deletes.length} object(s) (${deletes.map((d) => `"${escapeLogValue(d.displayName)}"`).join(', ')}): nothing was changed. Pass --allow-delete (input allow-delete) to apply deletions.`,
    );
  }
  const impact = impactRefusal(plan, acceptImpact);
  if (impact) throw new SafetyError(`apply refuses this plan: ${impact.split('\n').map(escapeLogValue).join('\n')}`);
}

/**
 * Twins of what this run created (another apply of the same plan created them too, at the same
 * time) are removed but one, as every run that sees them would (concurrent-twins.ts); the
 * read-back's duplicate findings are then made again without them. A twin whose delete fails
 * stays, and stays reported as a duplicate.
 */
async function settleTwins(
  applied: readonly OperationResult[],
  before: TenantSnapshot,
  after: TenantSnapshot,
  tenant: Tenant,
  apiVersion: Plan['apiVersion'],
  log: Logger,
): Promise<ReadBackResult | undefined> {
  const twins = concurrentTwins(applied, before, after, apiVersion);
  if (twins.length === 0) return undefined;
  const removed = new Set<string>();
  for (const t of twins) {
    log.info(`${KIND_LABELS[t.kind]} "${t.displayName}" was created ${t.remove.length + 1} times at once (another apply of the same plan ran beside this one): keeping ${t.keep}, removing ${t.remove.join(', ')}`);
    const outcome = await removeTwins(tenant, t.kind, t.remove);
    for (const id of outcome.removed) removed.add(id.toLowerCase());
    for (const f of outcome.failed) log.warning(`could not remove the duplicate ${KIND_LABELS[t.kind]} ${f.id} (${f.reason}): it stays, and is reported`);
  }
  const remaining = { ...after };
  for (const kind of kindsOf(twins)) remaining[kindOfTenantList(kind)] = after[kindOfTenantList(kind)].filter((o) => !removed.has(String(o['id']).toLowerCase()));
  const check = verify(applied, before, remaining, apiVersion);
  const verification = [...(check.duplicates ?? []), ...check.differences.map((d) => `unverified: ${d}`)];
  return { verification, readBack: verification.length === 0 ? 'verified' : 'unverified', after: remaining };
}

/** Objects named like an applied one, more than once: named in the report, never silent. */
function duplicatesOf(applied: readonly OperationResult[], after: TenantSnapshot): string[] {
  const problems: string[] = [];
  const reported = new Set<string>();
  for (const r of applied) {
    const op = r.operation;
    const name = op.displayName.trim().toLowerCase();
    if (op.action === 'delete' || reported.has(`${op.kind}:${name}`)) continue;
    const same = after[kindOfTenantList(op.kind)].filter((o) => typeof o['displayName'] === 'string' && o['displayName'].trim().toLowerCase() === name);
    if (same.length < 2) continue;
    reported.add(`${op.kind}:${name}`);
    problems.push(`duplicate: ${same.length} ${KIND_LABELS[op.kind]} objects are named "${op.displayName}" (ids ${same.map((o) => String(o['id'])).join(', ')}): keep one, delete the others, then plan again`);
  }
  return problems;
}

export interface ReadBackResult {
  verification: string[];
  readBack: ApplyOutcome['readBack'];
  /** The tenant as last read back (the kinds written), when a read succeeded. */
  after?: TenantSnapshot;
  stopped?: string;
  error?: unknown;
}

/** What a read-back check finds: what still differs, and in which kinds (the next read reads only those). */
export interface ReadBackCheck {
  differences: string[];
  /** The kinds the differences are in; unset: every kind read back. */
  pending?: readonly DocumentKind[];
  duplicates?: string[];
}

/**
 * Reads back only the kinds written (one paged list each) and checks them, over `before` for the
 * kinds not written: nothing else changed by this run, and each list costs a request on the
 * throttled endpoints. While `check` finds differences (Graph's lists show a write only after a
 * while) it reads again, with backoff, only the kinds still differing, for at most the confirm
 * timeout. What is still different at the deadline is reported as unverified; a read that fails
 * ends the read-back, and every applied object is reported unverified with the reason.
 */
export async function readBack(
  applied: readonly string[],
  source: { tenant: Tenant; kinds: readonly DocumentKind[]; before: TenantSnapshot },
  check: (after: TenantSnapshot) => ReadBackCheck,
  confirm: ConfirmOptions,
  log: Logger,
): Promise<ReadBackResult> {
  if (applied.length === 0) return { verification: [], readBack: 'none' };
  log.info('reading the tenant back to verify');
  let reads = 0;
  let after = source.before;
  let kinds = source.kinds;
  try {
    const seen = await pollUntil(async () => {
      after = withLists(after, await source.tenant.read(kinds), kinds);
      const found = check(after);
      reads += 1;
      if (reads === 1 && found.differences.length > 0) {
        log.info(`the read-back does not match yet (${found.differences.length} difference(s)): reading again with backoff for up to ${seconds(confirm.timeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS)}, as Graph's lists show a write only after a while`);
      }
      const pending = source.kinds.filter((k) => found.pending?.includes(k) ?? true);
      kinds = pending.length ? pending : source.kinds;
      return { done: found.differences.length === 0, value: found };
    }, confirm);
    const last = seen.done ? seen.value : seen.last;
    const unverified = seen.done ? [] : last.differences.map((d) => `unverified after ${seen.rounds} read(s) in ${seconds(seen.waitedMs)}: ${d}`);
    const verification = [...(last.duplicates ?? []), ...unverified];
    return { verification, readBack: verification.length === 0 ? 'verified' : 'unverified', after };
  } catch (e) {
    const why = `the read-back failed (${messageOf(e)})`;
    return {
      verification: applied.map((n) => `${n}: not verified: ${why}`),
      readBack: 'failed',
      stopped: `${why}: what was applied is unverified`,
      error: e,
    };
  }
}

/** `base` with the lists of `kinds` taken from `fresh`. */
function withLists(base: TenantSnapshot, fresh: TenantSnapshot, kinds: readonly DocumentKind[]): TenantSnapshot {
  const next = { ...base };
  for (const kind of kinds) next[kindOfTenantList(kind)] = fresh[kindOfTenantList(kind)];
  return next;
}

/** The kinds a set of operations writes, in a stable order. */
export function kindsOf(operations: readonly { kind: DocumentKind }[]): DocumentKind[] {
  return DOCUMENT_KINDS.filter((k) => operations.some((op) => op.kind === k));
}

/**
 * The plan to apply as far as held contingency policies go: with --end-contingency they get their
 * declared documents back; without it they stay as the plan holds them. Either way the log says so.
 */
function settleHeldPolicies(plan: Plan, endContingency: boolean, log: Logger): Plan {
  const held = plan.contingency?.held ?? [];
  if (held.length === 0) return plan;
  const what = (h: HeldPolicy): string => `policy "${h.displayName}" (contingency set "${h.set}")`;
  if (!endContingency) {
    log.info(`${held.length} polic${held.length === 1 ? 'y keeps its' : 'ies keep their'} contingency state, as the plan holds ${held.length === 1 ? 'it' : 'them'} (apply --end-contingency writes the declared state):`);
    for (const h of held) log.info(`  ${what(h)}: stays ${h.state}, the repository declares ${h.declared}`);
    return plan;
  }
  const released = releaseHeld(plan);
  log.info(`--end-contingency: ${held.length} held polic${held.length === 1 ? 'y returns' : 'ies return'} to the repository's declaration:`);
  for (const h of held) log.info(`  ${what(h)}: ${h.state} → ${h.declared === HELD_DELETE ? 'deleted (prune)' : h.declared}`);
  return released;
}

function findObject(snapshot: TenantSnapshot, kind: DocumentKind, id: string): JsonObject | undefined {
  return snapshot[kindOfTenantList(kind)].find((o) => String(o['id']).toLowerCase() === id.toLowerCase());
}

/**
 * Every applied operation must now read back as sent: anything else is reported, field by field;
 * duplicates of an applied object's name apart (they do not go away by waiting).
 */
function verify(applied: readonly OperationResult[], before: TenantSnapshot, after: TenantSnapshot, apiVersion: Plan['apiVersion']): ReadBackCheck {
  const found = differencesOf(applied, before, after, apiVersion);
  return { differences: found.map((d) => d.text), pending: kindsOf(found), duplicates: duplicatesOf(applied, after) };
}

function differencesOf(applied: readonly OperationResult[], before: TenantSnapshot, after: TenantSnapshot, apiVersion: Plan['apiVersion']): { kind: DocumentKind; text: string }[] {
  const problems: { kind: DocumentKind; text: string }[] = [];
  for (const r of applied) {
    const op = r.operation;
    const problem = (text: string): void => void problems.push({ kind: op.kind, text });
    const found = r.id ? findObject(after, op.kind, r.id) : undefined;
    if (op.action === 'delete') {
      if (found) problem(`${op.kind} "${op.displayName}" (${r.id}) still exists after its delete`);
      continue;
    }
    if (!found) {
      // A concurrent apply of the same plan may have removed this run's copy of a create in favour
      // of its identical twin (concurrent-twins.ts): the object the plan asked for is there.
      const standIn = op.action === 'create' && r.sent !== undefined && twinsOf(op.kind, r.sent, before, after, apiVersion).length > 0;
      if (!standIn) problem(`${op.kind} "${op.displayName}" (${r.id ?? 'no id'}) is missing when read back`);
      continue;
    }
    const differences = fieldChanges(normalizeDocument(op.kind, found, { apiVersion }), normalizeDocument(op.kind, r.sent ?? {}, { apiVersion }));
    for (const d of differences) {
      problem(`${op.kind} "${op.displayName}": ${d.path} reads back as ${JSON.stringify(d.before ?? null)}, not ${JSON.stringify(d.after ?? null)}`);
    }
  }
  return problems;
}
