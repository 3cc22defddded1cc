/**
 * Runs a packaged Azure Pipelines task (azure-pipelines/out/tasks/<Name>, `npm run
 * package:azdo`) the way an agent runs a Node20_1 handler: `node index.js` in the sources'
 * folder, with the variables an agent sets: INPUT_* for the inputs, the pipeline's variables
 * (SYSTEM_*, BUILD_*, AGENT_*), secret variables as SECRET_*, and a service connection as
 * ENDPOINT_URL_/ENDPOINT_AUTH_SCHEME_/ENDPOINT_AUTH_PARAMETER_/ENDPOINT_DATA_<id>_*. Its logging
 * commands are read back from stdout as the agent reads them.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sourceDigest } from '../../scripts/source-digest.mjs';

export const TASKS_OUT = resolve('azure-pipelines/out/tasks');

/** Refuses task bundles that were not staged from these sources (as fresh-bundle.mjs does for dist/). */
export function assertTasksStaged(): void {
  const stamp = resolve('azure-pipelines/out/.src-digest');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== sourceDigest()) {
    throw new Error('azure-pipelines/out/ is missing or older than src/: run npm run package:azdo (or node scripts/package-azdo.mjs --no-vsix after npm run bundle)');
  }
}

/** The environment variable an agent sets for a variable name: dots and spaces to _, upper case. */
export const variableKey = (name: string): string => name.replace(/[. ]/g, '_').toUpperCase();

export interface Endpoint {
  id: string;
  scheme: string;
  parameters: Record<string, string>;
  data?: Record<string, string>;
}

export interface AgentRun {
  inputs?: Record<string, string>;
  variables?: Record<string, string>;
  secrets?: Record<string, string>;
  endpoint?: Endpoint;
  /** The step's `env:`. */
  env?: Record<string, string>;
  cwd: string;
}

export interface AgentCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

export interface AgentResult {
  stdout: string;
  stderr: string;
  commands: AgentCommand[];
  /** task.complete's result (Succeeded, SucceededWithIssues, Failed), or undefined if none was sent. */
  result?: string;
  issues: AgentCommand[];
  summaries: string[];
  variables: Record<string, string>;
}

const unescapeProperty = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%5D/g, ']').replace(/%3B/g, ';').replace(/%AZP25/g, '%');
const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%AZP25/g, '%');

/** Every `##vso[area.action k=v;…]message` in the output, as the agent reads them (first one on a line). */
export function parseAgentCommands(stdout: string): AgentCommand[] {
  const commands: AgentCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const at = line.toLowerCase().indexOf('##vso[');
    if (at < 0) continue;
    const rest = line.slice(at + 6);
    const close = rest.indexOf(']');
    if (close < 0) continue;
    const head = rest.slice(0, close);
    const space = head.indexOf(' ');
    const command = (space < 0 ? head : head.slice(0, space)).toLowerCase();
    const properties: Record<string, string> = {};
    if (space >= 0) {
      for (const pair of head.slice(space + 1).split(';')) {
        const eq = pair.indexOf('=');
        if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
      }
    }
    commands.push({ command, properties, message: unescapeData(rest.slice(close + 1)) });
  }
  return commands;
}

export function agentEnvironment(run: AgentRun): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    AGENT_TEMPDIRECTORY: mkdtempSync(join(tmpdir(), 'caac-agent-temp-')),
    AGENT_VERSION: '4.261.0',
    SYSTEM_DEFAULTWORKINGDIRECTORY: run.cwd,
    BUILD_SOURCESDIRECTORY: run.cwd,
    BUILD_ARTIFACTSTAGINGDIRECTORY: mkdtempSync(join(tmpdir(), 'caac-agent-staging-')),
    ...run.env,
  };
  for (const [name, value] of Object.entries(run.inputs ?? {})) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(run.variables ?? {})) env[variableKey(name)] = value;
  for (const [name, value] of Object.entries(run.secrets ?? {})) env[`SECRET_${variableKey(name)}`] = value;
  const e = run.endpoint;
  if (e) {
    // The task library looks the connection up by the input's value, as written.
    const id = e.id;
    env[`ENDPOINT_URL_${id}`] = 'https://management.azure.com/';
    env[`ENDPOINT_AUTH_${id}`] = JSON.stringify({ scheme: e.scheme, parameters: e.parameters });
    env[`ENDPOINT_AUTH_SCHEME_${id}`] = e.scheme;
    for (const [k, v] of Object.entries(e.parameters)) env[`ENDPOINT_AUTH_PARAMETER_${id}_${k.toUpperCase()}`] = v;
    for (const [k, v] of Object.entries(e.data ?? {})) env[`ENDPOINT_DATA_${id}_${k.toUpperCase()}`] = v;
  }
  return env;
}

/** Runs the task asynchronously (an in-process emulator or fake keeps answering meanwhile). */
export function runAgentTask(name: string, run: AgentRun): Promise<AgentResult> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, [join(TASKS_OUT, name, 'index.js')], { cwd: run.cwd, env: agentEnvironment(run) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', () => {
      const commands = parseAgentCommands(stdout);
      const variables: Record<string, string> = {};
      for (const c of commands.filter((c) => c.command === 'task.setvariable')) variables[c.properties['variable'] ?? ''] = c.message;
      ok({
        stdout,
        stderr,
        commands,
        result: commands.find((c) => c.command === 'task.complete')?.properties['result'],
        issues: commands.filter((c) => c.command === 'task.logissue'),
        summaries: commands.filter((c) => c.command === 'task.uploadsummary').map((c) => readFileSync(c.message, 'utf8')),
        variables,
      });
    });
  });
}
