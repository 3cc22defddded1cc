import type { Command } from 'commander';
import { contingencySucceeded, runContingency } from '../commands/contingency.js';
import type { ContingencyAction } from '../contingency/outcome.js';
import { renderContingencyOutcome } from '../render/contingency-text.js';
import { ExitCode } from '../errors.js';
import { DEFAULT_ROOT } from '../repo/load-repository.js';
import { addConnectionOptions, connectFromFlags, environmentFromFlags, type ConnectionFlags } from './connection-options.js';
import { addConfirmTimeoutOption, confirmTimeoutMs } from './confirm-timeout.js';
import { reportTenantCommandError } from './fail.js';
import { writeOut, printLine, printErrLine } from './output.js';
import { filePolicyStore } from '../repo/load-repository.js';
import { lineLogger } from '../ports/logger.js';

interface ContingencyFlags extends ConnectionFlags {
  dir: string;
  dryRun?: boolean;
  confirmTimeout?: string;
}

/** `caac contingency status|activate <set>|deactivate <set>`; exit 0 done and verified, 1 otherwise. */
export function registerContingency(program: Command, setExit: (code: number) => void): void {
  const contingency = program
    .command('contingency')
    .description('contingency sets of caac.yml: show which are active, switch one on or off in the tenant (exit 0 done and verified, 1 failure)');

  const run = (action: ContingencyAction) => async (setName: string | undefined, flags: ContingencyFlags) => {
    try {
      setExit(await contingencyAction(action, setName, flags));
    } catch (error) {
      setExit(reportTenantCommandError(error, printErrLine));
    }
  };

  addConnectionOptions(
    contingency
      .command('status')
      .description('which contingency sets exist, which are active in the tenant, and since when')
      .argument('[set]', 'only this set')
      .option('-d, --dir <dir>', 'the repository folder (caac.yml)', DEFAULT_ROOT),
  ).action(run('status'));

  for (const action of ['activate', 'deactivate'] as const) {
    addConfirmTimeoutOption(addConnectionOptions(
      contingency
        .command(action)
        .description(
          action === 'activate'
            ? 'enable the set\'s activate policies and move its deactivate policies to deactivatedState (idempotent)'
            : 'return every policy of the set to the state its file in the repository declares (idempotent)',
        )
        .argument('<set>', 'the set\'s name in caac.yml')
        .option('-d, --dir <dir>', 'the repository folder (caac.yml and the policy files)', DEFAULT_ROOT)
        .option('--dry-run', 'show the changes, make none'),
    )).action(run(action));
  }
}

async function contingencyAction(action: ContingencyAction, setName: string | undefined, flags: ContingencyFlags): Promise<number> {
  const confirmTimeout = confirmTimeoutMs(flags.confirmTimeout);
  const chosen = environmentFromFlags(flags, flags.dir);
  const graph = connectFromFlags(flags, flags.apiVersion, chosen);
  const outcome = await runContingency(action, setName, { ...graph, store: filePolicyStore(flags.dir) }, {
    ...(chosen ? { environment: chosen.environment } : {}),
    dryRun: flags.dryRun ?? false,
    confirmTimeoutMs: confirmTimeout,
    log: lineLogger(printLine),
  });
  writeOut(renderContingencyOutcome(outcome));
  // The report is out; an error behind it (the first read, the read-back) sets the exit code as when it was thrown.
  if (outcome.error !== undefined) return reportTenantCommandError(outcome.error, printErrLine);
  return contingencySucceeded(outcome) ? ExitCode.ok : ExitCode.failure;
}

