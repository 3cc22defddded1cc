import * as core from '@actions/core';
import * as runnerLog from '../github/log.js';
import { connectGraph, type GraphConnectionOptions } from '../graph/connect.js';
import type { ActionInputs } from './inputs.js';
import { requestedEnvironment, type EnvironmentConnection, type GivenConnection } from '../model/environments.js';
import { selectEnvironment } from '../commands/environment.js';
import { filePolicyStore } from '../repo/load-repository.js';

/** The environment the `environment` input (or CAAC_ENVIRONMENT) names, from caac.yml in `dir`. */
export function environmentFromInputs(inputs: ActionInputs, dir: string): EnvironmentConnection | undefined {
  const name = requestedEnvironment(inputs.environment, process.env);
  if (name === undefined) return undefined;
  const given: GivenConnection = {};
  const tenantId = inputs.tenantId ?? process.env['AZURE_TENANT_ID'];
  if (tenantId) given.tenantId = { value: tenantId, from: inputs.tenantId !== undefined ? 'the tenant-id input' : 'AZURE_TENANT_ID' };
  const clientId = inputs.clientId ?? process.env['AZURE_CLIENT_ID'];
  if (clientId) given.clientId = { value: clientId, from: inputs.clientId !== undefined ? 'the client-id input' : 'AZURE_CLIENT_ID' };
  // The composite actions default the cloud input to global: only another cloud is a choice to check.
  if (inputs.cloud && inputs.cloud.toLowerCase() !== 'global') given.cloud = { value: inputs.cloud, from: 'the cloud input' };
  if (inputs.graphUrl) given.graphUrl = { value: inputs.graphUrl, from: 'the graph-url input' };
  return selectEnvironment(filePolicyStore(dir), name, given);
}

/** Connects to Graph from action inputs (and the environment, when one is chosen); GitHub OIDC tokens come from the runner. */
export function connectFromInputs(inputs: ActionInputs, apiVersion = inputs.apiVersion, chosen?: EnvironmentConnection): ReturnType<typeof connectGraph> {
  // The environment's tenant, client, cloud and Graph URL, or the inputs' (checked against each other by selectEnvironment).
  const target = chosen
    ? { tenantId: chosen.tenantId, tenantIdSource: chosen.tenantIdSource, clientId: chosen.clientId, cloud: chosen.cloud, graphUrl: chosen.graphUrl }
    : {
        tenantId: inputs.tenantId ?? process.env['AZURE_TENANT_ID'],
        tenantIdSource: inputs.tenantId !== undefined ? 'the tenant-id input' : 'AZURE_TENANT_ID',
        clientId: inputs.clientId ?? process.env['AZURE_CLIENT_ID'],
        cloud: inputs.cloud,
        graphUrl: inputs.graphUrl,
      };
  const graph = connectGraph({
    ...target,
    auth: inputs.auth as GraphConnectionOptions['auth'],
    cloud: (target.cloud ?? 'global') as GraphConnectionOptions['cloud'],
    apiVersion,
    env: process.env,
    getIdToken: (audience) => core.getIDToken(audience),
    log: (line) => runnerLog.info(line),
  });
  runnerLog.info(`${chosen ? `environment "${chosen.environment.name}": ` : ''}signing in with ${graph.describe()}`);
  return graph;
}
