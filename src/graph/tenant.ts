/**
 * The `Tenant` port over Microsoft Graph: one paged list per kind to read, POST/PATCH/DELETE to
 * change. Conditional Access calls are paced by the middleware, so callers need not.
 */
import { GraphError } from '../errors.js';
import { escapeLogValue } from '../model/log-text.js';
import { configurationKey, reconcileConfigurations, type ConfigurationChanges } from '../model/combination-configurations.js';
import { DOCUMENT_KINDS, type DocumentKind, type JsonObject, type JsonValue } from '../model/documents.js';
import type { RequestTally, TenantSnapshot } from '../model/tenant.js';
import type { Tenant } from '../ports/tenant.js';
import type { GraphHttp } from './http.js';

/** Where each kind lives, under the API version. */
export const KIND_PATHS: Record<DocumentKind, string> = {
  policy: 'identity/conditionalAccess/policies',
  namedLocation: 'identity/conditionalAccess/namedLocations',
  authenticationStrength: 'policies/authenticationStrengthPolicies',
};

export interface GraphTenantOptions {
  /** Sent as $top on the lists; unset, Graph picks its page size. */
  pageSize?: number;
  /** The tenant the token belongs to (its tid, or GET /organization), checked against a configured one; throws when they disagree. */
  tenantId: () => Promise<string>;
  knownTenantId: () => string;
  requests: () => RequestTally;
}

export class GraphTenant implements Tenant {
  constructor(
    private readonly http: GraphHttp,
    private readonly o: GraphTenantOptions,
  ) {}

  /** The tenant the token belongs to, once the first read or write has checked it; '' until then. */
  get tenantId(): string {
    return this.o.knownTenantId();
  }

  get graphUrl(): string {
    return this.http.baseUrl;
  }

  private listTarget(kind: DocumentKind): string {
    return this.o.pageSize === undefined ? KIND_PATHS[kind] : `${KIND_PATHS[kind]}?$top=${this.o.pageSize}`;
  }

  async read(kinds: readonly DocumentKind[] = DOCUMENT_KINDS): Promise<TenantSnapshot> {
    // Which tenant first: a configured tenant id that is not the token's stops the run here.
    const tenantId = await this.o.tenantId();
    // Sequential on purpose: the CA lists share one throttle budget, and order keeps logs readable.
    // A kind not asked for costs nothing: its list stays empty.
    const list = async (kind: DocumentKind): Promise<JsonObject[]> => (kinds.includes(kind) ? this.http.list(this.listTarget(kind)) : []);
    const policies = await list('policy');
    const namedLocations = await list('namedLocation');
    const authenticationStrengths = await list('authenticationStrength');
    return {
      tenantId,
      graphUrl: this.http.baseUrl,
      apiVersion: this.http.apiVersion,
      policies,
      namedLocations,
      authenticationStrengths,
    };
  }

  async create(kind: DocumentKind, body: JsonObject): Promise<JsonObject> {
    await this.o.tenantId(); // never a write to a tenant that was not checked
    // A strength's combination configurations have an endpoint of their own: the strength first.
    const { combinationConfigurations, ...rest } = body;
    const strengthConfigurations = kind === 'authenticationStrength' && Array.isArray(combinationConfigurations) ? combinationConfigurations : undefined;
    // Not idempotent: retried only on 429. The caller checks by name after an unclear failure.
    const created = await this.http.call('POST', KIND_PATHS[kind], kind === 'authenticationStrength' ? rest : body, { onlyThrottled: true });
    if (created === undefined) throw new GraphError(`POST /${this.http.apiVersion}/${KIND_PATHS[kind]} answered no JSON body: the created object's id is unknown.`, 0, 'UnexpectedResponse');
    if (strengthConfigurations?.length) {
      const id = String(created['id']);
      await this.afterStrengthWrite(id, String(body['displayName']), () => this.writeConfigurations(id, reconcileConfigurations(strengthConfigurations, [])));
    }
    return created;
  }

  /**
   * Makes a strength's configurations match: deletes first (updateAllowedCombinations may not drop a
   * combination that a configuration still restricts), PATCHes, then creates.
   */
  private async writeConfigurations(strengthId: string, changes: ConfigurationChanges): Promise<void> {
    const base = `${KIND_PATHS.authenticationStrength}/${encodeURIComponent(strengthId)}/combinationConfigurations`;
    for (const id of changes.remove) {
      await this.http.call('DELETE', `${base}/${encodeURIComponent(id)}`).catch((e: unknown) => {
        if (!(e instanceof GraphError && e.status === 404)) throw e; // already gone: what was asked
      });
    }
    for (const { id, body } of changes.update) await this.http.call('PATCH', `${base}/${encodeURIComponent(id)}`, body);
    for (const body of changes.create) {
      try {
        await this.http.call('POST', base, body, { onlyThrottled: true });
      } catch (e) {
        // Not idempotent: after an unclear answer, look before anything else; never POST twice.
        if (!(e instanceof GraphError && (e.status === 0 || e.status >= 500))) throw e;
        const now = await this.http.list(base).catch(() => undefined);
        if (!now?.some((c) => configurationKey(c) === configurationKey(body))) throw e;
      }
    }
  }

  /**
   * A failure after the strength itself was written is not the strength's: it must not read as
   * an unclear create (which the caller would look up by name, find, and count as done).
   */
  private async afterStrengthWrite(id: string, displayName: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      throw new Error(`authentication strength "${escapeLogValue(displayName)}" (${escapeLogValue(id)}) was written, but its combination configurations were not: ${reason}. Make the plan again: it shows what is left.`, { cause: e });
    }
  }

  async update(kind: DocumentKind, id: string, body: JsonObject): Promise<void> {
    await this.o.tenantId();
    const path = `${KIND_PATHS[kind]}/${encodeURIComponent(id)}`;
    if (kind === 'authenticationStrength' && Array.isArray(body['combinationConfigurations'])) {
      // The configurations have their own endpoint: compare with what the tenant holds (one GET).
      const { combinationConfigurations: desired, ...strength } = body;
      const live = await this.http.list(`${path}/combinationConfigurations`);
      const changes = reconcileConfigurations(desired as JsonValue[], live);
      // Deletions first: updateAllowedCombinations may not drop a combination still configured.
      await this.writeConfigurations(id, { remove: changes.remove, update: [], create: [] });
      await this.update(kind, id, strength);
      await this.writeConfigurations(id, { remove: [], update: changes.update, create: changes.create });
      return;
    }
    if (kind === 'authenticationStrength' && 'allowedCombinations' in body) {
      // Graph refuses allowedCombinations in a PATCH: it has an action of its own.
      const { allowedCombinations, ...rest } = body;
      if (Object.keys(rest).length > 0) await this.http.call('PATCH', path, rest);
      await this.http.call('POST', `${path}/updateAllowedCombinations`, { allowedCombinations });
      return;
    }
    await this.http.call('PATCH', path, body);
  }

  async findByDisplayName(kind: DocumentKind, displayName: string): Promise<JsonObject[]> {
    const filter = encodeURIComponent(`displayName eq '${displayName.replace(/'/g, "''")}'`);
    return this.http.list(`${KIND_PATHS[kind]}?$filter=${filter}`);
  }

  async readDeleted(kind: DocumentKind): Promise<JsonObject[]> {
    if (kind === 'authenticationStrength') return [];
    return this.http.list(`identity/conditionalAccess/deletedItems/${kind === 'policy' ? 'policies' : 'namedLocations'}`);
  }

  async restoreDeleted(kind: DocumentKind, id: string): Promise<JsonObject | undefined> {
    if (kind === 'authenticationStrength') return undefined; // strengths are not soft-deleted
    await this.o.tenantId();
    // Retried only on 429, like a create: a blind retry after a lost answer gets 404 (the first
    // one worked), which reads as "purged". The caller checks the object by id instead.
    const path = `identity/conditionalAccess/deletedItems/${kind === 'policy' ? 'policies' : 'namedLocations'}/${encodeURIComponent(id)}/restore`;
    return this.http.call('POST', path, {}, { onlyThrottled: true });
  }

  async getById(kind: DocumentKind, id: string): Promise<JsonObject | undefined> {
    try {
      return await this.http.call('GET', `${KIND_PATHS[kind]}/${encodeURIComponent(id)}`);
    } catch (e) {
      if (e instanceof GraphError && e.status === 404) return undefined;
      throw e;
    }
  }

  async remove(kind: DocumentKind, id: string): Promise<void> {
    await this.o.tenantId();
    await this.http.call('DELETE', `${KIND_PATHS[kind]}/${encodeURIComponent(id)}`);
  }

  async securityDefaultsEnabled(): Promise<boolean | undefined> {
    // Not a Conditional Access path: it is not paced with them, and costs one request.
    try {
      const policy = await this.http.call('GET', 'policies/identitySecurityDefaultsEnforcementPolicy');
      return policy?.['isEnabled'] === true;
    } catch (e) {
      if (e instanceof GraphError && e.status === 403) return undefined;
      throw e;
    }
  }

  requests(): RequestTally {
    return this.o.requests();
  }
}
