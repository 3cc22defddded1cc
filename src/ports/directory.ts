/**
 * Port: users, groups, roles and service principals, by id and by name. src/graph/directory.ts
 * implements it over Microsoft Graph (getByIds and in-filters, inside $batch). An implementation
 * may answer a question from what an earlier answer proved (a userPrincipalName or an appId is
 * unique in a tenant), never a name that two objects may share.
 */
import type { DirectoryObject, NameQuery } from '../model/tenant.js';

export interface Directory {
  /**
   * Objects by id: users, groups and service principals through directoryObjects/getByIds (1000
   * ids a call), role templates from one list. Ids not found are absent from the result.
   */
  getByIds(ids: readonly string[]): Promise<DirectoryObject[]>;
  /**
   * Objects by name, many names a request. Each query maps to every match (0, 1, or more: more is
   * ambiguous, and the caller refuses it). Key: `${kind}:${name}` as given.
   */
  findByNames(queries: readonly NameQuery[]): Promise<Map<string, DirectoryObject[]>>;
  /** Service principals by appId (the ids policies hold in includeApplications). */
  getByAppIds(appIds: readonly string[]): Promise<DirectoryObject[]>;
}
