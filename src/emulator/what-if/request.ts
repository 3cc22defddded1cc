/**
 * The body of `POST /identity/conditionalAccess/evaluate` (v1.0), read the way Graph reads it:
 * `signInIdentity` (`#microsoft.graph.userSignIn` {userId, externalUserType, externalTenantId} or
 * `#microsoft.graph.servicePrincipalSignIn` {servicePrincipalId}), `signInContext`
 * (`#microsoft.graph.applicationContext` {includeApplications}, `…userActionContext` {userAction},
 * `…authContext` {authenticationContextValue}), `signInConditions` and `appliedPoliciesOnly`.
 * Anything else answers 400 in Graph's error shape.
 */
import { badRequest } from '../graph-error.js';
import type { Json, JsonObject } from '../types.js';

export type WhatIfIdentity =
  | { kind: 'user'; userId: string; externalUserType?: string; externalTenantId?: string }
  | { kind: 'servicePrincipal'; servicePrincipalId: string };

export type WhatIfContext =
  | { kind: 'application'; appIds: string[] }
  | { kind: 'userAction'; action: 'registerSecurityInformation' | 'registerOrJoinDevices' }
  | { kind: 'authContext'; value: string };

export interface WhatIfConditions {
  devicePlatform?: string;
  clientAppType?: string;
  signInRiskLevel: string;
  userRiskLevel: string;
  servicePrincipalRiskLevel: string;
  insiderRiskLevel: string;
  country?: string;
  ipAddress?: string;
  transferMethod?: string;
  deviceInfo?: JsonObject;
}

export interface WhatIfRequest {
  identity: WhatIfIdentity;
  context: WhatIfContext;
  conditions: WhatIfConditions;
  appliedPoliciesOnly: boolean;
}

const RISK = ['low', 'medium', 'high', 'hidden', 'none'];
const INSIDER = ['none', 'minor', 'moderate', 'elevated'];
const PLATFORMS = ['android', 'iOS', 'windows', 'windowsPhone', 'macOS', 'linux', 'all'];
const CLIENT_APPS = ['all', 'browser', 'mobileAppsAndDesktopClients', 'exchangeActiveSync', 'easSupported', 'other'];
const GUEST_TYPES = ['none', 'internalGuest', 'b2bCollaborationGuest', 'b2bCollaborationMember', 'b2bDirectConnectUser', 'otherExternalUser', 'serviceProvider'];
const TRANSFER = ['none', 'deviceCodeFlow', 'authenticationTransfer'];
const USER_ACTIONS = ['registerSecurityInformation', 'registerOrJoinDevices'] as const;

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function invalid(parameter: string, detail: string): never {
  throw badRequest(`Invalid value for parameter '${parameter}': ${detail}`);
}

function required(body: JsonObject, key: string): JsonObject {
  const v = body[key];
  if (!isObject(v)) invalid(key, `'${key}' is required and must be an object.`);
  return v;
}

function optionalString(o: JsonObject, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') invalid(`${where}.${key}`, 'a string is expected.');
  return v;
}

/** An enum member, matched without regard to case (Graph's enums are), returned in Graph's casing. */
function member(o: JsonObject, key: string, where: string, allowed: readonly string[]): string | undefined {
  const v = optionalString(o, key, where);
  if (v === undefined) return undefined;
  const hit = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
  if (hit === undefined) invalid(`${where}.${key}`, `'${v}' is not one of ${allowed.join(', ')}.`);
  return hit;
}

function readIdentity(o: JsonObject): WhatIfIdentity {
  const type = o['@odata.type'];
  if (type === '#microsoft.graph.userSignIn') {
    const userId = optionalString(o, 'userId', 'signInIdentity');
    if (userId === undefined || userId === '') invalid('signInIdentity.userId', 'the user id is required.');
    const externalUserType = member(o, 'externalUserType', 'signInIdentity', GUEST_TYPES);
    const externalTenantId = optionalString(o, 'externalTenantId', 'signInIdentity');
    return { kind: 'user', userId, ...(externalUserType === undefined ? {} : { externalUserType }), ...(externalTenantId === undefined ? {} : { externalTenantId }) };
  }
  if (type === '#microsoft.graph.servicePrincipalSignIn') {
    const servicePrincipalId = optionalString(o, 'servicePrincipalId', 'signInIdentity');
    if (servicePrincipalId === undefined || servicePrincipalId === '') invalid('signInIdentity.servicePrincipalId', 'the service principal id is required.');
    return { kind: 'servicePrincipal', servicePrincipalId };
  }
  return invalid('signInIdentity', `'@odata.type' must be #microsoft.graph.userSignIn or #microsoft.graph.servicePrincipalSignIn, not ${JSON.stringify(type ?? null)}.`);
}

function readContext(o: JsonObject): WhatIfContext {
  const type = o['@odata.type'];
  if (type === '#microsoft.graph.applicationContext') {
    const apps = o.includeApplications;
    if (!Array.isArray(apps) || apps.length === 0 || !apps.every((a) => typeof a === 'string' && a !== '')) {
      invalid('signInContext.includeApplications', 'a non-empty list of application ids is required.');
    }
    return { kind: 'application', appIds: apps as string[] };
  }
  if (type === '#microsoft.graph.userActionContext') {
    const action = member(o, 'userAction', 'signInContext', USER_ACTIONS);
    if (action === undefined) invalid('signInContext.userAction', 'the user action is required.');
    return { kind: 'userAction', action: action as (typeof USER_ACTIONS)[number] };
  }
  if (type === '#microsoft.graph.authContext') {
    const value = optionalString(o, 'authenticationContextValue', 'signInContext');
    if (value === undefined || !/^c\d+$/.test(value)) invalid('signInContext.authenticationContextValue', 'an authentication context id like c1 is required.');
    return { kind: 'authContext', value };
  }
  return invalid('signInContext', `'@odata.type' must be #microsoft.graph.applicationContext, #microsoft.graph.userActionContext or #microsoft.graph.authContext, not ${JSON.stringify(type ?? null)}.`);
}

function readConditions(o: JsonObject): WhatIfConditions {
  const w = 'signInConditions';
  const flow = o.authenticationFlow;
  if (flow !== undefined && flow !== null && !isObject(flow)) invalid(`${w}.authenticationFlow`, 'an object is expected.');
  const device = o.deviceInfo;
  if (device !== undefined && device !== null && !isObject(device)) invalid(`${w}.deviceInfo`, 'an object is expected.');
  const ip = optionalString(o, 'ipAddress', w);
  if (ip !== undefined && !/^[0-9.]+$|^[0-9a-fA-F:]+$/.test(ip)) invalid(`${w}.ipAddress`, `'${ip}' is not an IP address.`);
  const country = optionalString(o, 'country', w);
  if (country !== undefined && !/^[A-Za-z]{2}$/.test(country)) invalid(`${w}.country`, `'${country}' is not a two-letter country code.`);
  const transferMethod = isObject(flow) ? member(flow, 'transferMethod', `${w}.authenticationFlow`, TRANSFER) : undefined;
  const devicePlatform = member(o, 'devicePlatform', w, PLATFORMS);
  const clientAppType = member(o, 'clientAppType', w, CLIENT_APPS);
  return {
    ...(devicePlatform === undefined ? {} : { devicePlatform }),
    ...(clientAppType === undefined ? {} : { clientAppType }),
    signInRiskLevel: member(o, 'signInRiskLevel', w, RISK) ?? 'none',
    userRiskLevel: member(o, 'userRiskLevel', w, RISK) ?? 'none',
    servicePrincipalRiskLevel: member(o, 'servicePrincipalRiskLevel', w, RISK) ?? 'none',
    insiderRiskLevel: member(o, 'insiderRiskLevel', w, INSIDER) ?? 'none',
    ...(country === undefined ? {} : { country: country.toUpperCase() }),
    ...(ip === undefined ? {} : { ipAddress: ip }),
    ...(transferMethod === undefined ? {} : { transferMethod }),
    ...(isObject(device) ? { deviceInfo: device } : {}),
  };
}

export function readWhatIfRequest(body: Json | undefined): WhatIfRequest {
  if (!isObject(body)) throw badRequest('The request body must be a JSON object with signInIdentity, signInContext and signInConditions.');
  const applied = body.appliedPoliciesOnly;
  if (applied !== undefined && applied !== null && typeof applied !== 'boolean') invalid('appliedPoliciesOnly', 'a boolean is expected.');
  return {
    identity: readIdentity(required(body, 'signInIdentity')),
    context: readContext(required(body, 'signInContext')),
    conditions: readConditions(required(body, 'signInConditions')),
    appliedPoliciesOnly: applied === true,
  };
}
