import * as core from '@actions/core';
import * as runnerLog from '../github/log.js';
import { actionLogger } from '../github/log.js';
import { backupSummaryLine, renderBackupMarkdown, renderBackupText } from '../render/backup-report.js';
import { runBackup } from '../commands/backup.js';
import { escapeMarkdown } from '../render/markdown-escape.js';
import { connectFromInputs, environmentFromInputs } from './connect.js';
import { readBooleanInput, readInput, type ActionInputs } from './inputs.js';
import type { ActionPorts } from './github-ports.js';
import { folderBackupStore } from '../repo/backup-folder.js';

/** The backup step: the tenant written into `out`; outputs `changed`, `summary`, `out`; a job summary. */
export async function backupAction(inputs: ActionInputs, ports: ActionPorts): Promise<void> {
  const env = process.env;
  const out = readInput(env, 'out') ?? 'conditional-access';
  const ids = readBooleanInput(env, 'ids', false);

  const chosen = environmentFromInputs(inputs, out);
  const graph = connectFromInputs(inputs, inputs.apiVersion, chosen);
  const result = await runBackup({ ...graph, store: folderBackupStore(out) }, { ids, apiVersion: inputs.apiVersion, log: actionLogger, ...(chosen ? { environment: chosen.environment } : {}) });
  runnerLog.write(renderBackupText(result, out));

  const changed = result.written.length + result.removed.length > 0;
  const markdown = renderBackupMarkdown(result);
  core.setOutput('changed', String(changed));
  core.setOutput('summary', markdown);
  core.setOutput('out', out);
  if (env['GITHUB_STEP_SUMMARY']) {
    await ports.summary.append([`## caac backup: ${escapeMarkdown(out)}`, '', backupSummaryLine(result), '', markdown].join('\n'));
  }
}
