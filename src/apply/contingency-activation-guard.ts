/**
 * The guard on a contingency switch: the policies it changes are checked as they will be (the
 * tenant's policy with its new state) by the rules apply obeys, so that the emergency measure
 * cannot itself lock out everyone, or the emergency-access accounts.
 */
import { bodySafetyProblems } from './guards.js';
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
  const unknown: string[] = [];
  for (const op of operations) {
    // A switch that changes no state changes nothing the guard judges.
    if (op.body?.['state'] === undefined) continue;
    const live = op.id === undefined ? undefined : snapshot.policies.find((p) => String(p['id']).toLowerCase() === op.id!.toLowerCase());
    // The switch is planned from this snapshot, so this cannot happen; if it ever does, the
    // policy cannot be judged as it will be, and an unjudged switch is refused (fail closed).
    if (!live) {
      unknown.push(`policy "${op.displayName}" (${op.id ?? 'no id'}) is not in the tenant as read, so it cannot be checked`);
      continue;
    }
    after.push({ ...op, body: { ...structuredClone(live), state: op.body['state'] } as JsonObject });
  }
  return [...unknown, ...bodySafetyProblems(after, guard)];
}
