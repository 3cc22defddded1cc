import * as core from '@actions/core';
import * as runnerLog from '../github/log.js';
import { contingencySucceeded, runContingency } from '../commands/contingency.js';
import { type ContingencyAction } from '../contingency/outcome.js';
import { renderContingencyStatus } from '../render/contingency-text.js';
import { InputError, readBooleanInput, readInput, type ActionInputs } from './inputs.js';
import { connectFromInputs, environmentFromInputs } from './connect.js';
import type { ActionPorts } from './github-ports.js';
import { resultLines } from '../render/apply-text.js';
import { escapeLogValue } from '../model/log-text.js';
import { escapeMarkdown } from '../render/markdown-escape.js';
import { filePolicyStore } from '../repo/load-repository.js';
import { actionLogger } from '../github/log.js';

const ACTIONS: readonly ContingencyAction[] = ['status', 'activate', 'deactivate'];

/** The contingency-toggle step: status, or a set switched on or off; a job summary of what changed. */
export async function contingencyAction(inputs: ActionInputs, ports: ActionPorts): Promise<void> {
  const action = (readInput(process.env, 'action') ?? 'status') as ContingencyAction;
  if (!ACTIONS.includes(action)) throw new InputError(`input "action" is "${action}": it must be one of ${ACTIONS.join(', ')}`);
  const set = readInput(process.env, 'set');
  const dryRun = readBooleanInput(process.env, 'dry-run', false);
  const chosen = environmentFromInputs(inputs, inputs.dir);
  const graph = connectFromInputs(inputs, inputs.apiVersion, chosen);
  const environment = chosen ? { environment: chosen.environment } : {};
  const outcome = await runContingency(action, set, { ...graph, store: filePolicyStore(inputs.dir) }, { dryRun, confirmTimeoutMs: inputs.confirmTimeoutMs, log: actionLogger, ...environment });
  for (const problem of outcome.problems) runnerLog.warning(escapeLogValue(problem), { title: 'caac contingency' });
  const status = renderContingencyStatus(outcome.sets, outcome.problems);
  const results = resultLines(outcome.results, outcome.verification);
  if (outcome.stopped) results.unshift(`Stopped: ${escapeLogValue(outcome.stopped)}`);
  runnerLog.write((results.length ? results.join('\n') + '\n' : '') + status);
  const changed = outcome.results.filter((r) => r.status === 'applied').length;
  core.setOutput('changed', String(changed));
  core.setOutput('active', String(outcome.sets.length === 1 && outcome.sets[0]!.active));
  const lines = [
    `## caac contingency ${action}${set ? ` ${escapeMarkdown(set)}` : ''}${dryRun ? ' (dry run)' : ''}`,
    '',
    ...(outcome.stopped ? [`Stopped: ${escapeMarkdown(outcome.stopped)}`, ''] : []),
    ...outcome.operations.map((op) => {
      const r = outcome.results.find((x) => x.operation === op);
      const verb = dryRun ? 'would set' : r === undefined || r.status === 'applied' ? 'set' : r.status === 'failed' ? '❌ failed to set' : '⏭️ did not set';
      return `- ${verb} **${escapeMarkdown(op.displayName)}** to \`${String(op.body?.['state'] ?? '')}\`${r?.error ? `: ${escapeMarkdown(r.error)}` : ''}`;
    }),
    ...(outcome.operations.length === 0 && action !== 'status' ? ['Nothing to change.'] : []),
    ...outcome.verification.map((v) => `- ⚠️ ${escapeMarkdown(v)}`),
    '',
    '```',
    status.replace(/```/g, "'''"),
    '```',
  ];
  if (process.env['GITHUB_STEP_SUMMARY']) await ports.summary.append(lines.join('\n') + '\n');
  if (outcome.error !== undefined) throw outcome.error;
  if (!contingencySucceeded(outcome)) runnerLog.setFailed(`caac contingency ${action}: ${outcome.verification.length} verification problem(s), ${outcome.results.filter((r) => r.status !== 'applied').length} failed`);
}
