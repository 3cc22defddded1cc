/** Microsoft's Conditional Access templates (Graph's conditionalAccessTemplate), as caac reads them. */
import type { JsonObject } from './documents.js';

/** templateScenarios: the values `caac new --list --scenario` takes (Graph's flags enum). */
export const TEMPLATE_SCENARIOS = ['new', 'secureFoundation', 'zeroTrust', 'remoteWork', 'protectAdmins', 'emergingThreats'] as const;

export interface PolicyTemplate {
  id: string;
  name: string;
  description: string;
  /** The scenarios it is recommended for (Graph answers one comma-separated string). */
  scenarios: string[];
  /** conditionalAccessPolicyDetail: conditions, grantControls, sessionControls. */
  details: JsonObject;
}
