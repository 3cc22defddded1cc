/**
 * The pipeline's OIDC token for a service connection with workload identity federation: Azure
 * DevOps issues it at `System.OidcRequestUri` to a job holding `System.AccessToken`, for one
 * service connection. It is short-lived, so the caller asks again whenever Entra ID needs a new
 * client assertion. The token is never logged or put in an error.
 */
import { ConfigurationError } from '../errors.js';

export interface OidcRequest {
  /** `SYSTEM_OIDCREQUESTURI`. */
  requestUri: string;
  /** The service connection's id (the task's connectedServiceNameARM input). */
  serviceConnectionId: string;
  /** `System.AccessToken`. */
  accessToken: string;
}

export async function requestPipelineOidcToken(request: OidcRequest, fetchImpl: typeof fetch = fetch): Promise<string> {
  let url: URL;
  try {
    url = new URL(request.requestUri);
  } catch {
    throw new ConfigurationError(`SYSTEM_OIDCREQUESTURI is not a URL; workload identity federation needs an Azure Pipelines agent that provides it.`);
  }
  url.searchParams.set('api-version', '7.1');
  url.searchParams.set('serviceConnectionId', request.serviceConnectionId);
  const res = await fetchImpl(url, {
    method: 'POST',
    headers: { Authorization: `Bearer ${request.accessToken}`, 'Content-Type': 'application/json', Accept: 'application/json' },
  });
  if (!res.ok) {
    throw new ConfigurationError(
      `Azure DevOps refused an OIDC token for service connection ${request.serviceConnectionId} (HTTP ${res.status}): check that the connection uses workload identity federation and that this pipeline may use it.`,
    );
  }
  const body = (await res.json().catch(() => undefined)) as { oidcToken?: unknown } | undefined;
  if (typeof body?.oidcToken !== 'string' || body.oidcToken === '') throw new ConfigurationError('Azure DevOps answered the OIDC token request without a token.');
  return body.oidcToken;
}
