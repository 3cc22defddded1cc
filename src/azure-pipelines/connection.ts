/**
 * How the CLI the task runs signs in, from the task's inputs: the flags and environment that
 * `caac` reads (src/cli/connection-options.ts, src/graph/credentials.ts), never a credential of
 * our own. Three ways:
 * - an Azure Resource Manager service connection with workload identity federation: the
 *   pipeline's OIDC token (src/azdo/oidc.ts) is written to a private file that the CLI's
 *   `workload-identity` method reads as the client assertion, and fetched again every few
 *   minutes while the CLI runs, since it lives only minutes;
 * - the same kind of connection with a secret (or a PEM certificate): `--auth secret|certificate`;
 * - no connection: the CLI's own choice from the step's environment, e.g. a `graphUrl` (an
 *   emulator) with CAAC_ACCESS_TOKEN in the step's `env:`.
 * No token or secret is ever written to the log.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task.js';
import { requestPipelineOidcToken } from '../azdo/oidc.js';
import { ConfigurationError } from '../errors.js';
import { choiceInput, positiveNumberInput, stringInput, variable } from './inputs.js';

export const CONNECTION_INPUT = 'connectedServiceNameARM';
const CLOUDS = ['global', 'usgov', 'usgovdod', 'china'] as const;
type CloudName = (typeof CLOUDS)[number];

/** Azure DevOps' names of the Azure environments (the connection's `environment`) as caac's clouds. */
const CLOUD_OF_ENVIRONMENT: Record<string, CloudName> = { azurecloud: 'global', azureusgovernment: 'usgov', azurechinacloud: 'china' };

/** A re-fetched OIDC token file lives this long before the next fetch (the token itself lives longer). */
const OIDC_REFRESH_MS = 4 * 60_000;

export interface CliConnection {
  args: string[];
  env: Record<string, string>;
  /** Removes the private files and stops the refresh. */
  dispose(): void;
  /** Starts whatever must run beside the CLI (the OIDC refresh); resolves once the first token is there. */
  prepare(): Promise<void>;
}

function privateDir(): string {
  const dir = mkdtempSync(join(variable('Agent.TempDirectory') ?? tmpdir(), 'caac-sign-in-'));
  chmodSync(dir, 0o700);
  return dir;
}

function writePrivate(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
}

function cloudOf(connection: string | undefined): CloudName {
  const chosen = choiceInput('cloud', CLOUDS);
  if (chosen !== undefined) return chosen;
  const environment = connection === undefined ? undefined : tl.getEndpointDataParameter(connection, 'environment', true);
  if (environment === undefined || environment === '') return 'global';
  const cloud = CLOUD_OF_ENVIRONMENT[environment.toLowerCase()];
  if (cloud === undefined) throw new ConfigurationError(`The service connection's Azure environment "${environment}" is not one caac knows: set the cloud input (${CLOUDS.join(', ')}).`);
  return cloud;
}

/** The flags every tenant command shares, from the inputs (the sign-in flags come from `connect`). */
function commonArgs(cloud: CloudName): string[] {
  const args = ['--cloud', cloud];
  const graphUrl = stringInput('graphUrl');
  if (graphUrl !== undefined) args.push('--graph-url', graphUrl);
  const apiVersion = choiceInput('apiVersion', ['v1.0', 'beta'] as const);
  if (apiVersion !== undefined) args.push('--api-version', apiVersion);
  // An environment of caac.yml (tenant, connection and bindings); CAAC_ENVIRONMENT in the step's env works as well.
  const environment = stringInput('environment');
  if (environment !== undefined) args.push('--environment', environment);
  const rate = positiveNumberInput('rateLimit');
  if (rate !== undefined) args.push('--rate-limit', String(rate));
  return args;
}

export function cliConnection(): CliConnection {
  const connection = stringInput(CONNECTION_INPUT);
  const args = commonArgs(cloudOf(connection));
  const tenantOverride = stringInput('tenantId');
  if (connection === undefined) {
    if (tenantOverride !== undefined) args.push('--tenant-id', tenantOverride);
    return { args, env: {}, dispose: () => undefined, prepare: () => Promise.resolve() };
  }

  const scheme = tl.getEndpointAuthorizationScheme(connection, true) ?? '';
  const param = (key: string): string | undefined => tl.getEndpointAuthorizationParameter(connection, key, true)?.trim() || undefined;
  const tenantId = tenantOverride ?? param('tenantid');
  const clientId = param('serviceprincipalid');
  if (tenantId === undefined || clientId === undefined) {
    throw new ConfigurationError(`The service connection ${connection} names no tenant id or service principal id: use an Azure Resource Manager connection of type app registration (workload identity federation or secret).`);
  }
  args.push('--tenant-id', tenantId, '--client-id', clientId);
  const dir = privateDir();
  const dispose = (extra?: () => void) => () => {
    extra?.();
    rmSync(dir, { recursive: true, force: true });
  };

  if (/^WorkloadIdentityFederation$/i.test(scheme)) {
    const tokenFile = join(dir, 'oidc-token');
    const requestUri = variable('System.OidcRequestUri');
    const accessToken = variable('System.AccessToken');
    if (requestUri === undefined || accessToken === undefined) {
      throw new ConfigurationError('Workload identity federation needs System.OidcRequestUri and System.AccessToken: run the task on an Azure Pipelines agent (version 3.225 or later) in a YAML pipeline.');
    }
    const fetchToken = async () => writePrivate(tokenFile, await requestPipelineOidcToken({ requestUri, serviceConnectionId: connection, accessToken }));
    let timer: NodeJS.Timeout | undefined;
    return {
      args: [...args, '--auth', 'workload-identity'],
      env: { AZURE_FEDERATED_TOKEN_FILE: tokenFile },
      prepare: async () => {
        await fetchToken();
        // A failed refresh leaves the last token: the CLI reports a sign-in error if it is too old.
        timer = setInterval(() => void fetchToken().catch((e: Error) => tl.warning(`caac: could not refresh the OIDC token: ${e.message}`)), OIDC_REFRESH_MS);
        timer.unref();
      },
      dispose: dispose(() => clearInterval(timer)),
    };
  }
  if (/^ServicePrincipal$/i.test(scheme)) {
    const certificate = param('servicePrincipalCertificate');
    if (param('authenticationType') === 'spnCertificate' || (certificate !== undefined && param('serviceprincipalkey') === undefined)) {
      if (certificate === undefined) throw new ConfigurationError(`The service connection ${connection} is set to a certificate but holds none.`);
      const pem = join(dir, 'certificate.pem');
      writePrivate(pem, certificate);
      return { args: [...args, '--auth', 'certificate'], env: { AZURE_CLIENT_CERTIFICATE_PATH: pem }, prepare: () => Promise.resolve(), dispose: dispose() };
    }
    const secret = param('serviceprincipalkey');
    if (secret === undefined) throw new ConfigurationError(`The service connection ${connection} holds no secret.`);
    return { args: [...args, '--auth', 'secret'], env: { AZURE_CLIENT_SECRET: secret }, prepare: () => Promise.resolve(), dispose: dispose() };
  }
  dispose()();
  throw new ConfigurationError(`The service connection ${connection} uses the "${scheme}" scheme: caac signs in with WorkloadIdentityFederation or ServicePrincipal (secret or certificate).`);
}
