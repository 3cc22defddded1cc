/** The flags every command that reaches a tenant shares; the action inputs carry the same names. */
import { Option, type Command } from 'commander';
import { ConfigurationError } from '../errors.js';
import { connectGraph, type GraphConnection, type GraphConnectionOptions } from '../graph/connect.js';
import { AUTH_METHODS, type AuthMethod } from '../graph/credentials.js';
import type { ApiVersion } from '../model/tenant.js';
import { writeErr } from './output.js';

export interface ConnectionFlags {
  tenantId?: string;
  clientId?: string;
  auth?: AuthMethod;
  cloud: 'global' | 'usgov' | 'usgovdod' | 'china';
  graphUrl?: string;
  apiVersion: ApiVersion;
  tokenFile?: string;
  rateLimit?: string;
}

export function addConnectionOptions(command: Command): Command {
  return command
    .option('--tenant-id <id>', 'Microsoft Entra tenant id (or AZURE_TENANT_ID)')
    .option('--client-id <id>', 'application (client) id caac signs in as (or AZURE_CLIENT_ID)')
    .addOption(new Option('--auth <method>', 'how to sign in (default: what the environment provides)').choices(AUTH_METHODS as string[]))
    .addOption(new Option('--cloud <cloud>', 'national cloud').choices(['global', 'usgov', 'usgovdod', 'china']).default('global'))
    .option('--graph-url <url>', 'Microsoft Graph base URL override (for example a caac emulator)')
    .addOption(new Option('--api-version <version>', 'Graph API version to manage (beta manages beta-only properties)').choices(['v1.0', 'beta']).default('v1.0'))
    .option('--token-file <file>', 'read a bearer token from this file (or set CAAC_ACCESS_TOKEN)')
    .option('--rate-limit <rps>', 'Conditional Access requests per second (Graph allows about 1)');
}

export function connectionOptionsFromFlags(flags: ConnectionFlags, log: (line: string) => void): GraphConnectionOptions {
  const rate = flags.rateLimit === undefined ? undefined : Number(flags.rateLimit);
  if (rate !== undefined && !(Number.isFinite(rate) && rate > 0)) {
    throw new ConfigurationError(`--rate-limit takes a number of requests per second above 0, not "${flags.rateLimit}"`);
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
export function connectFromFlags(flags: ConnectionFlags, apiVersion: ApiVersion = flags.apiVersion): GraphConnection {
  const graph = connectGraph({ ...connectionOptionsFromFlags(flags, logProgress), apiVersion });
  logProgress(`signing in with ${graph.describe()}`);
  return graph;
}
