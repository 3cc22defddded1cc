/**
 * The plan's "Access impact": the tenant's policies and named locations as read (before) and as
 * they will be once the plan is applied (after: each create, update and delete of the plan laid
 * over what was read), judged by accessImpact. Emergency accounts are the plan's guards (from
 * caac.yml, resolved to ids); ids are shown with the plan's labels. Changes that come from
 * caac.yml's exceptions (the operations' `exceptions` and `expired` notes) are grouped apart. Pure.
 */
import type { JsonObject } from '../model/documents.js';
import type { Plan } from '../model/plan.js';
import type { TenantSnapshot } from '../model/tenant.js';
import { accessImpact, type AccessImpact } from './access-impact.js';
import type { ExceptionExclusion } from './exception-exclusions.js';
import { objectAt } from './values.js';

/** The objects of one kind after the plan: updates replace, deletes remove, creates add. */
function afterPlan(plan: Plan, kind: 'policy' | 'namedLocation', read: readonly JsonObject[]): JsonObject[] {
  const ops = plan.operations.filter((op) => op.kind === kind);
  const byId = new Map(ops.filter((op) => op.id !== undefined).map((op) => [op.id!.toLowerCase(), op]));
  const kept = read.flatMap((o) => {
    const op = typeof o['id'] === 'string' ? byId.get(o['id'].toLowerCase()) : undefined;
    if (op === undefined || op.action === 'noop') return [o];
    if (op.action === 'delete') return [];
    return op.body === undefined ? [o] : [{ ...op.body, id: o['id'] ?? null }];
  });
  const created = ops.filter((op) => op.action === 'create' && op.body !== undefined).map((op) => op.body as JsonObject);
  return [...kept, ...created];
}

/** A policy's authentication strength by id only (the tenant expands it, a plan body does not). */
function strengthById(policy: JsonObject): JsonObject {
  const grant = objectAt(policy['grantControls']);
  const strength = objectAt(grant?.['authenticationStrength']);
  if (!grant || !strength || typeof strength['id'] !== 'string') return policy;
  return { ...policy, grantControls: { ...grant, authenticationStrength: { id: strength['id'] } } };
}

/** Labels for the reports: the plan's, plus strengths and named locations by name. */
function labeller(plan: Plan, snapshot: TenantSnapshot): (id: string) => string {
  const labels = new Map(Object.entries(plan.labels).map(([id, l]) => [id.toLowerCase(), l]));
  for (const s of snapshot.authenticationStrengths) if (typeof s['id'] === 'string') labels.set(s['id'].toLowerCase(), `authStrength:${String(s['displayName'])}`);
  for (const l of snapshot.namedLocations) if (typeof l['id'] === 'string') labels.set(l['id'].toLowerCase(), `location:${String(l['displayName'])}`);
  return (id) => labels.get(id.toLowerCase()) ?? id;
}

const KIND_OF_LIST: Record<string, ExceptionExclusion['kind']> = {
  '/conditions/users/excludeUsers': 'user',
  '/conditions/users/excludeGroups': 'group',
  '/conditions/users/excludeRoles': 'role',
};

/** Who the plan's exceptions exclude (active, on its operations' `exceptions`) or stop excluding (`expired`). */
export function planExceptionExclusions(plan: Pick<Plan, 'operations'>): ExceptionExclusion[] {
  const out: ExceptionExclusion[] = [];
  for (const op of plan.operations) {
    if (op.kind !== 'policy') continue;
    const policy = typeof op.body?.['displayName'] === 'string' ? op.body['displayName'] : op.displayName;
    for (const [notes, ended] of [[op.exceptions ?? [], false], [op.expired ?? [], true]] as const) {
      for (const note of notes) {
        const kind = KIND_OF_LIST[note.path];
        if (kind === undefined) continue;
        for (const value of note.ids) out.push({ policy, kind, value, until: note.until, reason: note.reason, ...(ended ? { ended: true } : {}) });
      }
    }
  }
  return out;
}

export function planAccessImpact(plan: Plan, snapshot: TenantSnapshot): AccessImpact {
  return accessImpact({
    before: { policies: snapshot.policies.map(strengthById), namedLocations: snapshot.namedLocations },
    after: { policies: afterPlan(plan, 'policy', snapshot.policies).map(strengthById), namedLocations: afterPlan(plan, 'namedLocation', snapshot.namedLocations) },
    emergency: { users: plan.guards?.users ?? [], groups: plan.guards?.groups ?? [] },
    label: labeller(plan, snapshot),
    exceptions: planExceptionExclusions(plan),
  });
}
