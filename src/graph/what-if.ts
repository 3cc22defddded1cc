/**
 * The `WhatIf` port over Microsoft Graph: `POST /identity/conditionalAccess/evaluate` (v1.0) with
 * Graph's request shape (signInIdentity, signInContext, signInConditions). One request per
 * sign-in, on the Conditional Access budget: the pacing middleware spaces them (about 1/s).
 * Evaluate changes nothing, so a retry after a lost answer is harmless.
 */
import { GraphError } from '../errors.js';
import type { JsonObject, JsonValue } from '../model/documents.js';
import type { RequestTally } from '../model/tenant.js';
import type { LivePolicyVerdict, LiveSignIn, LiveTarget, WhatIf } from '../ports/what-if.js';
import type { GraphHttp } from './http.js';

const EVALUATE = 'identity/conditionalAccess/evaluate';

const USER_ACTIONS: Record<string, string> = {
  'urn:user:registersecurityinfo': 'registerSecurityInformation',
  'urn:user:registerdevice': 'registerOrJoinDevices',
};

function contextBody(target: LiveTarget): JsonObject {
  if (target.kind === 'application') return { '@odata.type': '#microsoft.graph.applicationContext', includeApplications: [target.appId] };
  if (target.kind === 'userAction') return { '@odata.type': '#microsoft.graph.userActionContext', userAction: USER_ACTIONS[target.action] ?? target.action };
  return { '@odata.type': '#microsoft.graph.authContext', authenticationContextValue: target.id };
}

/** The request body Graph's evaluate takes for one sign-in. */
export function evaluateBody(signIn: LiveSignIn): JsonObject {
  const who = signIn.identity;
  const identity: JsonObject =
    who.kind === 'user'
      ? {
          '@odata.type': '#microsoft.graph.userSignIn',
          userId: who.userId,
          ...(who.guestType === undefined ? {} : { externalUserType: who.guestType }),
          ...(who.externalTenantId === undefined ? {} : { externalTenantId: who.externalTenantId }),
        }
      : { '@odata.type': '#microsoft.graph.servicePrincipalSignIn', servicePrincipalId: who.servicePrincipalId };
  const c = signIn.conditions;
  const conditions: JsonObject = {};
  const put = (key: string, value: JsonValue | undefined): void => {
    if (value !== undefined) conditions[key] = value;
  };
  put('devicePlatform', c.platform);
  put('clientAppType', c.clientAppType);
  put('signInRiskLevel', c.signInRisk);
  put('userRiskLevel', c.userRisk);
  put('servicePrincipalRiskLevel', c.servicePrincipalRisk);
  put('insiderRiskLevel', c.insiderRisk);
  put('country', c.country);
  put('ipAddress', c.ipAddress);
  put('authenticationFlow', c.authenticationFlow === undefined ? undefined : { transferMethod: c.authenticationFlow });
  put('deviceInfo', c.device as JsonObject | undefined);
  return { signInIdentity: identity, signInContext: contextBody(signIn.target), signInConditions: conditions, appliedPoliciesOnly: false };
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function verdictOf(item: JsonObject): LivePolicyVerdict {
  const reasons = typeof item['analysisReasons'] === 'string' ? item['analysisReasons'].split(',').map((r) => r.trim()).filter((r) => r !== '' && r !== 'notSet') : [];
  return {
    id: String(item['id']),
    displayName: String(item['displayName']),
    state: String(item['state']),
    applies: item['policyApplies'] === true,
    reasons,
    grantControls: isObject(item['grantControls']) ? item['grantControls'] : null,
    sessionControls: isObject(item['sessionControls']) ? item['sessionControls'] : null,
  };
}

export class GraphWhatIf implements WhatIf {
  constructor(
    private readonly http: GraphHttp,
    private readonly tally: () => RequestTally,
  ) {}

  async evaluate(signIn: LiveSignIn): Promise<LivePolicyVerdict[]> {
    const answer = await this.http.call('POST', EVALUATE, evaluateBody(signIn));
    const value = answer?.['value'];
    if (!Array.isArray(value)) throw new GraphError(`POST /${this.http.apiVersion}/${EVALUATE} answered no 'value' array.`, 0, 'UnexpectedResponse');
    return value.filter(isObject).map(verdictOf);
  }

  requests(): RequestTally {
    return this.tally();
  }
}
