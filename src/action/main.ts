/**
 * The GitHub Action face: inputs in, one command run, outputs and annotations out. The root
 * action.yml runs it with `command`; the composite actions under actions/ pass inputs via env.
 */
import * as core from '@actions/core';
import * as runnerLog from '../github/log.js';
import { ConfigurationError, GitHubApiError, GraphError, SafetyError, StalePlanError } from '../errors.js';
import { InputError, parseInputs } from './inputs.js';
import { actionPorts, type ActionPorts } from './github-ports.js';
import type { ActionCommand, ActionInputs } from './inputs.js';

/** Each command's step, loaded only when the action runs that command. */
const STEPS: Record<ActionCommand, () => Promise<(inputs: ActionInputs, ports: ActionPorts) => Promise<void>>> = {
  validate: async () => (await import('./validate.js')).validateAction,
  plan: async () => (await import('./plan.js')).planAction,
  apply: async () => (await import('./apply.js')).applyAction,
  backup: async () => (await import('./backup.js')).backupAction,
  contingency: async () => (await import('./contingency.js')).contingencyAction,
  drift: async () => (await import('./drift.js')).driftAction,
};

async function run(): Promise<void> {
  try {
    const inputs = parseInputs(process.env);
    if (inputs.githubToken) core.setSecret(inputs.githubToken);
    const ports = actionPorts(inputs);
    const step = await STEPS[inputs.command]();
    await step(inputs, ports);
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
