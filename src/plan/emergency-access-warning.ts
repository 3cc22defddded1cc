/**
 * The plan's `no-emergency-access` warning: caac.yml names no emergency-access account (the plan
 * then has no break-glass guard), or waives the check, whose reason every plan shows so that a
 * reviewer reads it each time.
 */
import { emergencyAccessDeclaration, type Settings } from '../model/settings.js';
import type { PlanWarning } from '../model/plan.js';
import { noEmergencyAccessMessage, type RepositoryPlace } from '../validate/emergency-access-declared.js';

export function emergencyAccessPlanWarning(settings: Settings, place: RepositoryPlace): PlanWarning | undefined {
  const displayName = place.settings?.file ?? place.root;
  const declared = emergencyAccessDeclaration(settings);
  if (declared.status === 'waived') {
    return {
      kind: 'no-emergency-access',
      displayName,
      message: `the emergency-access check is waived: no policy is checked for sparing a break-glass account. Reason given: ${JSON.stringify(declared.reason)}`,
    };
  }
  const message = noEmergencyAccessMessage(settings, place);
  return message === undefined ? undefined : { kind: 'no-emergency-access', displayName, message };
}
