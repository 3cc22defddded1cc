import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import * as runnerLog from '../github/log.js';
import { runValidate } from '../commands/validate.js';
import { formatFindings } from '../render/findings.js';
import { annotateFindings } from '../github/annotations.js';
import { filePolicyStore } from '../repo/load-repository.js';
import { renderFindingsMarkdown } from '../render/findings-markdown.js';
import type { ActionInputs } from './inputs.js';

/** The validate step: annotations, a job summary with every finding, SARIF, outputs. */
export async function validateAction(inputs: ActionInputs): Promise<void> {
  const result = runValidate(filePolicyStore(inputs.dir));
  runnerLog.write(formatFindings(result, 'text'));

  const counts = annotateFindings(result.findings);
  const sarifFile = join(process.env['RUNNER_TEMP'] ?? tmpdir(), 'caac-validate.sarif');
  writeFileSync(sarifFile, formatFindings(result, 'sarif'));

  let summary = renderFindingsMarkdown(result, `caac validate: ${inputs.dir}`);
  const hidden = counts.hidden.errors + counts.hidden.warnings;
  if (hidden > 0) {
    summary += `\n${hidden} finding${hidden === 1 ? ' is' : 's are'} not shown as annotations (GitHub shows ${counts.shown.errors + counts.shown.warnings} per step); the table above lists them all.\n`;
  }
  if (process.env['GITHUB_STEP_SUMMARY']) await core.summary.addRaw(summary).write();

  core.setOutput('errors', String(result.summary.errors));
  core.setOutput('warnings', String(result.summary.warnings));
  core.setOutput('sarif-file', sarifFile);
  if (result.summary.errors > 0) {
    runnerLog.setFailed(`caac validate found ${result.summary.errors} error${result.summary.errors === 1 ? '' : 's'} in ${inputs.dir}`);
  }
}
