import * as core from '@actions/core';
import * as runnerLog from '../github/log.js';
import { connectGraph, type GraphConnectionOptions } from '../graph/connect.js';
import type { ActionInputs } from './inputs.js';

/** Connects to Graph from action inputs; GitHub OIDC tokens come from the runner. */
export function connectFromInputs(inputs: ActionInputs, apiVersion = inputs.apiVersion): ReturnType<typeof connectGraph> {
  const graph = connectGraph({
    auth: inputs.auth as GraphConnectionOptions['auth'],
    tenantId: inputs.tenantId ?? process.env['AZURE_TENANT_ID'],
    tenantIdSource: inputs.tenantId !== undefined ? 'the tenant-id input' : 'AZURE_TENANT_ID',
    clientId: inputs.clientId ?? process.env['AZURE_CLIENT_ID'],
    cloud: (inputs.cloud ?? 'global') as GraphConnectionOptions['cloud'],
    graphUrl: inputs.graphUrl,
    apiVersion,
    env: process.env,
    getIdToken: (audience) => core.getIDToken(audience),
    log: (line) => runnerLog.info(line),
  });
  runnerLog.info(`signing in with ${graph.describe()}`);
  return graph;
}
