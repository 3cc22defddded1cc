/**
 * Contingency sets (caac.yml `contingency`): pre-staged policies switched together during an
 * outage. Pure functions over the settings, a tenant snapshot and the repository's documents:
 * which sets are active, and the state-only updates that activate or deactivate one.
 *
 * A set is active when every `activate` policy is `enabled` in the tenant and every `deactivate`
 * policy is in the set's `deactivatedState`. Deactivating returns each policy of the set to the
 * state its file in the repository declares (not to "disabled": the repo is the truth).
 */
import { ConfigurationError } from '../errors.js';
import { escapeLogValue } from '../model/log-text.js';
import { displayNameOf, type JsonObject, type SourceDocument } from '../model/documents.js';
import type { PlanOperation } from '../model/plan.js';
import type { ContingencySet, DeactivatedState, Settings } from '../model/settings.js';
import type { TenantSnapshot } from '../model/tenant.js';

export type PolicyState = 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';

export const DEFAULT_DEACTIVATED_STATE: DeactivatedState = 'enabledForReportingButNotEnforced';

/** A set with its name: from caac.yml, or found by policy names (src/contingency/convention.ts). */
export interface NamedContingencySet extends ContingencySet {
  name: string;
  /** Where the set comes from; absent means caac.yml. */
  source?: 'settings' | 'convention';
}

export interface ContingencyPolicyStatus {
  displayName: string;
  /** Whether activating the set enables the policy or moves it to the deactivated state. */
  role: 'activate' | 'deactivate';
  /** The tenant policy's id; absent when the tenant has no policy by that name. */
  id?: string;
  /** The policy's state in the tenant; absent when the tenant has no policy by that name. */
  state?: string;
  /** The state the policy has while the set is active. */
  expected: PolicyState;
  /** The tenant policy's modifiedDateTime (or createdDateTime when never modified). */
  modifiedDateTime?: string;
}

export interface ContingencySetStatus {
  name: string;
  /** Present when the set was found by policy names rather than declared in caac.yml. */
  source?: 'convention';
  description?: string;
  active: boolean;
  policies: ContingencyPolicyStatus[];
  /** Active sets: the latest modifiedDateTime among its policies, i.e. when it became active. */
  since?: string;
}

/** The sets of caac.yml, in the order written. */
export function contingencySets(settings: Settings): NamedContingencySet[] {
  return Object.entries(settings.contingency ?? {}).map(([name, set]) => ({ ...set, name }));
}

/** The named set of caac.yml; a ConfigurationError listing the sets when there is none by that name. */
export function findContingencySet(settings: Settings, name: string): NamedContingencySet {
  return findSet(contingencySets(settings), name, 'caac.yml defines no contingency sets');
}

/** The named set among `sets`; a ConfigurationError listing them (or saying `none`) otherwise. */
export function findSet<T extends NamedContingencySet>(sets: readonly T[], name: string, none: string): T {
  const found = sets.find((s) => s.name === name);
  if (found) return found;
  const known = sets.length ? `the sets are: ${sets.map((s) => s.name).join(', ')}` : none;
  throw new ConfigurationError(`there is no contingency set "${escapeLogValue(name)}": ${escapeLogValue(known)}`);
}

/** The set's policies with the state each has while the set is active. */
function members(set: ContingencySet): { displayName: string; role: 'activate' | 'deactivate'; expected: PolicyState }[] {
  const deactivatedState = set.deactivatedState ?? DEFAULT_DEACTIVATED_STATE;
  return [
    ...set.activate.map((displayName) => ({ displayName, role: 'activate' as const, expected: 'enabled' as PolicyState })),
    ...(set.deactivate ?? []).map((displayName) => ({ displayName, role: 'deactivate' as const, expected: deactivatedState })),
  ];
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The tenant policy by displayName (case-insensitive); an error when several carry it. */
function tenantPolicy(snapshot: TenantSnapshot, displayName: string): JsonObject | undefined {
  const found = snapshot.policies.filter((p) => typeof p['displayName'] === 'string' && sameName(p['displayName'], displayName));
  if (found.length > 1) {
    throw new ConfigurationError(`the tenant holds ${found.length} policies named "${escapeLogValue(displayName)}" (${escapeLogValue(found.map((p) => String(p['id'])).join(', '))}): a contingency set must name each policy once`);
  }
  return found[0];
}

function timeOf(policy: JsonObject): string | undefined {
  const t = policy['modifiedDateTime'] ?? policy['createdDateTime'];
  return typeof t === 'string' ? t : undefined;
}

/** Every set of caac.yml as it stands in the tenant. */
export function contingencyStatus(settings: Settings, snapshot: TenantSnapshot): ContingencySetStatus[] {
  return contingencySets(settings).map((set) => setStatus(set, snapshot));
}

export function setStatus(set: NamedContingencySet, snapshot: TenantSnapshot): ContingencySetStatus {
  const policies: ContingencyPolicyStatus[] = members(set).map((m) => {
    const found = tenantPolicy(snapshot, m.displayName);
    if (!found) return { ...m };
    const status: ContingencyPolicyStatus = { ...m, id: String(found['id']), state: String(found['state']) };
    const time = timeOf(found);
    if (time) status.modifiedDateTime = time;
    return status;
  });
  const active = policies.length > 0 && policies.every((p) => p.state === p.expected);
  const status: ContingencySetStatus = { name: set.name, active, policies };
  if (set.source === 'convention') status.source = 'convention';
  if (set.description !== undefined) status.description = set.description;
  if (active) {
    const times = policies.map((p) => p.modifiedDateTime).filter((t): t is string => t !== undefined);
    const latest = times.reduce<string | undefined>((a, t) => (a === undefined || Date.parse(t) > Date.parse(a) ? t : a), undefined);
    if (latest) status.since = latest;
  }
  return status;
}

function stateUpdate(displayName: string, id: string, before: string, after: string, file?: string): PlanOperation {
  const op: PlanOperation = { kind: 'policy', action: 'update', displayName, id, changes: [{ path: '/state', before, after }], body: { state: after } };
  if (file) op.file = file;
  return op;
}

const setLabel = (set: NamedContingencySet | ContingencySet): string => `contingency set${'name' in set ? ` "${set.name}"` : ''}`;

/**
 * The state-only updates that activate the set: `activate` policies → enabled, `deactivate`
 * policies → deactivatedState. Policies already there get none (an active set yields none).
 */
export function planActivation(set: NamedContingencySet | ContingencySet, snapshot: TenantSnapshot): PlanOperation[] {
  const missing = members(set).filter((m) => !tenantPolicy(snapshot, m.displayName));
  if (missing.length) {
    throw new ConfigurationError(
      `${setLabel(set)} names ${missing.length === 1 ? 'a policy' : 'policies'} the tenant does not hold: ${missing.map((m) => `"${m.displayName}"`).join(', ')}; nothing was changed`,
    );
  }
  const operations: PlanOperation[] = [];
  for (const m of members(set)) {
    const found = tenantPolicy(snapshot, m.displayName)!;
    const state = String(found['state']);
    if (state !== m.expected) operations.push(stateUpdate(String(found['displayName']), String(found['id']), state, m.expected));
  }
  return operations;
}

/**
 * The state-only updates that return every policy of the set to the state its file in the
 * repository declares. A policy missing from the tenant or from the repository is an error.
 */
export function planDeactivation(set: NamedContingencySet | ContingencySet, snapshot: TenantSnapshot, desired: readonly SourceDocument[]): PlanOperation[] {
  const problems: string[] = [];
  const targets: { found: JsonObject; state: string; file: string }[] = [];
  for (const m of members(set)) {
    const found = tenantPolicy(snapshot, m.displayName);
    const docs = desired.filter((d) => d.kind === 'policy' && sameName(displayNameOf(d) ?? '', m.displayName));
    if (!found) problems.push(`"${m.displayName}" is not in the tenant`);
    if (docs.length === 0) problems.push(`"${m.displayName}" has no file in the repository`);
    else if (docs.length > 1) problems.push(`"${m.displayName}" is described by ${docs.length} files (${docs.map((d) => d.file).join(', ')})`);
    const state = docs.length === 1 ? docs[0]!.value['state'] : undefined;
    if (docs.length === 1 && typeof state !== 'string') problems.push(`the file of "${m.displayName}" (${docs[0]!.file}) declares no state`);
    if (found && docs.length === 1 && typeof state === 'string') targets.push({ found, state, file: docs[0]!.file });
  }
  if (problems.length) {
    throw new ConfigurationError(`cannot deactivate ${escapeLogValue(setLabel(set))}: ${escapeLogValue(problems.join('; '))}; nothing was changed`);
  }
  return targets
    .filter((t) => String(t.found['state']) !== t.state)
    .map((t) => stateUpdate(String(t.found['displayName']), String(t.found['id']), String(t.found['state']), t.state, t.file));
}

/** After a write: the policies of the operations whose state does not read back as sent. */
export function verifyStates(operations: readonly PlanOperation[], after: TenantSnapshot): string[] {
  const problems: string[] = [];
  for (const op of operations) {
    const found = after.policies.find((p) => String(p['id']).toLowerCase() === (op.id ?? '').toLowerCase());
    const expected = op.body?.['state'];
    if (!found) problems.push(`policy "${op.displayName}" (${op.id ?? 'no id'}) is missing when read back`);
    else if (found['state'] !== expected) problems.push(`policy "${op.displayName}" reads back as ${JSON.stringify(found['state'] ?? null)}, not ${JSON.stringify(expected ?? null)}`);
  }
  return problems;
}
