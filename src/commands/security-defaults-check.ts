/**
 * The security-defaults check before writes, for apply and contingency switches. The plan checked
 * it when it was made, but the setting is not part of the plan's fingerprint and can be switched
 * on since; Graph would then refuse the first write that enables a policy, after the named
 * locations and strengths before it were written. One GET, and only when a write enables a policy.
 */
import { SafetyError } from '../errors.js';
import type { PlanOperation } from '../model/plan.js';
import type { Tenant } from '../ports/tenant.js';
import { policiesThatEnable, securityDefaultsRefusal } from '../plan/security-defaults.js';
import type { Logger } from '../ports/logger.js';

/**
 * Throws a SafetyError when security defaults are on and an operation enables a policy. A setting
 * this connection may not read (403) is logged and the run goes on, as the plan does; a read that
 * fails otherwise throws (no write has happened: the caller reports every operation as not attempted).
 */
export async function refuseWhileSecurityDefaultsOn(operations: readonly PlanOperation[], tenant: Tenant, what: string, log: Logger): Promise<void> {
  const enabling = policiesThatEnable({ operations: [...operations] });
  if (enabling.length === 0 || tenant.securityDefaultsEnabled === undefined) return;
  const on = await tenant.securityDefaultsEnabled();
  if (on === undefined) {
    log.info('whether security defaults are on could not be read (403: grant Policy.Read.All); if they are, Graph refuses to enable a policy');
    return;
  }
  if (on) throw new SafetyError(`${what} refused, nothing was changed: ${securityDefaultsRefusal(enabling, (op) => op.file ?? 'tenant')}`);
}
