import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import * as runnerLog from '../github/log.js';
import { runPlan } from '../commands/plan.js';
import { hasChanges } from '../model/plan.js';
import { formatFindings } from '../render/findings.js';
import { annotateFindings } from '../github/annotations.js';
import { readPullRequest, type PullRequestContext } from '../github/pull-request.js';
import type { Plan } from '../model/plan.js';
import type { GitHub } from '../ports/github.js';
import { writePlanFile } from '../plan/plan-file.js';
import { filePolicyStore } from '../repo/load-repository.js';
import { planCommentMarker, renderPlanMarkdown, renderPlanMarkdownReport } from '../render/plan-markdown.js';
import { renderPlanText } from '../render/plan-text.js';
import { connectFromInputs, environmentFromInputs } from './connect.js';
import type { ActionInputs } from './inputs.js';
import type { ActionPorts } from './github-ports.js';
import { actionLogger } from '../github/log.js';

/** The plan step: plan file, job summary, sticky pull request comment, outputs. */
export async function planAction(inputs: ActionInputs, ports: ActionPorts): Promise<void> {
  const chosen = environmentFromInputs(inputs, inputs.dir);
  const graph = connectFromInputs(inputs, inputs.apiVersion, chosen);
  const environment = chosen ? { environment: chosen.environment } : {};
  const outcome = await runPlan(filePolicyStore(inputs.dir), graph, { dir: inputs.dir, prune: inputs.prune, apiVersion: inputs.apiVersion, log: actionLogger, ...environment });

  if (outcome.status === 'invalid') {
    runnerLog.write(formatFindings(outcome.validation, 'text'));
    annotateFindings(outcome.validation.findings);
    runnerLog.setFailed(`caac plan stopped before reading the tenant: validate found ${outcome.validation.summary.errors} error(s) in ${inputs.dir}`);
    return;
  }
  if (outcome.status === 'unresolved') {
    for (const p of outcome.problems) runnerLog.error(p.message, { file: p.file, startLine: p.line, startColumn: p.column, title: 'caac reference' });
    runnerLog.setFailed(`caac plan stopped: ${outcome.problems.length} reference(s) could not be resolved in the tenant; nothing was planned`);
    return;
  }
  if (outcome.status === 'unsafe') {
    runnerLog.write(renderPlanText(outcome.plan));
    for (const p of outcome.problems) runnerLog.error(p.message, { file: p.file, startLine: p.line, startColumn: p.column, title: 'caac break-glass-not-excluded' });
    runnerLog.setFailed(`caac plan refused: after this change an emergency-access account would not be spared (${outcome.problems.length} problem(s)); fix the policies named above`);
    return;
  }

  const { plan } = outcome;
  runnerLog.write(renderPlanText(plan));
  const planFile = join(process.env['RUNNER_TEMP'] ?? tmpdir(), 'caac-plan.json');
  writeFileSync(planFile, writePlanFile(plan));
  if (process.env['GITHUB_STEP_SUMMARY']) await ports.summary.appendSized((maxLength) => renderPlanMarkdownReport(plan, { maxLength, artifactName: inputs.artifactName }));
  // The outputs first: they hold even when the comment below fails.
  core.setOutput('has-changes', String(hasChanges(plan)));
  core.setOutput('create', String(plan.summary.create));
  core.setOutput('update', String(plan.summary.update));
  core.setOutput('delete', String(plan.summary.delete));
  core.setOutput('plan-file', planFile);

  const pr = readPullRequest(process.env);
  let commentUrl = '';
  if (inputs.comment && pr) {
    if (!ports.github) runnerLog.warning('no github-token: the plan is in the job summary, but no pull request comment was posted');
    else commentUrl = await postPlanComment(ports.github, pr, plan, inputs.artifactName);
  }
  core.setOutput('comment-url', commentUrl);
}

/**
 * The sticky plan comment; its URL, or '' when the token may not comment (a warning). Any other
 * GitHub failure fails the step: the comment would go on showing an earlier plan to the reviewer.
 */
async function postPlanComment(github: GitHub, pr: PullRequestContext, plan: Plan, artifactName: string): Promise<string> {
  const runUrl =
    process.env['GITHUB_SERVER_URL'] && process.env['GITHUB_REPOSITORY'] && process.env['GITHUB_RUN_ID']
      ? `${process.env['GITHUB_SERVER_URL']}/${process.env['GITHUB_REPOSITORY']}/actions/runs/${process.env['GITHUB_RUN_ID']}`
      : undefined;
  let result;
  try {
    result = await github.upsertStickyComment({
      repository: pr.baseRepo,
      issueNumber: pr.number,
      marker: planCommentMarker(plan.tenant.id, plan.dir, plan.environment),
      body: renderPlanMarkdown(plan, { detailsUrl: runUrl, artifactName }),
    });
  } catch (error) {
    runnerLog.error(`the plan comment on pull request #${pr.number} was not written: it may still show an earlier plan (the plan itself is in the job summary)`);
    throw error;
  }
  if (result.status === 'skipped') {
    runnerLog.warning(`the plan was not posted on pull request #${pr.number}: ${result.reason ?? 'no permission'} (the plan itself succeeded; it is in the job summary)`);
    return '';
  }
  runnerLog.info(`plan comment ${result.status}: ${result.url ?? ''}`);
  return result.url ?? '';
}
