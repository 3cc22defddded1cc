/** The flags every command that reaches a tenant shares; the action inputs carry the same names. */
import { Option, type Command } from 'commander';
import { ConfigurationError } from '../errors.js';
import { connectGraph, type GraphConnection, type GraphConnectionOptions } from '../graph/connect.js';
import { AUTH_METHODS, type AuthMethod } from '../graph/credentials.js';
import type { ApiVersion } from '../model/tenant.js';
import { requestedEnvironment, type EnvironmentConnection, type GivenConnection } from '../model/environments.js';
import { selectEnvironment } from '../commands/environment.js';
import { filePolicyStore } from '../repo/load-repository.js';
import { writeErr } from './output.js';

export interface ConnectionFlags {
  tenantId?: string;
  clientId?: string;
  auth?: AuthMethod;
  /** Unset: the environment's, else global. */
  cloud?: 'global' | 'usgov' | 'usgovdod' | 'china';
  /** An environment of caac.yml (or CAAC_ENVIRONMENT): its tenant, connection and bindings. */
  environment?: string;
  graphUrl?: string;
  apiVersion: ApiVersion;
  tokenFile?: string;
  rateLimit?: string;
}

export function addConnectionOptions(command: Command): Command {
  return command
    .option('--environment <name>', 'an environment of caac.yml: its tenant, cloud, Graph URL, client id, policies and reference bindings (or CAAC_ENVIRONMENT)')
    .option('--tenant-id <id>', 'Microsoft Entra tenant id (or AZURE_TENANT_ID)')
    .option('--client-id <id>', 'application (client) id caac signs in as (or AZURE_CLIENT_ID)')
    .addOption(new Option('--auth <method>', 'how to sign in (default: what the environment provides)').choices(AUTH_METHODS as string[]))
    .addOption(new Option('--cloud <cloud>', 'national cloud').choices(['global', 'usgov', 'usgovdod', 'china']))
    .option('--graph-url <url>', 'Microsoft Graph base URL override (for example a caac emulator)')
    .addOption(new Option('--api-version <version>', 'Graph API version to manage (beta manages beta-only properties)').choices(['v1.0', 'beta']).default('v1.0'))
    .option('--token-file <file>', 'read a bearer token from this file (or set CAAC_ACCESS_TOKEN)')
    .option('--rate-limit <rps>', 'Conditional Access requests per second (Graph allows about 1)');
}

/**
 * The environment --environment / CAAC_ENVIRONMENT names, from caac.yml in `dir`; undefined when
 * none is named. A flag or AZURE_* variable that disagrees with it is an error.
 */
export function environmentFromFlags(flags: ConnectionFlags, dir: string): EnvironmentConnection | undefined {
  const name = requestedEnvironment(flags.environment, process.env);
  if (name === undefined) return undefined;
  const given: GivenConnection = {};
  const tenantId = flags.tenantId ?? process.env['AZURE_TENANT_ID'];
  if (tenantId) given.tenantId = { value: tenantId, from: flags.tenantId !== undefined ? '--tenant-id' : 'AZURE_TENANT_ID' };
  const clientId = flags.clientId ?? process.env['AZURE_CLIENT_ID'];
  if (clientId) given.clientId = { value: clientId, from: flags.clientId !== undefined ? '--client-id' : 'AZURE_CLIENT_ID' };
  if (flags.cloud) given.cloud = { value: flags.cloud, from: '--cloud' };
  if (flags.graphUrl) given.graphUrl = { value: flags.graphUrl, from: '--graph-url' };
  return selectEnvironment(filePolicyStore(dir), name, given);
}

export function connectionOptionsFromFlags(flags: ConnectionFlags, log: (line: string) => void, chosen?: EnvironmentConnection): GraphConnectionOptions {
  const rate = flags.rateLimit === undefined ? undefined : Number(flags.rateLimit);
  if (rate !== undefined && !(Number.isFinite(rate) && rate > 0)) {
    throw new ConfigurationError(`--rate-limit takes a number of requests per second above 0, not "${flags.rateLimit}"`);
  }
  if (chosen) {
    return {
      auth: flags.auth,
      tenantId: chosen.tenantId,
      tenantIdSource: chosen.tenantIdSource,
      clientId: chosen.clientId,
      cloud: chosen.cloud as GraphConnectionOptions['cloud'],
      graphUrl: chosen.graphUrl,
      apiVersion: flags.apiVersion,
      tokenFile: flags.tokenFile,
      env: process.env,
      rateLimit: rate,
      log,
    };
  }
  return {
    auth: flags.auth,
    tenantId: flags.tenantId ?? process.env['AZURE_TENANT_ID'],
    tenantIdSource: flags.tenantId !== undefined ? '--tenant-id' : 'AZURE_TENANT_ID',
    clientId: flags.clientId ?? process.env['AZURE_CLIENT_ID'],
    cloud: flags.cloud,
    graphUrl: flags.graphUrl,
    apiVersion: flags.apiVersion,
    tokenFile: flags.tokenFile,
    env: process.env,
    rateLimit: rate,
    log,
  };
}

/** Progress for the commands that reach a tenant: on stderr, so stdout keeps the report alone. */
export const logProgress = (line: string): void => {
  writeErr(`caac: ${line}\n`);
};

/** Signs in as the flags say, and names the credential in the log. */
export function connectFromFlags(flags: ConnectionFlags, apiVersion: ApiVersion = flags.apiVersion, chosen?: EnvironmentConnection): GraphConnection {
  const graph = connectGraph({ ...connectionOptionsFromFlags(flags, logProgress, chosen), apiVersion });
  logProgress(`${chosen ? `environment "${chosen.environment.name}": ` : ''}signing in with ${graph.describe()}`);
  return graph;
}
