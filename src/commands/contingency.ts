/**
 * `caac contingency status|activate|deactivate`: switches a pre-staged contingency set (of
 * caac.yml, or found by policy names: src/contingency/convention.ts) on or off in the tenant, state updates only, through the same paced executor as apply,
 * then reads the tenant back and verifies (again, with backoff, while Graph's lists lag). Idempotent:
 * a set already in the asked state changes nothing. Once the set is known, whatever fails (the first
 * read, a write, the read-back) ends in an outcome that says what changed and what did not.
 */
import { executeOperations } from '../apply/execute.js';
import { type OperationResult } from '../model/outcomes.js';
import { DEFAULT_CONFIRM_TIMEOUT_MS, type ConfirmOptions } from '../apply/poll.js';
import {
  findSet,
  planActivation,
  planDeactivation,
  setStatus,
  verifyStates,
} from '../contingency/contingency.js';
import { allContingencySets, contingencyPolicyNames } from '../contingency/convention.js';
import { describeOperation } from '../render/contingency-text.js';
import type { PlanOperation } from '../model/plan.js';
import type { Directory } from '../ports/directory.js';
import type { Tenant } from '../ports/tenant.js';
import { activationProblems } from '../apply/contingency-activation-guard.js';
import { ConfigurationError, SafetyError } from '../errors.js';
import { emergencyAccessScope } from '../model/emergency-access.js';
import type { Settings, SettingsSource } from '../model/settings.js';
import type { TenantSnapshot } from '../model/tenant.js';
import { resolveReferences } from '../resolve/resolve-references.js';
import type { PolicyStore } from '../ports/policy-store.js';
import { readBack } from './apply.js';
import { refuseWhileSecurityDefaultsOn } from './security-defaults-check.js';
import { readSettings } from '../validate/settings.js';
import { bindSettings } from '../model/environments.js';
import { escapeLogValue } from '../model/log-text.js';
import type { ContingencyAction, ContingencyOutcome } from '../contingency/outcome.js';
import { escapingLogger, type Logger } from '../ports/logger.js';

export interface ContingencyOptions {
  /** activate/deactivate: show the operations, change nothing. */
  dryRun: boolean;
  /** How long to read the tenant back until it matches; default 60 s (--confirm-timeout). `confirm` tunes the polling (tests). */
  confirmTimeoutMs?: number;
  confirm?: ConfirmOptions;
  log: Logger;
  /** The environment of caac.yml switched (--environment): its bindings apply to the emergency-access accounts. */
  environment?: import('../model/environments.js').Environment;
}

export async function runContingency(
  action: ContingencyAction,
  setName: string | undefined,
  ports: { tenant: Tenant; directory: Directory; store: PolicyStore },
  given: ContingencyOptions,
): Promise<ContingencyOutcome> {
  // Policy names come from files and the tenant: a control character must not forge a log line.
  const options: ContingencyOptions = { ...given, log: escapingLogger(given.log, escapeLogValue) };
  const repo = ports.store.load();
  const settings = bindSettings(readSettings(repo.settings), options.environment);
  if (action !== 'status' && setName === undefined) throw new ConfigurationError(`contingency ${action} needs the name of a set`);

  // Sets found by name may be named by the tenant's policies alone: the tenant is read first. A
  // switch reads and writes policies only: the other kinds' lists are not read (each costs a
  // request on the throttled endpoints).
  options.log.info(`reading the tenant's policies (${ports.tenant.graphUrl})`);
  let snapshot: TenantSnapshot;
  try {
    snapshot = await ports.tenant.read(['policy']);
  } catch (e) {
    if (action === 'status') throw e;
    const why = `the tenant could not be read (${e instanceof Error ? e.message : String(e)}): nothing was changed`;
    return { action, dryRun: options.dryRun, sets: [], operations: [], results: [], verification: [], problems: [], stopped: why, error: e };
  }
  const known = allContingencySets(settings, contingencyPolicyNames(repo.documents, snapshot));
  const set = setName === undefined ? undefined : findSet(known.sets, setName, 'caac.yml defines no contingency sets and no policy name carries "ENABLE IN EMERGENCY"');
  const problems = known.problems.filter((p) => set === undefined || p.set === undefined || p.set === set.name);
  const base = {
    action,
    dryRun: options.dryRun,
    operations: [] as PlanOperation[],
    results: [] as OperationResult[],
    verification: [] as string[],
    problems: problems.map((p) => p.message),
  };
  if (!set) return { ...base, sets: known.sets.map((s) => setStatus(s, snapshot)) };
  if (action === 'status') return { ...base, sets: [setStatus(set, snapshot)] };

  // A set the names say is incomplete would be switched on in part: fail closed, and say how to
  // switch it anyway (a caac.yml set of the same name wins over the names).
  const own = problems.filter((p) => p.set === set.name);
  if (action === 'activate' && own.length) {
    throw new ConfigurationError(
      `cannot activate ${set.name}: ${own.map((p) => p.message).join('; ')}. Nothing was changed. To switch the policies found so far anyway, declare the set in caac.yml (contingency: ${set.name}: activate: [...]), which takes the place of the names`,
    );
  }

  const operations = action === 'activate' ? planActivation(set, snapshot) : planDeactivation(set, snapshot, repo.documents);
  if (operations.length === 0) {
    options.log.info(`contingency set "${set.name}" is already ${action === 'activate' ? 'active' : 'in the state the repository declares'}: nothing to change`);
    return { ...base, sets: [setStatus(set, snapshot)] };
  }
  options.log.info(`${options.dryRun ? 'would change' : 'changing'} ${operations.length} polic${operations.length === 1 ? 'y' : 'ies'} to ${action} contingency set "${set.name}":`);
  for (const op of operations) options.log.info(`  ${describeOperation(op)}`);
  await refuseUnsafeSwitch(operations, snapshot, settings, repo.settings, ports.directory, `${action} contingency set "${set.name}"`);
  try {
    await refuseWhileSecurityDefaultsOn(operations, ports.tenant, `${action} contingency set "${set.name}"`, options.log);
  } catch (e) {
    if (e instanceof SafetyError) throw e;
    const why = `the security-defaults setting could not be read (${e instanceof Error ? e.message : String(e)}): nothing was changed`;
    return { ...base, operations, sets: [setStatus(set, snapshot)], stopped: why, error: e };
  }
  if (options.dryRun) return { ...base, operations, sets: [setStatus(set, snapshot)] };

  const confirm: ConfirmOptions = { ...options.confirm, timeoutMs: options.confirmTimeoutMs ?? options.confirm?.timeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS };
  const results = await executeOperations(operations, ports.tenant, { keepGoing: false, log: options.log, confirm });
  const applied = results.filter((r) => r.status === 'applied').map((r) => r.operation);
  let status = setStatus(set, snapshot);
  const check = (after: TenantSnapshot): { differences: string[]; pending: ['policy'] } => {
    status = setStatus(set, after);
    const differences = verifyStates(applied, after);
    if (action === 'activate' && applied.length === operations.length && !status.active) differences.push(`contingency set "${set.name}" does not read back as active`);
    return { differences, pending: ['policy'] };
  };
  const read = await readBack(applied.map((op) => `policy "${op.displayName}" (${op.id ?? 'no id'}) → ${String(op.body?.['state'] ?? '')}`), { tenant: ports.tenant, kinds: ['policy'], before: snapshot }, check, confirm, options.log);
  // Read back or not, the set's status is the best known: as read back, or as it was before (the report says which).
  return { ...base, operations, results, verification: read.verification, sets: [status], ...(read.stopped ? { stopped: read.stopped, error: read.error } : {}) };
}

/**
 * The policies switched on are checked as they will be, by the rules a plan obeys (lockout, the
 * break-glass guard), before any write: an emergency measure must not lock out the people who
 * have to end the emergency. The emergency accounts are resolved in the tenant (one look-up).
 */
async function refuseUnsafeSwitch(
  operations: readonly PlanOperation[],
  snapshot: TenantSnapshot,
  settings: Settings,
  source: SettingsSource | undefined,
  directory: Directory,
  what: string,
): Promise<void> {
  const access = settings.emergencyAccess;
  const listed = (access?.users?.length ?? 0) + (access?.groups?.length ?? 0) > 0;
  const emergencyAccess = listed && source ? { file: source.file, locate: source.locate, users: access?.users ?? [], groups: access?.groups ?? [] } : undefined;
  const resolution = emergencyAccess ? await resolveReferences([], { directory, snapshot, emergencyAccess, labelTenantPolicies: false }) : { problems: [], labels: {}, emergencyAccess: { users: [], groups: [] } };
  if (resolution.problems.length) {
    throw new SafetyError(`cannot ${what}: the emergency-access accounts of caac.yml cannot be checked: ${resolution.problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('; ')}. Nothing was changed`);
  }
  const problems = activationProblems(operations, snapshot, { ids: resolution.emergencyAccess, scope: emergencyAccessScope(settings), labels: resolution.labels });
  if (problems.length) {
    throw new SafetyError(`cannot ${what}: ${problems.join('; ')}. Nothing was changed: fix the policies (and the repository) first`);
  }
}

/** Every operation applied and read back as sent. */
export function contingencySucceeded(outcome: ContingencyOutcome): boolean {
  return outcome.results.every((r) => r.status === 'applied') && outcome.verification.length === 0 && outcome.stopped === undefined;
}
