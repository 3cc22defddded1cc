import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { runPlan, type PlanOutcome } from '../commands/plan.js';
import { formatFindings } from '../render/findings.js';
import { ExitCode } from '../errors.js';
import { hasChanges } from '../model/plan.js';
import { DEFAULT_ROOT, filePolicyStore } from '../repo/load-repository.js';
import { assertWritableFile } from '../repo/output-paths.js';
import { writePlanFile } from '../plan/plan-file.js';
import { renderPlanMarkdown } from '../render/plan-markdown.js';
import { renderPlanText } from '../render/plan-text.js';
import { reportTenantCommandError } from './fail.js';
import { addConnectionOptions, connectFromFlags, environmentFromFlags, logProgress, type ConnectionFlags } from './connection-options.js';
import { writeOut, printErrLine } from './output.js';
import { escapeLogValue } from '../model/log-text.js';
import { lineLogger } from '../ports/logger.js';

interface PlanFlags extends ConnectionFlags {
  dir: string;
  out?: string;
  markdown?: string;
  detailedExitcode?: boolean;
  prune?: boolean;
}

/** Prints why a plan stopped before comparing anything; returns the exit code. */
export function reportStoppedPlan(outcome: Exclude<PlanOutcome, { status: 'planned' }>, write: (text: string) => void): number {
  if (outcome.status === 'invalid') {
    write(formatFindings(outcome.validation, 'text'));
    write(`caac plan: stopped before reading the tenant: validate found ${outcome.validation.summary.errors} error(s); fix them first\n`);
  } else if (outcome.status === 'unresolved') {
    for (const p of outcome.problems) write(`${escapeLogValue(p.file)}:${p.line}:${p.column} error reference ${escapeLogValue(p.message)}\n`);
    write(`caac plan: stopped: ${outcome.problems.length} reference(s) could not be resolved in the tenant; nothing was planned\n`);
  } else {
    write(renderPlanText(outcome.plan));
    for (const p of outcome.problems) write(`${escapeLogValue(p.file)}:${p.line}:${p.column} error break-glass-not-excluded ${escapeLogValue(p.message)}\n`);
    write(`caac plan: refused: after ${outcome.problems.length === 1 ? 'this change' : 'these changes'} an emergency-access account would not be spared (${outcome.problems.length} problem${outcome.problems.length === 1 ? '' : 's'}); apply would refuse it too\n`);
  }
  return ExitCode.failure;
}

export function registerPlan(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command('plan')
    .description('compare the repository with the live tenant and show the exact change (exit 0 no changes, 1 error, 2 changes with --detailed-exitcode)')
    .option('-d, --dir <dir>', 'folder holding policies/, named-locations/, authentication-strengths/ and caac.yml', DEFAULT_ROOT)
    .option('-o, --out <file>', 'write the plan file (JSON) that apply takes')
    .option('--markdown <file>', 'write the report as markdown (the pull request comment)')
    .option('--detailed-exitcode', 'exit 2 when there are changes')
    .option('--prune', 'delete tenant objects that no file describes (also prune: true in caac.yml)');
  addConnectionOptions(command).action(async (flags: PlanFlags) => {
    try {
      await planAction(flags, setExit);
    } catch (error) {
      // With --detailed-exitcode, 2 means "changes": a mistake in the flags or files then exits 1.
      setExit(reportTenantCommandError(error, printErrLine, { usageExit: !flags.detailedExitcode }));
    }
  });
}

async function planAction(flags: PlanFlags, setExit: (code: number) => void): Promise<void> {
  const log = logProgress;
  // Before the tenant is read: a path that cannot be written would waste the whole read.
  if (flags.out) assertWritableFile(flags.out, '--out');
  if (flags.markdown) assertWritableFile(flags.markdown, '--markdown');
  const chosen = environmentFromFlags(flags, flags.dir);
  const graph = connectFromFlags(flags, flags.apiVersion, chosen);
  const environment = chosen ? { environment: chosen.environment } : {};
  const outcome = await runPlan(filePolicyStore(flags.dir), graph, { dir: flags.dir, prune: flags.prune, apiVersion: flags.apiVersion, log: lineLogger(log), ...environment });
  if (outcome.status !== 'planned') {
    setExit(reportStoppedPlan(outcome, writeOut));
    return;
  }
  const { plan } = outcome;
  writeOut(renderPlanText(plan));
  if (flags.out) writeFileSync(flags.out, writePlanFile(plan));
  if (flags.markdown) writeFileSync(flags.markdown, renderPlanMarkdown(plan));
  setExit(flags.detailedExitcode && hasChanges(plan) ? 2 : ExitCode.ok);
}
