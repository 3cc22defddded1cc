/**
 * The GitHub Action face: inputs in, one command run, outputs and annotations out. The root
 * action.yml runs it with `command`; the composite actions under actions/ pass inputs via env.
 */
import * as core from '@actions/core';
import * as runnerLog from '../github/log.js';
import { ConfigurationError, GitHubApiError, GraphError, SafetyError, StalePlanError } from '../errors.js';
import { InputError, parseInputs } from './inputs.js';
import { applyAction } from './apply.js';
import { backupAction } from './backup.js';
import { contingencyAction } from './contingency.js';
import { planAction } from './plan.js';
import { actionPorts } from './github-ports.js';
import { validateAction } from './validate.js';

async function run(): Promise<void> {
  try {
    const inputs = parseInputs(process.env);
    if (inputs.githubToken) core.setSecret(inputs.githubToken);
    const ports = actionPorts(inputs);
    switch (inputs.command) {
      case 'validate':
        await validateAction(inputs);
        break;
      case 'plan':
        await planAction(inputs, ports);
        break;
      case 'apply':
        await applyAction(inputs, ports);
        break;
      case 'backup':
        await backupAction(inputs, ports);
        break;
      case 'contingency':
        await contingencyAction(inputs, ports);
        break;
    }
  } catch (error) {
    if (error instanceof GraphError || error instanceof GitHubApiError || error instanceof SafetyError || error instanceof StalePlanError) {
      runnerLog.setFailed(`caac: ${error.message}`);
      if (error instanceof StalePlanError) process.exitCode = 3;
      return;
    }
    if (error instanceof ConfigurationError || error instanceof InputError) {
      const loc = error instanceof ConfigurationError ? error.location : undefined;
      if (loc?.line) runnerLog.error(error.message, { file: loc.file, startLine: loc.line, startColumn: loc.column });
      runnerLog.setFailed(error.message);
      process.exitCode = 2;
      return;
    }
    const e = error instanceof Error ? error : new Error(String(error));
    runnerLog.setFailed(`caac: unexpected error: ${e.message} (this is a bug in caac; please report it)`);
    if (e.stack) runnerLog.debug(e.stack);
  }
}

await run();
