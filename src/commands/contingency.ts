/**
 * `caac contingency status|activate|deactivate`: switches a pre-staged contingency set of
 * caac.yml on or off in the tenant, state updates only, through the same paced executor as apply,
 * then reads the tenant back and verifies. Idempotent: a set already in the asked state changes
 * nothing.
 */
import { executeOperations, type OperationResult } from '../apply/execute.js';
import {
  contingencyStatus,
  findContingencySet,
  planActivation,
  planDeactivation,
  setStatus,
  verifyStates,
  type ContingencySetStatus,
} from '../contingency/contingency.js';
import { describeOperation } from '../contingency/render.js';
import type { PlanOperation } from '../model/plan.js';
import type { Tenant } from '../plan/ports.js';
import { ConfigurationError } from '../errors.js';
import { filePolicyStore } from '../repo/load-repository.js';
import { readSettings } from '../validate/settings.js';

export type ContingencyAction = 'status' | 'activate' | 'deactivate';

export interface ContingencyOptions {
  /** The repository folder (caac.yml and the policy files). */
  dir: string;
  /** activate/deactivate: show the operations, change nothing. */
  dryRun: boolean;
  log: (line: string) => void;
}

export interface ContingencyOutcome {
  action: ContingencyAction;
  dryRun: boolean;
  /** status: every set (or the one named); activate/deactivate: the set, as read back (as read before on a dry run). */
  sets: ContingencySetStatus[];
  /** The state updates planned (executed unless dryRun). */
  operations: PlanOperation[];
  results: OperationResult[];
  /** Policies whose state did not read back as sent (empty: verified). */
  verification: string[];
}

export async function runContingency(
  action: ContingencyAction,
  setName: string | undefined,
  ports: { tenant: Tenant },
  options: ContingencyOptions,
): Promise<ContingencyOutcome> {
  const repo = filePolicyStore(options.dir).load();
  const settings = readSettings(repo.settings);
  const set = setName === undefined ? undefined : findContingencySet(settings, setName);
  const base = { action, dryRun: options.dryRun, operations: [] as PlanOperation[], results: [] as OperationResult[], verification: [] as string[] };

  options.log(`reading the tenant (${ports.tenant.graphUrl})`);
  const snapshot = await ports.tenant.read();
  if (action === 'status') {
    return { ...base, sets: set ? [setStatus(set, snapshot)] : contingencyStatus(settings, snapshot) };
  }
  if (!set) throw new ConfigurationError(`contingency ${action} needs the name of a set`);

  const operations = action === 'activate' ? planActivation(set, snapshot) : planDeactivation(set, snapshot, repo.documents);
  if (operations.length === 0) {
    options.log(`contingency set "${set.name}" is already ${action === 'activate' ? 'active' : 'in the state the repository declares'}: nothing to change`);
    return { ...base, sets: [setStatus(set, snapshot)] };
  }
  options.log(`${options.dryRun ? 'would change' : 'changing'} ${operations.length} polic${operations.length === 1 ? 'y' : 'ies'} to ${action} contingency set "${set.name}":`);
  for (const op of operations) options.log(`  ${describeOperation(op)}`);
  if (options.dryRun) return { ...base, operations, sets: [setStatus(set, snapshot)] };

  const results = await executeOperations(operations, ports.tenant, { keepGoing: false, log: options.log });
  options.log('reading the tenant back to verify');
  const after = await ports.tenant.read();
  const applied = results.filter((r) => r.status === 'applied').map((r) => r.operation);
  const status = setStatus(set, after);
  const verification = verifyStates(applied, after);
  if (action === 'activate' && applied.length === operations.length && !status.active) verification.push(`contingency set "${set.name}" does not read back as active`);
  return { ...base, operations, results, verification, sets: [status] };
}

/** Every operation applied and read back as sent. */
export function contingencySucceeded(outcome: ContingencyOutcome): boolean {
  return outcome.results.every((r) => r.status === 'applied') && outcome.verification.length === 0;
}
