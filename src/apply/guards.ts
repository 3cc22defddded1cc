/**
 * The safety rules over the bodies about to be written, before any write: apply runs them over a
 * plan's bodies whatever the plan file says (a plan file is input, and may be made by hand or by
 * an older caac); contingency activation runs them over the policies it switches on.
 */
import type { EmergencyAccessIds, EmergencyAccessScope } from '../model/emergency-access.js';
import type { Plan, PlanOperation } from '../model/plan.js';
import { emergencyAccessProblems, scopeOfPlan } from '../plan/break-glass-guard.js';
import type { PreparedDocument } from '../model/rule.js';
import { lockoutRisk } from '../validate/rules/lockout-risk.js';

/** Lockout and break-glass problems of the created or updated policy bodies (empty: safe). */
export function bodySafetyProblems(operations: readonly PlanOperation[], guard: { ids: EmergencyAccessIds; scope: EmergencyAccessScope; labels: Record<string, string> }): string[] {
  const problems: string[] = [];
  for (const op of operations) {
    if (op.kind !== 'policy' || (op.action !== 'create' && op.action !== 'update') || !op.body) continue;
    const document: PreparedDocument = { file: op.file ?? op.displayName, kind: 'policy', value: op.body, locate: () => ({ line: 1, column: 1 }), schemaValid: true };
    for (const hit of lockoutRisk.check({ documents: [document], settings: {} })) problems.push(`lockout-risk: ${op.action} policy "${op.displayName}": ${hit.message}`);
  }
  for (const p of emergencyAccessProblems({ operations, labels: guard.labels }, guard.ids, guard.scope)) problems.push(`break-glass-not-excluded: ${p.message}`);
  return problems;
}

export function planSafetyProblems(plan: Plan): string[] {
  const ids = { users: plan.guards?.users ?? [], groups: plan.guards?.groups ?? [] };
  return bodySafetyProblems(plan.operations, { ids, scope: scopeOfPlan(plan), labels: plan.labels });
}
