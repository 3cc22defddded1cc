/**
 * Graph's error responses. Handlers throw `GraphHttpError`; the server turns it into Graph's body
 * `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
 */

export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphHttpError';
  }
}

export const badRequest = (message: string): GraphHttpError => new GraphHttpError(400, 'BadRequest', message);

export const notFound = (what: string, id: string): GraphHttpError =>
  new GraphHttpError(404, 'ResourceNotFound', `${what} with id '${id}' was not found.`);

/**
 * Graph's numbered Conditional Access messages. 1001, 1007, 1012, 1032 and 1064 are Graph's own
 * texts as seen in the wild; the numbers of the others are the emulator's choice (Graph's are not
 * published), kept in the same style so a client that shows the message reads the same:
 *   1053 invalid user, 1054 invalid group (Graph's), 1055 invalid role template, 1056 invalid
 *   application (appId), 1057 invalid named location, 1058 invalid authentication strength,
 *   1059 invalid service principal, 1035 block combined with other controls, 1036 authentication
 *   strength combined with mfa, 1037 GuestsOrExternalUsers string with the object form, 1038
 *   externalTenants without guestOrExternalUserTypes, 1039 signInFrequency everyTime with a value,
 *   1040 tenant policy limit (195), 1041 no users included, 1042 no applications included, 1043 no
 *   controls, 1044 riskRemediation without an authentication strength, 1045 policy references an
 *   object being deleted; for named locations (entities/named-locations.ts) 1101 ipRanges missing
 *   or malformed, 1102 invalid CIDR, 1103 invalid or missing country code, 1104 change of kind,
 *   and the limits Entra documents for IP named locations (concept-assignment-network): 1105 a CIDR
 *   mask of /8 or wider (IPv4 and IPv6), 1106 more than 2,000 ranges in one location, 1107 the
 *   tenant's 196th named location (create or restore), 1108 delete of a location marked trusted.
 */
export const ca = {
  readOnly: (field: string) => badRequest(`1001: '${field}' is a readonly field and cannot be updated.`),
  schema: (type: string, detail: string) =>
    badRequest(
      `1007: Incoming ${type} object is null or does not match the schema of ${type} type. ${detail}`.trim(),
    ),
  appsAndUserActions: () =>
    badRequest(
      "1012: 'applications' condition cannot include both 'includeApplications' and 'includeUserActions'. Please remove one of the conditions.",
    ),
  passwordChange: () => badRequest('1032: ConditionalActionPolicy validation failed due to InvalidPasswordResetControl.'),
  blockWithOthers: () => badRequest("1035: 'block' cannot be combined with other grant controls."),
  strengthWithMfa: () => badRequest("1036: 'authenticationStrength' cannot be combined with the 'mfa' grant control."),
  guestsStringAndObject: () =>
    badRequest(
      "1037: 'GuestsOrExternalUsers' in includeUsers cannot be combined with 'includeGuestsOrExternalUsers'.",
    ),
  externalTenantsWithoutTypes: () =>
    badRequest("1038: 'externalTenants' requires 'guestOrExternalUserTypes' to be set."),
  everyTimeWithValue: () =>
    badRequest("1039: 'signInFrequency' with frequencyInterval 'everyTime' must not set 'type' or 'value'."),
  policyLimit: (limit: number) =>
    badRequest(`1040: The tenant has reached the maximum of ${limit} Conditional Access policies.`),
  noUsers: () => badRequest("1041: 'users' condition must include at least one user, group, role or guest type."),
  noApplications: () =>
    badRequest(
      "1042: 'applications' condition must include applications, user actions or authentication contexts.",
    ),
  noControls: () => badRequest('1043: A policy must have grant controls or session controls.'),
  riskRemediation: () =>
    badRequest("1044: 'riskRemediation' requires an authentication strength with operator 'AND'."),
  /** The emulator's number (Graph's text is not published): a policy enabled while security defaults are on. */
  securityDefaultsOn: () =>
    badRequest(
      '1046: Conditional Access policies cannot be enabled while security defaults are enabled for the tenant. Disable security defaults (policies/identitySecurityDefaultsEnforcementPolicy) or set the policy state to enabledForReportingButNotEnforced or disabled.',
    ),
  inUse: (what: string, id: string, policy: string) =>
    badRequest(`1045: ${what} '${id}' is referenced by the Conditional Access policy '${policy}' and cannot be deleted.`),
  invalidUser: (v: string) => badRequest(`1053: Invalid user value: ${v}.`),
  invalidGroup: (v: string) => badRequest(`1054: Invalid group value: ${v}.`),
  invalidRole: (v: string) => badRequest(`1055: Invalid role value: ${v}.`),
  invalidApplication: (v: string) => badRequest(`1056: Invalid application value: ${v}.`),
  invalidLocation: (v: string) => badRequest(`1057: Invalid location value: ${v}.`),
  invalidStrength: (v: string) => badRequest(`1058: Invalid authentication strength value: ${v}.`),
  invalidServicePrincipal: (v: string) => badRequest(`1059: Invalid service principal value: ${v}.`),
  maskTooWide: (cidr: string) =>
    badRequest(`1105: Invalid IP range '${cidr}': only CIDR masks greater than /8 are allowed in a named location.`),
  tooManyRanges: (count: number, limit: number) =>
    badRequest(`1106: A named location can hold at most ${limit} IP ranges; this one has ${count}.`),
  locationLimit: (limit: number) =>
    badRequest(`1107: The tenant has reached the maximum of ${limit} named locations.`),
  trustedLocation: (id: string) =>
    badRequest(
      `1108: Named location '${id}' is marked as trusted and cannot be deleted. Mark it untrusted first (PATCH with "isTrusted": false), then delete it.`,
    ),
  emptyClientAppTypes: () =>
    badRequest(
      "1064: 'clientAppTypes' condition does not support []. If you want to target all client apps, use ['All']. If you want to target modern authentication clients, use ['browser', 'mobileAppsAndDesktopClients'].",
    ),
};

export interface ErrorBody {
  error: { code: string; message: string; innerError: { date: string; 'request-id': string; 'client-request-id': string } };
}

export function errorBody(code: string, message: string, requestId: string, clientRequestId: string): ErrorBody {
  return {
    error: {
      code,
      message,
      // Graph's innerError date has no fractional seconds.
      innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, ''), 'request-id': requestId, 'client-request-id': clientRequestId },
    },
  };
}
