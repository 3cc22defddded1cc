/**
 * The GitHub side the action steps are handed: the job summary, and the REST API when there is a
 * token (no token: no comment, and the plan step says so). Built once here from the inputs and
 * the runner's environment (GITHUB_API_URL); the steps see only the ports.
 */
import { actionLogger } from '../github/log.js';
import { gitHubAdapter } from '../github/adapter.js';
import { stepSummary } from '../github/job-summary.js';
import type { GitHub, JobSummary } from '../ports/github.js';
import type { ActionInputs } from './inputs.js';

export interface ActionPorts {
  summary: JobSummary;
  /** Undefined without a `github-token`. */
  github: GitHub | undefined;
}

export function actionPorts(inputs: ActionInputs, env: Record<string, string | undefined> = process.env): ActionPorts {
  return {
    summary: stepSummary,
    github: inputs.githubToken ? gitHubAdapter({ token: inputs.githubToken, apiUrl: env['GITHUB_API_URL'], log: actionLogger }) : undefined,
  };
}
