/**
 * Port: the tenant's Conditional Access objects. src/graph/ implements it over Microsoft Graph;
 * tests pass the Graph adapter pointed at the emulator, or a small fake.
 */
import type { DocumentKind, JsonObject } from '../model/documents.js';
import type { RequestTally, TenantSnapshot } from '../model/tenant.js';

export interface Tenant {
  readonly tenantId: string;
  readonly graphUrl: string;
  /**
   * Every policy, named location and authentication strength, one paged list per kind. With
   * `kinds`, only those kinds' lists are read (each costs a paged list on the throttled endpoints);
   * the other lists come back empty, so a caller that asks for some kinds reads only those.
   */
  read(kinds?: readonly DocumentKind[]): Promise<TenantSnapshot>;
  /** Creates an object; returns it as Graph answered (with its id). */
  create(kind: DocumentKind, body: JsonObject): Promise<JsonObject>;
  /** PATCHes an object with a body that says everything (Graph merges: null clears); a strength's combinationConfigurations go through their endpoint. */
  update(kind: DocumentKind, id: string, body: JsonObject): Promise<void>;
  remove(kind: DocumentKind, id: string): Promise<void>;
  /** Objects of a kind with this displayName (after an unclear create: did it happen?). */
  findByDisplayName(kind: DocumentKind, displayName: string): Promise<JsonObject[]>;
  /** Soft-deleted policies or named locations (deletedItems), kept by Graph for 30 days. */
  readDeleted(kind: DocumentKind): Promise<JsonObject[]>;
  /** Brings a soft-deleted policy or named location back with its id; undefined when the kind has no recycle bin. */
  restoreDeleted(kind: DocumentKind, id: string): Promise<JsonObject | undefined>;
  requests(): RequestTally;
  /**
   * One object by id, or undefined when Graph answers 404 (after a restore whose answer was lost:
   * is it back?). A GET lags behind writes like a list, so a caller polls it.
   */
  getById(kind: DocumentKind, id: string): Promise<JsonObject | undefined>;
  /**
   * Whether security defaults are on (`policies/identitySecurityDefaultsEnforcementPolicy`), or
   * undefined when this connection may not read them (403). Optional: a Tenant that cannot tell
   * leaves it out, and the plan treats the setting as unknown.
   */
  securityDefaultsEnabled?(): Promise<boolean | undefined>;
}
