/**
 * Security defaults and Conditional Access exclude each other: Graph refuses to enable a policy
 * while `policies/identitySecurityDefaultsEnforcementPolicy` has `isEnabled: true` (Entra: "turn
 * off security defaults before you enable Conditional Access policies"). The plan stops, with the
 * fix, rather than leave apply to fail after the named locations and strengths were written.
 * Pure: the caller reads the setting.
 */
import type { Plan, PlanOperation, PlanWarning } from '../model/plan.js';

/** Policy creates and updates whose body leaves the policy enabled (enforced). */
export function policiesThatEnable(plan: Pick<Plan, 'operations'>): PlanOperation[] {
  return plan.operations.filter(
    (op) => op.kind === 'policy' && (op.action === 'create' || op.action === 'update') && typeof op.body?.['state'] === 'string' && op.body['state'].toLowerCase() === 'enabled',
  );
}

/** Where a policy is declared, for the message: `policies/x.json:4`. */
export type Locate = (op: PlanOperation) => string;

/** The refusal: every policy the plan would enable, at its file and line, and the two ways out. */
export function securityDefaultsRefusal(enabling: readonly PlanOperation[], locate: Locate): string {
  const list = enabling.map((op) => `  ${locate(op)}: "${op.displayName}" (${op.action}, state: enabled)`).join('\n');
  return [
    `security defaults are on in this tenant, and Graph refuses to enable a Conditional Access policy while they are: this plan would enable ${enabling.length} polic${enabling.length === 1 ? 'y' : 'ies'}:`,
    list,
    'Either turn security defaults off (Entra admin center: Identity > Overview > Properties > Manage security defaults; or PATCH policies/identitySecurityDefaultsEnforcementPolicy {"isEnabled": false}), then plan again;',
    'or set "state": "enabledForReportingButNotEnforced" (report-only) or "disabled" in these files until security defaults are off.',
  ].join('\n');
}

/** The setting could not be read (403): the plan goes on, and says what it could not check. */
export function securityDefaultsUnknownWarning(enabling: readonly PlanOperation[]): PlanWarning {
  return {
    kind: 'security-defaults',
    displayName: enabling.map((op) => op.displayName).join(', '),
    message:
      'this plan enables policies, and whether security defaults are on could not be read (403: grant Policy.Read.All). If they are on, Graph refuses to enable a policy: apply would fail.',
  };
}
