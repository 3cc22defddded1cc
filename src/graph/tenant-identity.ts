/**
 * Which tenant a connection works on. The credential's token decides it (its `tid` claim), or,
 * for a token that is not a JWT (the emulator's, a hand-made one), Graph's `GET /organization`.
 * A tenant id the user configured is only a claim: when it disagrees with the token the run stops
 * before anything is read or written, naming both ids. Trusting the flag instead would let a plan
 * say one tenant while the token reads and writes another.
 */
import { ConfigurationError, GraphError } from '../errors.js';
import { isGuid } from '../model/references.js';

export interface TenantIdentityOptions {
  /** The tenant id the user configured (flag, input or AZURE_TENANT_ID), if any. */
  configured?: string;
  /** How the user set it, for the message: `--tenant-id`, `the tenant-id input`, `AZURE_TENANT_ID`. */
  configuredFrom: string;
  /** Signs in (if not yet) and gives the token's `tid`, when the token is a JWT that has one. */
  tokenTenantId: () => Promise<string | undefined>;
  /** Graph's `GET /organization` id: asked only when the token does not say. */
  organizationId: () => Promise<string | undefined>;
}

export interface TenantIdentity {
  /** The tenant id, checked against the configured one; the first call signs in (and may ask Graph once). */
  resolve: () => Promise<string>;
  /** The checked tenant id, or '' until `resolve` has settled. */
  known: () => string;
}

export function tenantIdentity(o: TenantIdentityOptions): TenantIdentity {
  const configured = o.configured?.trim() || undefined;
  if (configured !== undefined && !isGuid(configured)) {
    throw new ConfigurationError(
      `${o.configuredFrom} is "${configured}", which is not a tenant id: give the tenant's id (a GUID, the "Tenant ID" on the Microsoft Entra overview page), so caac can check it is the tenant the token belongs to.`,
    );
  }
  let known = '';
  let resolving: Promise<string> | undefined;
  const discover = async (): Promise<string> => {
    const fromToken = await o.tokenTenantId();
    const actual = fromToken !== undefined && isGuid(fromToken) ? fromToken : await o.organizationId();
    if (actual === undefined || !isGuid(actual)) {
      throw new GraphError(
        'cannot tell which tenant the token belongs to: it carries no tenant id (tid) and GET /organization named none. caac works only on the tenant its token belongs to.',
        0,
        'UnknownTenant',
      );
    }
    if (configured !== undefined && configured.toLowerCase() !== actual.toLowerCase()) {
      throw new ConfigurationError(
        `the token belongs to tenant ${actual}, but ${o.configuredFrom} says ${configured}: nothing was read or changed. caac works on the tenant the token belongs to; sign in to tenant ${configured}, or set ${o.configuredFrom} to ${actual} if that is the tenant you mean.`,
      );
    }
    known = actual;
    return actual;
  };
  return {
    resolve: () => (resolving ??= discover()),
    known: () => known,
  };
}
