/**
 * The six tasks, each a thin face over one `caac` command (run-cli.ts): inputs in, the CLI run,
 * its report published the Azure Pipelines way, the task's result from the CLI's exit code.
 * Exit codes are the CLI's contract: 0 done, 1 failure, 2 "changes" (plan --detailed-exitcode)
 * or "drift" (drift); validate's 2 is a settings error.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task.js';
import { neutralizeAgentText, writeAgentLog } from '../azdo/agent-log.js';
import { ConfigurationError } from '../errors.js';
import { cliConnection } from './connection.js';
import { booleanInput, choiceInput, requiredInput, stringInput, variable, workingDirectory } from './inputs.js';
import { consoleAsMarkdown, findingsFromJson, findingsFromText, logFindings, publishPlanThread, uploadSummary } from './publish.js';
import { runCli, type CliResult } from './run-cli.js';

export type TaskOutcome = { result: tl.TaskResult; message: string };

const DEFAULT_DIR = 'conditional-access';

function scratch(): string {
  return mkdtempSync(join(variable('Agent.TempDirectory') ?? tmpdir(), 'caac-'));
}

/** A file path input, relative to the sources; its folder is created. */
function outputPath(name: string, fallback: string): string {
  const path = resolve(workingDirectory(), stringInput(name) ?? fallback);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

/** Runs a tenant command with the connection's flags and environment. */
async function runTenantCommand(args: string[]): Promise<CliResult> {
  const connection = cliConnection();
  try {
    await connection.prepare();
    return await runCli([...args, ...connection.args], { cwd: workingDirectory(), env: connection.env });
  } finally {
    connection.dispose();
  }
}

const failed = (message: string): TaskOutcome => ({ result: tl.TaskResult.Failed, message });
const ok = (message: string): TaskOutcome => ({ result: tl.TaskResult.Succeeded, message });

export async function validateTask(): Promise<TaskOutcome> {
  const dir = stringInput('directory') ?? DEFAULT_DIR;
  const report = join(scratch(), 'findings.json');
  const run = await runCli(['validate', '--dir', dir, '--format', 'json', '--output', report], { cwd: workingDirectory(), env: {} });
  if (run.status >= 2) return failed(`caac validate could not check ${dir} (exit ${run.status}): see the log`);
  const findings = findingsFromJson(readFileSync(report, 'utf8'));
  logFindings(findings);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  if (run.status === 1 || errors > 0) return failed(`caac validate: ${errors} error(s), ${warnings} warning(s) in ${dir}`);
  return warnings > 0 ? { result: tl.TaskResult.SucceededWithIssues, message: `caac validate: ${warnings} warning(s)` } : ok('caac validate: no findings');
}

export async function planTask(): Promise<TaskOutcome> {
  const dir = stringInput('directory') ?? DEFAULT_DIR;
  const planFile = outputPath('planFile', join(variable('Build.ArtifactStagingDirectory') ?? scratch(), 'caac', 'plan.json'));
  const markdownFile = join(scratch(), 'plan.md');
  const comment = booleanInput('commentOnPullRequest', true);
  const args = ['plan', '--dir', dir, '--out', planFile, '--markdown', markdownFile, '--detailed-exitcode'];
  if (booleanInput('prune', false)) args.push('--prune');
  const run = await runTenantCommand(args);
  if (run.status !== 0 && run.status !== 2) {
    logFindings(findingsFromText(run.stdout));
    return failed(`caac plan stopped (exit ${run.status}): see the log`);
  }
  const markdown = readFileSync(markdownFile, 'utf8');
  uploadSummary('caac plan', markdown);
  tl.setVariable('planFile', planFile, false, true);
  tl.setVariable('hasChanges', run.status === 2 ? 'true' : 'false', false, true);
  if (comment) {
    const thread = await publishPlanThread(markdown);
    if (thread?.status === 'skipped') tl.warning(neutralizeAgentText(`caac: the plan was not posted on the pull request: ${thread.reason ?? ''}`));
    else if (thread) writeAgentLog(`caac: plan thread ${thread.threadId ?? ''} ${thread.status}\n`);
  }
  return ok(run.status === 2 ? 'caac plan: changes to apply' : 'caac plan: no changes');
}

export async function applyTask(): Promise<TaskOutcome> {
  const dir = stringInput('directory') ?? DEFAULT_DIR;
  const planFile = resolve(workingDirectory(), requiredInput('planFile'));
  const args = ['apply', '--plan', planFile, '--dir', dir];
  if (booleanInput('allowDelete', false)) args.push('--allow-delete');
  if (booleanInput('acceptImpact', false)) args.push('--accept-impact');
  if (booleanInput('endContingency', false)) args.push('--end-contingency');
  if (booleanInput('keepGoing', false)) args.push('--keep-going');
  const snapshots = stringInput('snapshotDirectory');
  if (snapshots !== undefined) args.push('--snapshot-dir', resolve(workingDirectory(), snapshots));
  const run = await runTenantCommand(args);
  uploadSummary('caac apply', consoleAsMarkdown('caac apply', run.stdout));
  return run.status === 0 ? ok('caac apply: applied and verified') : failed(`caac apply failed (exit ${run.status}): see the log`);
}

export async function backupTask(): Promise<TaskOutcome> {
  const out = resolve(workingDirectory(), requiredInput('outputDirectory'));
  const args = ['backup', '--out', out];
  if (booleanInput('ids', false)) args.push('--ids');
  const run = await runTenantCommand(args);
  return run.status === 0 ? ok(`caac backup: written to ${out}`) : failed(`caac backup failed (exit ${run.status}): see the log`);
}

export async function contingencyTask(): Promise<TaskOutcome> {
  const action = choiceInput('action', ['status', 'activate', 'deactivate'] as const, 'status');
  const set = stringInput('set');
  if (action !== 'status' && set === undefined) throw new ConfigurationError(`The set input is required to ${action} a contingency set.`);
  const args = ['contingency', action, ...(set === undefined ? [] : [set]), '--dir', stringInput('directory') ?? DEFAULT_DIR];
  if (action !== 'status' && booleanInput('dryRun', false)) args.push('--dry-run');
  const run = await runTenantCommand(args);
  uploadSummary(`caac contingency ${action}`, consoleAsMarkdown(`caac contingency ${action}`, run.stdout));
  return run.status === 0 ? ok(`caac contingency ${action}: done`) : failed(`caac contingency ${action} failed (exit ${run.status}): see the log`);
}

export async function driftTask(): Promise<TaskOutcome> {
  // The report as markdown on stdout (for the summary) and as JSON in --out (kept beside it).
  const report = join(scratch(), 'drift.json');
  const args = ['drift', '--dir', stringInput('directory') ?? DEFAULT_DIR, '--format', 'markdown', '--out', report];
  const since = stringInput('since');
  if (since !== undefined) args.push('--since', since);
  const onDrift = choiceInput('onDrift', ['fail', 'warn'] as const, 'fail');
  const run = await runTenantCommand(args);
  if (run.status !== 0 && run.status !== 2) {
    logFindings(findingsFromText(run.stdout));
    return failed(`caac drift failed (exit ${run.status}): see the log`);
  }
  tl.setVariable('driftDetected', run.status === 2 ? 'true' : 'false', false, true);
  tl.setVariable('driftReport', report, false, true);
  uploadSummary('caac drift', run.stdout);
  if (run.status === 0) return ok('caac drift: the tenant matches the repository');
  const message = 'caac drift: the tenant has drifted from the repository';
  return onDrift === 'fail' ? failed(message) : { result: tl.TaskResult.SucceededWithIssues, message };
}

export const TASKS = {
  CaacValidate: validateTask,
  CaacPlan: planTask,
  CaacApply: applyTask,
  CaacBackup: backupTask,
  CaacContingency: contingencyTask,
  CaacDrift: driftTask,
} as const;
export type TaskName = keyof typeof TASKS;
