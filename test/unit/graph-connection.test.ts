/**
 * Graph connection pieces that need no network: credential selection, the cloud table,
 * descriptions without secrets, endpoint keys, pacing arithmetic, retry timing, error hints.
 */
import { AzureCliCredential, ClientAssertionCredential, ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential, WorkloadIdentityCredential, type TokenCredential } from '@azure/identity';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, GraphError } from '../../src/errors.js';
import { cloudByName } from '../../src/graph/clouds.js';
import { connectGraph } from '../../src/graph/connect.js';
import { chooseCredential, detectAuthMethod, LazyCredential, StaticTokenCredential, type CredentialOptions } from '../../src/graph/credentials.js';
import { odataString } from '../../src/graph/directory.js';
import { errorFromAnswer, permissionHint } from '../../src/graph/http.js';
import { backoffDelay, isTransientNetworkError, parseRetryAfter } from '../../src/graph/retry-middleware.js';
import { conditionalAccessCost, endpointKey, isConditionalAccessPath } from '../../src/graph/endpoints.js';
import { redact } from '../../src/graph/auth-middleware.js';
import { TokenBucket } from '../../src/graph/pacing-middleware.js';

const TENANT = '3f2b6c1d-8e4a-4b7f-9c2d-5a6e7f8091ab';
const CLIENT = '1234abcd-0000-4000-8000-00000000beef';
const SECRET = 'sup3r~s3cret.Value_that-must-not-leak';

/** The credential behind a LazyCredential (built now), or the credential itself. */
const built = (credential: TokenCredential): Promise<TokenCredential> => (credential instanceof LazyCredential ? credential.load() : Promise.resolve(credential));

const base = (env: Record<string, string | undefined>, extra: Partial<CredentialOptions> = {}): CredentialOptions => ({
  env, cloud: cloudByName('global'), customGraphUrl: false, ...extra,
});

describe('credential selection', () => {
  const ids = { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT };

  test.each([
    ['token', { CAAC_ACCESS_TOKEN: 'abc' }, StaticTokenCredential],
    ['oidc', { ...ids, ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/?x=1', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'gh' }, ClientAssertionCredential],
    ['secret', { ...ids, AZURE_CLIENT_SECRET: SECRET }, ClientSecretCredential],
    ['certificate', { ...ids, AZURE_CLIENT_CERTIFICATE_PATH: '/nonexistent/cert.pem' }, ClientCertificateCredential],
    ['workload-identity', { ...ids, AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/token' }, WorkloadIdentityCredential],
    ['managed-identity', { IDENTITY_ENDPOINT: 'http://169.254.169.254/x' }, ManagedIdentityCredential],
    ['azure-cli', {}, AzureCliCredential],
  ])('%s is detected from the environment and built without network', async (method, env, cls) => {
    const chosen = chooseCredential(base(env));
    expect(chosen.method).toBe(method);
    // @azure/identity's credentials are built when the first token is asked for (it loads only then).
    expect(chosen.credential).toBeInstanceOf(method === 'token' ? StaticTokenCredential : LazyCredential);
    expect(await built(chosen.credential)).toBeInstanceOf(cls);
    expect(chosen.description).not.toContain(SECRET);
  });

  test('detection order: token, OIDC, secret, certificate, workload identity, Azure CLI', () => {
    const all = {
      ...ids, CAAC_ACCESS_TOKEN: 't', ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x', AZURE_CLIENT_SECRET: 's',
      AZURE_CLIENT_CERTIFICATE_PATH: '/c.pem', AZURE_FEDERATED_TOKEN_FILE: '/f',
    };
    const getIdToken = async (): Promise<string> => 'id';
    const order: string[] = [];
    const env: Record<string, string | undefined> = { ...all };
    for (const drop of ['CAAC_ACCESS_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_FEDERATED_TOKEN_FILE', '']) {
      order.push(detectAuthMethod({ env, customGraphUrl: false, getIdToken }));
      delete env[drop];
    }
    expect(order).toEqual(['token', 'oidc', 'secret', 'certificate', 'workload-identity', 'azure-cli']);
    // OIDC needs either the face's getIdToken or GitHub's request token.
    expect(detectAuthMethod({ env: { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x', AZURE_CLIENT_SECRET: 's' }, customGraphUrl: false })).toBe('secret');
  });

  test('explicit auth wins over the environment', () => {
    expect(chooseCredential(base({ ...ids, AZURE_CLIENT_SECRET: SECRET }, { auth: 'azure-cli' })).method).toBe('azure-cli');
    expect(chooseCredential(base({}, { auth: 'managed-identity', clientId: CLIENT })).description).toBe('user-assigned managed identity 1234abcd…');
  });

  test('OIDC asks the face for a token with the Entra ID audience, each time', async () => {
    const audiences: string[] = [];
    const chosen = chooseCredential(base({ ...ids, ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x' }, { getIdToken: async (a) => (audiences.push(a), 'id-token') }));
    expect(chosen.method).toBe('oidc');
    expect(chosen.description).toBe('GitHub OIDC (federated credential) for app 1234abcd… in tenant 3f2b6c1d…');
    // The assertion callback is internal to @azure/identity; reach it as MSAL would.
    const getAssertion = ((await built(chosen.credential)) as unknown as { getAssertion: () => Promise<string> }).getAssertion;
    expect(typeof getAssertion).toBe('function');
    expect(await getAssertion()).toBe('id-token');
    await getAssertion();
    expect(audiences).toEqual(['api://AzureADTokenExchange', 'api://AzureADTokenExchange']);
  });

  test.each([
    ['secret', { AZURE_CLIENT_SECRET: 's' }, /tenant id: set the tenant-id input, the --tenant-id flag, or the AZURE_TENANT_ID/],
    ['secret', { AZURE_CLIENT_SECRET: 's', AZURE_TENANT_ID: TENANT }, /client\) id: set the client-id input, the --client-id flag, or the AZURE_CLIENT_ID/],
    ['certificate', { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT }, /AZURE_CLIENT_CERTIFICATE_PATH/],
    ['workload-identity', { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT }, /AZURE_FEDERATED_TOKEN_FILE/],
    ['oidc', { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT }, /id-token: write/],
    ['token', {}, /CAAC_ACCESS_TOKEN/],
  ] as const)('%s without what it needs is a ConfigurationError naming it', (auth, env, message) => {
    const run = (): unknown => chooseCredential(base(env, { auth }));
    expect(run).toThrow(ConfigurationError);
    expect(run).toThrow(message);
  });

  test('a custom Graph URL gets only a static token unless auth is explicit', () => {
    expect(() => chooseCredential(base({ AZURE_CLIENT_SECRET: SECRET, ...ids }, { customGraphUrl: true }))).toThrow(ConfigurationError);
    expect(chooseCredential(base({ CAAC_ACCESS_TOKEN: 'test' }, { customGraphUrl: true })).method).toBe('token');
    expect(chooseCredential(base({ AZURE_CLIENT_SECRET: SECRET, ...ids }, { customGraphUrl: true, auth: 'secret' })).method).toBe('secret');
    expect(() => connectGraph({ graphUrl: 'http://127.0.0.1:1', env: {} })).toThrow(/CAAC_ACCESS_TOKEN/);
  });

  test('a token file is read when the token is needed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'caac-token-'));
    const file = join(dir, 'token');
    writeFileSync(file, 'Bearer abc.def\n');
    const chosen = chooseCredential(base({}, { tokenFile: file }));
    expect(chosen.method).toBe('token');
    expect((await chosen.credential.getToken('x'))?.token).toBe('abc.def');
    await expect(new StaticTokenCredential({ file: join(dir, 'missing') }).getToken()).rejects.toThrow(/token file/);
  });
});

describe('clouds and describe()', () => {
  test.each([
    ['global', 'https://graph.microsoft.com', 'https://login.microsoftonline.com'],
    ['usgov', 'https://graph.microsoft.us', 'https://login.microsoftonline.us'],
    ['usgovdod', 'https://dod-graph.microsoft.us', 'https://login.microsoftonline.us'],
    ['china', 'https://microsoftgraph.chinacloudapi.cn', 'https://login.chinacloudapi.cn'],
  ])('%s', (name, graph, authority) => {
    const c = cloudByName(name);
    expect(c).toEqual({ name, graphUrl: graph, authorityHost: authority, scope: `${graph}/.default` });
    const conn = connectGraph({ cloud: c.name, env: { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: SECRET } });
    expect(conn.tenant.graphUrl).toBe(graph);
    expect(conn.describe()).toContain(`${graph}/v1.0`);
  });

  test('an unknown cloud is a ConfigurationError', () => {
    expect(() => cloudByName('mars')).toThrow(/global, usgov, usgovdod, china/);
  });

  test('describe() names the method and never the secret or token', () => {
    const secret = connectGraph({ env: { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: SECRET }, apiVersion: 'beta' });
    expect(secret.describe()).toBe('client secret for app 1234abcd… in tenant 3f2b6c1d…, Graph https://graph.microsoft.com/beta');
    // The configured id is not the tenant until the token confirms it (nothing signed in yet).
    expect(secret.tenant.tenantId).toBe('');
    const token = connectGraph({ graphUrl: 'http://127.0.0.1:4000/v1.0/', env: { CAAC_ACCESS_TOKEN: SECRET } });
    expect(token.describe()).toBe('a bearer token from CAAC_ACCESS_TOKEN, Graph http://127.0.0.1:4000/v1.0');
    expect(token.describe()).not.toContain(SECRET);
    const usgov = connectGraph({ cloud: 'usgov', env: { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_CERTIFICATE_PATH: '/c.pem' } });
    expect(usgov.describe()).toBe('client certificate /c.pem for app 1234abcd… in tenant 3f2b6c1d… (usgov cloud), Graph https://graph.microsoft.us/v1.0');
  });

  test('bad numbers and URLs are ConfigurationErrors', () => {
    const env = { CAAC_ACCESS_TOKEN: 't' };
    expect(() => connectGraph({ graphUrl: 'not a url', env })).toThrow(ConfigurationError);
    expect(() => connectGraph({ graphUrl: 'http://x', env, rateLimit: 0 })).toThrow(/rate limit/);
    expect(() => connectGraph({ graphUrl: 'http://x', env, apiVersion: 'v2' as 'beta' })).toThrow(/v1\.0 or beta/);
  });
});

describe('endpoint keys and the Conditional Access budget', () => {
  test('ids become {id}, like the emulator', () => {
    expect(endpointKey('get', '/v1.0/identity/conditionalAccess/policies/5b1e0f7a-1111-4222-8333-444455556666')).toBe('GET /v1.0/identity/conditionalAccess/policies/{id}');
    expect(endpointKey('POST', '/v1.0/directoryObjects/getByIds')).toBe('POST /v1.0/directoryObjects/getByIds');
    expect(endpointKey('GET', '/beta/policies/authenticationStrengthPolicies/custom-id')).toBe('GET /beta/policies/authenticationStrengthPolicies/{id}');
    expect(endpointKey('GET', "/v1.0/servicePrincipals(appId='797f4846-ba00-4fd7-ba43-dac1f8f63013')")).toBe("GET /v1.0/servicePrincipals(appId='{id}')");
    expect(endpointKey('POST', '/v1.0/identity/conditionalAccess/deletedItems/policies/abc/restore')).toBe('POST /v1.0/identity/conditionalAccess/deletedItems/policies/{id}/restore');
  });

  test('CA paths, also inside a $batch', () => {
    expect(isConditionalAccessPath('/v1.0/identity/conditionalAccess/namedLocations')).toBe(true);
    expect(isConditionalAccessPath('identity/conditionalAccess/policies?$top=1')).toBe(true);
    expect(isConditionalAccessPath('/v1.0/policies/authenticationStrengthPolicies')).toBe(false);
    const body = JSON.stringify({ requests: [{ url: '/identity/conditionalAccess/policies/1' }, { url: '/users?x' }, { url: 'identity/conditionalAccess/namedLocations' }] });
    expect(conditionalAccessCost('https://graph.microsoft.com/v1.0/$batch', 'https://graph.microsoft.com', body)).toBe(2);
    expect(conditionalAccessCost('https://graph.microsoft.com/v1.0/users', 'https://graph.microsoft.com', undefined)).toBe(0);
  });
});

describe('pacing and retry arithmetic', () => {
  test('the token bucket lets a burst through, then waits about 1/rate per request', async () => {
    let now = 0;
    const waits: number[] = [];
    const bucket = new TokenBucket(1, 2, () => now, async (ms) => {
      waits.push(ms);
      now += ms;
    });
    for (let i = 0; i < 5; i += 1) await bucket.take();
    expect(waits).toHaveLength(3);
    // Paced at 95% of the rate: a little over a second apart.
    for (const w of waits) expect(w).toBeGreaterThanOrEqual(1000);
    expect(now).toBeLessThan(3 * 1100);
    bucket.drain();
    await bucket.take();
    expect(waits).toHaveLength(4);
  });

  test('Retry-After in seconds or as a date; backoff with full jitter and a cap', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(backoffDelay(1, 1000, 30_000, () => 1)).toBe(1000);
    expect(backoffDelay(4, 1000, 30_000, () => 0.5)).toBe(4000);
    expect(backoffDelay(20, 1000, 30_000, () => 1)).toBe(30_000);
    expect(backoffDelay(3, 1000, 30_000, () => 0)).toBe(0);
  });

  test('which network failures are transient', () => {
    const fetchFailed = (code: string, message = 'x'): Error => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(message), { code }) });
    expect(isTransientNetworkError(fetchFailed('ECONNRESET'))).toBe(true);
    expect(isTransientNetworkError(fetchFailed('UND_ERR_SOCKET', 'other side closed'))).toBe(true);
    expect(isTransientNetworkError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransientNetworkError(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }))).toBe(true);
    expect(isTransientNetworkError(fetchFailed('ECONNREFUSED'))).toBe(false);
    expect(isTransientNetworkError(fetchFailed('UNABLE_TO_VERIFY_LEAF_SIGNATURE'))).toBe(false);
    expect(isTransientNetworkError('nope')).toBe(false);
  });

  test("fetch's own refusal of a blocked port is not retried for two minutes", async () => {
    // Port 9 is on fetch's list of bad ports: it fails before any connection, every time.
    const refused = await fetch('http://127.0.0.1:9/').catch((e: unknown) => e);
    expect((refused as Error).message).toBe('fetch failed'); // (a TypeError of Node's realm, not jest's)
    expect(isTransientNetworkError(refused)).toBe(false);
  });
});

describe('errors', () => {
  const describe403 = (method: string, path: string): string => permissionHint(method, path, 403, () => 'x');

  test('a 403 names the permission the call needs', () => {
    expect(describe403('GET', '/v1.0/identity/conditionalAccess/policies')).toMatch(/Policy\.Read\.All/);
    expect(describe403('GET', '/v1.0/identity/conditionalAccess/policies')).not.toMatch(/ReadWrite/);
    expect(describe403('PATCH', '/v1.0/identity/conditionalAccess/policies/1')).toMatch(/Policy\.Read\.All and Policy\.ReadWrite\.ConditionalAccess/);
    expect(describe403('POST', '/v1.0/policies/authenticationStrengthPolicies')).toMatch(/Policy\.ReadWrite\.ConditionalAccess/);
    expect(describe403('GET', '/v1.0/users')).toMatch(/Directory\.Read\.All/);
  });

  test('an error answer becomes a GraphError with code, request id, and no token', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJ0aWQiOiJ4In0.c2lnbmF0dXJl';
    const e = errorFromAnswer('GET', '/v1.0/identity/conditionalAccess/policies', {
      status: 401,
      headers: new Headers(),
      body: { error: { code: 'InvalidAuthenticationToken', message: `Token ${jwt} expired.`, innerError: { 'request-id': 'rid-1' } } },
    }, () => 'a bearer token from CAAC_ACCESS_TOKEN');
    expect(e).toBeInstanceOf(GraphError);
    expect(e.status).toBe(401);
    expect(e.code).toBe('InvalidAuthenticationToken');
    expect(e.requestId).toBe('rid-1');
    expect(e.message).toMatch(/refused the credential \(a bearer token from CAAC_ACCESS_TOKEN\)/);
    expect(e.message).not.toContain(jwt);
    expect(redact('Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123')).toBe('Authorization: Bearer [redacted]');
  });

  test("OData string literals double their quotes", () => {
    expect(odataString("O'Brien's")).toBe("'O''Brien''s'");
  });
});
