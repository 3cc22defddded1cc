/**
 * The guard on a contingency switch: the policies it changes are checked as they will be (the
 * tenant's policy with its new state) by the rules apply obeys, so that the emergency measure
 * cannot itself lock out everyone, or the emergency-access accounts.
 */
import { bodySafetyProblems } from '../apply/guards.js';
import type { JsonObject } from '../model/documents.js';
import type { EmergencyAccessIds, EmergencyAccessScope } from '../model/emergency-access.js';
import type { PlanOperation } from '../model/plan.js';
import type { TenantSnapshot } from '../model/tenant.js';

/** What refuses the switch (empty: it may go ahead). */
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
  return bodySafetyProblems(after, guard);
}
