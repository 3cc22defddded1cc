/**
 * Public types of the Graph emulator. The emulator speaks Microsoft Graph's wire format only and
 * imports nothing from the rest of caac, so a misunderstanding of Graph cannot hide in both the
 * client and the emulator.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Options of `startEmulator`. Every one is optional; the defaults give a fast, empty, faultless tenant. */
export interface EmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; loopback by default so a demo never listens on the network. */
  host?: string;
  /** `'sample'` for the built-in sample tenant, or the path of a tenant fixture JSON (state-file shape). */
  seed?: string;
  /** File that keeps the tenant across restarts; written atomically after every change. */
  stateFile?: string;
  /** Delay added to every Graph request, in ms; each request gets up to ±25% jitter. */
  latencyMs?: number;
  /** Requests per second allowed on the Conditional Access and named-location endpoints, per tenant. */
  rateLimit?: number;
  /** How many requests may be made at once before the rate applies; default max(1, rateLimit). */
  burst?: number;
  /** Graph's real limits: 1 request/s on CA endpoints with a small burst. */
  realistic?: boolean;
  /** Seconds to send in a Retry-After header on 429s. Graph's CA endpoints send none, so neither do we by default. */
  retryAfter?: number;
  /** Fault-injection spec, e.g. `rate=0.05,kinds=503|504|reset|429,seed=42`. */
  faults?: string;
  /** A GET of an object created less than this many ms ago answers 404, as Graph's replicas may. */
  eventualConsistencyMs?: number;
  /**
   * Replica lag of the Conditional Access collections (policies, named locations, deleted items,
   * authentication strengths), in ms: a list, and a GET of one object, show a write only after this
   * long. Writes themselves (and the checks they make) see the primary, as in Graph.
   */
  listLagMs?: number;
  /** Tenant id to report; the seed's or a fixed default otherwise. */
  tenantId?: string;
  /** When set, only these bearer tokens are accepted; otherwise any bearer token is. */
  tokens?: string[];
  /**
   * The audit log's caller for a write whose bearer token is not JWT-shaped or names nobody:
   * a UPN (a user) or `app:<display name>`. Default: the app "caac emulator client".
   */
  auditActor?: string;
  /** Answer 403 on `auditLogs/directoryAudits`, as Graph does for an app without AuditLog.Read.All. */
  auditLogForbidden?: boolean;
}

/** What `GET /_emulator/requests` answers: Graph requests only, admin calls not counted. */
export interface RequestCounts {
  total: number;
  /** Keyed by `METHOD /version/path` with ids replaced by `{id}`; requests inside a $batch count too. */
  byEndpoint: Record<string, number>;
  /** Keyed by HTTP status as a string; a reset connection counts as `reset`. */
  byStatus: Record<string, number>;
  /** Of `total`, the requests that came inside a $batch: `total − inBatch` is what went over HTTP. */
  inBatch: number;
}

export interface RunningEmulator {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:51234`; Graph lives under `/v1.0` and `/beta`. */
  url: string;
  tenantId: string;
  requests(): RequestCounts;
  /** Flushes the state file and closes the server. */
  stop(): Promise<void>;
}

/**
 * `503`, `504`, `429` and `reset` fail the request before Graph does anything. `lost` carries the
 * request out and then loses the answer: a 504, or a reset connection (half each).
 */
export type FaultKind = '503' | '504' | '429' | 'reset' | 'lost';

export interface FaultSpec {
  /** Probability, 0..1, that a Graph request fails. */
  rate: number;
  kinds: FaultKind[];
  seed: number;
  /** Only requests with these methods fail (all when absent). */
  methods?: string[];
  /** Only the N-th Graph request (counting from 1) and later ones fail (all when absent). */
  after?: number;
}

/**
 * The tenant as persisted in the state file and accepted as a seed fixture. Entities are stored in
 * Graph's response shape (without @odata.context); a policy's authentication strength is stored as
 * `{ "id": … }` and expanded when read.
 */
export interface TenantState {
  formatVersion: 1;
  tenantId: string;
  policies: JsonObject[];
  namedLocations: JsonObject[];
  /** Custom strengths only: the built-ins are part of every tenant. */
  authenticationStrengthPolicies: JsonObject[];
  authenticationContextClassReferences: JsonObject[];
  deletedPolicies: JsonObject[];
  deletedNamedLocations: JsonObject[];
  users: JsonObject[];
  groups: JsonObject[];
  /** Group id → member object ids. */
  groupMembers: Record<string, string[]>;
  servicePrincipals: JsonObject[];
  applications: JsonObject[];
  directoryRoleTemplates: JsonObject[];
  /**
   * `policies/identitySecurityDefaultsEnforcementPolicy`: while on, no Conditional Access policy
   * can be enabled. Off when absent (a fixture may set `"securityDefaults": {"isEnabled": true}`).
   */
  securityDefaults?: { isEnabled: boolean };
  /** Directory role template id → the users (or role-assignable groups) holding the role; What If reads it. */
  directoryRoleAssignments?: Record<string, string[]>;
  /** `auditLogs/signIns`, newest first when listed (entities/sign-ins.ts); extended by `POST /_emulator/sign-ins`. */
  signIns?: JsonObject[];
  /** `auditLogs/directoryAudits`: one entry per successful Conditional Access write (audit-log.ts). */
  directoryAudits?: JsonObject[];
}
