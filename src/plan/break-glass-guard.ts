/**
 * The break-glass guard of plan, over resolved documents (ids, not names):
 * - enforce mode: the emergency-access exclusions a policy lacks are appended to its desired
 *   document, after the exclusions already written, never in their place;
 * - the tenant's unmanaged policies that do not exclude the accounts are reported;
 * - a change after which a policy would not exclude them (or an enabled "block" policy would
 *   apply to them, exempt or not) is refused, with the file and line.
 */
import { displayNameOf, type JsonObject } from '../model/documents.js';
import {
  blocksEmergencyAccess,
  emergencyAccessScope,
  explicitlyIncluded,
  type EmergencyAccessScope,
  missingExclusions,
  type EmergencyAccessIds,
} from '../model/emergency-access.js';
import type { Plan, PlanOperation, PlanWarning } from '../model/plan.js';
import type { Settings } from '../model/settings.js';
import type { ResolvedDocument } from '../resolve/resolve-references.js';

export interface GuardAddition {
  /** `/conditions/users/excludeUsers` or `/conditions/users/excludeGroups`. */
  path: string;
  ids: string[];
}

const LISTS = [
  { key: 'excludeUsers', from: 'users' },
  { key: 'excludeGroups', from: 'groups' },
] as const;

/**
 * Appends the missing emergency-access exclusions to every policy that must have them (changing
 * `document.resolved` in place), and answers what was added to which document. A policy that
 * includes an emergency account by id is left alone: excluding it there would void the policy,
 * and the safety check refuses it instead.
 */
export function enforceEmergencyExclusions(documents: readonly ResolvedDocument[], ids: EmergencyAccessIds, settings: Settings): Map<ResolvedDocument, GuardAddition[]> {
  const added = new Map<ResolvedDocument, GuardAddition[]>();
  if (ids.users.length + ids.groups.length === 0) return added;
  const scope = emergencyAccessScope(settings);
  for (const document of documents) {
    if (document.kind !== 'policy') continue;
    const policy = document.resolved;
    if (!scope.mustExclude(displayNameOf({ value: policy }) ?? displayNameOf(document), policy)) continue;
    if (explicitlyIncluded(policy, ids).length) continue;
    const missing = missingExclusions(policy, ids);
    const additions: GuardAddition[] = [];
    for (const list of LISTS) {
      const wanted = missing[list.from];
      if (!wanted.length) continue;
      const users = usersOf(policy);
      const current = users[list.key];
      users[list.key] = [...(Array.isArray(current) ? current : []), ...wanted];
      additions.push({ path: `/conditions/users/${list.key}`, ids: wanted });
    }
    if (additions.length) added.set(document, additions);
  }
  return added;
}

/** `conditions.users` of a policy, created when absent (a schema-valid policy always has it). */
function usersOf(policy: JsonObject): JsonObject {
  const conditions = (policy['conditions'] ??= {}) as JsonObject;
  return (conditions['users'] ??= {}) as JsonObject;
}

/** The ids of additions that the tenant's object does not already hold (what the plan changes). */
export function newAdditions(additions: readonly GuardAddition[], before: JsonObject | undefined): GuardAddition[] {
  const users = ((before?.['conditions'] as JsonObject | undefined)?.['users'] ?? {}) as JsonObject;
  return additions
    .map((a) => {
      const list = users[a.path.split('/').pop()!];
      const had = new Set((Array.isArray(list) ? list : []).filter((v): v is string => typeof v === 'string').map((v) => v.toLowerCase()));
      return { path: a.path, ids: a.ids.filter((id) => !had.has(id)) };
    })
    .filter((a) => a.ids.length > 0);
}

export function guardAddedWarning(displayName: string, additions: readonly GuardAddition[], labels: Record<string, string>): PlanWarning {
  const parts = additions.map((a) => `${a.path.split('/').pop()} gains ${a.ids.map((id) => labels[id] ?? id).join(', ')}`);
  return {
    kind: 'break-glass-added',
    displayName,
    message: `${parts.join('; ')}: added by the break-glass guard (emergencyAccess.mode: enforce), beside the exclusions the file lists`,
  };
}

/** A warning for each tenant policy caac does not manage that must exclude the accounts and does not. */
export function unmanagedWarnings(policies: readonly JsonObject[], ids: EmergencyAccessIds, settings: Settings, labels: Record<string, string>): PlanWarning[] {
  if (ids.users.length + ids.groups.length === 0) return [];
  const scope = emergencyAccessScope(settings);
  const warnings: PlanWarning[] = [];
  for (const policy of policies) {
    const displayName = typeof policy['displayName'] === 'string' ? policy['displayName'] : String(policy['id']);
    if (!scope.mustExclude(displayName, policy)) continue;
    const missing = missingExclusions(policy, ids);
    const all = [...missing.users, ...missing.groups];
    if (!all.length) continue;
    warnings.push({
      kind: 'break-glass-unmanaged',
      displayName,
      message: `this tenant policy (${String(policy['id'])}, ${String(policy['state'])}) is not managed by caac and does not exclude the emergency-access ${all.map((id) => labels[id] ?? id).join(', ')}: add a file for it, or fix it in the tenant`,
    });
  }
  return warnings;
}

export interface EmergencyAccessProblem {
  displayName: string;
  file?: string;
  /** JSON pointer in the policy. */
  path: string;
  message: string;
}

/**
 * The scope a plan file carries: its exempt names, and its contingency sets' policies (caac.yml
 * is not at hand when apply reads a plan made in another job).
 */
export function scopeOfPlan(plan: Pick<Plan, 'guards' | 'contingency'>): EmergencyAccessScope {
  const contingency = Object.fromEntries((plan.contingency?.sets ?? []).map((set) => [set.name, { activate: set.activate }]));
  return emergencyAccessScope({ emergencyAccess: { exempt: plan.guards?.exemptPolicies ?? [] }, contingency });
}

/**
 * What makes plan (and apply, over the plan's bodies) refuse: a created or updated policy that
 * must exclude the emergency-access accounts and does not, and an enabled "block" policy that
 * applies to one of them, exempt or not.
 */
export function emergencyAccessProblems(plan: { operations: readonly PlanOperation[]; labels: Record<string, string> }, ids: EmergencyAccessIds, scope: EmergencyAccessScope): EmergencyAccessProblem[] {
  if (ids.users.length + ids.groups.length === 0) return [];
  const name = (id: string): string => plan.labels[id] ?? id;
  const problems: EmergencyAccessProblem[] = [];
  for (const op of plan.operations) {
    if (op.kind !== 'policy' || (op.action !== 'create' && op.action !== 'update') || !op.body) continue;
    const at = { displayName: op.displayName, ...(op.file ? { file: op.file } : {}) };
    const blocked = blocksEmergencyAccess(op.body, ids);
    if (blocked.length) {
      problems.push({ ...at, path: '/grantControls/builtInControls', message: `after this ${op.action}, the enabled policy "${op.displayName}" would block the emergency-access ${blocked.map(name).join(', ')}: exclude ${blocked.length > 1 ? 'them' : 'it'}` });
      continue;
    }
    if (!scope.mustExclude(op.displayName, op.body)) continue;
    const inside = explicitlyIncluded(op.body, ids);
    if (inside.length) {
      problems.push({ ...at, path: '/conditions/users', message: `the policy "${op.displayName}" includes the emergency-access ${inside.map(name).join(', ')} by id: name the policy in emergencyAccess.exempt if it is meant for them, or take ${inside.length > 1 ? 'them' : 'it'} out of its inclusions` });
      continue;
    }
    const missing = missingExclusions(op.body, ids);
    for (const list of LISTS) {
      const wanted = missing[list.from];
      if (wanted.length) {
        problems.push({ ...at, path: `/conditions/users/${list.key}`, message: `after this ${op.action}, the policy "${op.displayName}" would not exclude the emergency-access ${wanted.map(name).join(', ')}: add ${wanted.length > 1 ? 'them' : 'it'} to ${list.key}, name the policy in emergencyAccess.exempt, or set emergencyAccess.mode: enforce` });
      }
    }
  }
  return problems;
}
