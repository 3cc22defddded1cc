/**
 * Port: Microsoft Graph's What If (`POST /identity/conditionalAccess/evaluate`), which judges one
 * sign-in against the policies deployed in the tenant (enabled and report-only; never a draft).
 * src/graph/what-if.ts implements it; `what-if --live` and `coverage --live` compare its answers
 * with caac's own engine and report every disagreement.
 */
import type { JsonObject } from '../model/documents.js';
import type { RequestTally } from '../model/tenant.js';

/** Who signs in: a user of the tenant (as a guest of a type, optionally), or a service principal. */
export type LiveIdentity =
  | { kind: 'user'; userId: string; guestType?: string; externalTenantId?: string }
  | { kind: 'servicePrincipal'; servicePrincipalId: string };

/** What the sign-in is for: an application (appId), a user action (its URN), or an authentication context (`c1`…). */
export type LiveTarget =
  | { kind: 'application'; appId: string }
  | { kind: 'userAction'; action: 'urn:user:registersecurityinfo' | 'urn:user:registerdevice' }
  | { kind: 'authContext'; id: string };

export interface LiveConditions {
  platform?: string;
  clientAppType?: string;
  signInRisk?: string;
  userRisk?: string;
  servicePrincipalRisk?: string;
  insiderRisk?: string;
  /** Two-letter country code. */
  country?: string;
  ipAddress?: string;
  /** `deviceCodeFlow` or `authenticationTransfer`. */
  authenticationFlow?: string;
  /** Device properties as the device-filter rule names them (`isCompliant`, `trustType`, …). */
  device?: Record<string, string | boolean | string[]>;
}

export interface LiveSignIn {
  identity: LiveIdentity;
  target: LiveTarget;
  conditions: LiveConditions;
}

/** One policy as Graph judged it for the sign-in. */
export interface LivePolicyVerdict {
  id: string;
  displayName: string;
  state: string;
  applies: boolean;
  /** Graph's analysisReasons when the policy does not apply (`users`, `location`, …); empty when it does. */
  reasons: string[];
  grantControls: JsonObject | null;
  sessionControls: JsonObject | null;
}

export interface WhatIf {
  /** Every deployed policy judged for the sign-in (one paced Conditional Access request). */
  evaluate(signIn: LiveSignIn): Promise<LivePolicyVerdict[]>;
  requests(): RequestTally;
}
