/**
 * Which credential signs caac in to Microsoft Graph, and how it is described in the log. The
 * method is chosen explicitly (`auth`) or by what the environment provides; every path names the
 * input, flag or variable to set when something it needs is missing. Secrets and tokens are never
 * part of a description or an error.
 */
import { readFileSync } from 'node:fs';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { ConfigurationError } from '../errors.js';
import type { Cloud } from './clouds.js';

export type AuthMethod = 'oidc' | 'secret' | 'certificate' | 'workload-identity' | 'managed-identity' | 'azure-cli' | 'token';

export const AUTH_METHODS: readonly AuthMethod[] = ['oidc', 'secret', 'certificate', 'workload-identity', 'managed-identity', 'azure-cli', 'token'];

/** The audience GitHub's OIDC token must carry for Entra ID's federated credentials. */
export const OIDC_AUDIENCE = 'api://AzureADTokenExchange';

export interface CredentialOptions {
  auth?: AuthMethod;
  tenantId?: string;
  clientId?: string;
  tokenFile?: string;
  env: Record<string, string | undefined>;
  cloud: Cloud;
  /** A non-default Graph URL was given: only a static token is picked without an explicit `auth`. */
  customGraphUrl: boolean;
  getIdToken?: (audience: string) => Promise<string>;
}

export interface ChosenCredential {
  method: AuthMethod;
  credential: TokenCredential;
  /** Tenant id when the configuration names one. */
  tenantId?: string;
  clientId?: string;
  /** e.g. "client secret for app 1234abcd… in tenant 3f2b6c1d…"; never a secret. */
  description: string;
}

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim());

const short = (id: string): string => (id.length > 8 ? `${id.slice(0, 8)}…` : id);

const HOW_TENANT = "set the tenant-id input, the --tenant-id flag, or the AZURE_TENANT_ID environment variable";
const HOW_CLIENT = "set the client-id input, the --client-id flag, or the AZURE_CLIENT_ID environment variable";

/** A bearer token someone already holds: CAAC_ACCESS_TOKEN, or a file read again whenever the token is needed. */
export class StaticTokenCredential implements TokenCredential {
  constructor(private readonly source: { token: string } | { file: string }) {}

  getToken(): Promise<AccessToken> {
    let token: string;
    if ('token' in this.source) token = this.source.token;
    else {
      try {
        token = readFileSync(this.source.file, 'utf8').trim();
      } catch (e) {
        return Promise.reject(new ConfigurationError(`Cannot read the token file '${this.source.file}' (${(e as NodeJS.ErrnoException).code ?? 'error'}): check the --token-file flag / token-file input.`));
      }
      if (token === '') return Promise.reject(new ConfigurationError(`The token file '${this.source.file}' is empty.`));
    }
    // We cannot know when someone else's token expires: re-read it every few minutes.
    return Promise.resolve({ token: token.replace(/^Bearer\s+/i, ''), expiresOnTimestamp: Date.now() + 10 * 60_000 });
  }
}

type Identity = typeof import('@azure/identity');

/**
 * An @azure/identity credential, built when the first token is asked for: the identity stack (MSAL
 * and its HTTP pipeline, a fifth of the bundle) loads only when caac signs in with it, never for a
 * static token, an emulator, validate or --version.
 */
export class LazyCredential implements TokenCredential {
  private built?: Promise<TokenCredential>;

  constructor(private readonly build: (identity: Identity) => TokenCredential) {}

  /** The credential itself (loading @azure/identity the first time). */
  load(): Promise<TokenCredential> {
    this.built ??= import('@azure/identity').then((identity) => this.build(identity));
    return this.built;
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    return (await this.load()).getToken(scopes, options);
  }
}

/** GitHub's id-token endpoint, as @actions/core's getIDToken calls it; used when the face passes no getIdToken. */
export function githubIdTokenFromEnv(env: Record<string, string | undefined>): ((audience: string) => Promise<string>) | undefined {
  const url = nonEmpty(env.ACTIONS_ID_TOKEN_REQUEST_URL);
  const requestToken = nonEmpty(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
  if (url === undefined || requestToken === undefined) return undefined;
  return async (audience: string) => {
    const u = new URL(url);
    u.searchParams.set('audience', audience);
    const res = await fetch(u, { headers: { Authorization: `Bearer ${requestToken}`, Accept: 'application/json' } });
    if (!res.ok) throw new ConfigurationError(`GitHub refused an OIDC token (HTTP ${res.status}): the workflow needs 'permissions: id-token: write'.`);
    const body = (await res.json()) as { value?: unknown };
    if (typeof body.value !== 'string') throw new ConfigurationError('GitHub answered the OIDC token request without a token.');
    return body.value;
  };
}

/** The method `auth` names, or the one the environment provides. */
export function detectAuthMethod(o: Pick<CredentialOptions, 'auth' | 'env' | 'tokenFile' | 'customGraphUrl' | 'getIdToken'>): AuthMethod {
  if (o.auth !== undefined) {
    if (!AUTH_METHODS.includes(o.auth)) {
      throw new ConfigurationError(`Unknown auth method '${String(o.auth)}': set the auth input / --auth flag to one of ${AUTH_METHODS.join(', ')}.`);
    }
    return o.auth;
  }
  const env = o.env;
  const hasToken = nonEmpty(env.CAAC_ACCESS_TOKEN) !== undefined || nonEmpty(o.tokenFile) !== undefined;
  if (o.customGraphUrl) {
    // A custom Graph URL (an emulator, a proxy) never receives a real credential unless asked for.
    if (hasToken) return 'token';
    throw new ConfigurationError(
      'A custom Graph URL is set but no credential is configured for it: set CAAC_ACCESS_TOKEN (any value works for the emulator) or --token-file, or choose a method explicitly with --auth / the auth input.',
    );
  }
  if (hasToken) return 'token';
  if (nonEmpty(env.ACTIONS_ID_TOKEN_REQUEST_URL) !== undefined && (o.getIdToken !== undefined || nonEmpty(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) !== undefined)) return 'oidc';
  if (nonEmpty(env.AZURE_CLIENT_SECRET) !== undefined) return 'secret';
  if (nonEmpty(env.AZURE_CLIENT_CERTIFICATE_PATH) !== undefined) return 'certificate';
  if (nonEmpty(env.AZURE_FEDERATED_TOKEN_FILE) !== undefined) return 'workload-identity';
  if (nonEmpty(env.IDENTITY_ENDPOINT) !== undefined || nonEmpty(env.MSI_ENDPOINT) !== undefined) return 'managed-identity';
  return 'azure-cli';
}

/** Chooses the credential (no network, and no @azure/identity until the first getToken). */
export function chooseCredential(o: CredentialOptions): ChosenCredential {
  const method = detectAuthMethod(o);
  const env = o.env;
  const tenantId = nonEmpty(o.tenantId) ?? nonEmpty(env.AZURE_TENANT_ID);
  const clientId = nonEmpty(o.clientId) ?? nonEmpty(env.AZURE_CLIENT_ID);
  const authorityHost = o.cloud.authorityHost;
  const cloudNote = o.cloud.name === 'global' ? '' : ` (${o.cloud.name} cloud)`;
  const need = (what: string): { tenantId: string; clientId: string } => {
    if (tenantId === undefined) throw new ConfigurationError(`Signing in with ${what} needs the tenant id: ${HOW_TENANT}.`);
    if (clientId === undefined) throw new ConfigurationError(`Signing in with ${what} needs the application (client) id: ${HOW_CLIENT}.`);
    return { tenantId, clientId };
  };
  const app = (t: string, c: string): string => `app ${short(c)} in tenant ${short(t)}${cloudNote}`;

  switch (method) {
    case 'token': {
      const token = nonEmpty(env.CAAC_ACCESS_TOKEN);
      const file = nonEmpty(o.tokenFile);
      if (file !== undefined) {
        return { method, credential: new StaticTokenCredential({ file }), tenantId, clientId, description: `a bearer token read from ${file}` };
      }
      if (token === undefined) {
        throw new ConfigurationError('Static token sign-in needs a token: set the CAAC_ACCESS_TOKEN environment variable or pass --token-file / the token-file input.');
      }
      return { method, credential: new StaticTokenCredential({ token }), tenantId, clientId, description: 'a bearer token from CAAC_ACCESS_TOKEN' };
    }
    case 'oidc': {
      const ids = need('GitHub OIDC');
      const getIdToken = o.getIdToken ?? githubIdTokenFromEnv(env);
      if (getIdToken === undefined) {
        throw new ConfigurationError("GitHub OIDC needs an id token, which GitHub provides only to jobs with 'permissions: id-token: write' (ACTIONS_ID_TOKEN_REQUEST_URL is not set).");
      }
      // The GitHub token lives about five minutes: fetch a fresh one every time Entra ID asks.
      const credential = new LazyCredential((az) => new az.ClientAssertionCredential(ids.tenantId, ids.clientId, () => getIdToken(OIDC_AUDIENCE), { authorityHost }));
      return { method, credential, tenantId: ids.tenantId, clientId: ids.clientId, description: `GitHub OIDC (federated credential) for ${app(ids.tenantId, ids.clientId)}` };
    }
    case 'secret': {
      const ids = need('a client secret');
      const secret = nonEmpty(env.AZURE_CLIENT_SECRET);
      if (secret === undefined) throw new ConfigurationError('Client secret sign-in needs the secret: set the AZURE_CLIENT_SECRET environment variable (from a secret store, never a file in the repository).');
      return { method, credential: new LazyCredential((az) => new az.ClientSecretCredential(ids.tenantId, ids.clientId, secret, { authorityHost })), tenantId: ids.tenantId, clientId: ids.clientId, description: `client secret for ${app(ids.tenantId, ids.clientId)}` };
    }
    case 'certificate': {
      const ids = need('a client certificate');
      const certificatePath = nonEmpty(env.AZURE_CLIENT_CERTIFICATE_PATH);
      if (certificatePath === undefined) throw new ConfigurationError('Certificate sign-in needs a PEM file with the certificate and its private key: set the AZURE_CLIENT_CERTIFICATE_PATH environment variable.');
      const certificatePassword = nonEmpty(env.AZURE_CLIENT_CERTIFICATE_PASSWORD);
      const credential = new LazyCredential(
        (az) => new az.ClientCertificateCredential(ids.tenantId, ids.clientId, certificatePassword === undefined ? { certificatePath } : { certificatePath, certificatePassword }, { authorityHost }),
      );
      return { method, credential, tenantId: ids.tenantId, clientId: ids.clientId, description: `client certificate ${certificatePath} for ${app(ids.tenantId, ids.clientId)}` };
    }
    case 'workload-identity': {
      const ids = need('workload identity');
      const tokenFilePath = nonEmpty(env.AZURE_FEDERATED_TOKEN_FILE);
      if (tokenFilePath === undefined) throw new ConfigurationError('Workload identity sign-in needs the federated token file: set the AZURE_FEDERATED_TOKEN_FILE environment variable.');
      const credential = new LazyCredential((az) => new az.WorkloadIdentityCredential({ tenantId: ids.tenantId, clientId: ids.clientId, tokenFilePath, authorityHost }));
      return { method, credential, tenantId: ids.tenantId, clientId: ids.clientId, description: `workload identity (token file ${tokenFilePath}) for ${app(ids.tenantId, ids.clientId)}` };
    }
    case 'managed-identity': {
      const credential = new LazyCredential((az) => (clientId === undefined ? new az.ManagedIdentityCredential({ authorityHost }) : new az.ManagedIdentityCredential({ clientId, authorityHost })));
      const who = clientId === undefined ? 'system-assigned managed identity' : `user-assigned managed identity ${short(clientId)}`;
      return { method, credential, tenantId, clientId, description: `${who}${tenantId === undefined ? '' : ` in tenant ${short(tenantId)}`}${cloudNote}` };
    }
    case 'azure-cli': {
      const credential = new LazyCredential((az) => new az.AzureCliCredential(tenantId === undefined ? {} : { tenantId }));
      return { method, credential, tenantId, clientId, description: `the Azure CLI's signed-in account${tenantId === undefined ? '' : ` in tenant ${short(tenantId)}`}${cloudNote} (run 'az login' first)` };
    }
  }
}
