/**
 * The guard on a contingency activation: the policies it switches on are checked as they will be
 * (the tenant's policy with its new state) by the same rules as a plan, so that the emergency
 * measure cannot itself lock out everyone, or the emergency-access accounts.
 */
import type { JsonObject } from '../model/documents.js';
import type { EmergencyAccessIds, EmergencyAccessScope } from '../model/emergency-access.js';
import type { PlanOperation } from '../model/plan.js';
import type { TenantSnapshot } from '../model/tenant.js';
import { emergencyAccessProblems } from '../plan/break-glass-guard.js';
import type { PreparedDocument } from '../validate/rule.js';
import { lockoutRisk } from '../validate/rules/lockout-risk.js';

/** What refuses the activation (empty: it may go ahead). */
export function activationProblems(
  operations: readonly PlanOperation[],
  snapshot: TenantSnapshot,
  guard: { ids: EmergencyAccessIds; scope: EmergencyAccessScope; labels: Record<string, string> },
): string[] {
  const after: PlanOperation[] = [];
  for (const op of operations) {
    const live = snapshot.policies.find((p) => String(p['id']).toLowerCase() === (op.id ?? '').toLowerCase());
    if (!live || op.body?.['state'] === undefined) continue;
    after.push({ ...op, body: { ...structuredClone(live), state: op.body['state'] } as JsonObject });
  }
  const problems: string[] = [];
  for (const op of after) {
    const document: PreparedDocument = { file: op.displayName, kind: 'policy', value: op.body!, locate: () => ({ line: 1, column: 1 }), schemaValid: true };
    for (const hit of lockoutRisk.check({ documents: [document], settings: {} })) problems.push(`lockout-risk: "${op.displayName}": ${hit.message}`);
  }
  for (const p of emergencyAccessProblems({ operations: after, labels: guard.labels }, guard.ids, guard.scope)) problems.push(`break-glass-not-excluded: ${p.message}`);
  return problems;
}
