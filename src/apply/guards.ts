/**
 * What apply re-checks in a plan's bodies before any write, whatever the plan file says: a plan
 * file is input, and it may have been made by hand or by an older caac.
 */
import type { Plan } from '../model/plan.js';
import { hasKeyword, isActiveState, viewPolicy } from '../model/policy-view.js';
import type { PreparedDocument } from '../validate/rule.js';
import { lockoutRisk } from '../validate/rules/lockout-risk.js';

export function planSafetyProblems(plan: Plan): string[] {
  const problems: string[] = [];
  const guards = plan.guards;
  const exempt = new Set((guards?.exemptPolicies ?? []).map((n) => n.trim().toLowerCase()));
  for (const op of plan.operations) {
    if (op.kind !== 'policy' || (op.action !== 'create' && op.action !== 'update') || !op.body) continue;
    const document: PreparedDocument = { file: op.file ?? op.displayName, kind: 'policy', value: op.body, locate: () => ({ line: 1, column: 1 }), schemaValid: true };
    for (const hit of lockoutRisk.check({ documents: [document], settings: {} })) problems.push(`lockout-risk: ${op.action} policy "${op.displayName}": ${hit.message}`);

    const p = viewPolicy(op.body);
    if (!guards || guards.emergencyAccessIds.length === 0 || !isActiveState(p.state) || exempt.has(op.displayName.trim().toLowerCase())) continue;
    const targetsPeople = p.users.includeGroups.length + p.users.includeRoles.length > 0 || p.users.includeGuestsOrExternalUsers !== undefined || p.users.includeUsers.some((v) => !hasKeyword([v], 'None'));
    if (!targetsPeople) continue;
    const excluded = new Set([...p.users.excludeUsers, ...p.users.excludeGroups].map((id) => id.toLowerCase()));
    const missing = guards.emergencyAccessIds.filter((id) => !excluded.has(id.toLowerCase()));
    if (missing.length) {
      const names = missing.map((id) => plan.labels[id] ?? id).join(', ');
      problems.push(`break-glass-not-excluded: ${op.action} policy "${op.displayName}" would not exclude the emergency-access ${names}`);
    }
  }
  return problems;
}
