import * as core from '@actions/core';
import * as runnerLog from '../github/log.js';
import { actionLogger } from '../github/log.js';
import { runDrift } from '../commands/drift.js';
import { findDriftIssue, syncDriftIssue, type DriftIssueResult } from '../commands/drift-issue.js';
import { isNotable } from '../drift/state.js';
import { ConfigurationError } from '../errors.js';
import { checkWebhookUrl, postWebhook } from '../notify/webhook.js';
import { filePolicyStore } from '../repo/load-repository.js';
import { driftNotification } from '../render/drift-notify.js';
import { renderDriftMarkdown } from '../render/drift-markdown.js';
import { renderDriftText } from '../render/drift-text.js';
import { webhookPayload } from '../render/webhook-message.js';
import { formatFindings } from '../render/findings.js';
import { connectFromInputs, environmentFromInputs } from './connect.js';
import { readBooleanInput, readInput, type ActionInputs } from './inputs.js';
import type { ActionPorts } from './github-ports.js';

/**
 * The drift step: the report in the log and the job summary; the drift issue opened, updated or
 * closed (input `issue`, default true); a webhook notified when drift appears, changes or clears
 * (input `notify`, a secret); outputs `drifted`, `critical`, `issue-number`; the job fails on
 * critical drift (other drift only reports).
 */
export async function driftAction(inputs: ActionInputs, ports: ActionPorts): Promise<void> {
  const env = process.env;
  const notify = readInput(env, 'notify');
  if (notify) core.setSecret(notify);
  const format = readInput(env, 'notify-format') ?? 'teams';
  if (format !== 'teams' && format !== 'slack') throw new ConfigurationError(`input "notify-format" is "${format}": it must be teams or slack`);
  const webhook = notify === undefined ? undefined : checkWebhookUrl(notify);
  if (typeof webhook === 'string') throw new ConfigurationError(`input "notify": ${webhook}`);
  const wantIssue = readBooleanInput(env, 'issue', true);
  const repository = env['GITHUB_REPOSITORY'];
  const runUrl = repository && env['GITHUB_RUN_ID'] ? `${env['GITHUB_SERVER_URL'] ?? 'https://github.com'}/${repository}/actions/runs/${env['GITHUB_RUN_ID']}` : undefined;
  const github = wantIssue && repository ? ports.github : undefined;
  if (wantIssue && github === undefined) runnerLog.warning('caac drift: no github-token or GITHUB_REPOSITORY: the drift issue is not kept (the report is in the log and the job summary)');

  let existing: Awaited<ReturnType<typeof findDriftIssue>>;
  const chosen = environmentFromInputs(inputs, inputs.dir);
  const graph = connectFromInputs(inputs, inputs.apiVersion, chosen);
  const outcome = await runDrift(filePolicyStore(inputs.dir), graph, {
    ...(chosen ? { environment: chosen.environment.name, environmentScope: chosen.environment } : {}),
    dir: inputs.dir,
    apiVersion: inputs.apiVersion,
    log: actionLogger,
    previous: async (tenantId) => {
      existing = github === undefined || repository === undefined ? undefined : await findDriftIssue(github, repository, tenantId, inputs.dir, chosen?.environment.name);
      return existing?.state;
    },
  });
  if (outcome.status !== 'reported') {
    runnerLog.write(formatFindings(outcome.validation, 'text'));
    throw new ConfigurationError(`caac drift: the repository must be valid and its references resolvable before drift can be told (${outcome.status}): run caac plan for the details`);
  }
  const { report } = outcome;
  runnerLog.write(renderDriftText(report));
  if (env['GITHUB_STEP_SUMMARY']) await ports.summary.append(renderDriftMarkdown(report));

  let issue: DriftIssueResult = { action: 'none' };
  if (github !== undefined && repository !== undefined) {
    issue = await syncDriftIssue(github, { repository, ...(runUrl ? { runUrl } : {}) }, report, outcome.state, existing);
    if (issue.action !== 'none') runnerLog.info(`drift issue #${issue.number ?? '?'} ${issue.action}${issue.url ? `: ${issue.url}` : ''}`);
  }
  if (webhook !== undefined && isNotable(outcome.transition)) {
    const link = issue.url ? { title: `Drift issue #${issue.number ?? ''}`, url: issue.url } : runUrl ? { title: 'Workflow run', url: runUrl } : undefined;
    const sent = await postWebhook(webhook, webhookPayload(format, driftNotification(report, outcome.transition, link)));
    if (!sent.ok) runnerLog.warning(`caac drift: the notification was not delivered: ${sent.reason ?? 'unknown reason'}`);
  }
  core.setOutput('drifted', String(report.failing));
  core.setOutput('critical', String(report.summary.critical));
  core.setOutput('issue-number', issue.number === undefined || issue.action === 'closed' ? '' : String(issue.number));
  if (report.summary.critical > 0) runnerLog.setFailed(`caac drift: ${report.summary.critical} critical object(s) drifted: ${report.drift.filter((i) => i.critical).map((i) => `"${i.displayName}"`).join(', ')}`);
}
