import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import * as runnerLog from '../github/log.js';
import { runApply } from '../commands/apply.js';
import { reviewedPlanSource } from '../commands/plan-check.js';
import { ConfigurationError } from '../errors.js';
import { readPlanFile } from '../plan/plan-file.js';
import { filePolicyStore } from '../repo/load-repository.js';
import { defaultSnapshotDir, fileSnapshotStore } from '../repo/snapshot-store.js';
import { applySucceeded, renderApplyText } from '../render/apply-text.js';
import { escapeMarkdown } from '../render/markdown-escape.js';
import { connectFromInputs, environmentFromInputs } from './connect.js';
import type { ActionInputs } from './inputs.js';
import type { ActionPorts } from './github-ports.js';
import { actionLogger } from '../github/log.js';

/** The apply step: the downloaded plan file, applied and verified; a job summary; outputs. */
export async function applyAction(inputs: ActionInputs, ports: ActionPorts): Promise<void> {
  if (!inputs.planFile) throw new ConfigurationError('input "plan-file" is empty: apply needs the plan file that the plan step wrote (download its artifact first)');
  let text: string;
  try {
    text = readFileSync(inputs.planFile, 'utf8');
  } catch {
    throw new ConfigurationError(`cannot read the plan file "${inputs.planFile}": was the plan artifact downloaded?`);
  }
  const plan = readPlanFile(text, inputs.planFile);
  const chosen = environmentFromInputs(inputs, inputs.dir);
  const graph = connectFromInputs(inputs, plan.apiVersion, chosen);
  const snapshotDir = inputs.snapshotDir ?? defaultSnapshotDir(process.env, new Date(), undefined, plan.environment);
  core.setOutput('snapshot-dir', snapshotDir);
  // The plan is made again from the checkout's folder (input dir, never the plan file's) and compared.
  const source = reviewedPlanSource(filePolicyStore(inputs.dir), graph, inputs.dir, chosen?.environment);
  const outcome = await runApply(plan, { tenant: graph.tenant, snapshots: fileSnapshotStore(snapshotDir), source }, {
    allowDelete: inputs.allowDelete,
    acceptImpact: inputs.acceptImpact,
    endContingency: inputs.endContingency,
    onlyExpiries: inputs.onlyExpiries,
    keepGoing: inputs.keepGoing,
    confirmTimeoutMs: inputs.confirmTimeoutMs,
    log: actionLogger,
  });
  runnerLog.write(renderApplyText(outcome));
  core.setOutput('applied', String(outcome.applied));
  core.setOutput('failed', String(outcome.failed + outcome.skipped));

  const rows = outcome.results.map(
    (r) => `| ${r.status === 'applied' ? '✅' : r.unknown ? '❓' : r.status === 'failed' ? '❌' : '⏭️'} | ${r.operation.action} | ${r.operation.kind} | ${escapeMarkdown(r.operation.displayName)} | ${escapeMarkdown(r.error ?? '')} |`,
  );
  const readBack = outcome.readBack === 'verified' ? 'matches the plan' : outcome.readBack === 'failed' ? 'failed' : outcome.readBack === 'unverified' ? `${outcome.verification.length} unverified` : 'not done';
  const summary = [
    `## ${applySucceeded(outcome) ? '✅' : '❌'} caac apply: ${plan.environment ? `environment ${escapeMarkdown(plan.environment)}, ` : ''}tenant ${escapeMarkdown(plan.tenant.id)}, folder ${escapeMarkdown(inputs.dir)}`,
    '',
    `**${outcome.applied} applied, ${outcome.failed} failed, ${outcome.skipped} not attempted**${outcome.results.length ? ` · read back: ${readBack}` : ' · the plan had no changes'}`,
    ...(outcome.stopped ? ['', `Stopped: ${escapeMarkdown(outcome.stopped)}`] : []),
    '',
    ...(rows.length ? ['| | action | kind | name | error |', '|---|---|---|---|---|', ...rows, ''] : []),
    ...outcome.verification.map((v) => `- ⚠️ ${escapeMarkdown(v)}`),
    '',
    `<sub>Graph requests: ${outcome.requests.total} · snapshot: ${escapeMarkdown(snapshotDir)}</sub>`,
  ].join('\n');
  if (process.env['GITHUB_STEP_SUMMARY']) await ports.summary.append(summary);
  // The report is out: the error behind a stop (the first read, the read-back) fails the step as when it was thrown.
  if (outcome.error !== undefined) throw outcome.error;
  if (!applySucceeded(outcome)) runnerLog.setFailed(`caac apply: ${outcome.failed} failed, ${outcome.skipped} not attempted, ${outcome.verification.length} unverified`);
}
