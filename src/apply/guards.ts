/**
 * What apply re-checks in a plan's bodies before any write, whatever the plan file says: a plan
 * file is input, and it may have been made by hand or by an older caac.
 */
import type { Plan } from '../model/plan.js';
import { emergencyAccessProblems, scopeOfPlan } from '../plan/break-glass-guard.js';
import type { PreparedDocument } from '../validate/rule.js';
import { lockoutRisk } from '../validate/rules/lockout-risk.js';

export function planSafetyProblems(plan: Plan): string[] {
  const problems: string[] = [];
  for (const op of plan.operations) {
    if (op.kind !== 'policy' || (op.action !== 'create' && op.action !== 'update') || !op.body) continue;
    const document: PreparedDocument = { file: op.file ?? op.displayName, kind: 'policy', value: op.body, locate: () => ({ line: 1, column: 1 }), schemaValid: true };
    for (const hit of lockoutRisk.check({ documents: [document], settings: {} })) problems.push(`lockout-risk: ${op.action} policy "${op.displayName}": ${hit.message}`);
  }
  const ids = { users: plan.guards?.users ?? [], groups: plan.guards?.groups ?? [] };
  for (const p of emergencyAccessProblems(plan, ids, scopeOfPlan(plan))) problems.push(`break-glass-not-excluded: ${p.message}`);
  return problems;
}
