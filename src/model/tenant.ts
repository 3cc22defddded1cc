/** What a tenant holds, as Microsoft Graph returns it (raw JSON, server fields included). */
import type { DocumentKind, JsonObject } from './documents.js';

export interface TenantSnapshot {
  tenantId: string;
  /** Base URL of Graph that was read, e.g. https://graph.microsoft.com or an emulator. */
  graphUrl: string;
  /** `v1.0` or `beta`. */
  apiVersion: ApiVersion;
  policies: JsonObject[];
  namedLocations: JsonObject[];
  /** Built-in and custom (policyType tells them apart). */
  authenticationStrengths: JsonObject[];
}

export type ApiVersion = 'v1.0' | 'beta';

/** A directory object that a reference may name. */
export interface DirectoryObject {
  id: string;
  type: 'user' | 'group' | 'role' | 'servicePrincipal';
  displayName: string;
  /** users */
  userPrincipalName?: string;
  /** servicePrincipals: the application id that policies hold in includeApplications */
  appId?: string;
}

/** One name look-up: users by UPN, groups/roles/servicePrincipals by displayName, apps by displayName or appId. */
export interface NameQuery {
  kind: 'user' | 'group' | 'role' | 'app' | 'servicePrincipal';
  name: string;
}

/** Graph requests spent, by endpoint (`GET /v1.0/identity/conditionalAccess/policies`). */
export interface RequestTally {
  total: number;
  byEndpoint: Record<string, number>;
}

export function kindOfTenantList(kind: DocumentKind): keyof Pick<TenantSnapshot, 'policies' | 'namedLocations' | 'authenticationStrengths'> {
  return kind === 'policy' ? 'policies' : kind === 'namedLocation' ? 'namedLocations' : 'authenticationStrengths';
}

/** The requests spent between two tallies of one connection (a connection may serve several commands). */
export function requestsSince(before: RequestTally, after: RequestTally): RequestTally {
  const byEndpoint: Record<string, number> = {};
  for (const [endpoint, n] of Object.entries(after.byEndpoint)) {
    const spent = n - (before.byEndpoint[endpoint] ?? 0);
    if (spent > 0) byEndpoint[endpoint] = spent;
  }
  return { total: after.total - before.total, byEndpoint };
}
