import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { hasChanges } from '../model/plan.js';
import { planRestore, restoreSource, restoreStore } from '../commands/restore.js';
import { ConfigurationError, ExitCode } from '../errors.js';
import { DEFAULT_ROOT, filePolicyStore } from '../repo/load-repository.js';
import { assertWritableFolder } from '../repo/output-paths.js';
import { renderPlanText } from '../render/plan-text.js';
import { addConnectionOptions, connectFromFlags, environmentFromFlags, logProgress, type ConnectionFlags } from './connection-options.js';
import { applyAndReport } from './apply-command.js';
import { addConfirmTimeoutOption, confirmTimeoutMs } from './confirm-timeout.js';
import { tenantAction } from './fail.js';
import { reportStoppedPlan } from './plan-command.js';
import { writeOut } from './output.js';
import { lineLogger } from '../ports/logger.js';

interface RestoreFlags extends ConnectionFlags {
  from: string;
  dir: string;
  autoApprove?: boolean;
  prune?: boolean;
  only?: string;
  snapshotDir?: string;
  confirmTimeout?: string;
}

export function registerRestore(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command('restore')
    .description('restore the tenant from a backup folder: shows the plan, then applies it (deleted objects come back with their ids)')
    .requiredOption('--from <dir>', 'the backup folder (written by caac backup)')
    .option('--auto-approve', 'apply without asking')
    .option('--prune', 'delete objects created since the backup')
    .option('--only <name>', 'restore only the object with this displayName')
    .option('-d, --dir <dir>', 'with --environment: the repository folder whose caac.yml names the environment (a backup or snapshot holds none)', DEFAULT_ROOT)
    .option('--snapshot-dir <dir>', 'where to keep the objects as they were before');
  addConnectionOptions(addConfirmTimeoutOption(command)).action(tenantAction(setExit, restoreAction));
}

async function restoreAction(flags: RestoreFlags): Promise<number> {
  const log = logProgress;
  const confirmTimeout = confirmTimeoutMs(flags.confirmTimeout);
  if (!existsSync(flags.from)) throw new ConfigurationError(`no backup folder "${flags.from}": --from takes the folder that caac backup --out wrote`);
  if (flags.snapshotDir) assertWritableFolder(flags.snapshotDir, '--snapshot-dir');
  // The environment is the repository's (a backup folder has no caac.yml of its own).
  const chosen = environmentFromFlags(flags, flags.dir);
  const graph = connectFromFlags(flags, flags.apiVersion, chosen);
  const store = restoreStore(filePolicyStore(flags.from), flags);
  const outcome = await planRestore(store, graph, { from: flags.from, only: flags.only, prune: flags.prune, apiVersion: flags.apiVersion, log: lineLogger(log), ...(chosen ? { environment: chosen.environment } : {}) });
  if (outcome.status !== 'planned') return reportStoppedPlan(outcome, writeOut);
  const { plan } = outcome;
  writeOut(renderPlanText(plan, { acceptsBlocks: 'restore' }));
  if (!hasChanges(plan)) return ExitCode.ok;
  if (!flags.autoApprove) {
    if (!process.stdin.isTTY) {
      throw new ConfigurationError('restore changes the tenant: review the plan above, then run again with --auto-approve (there is no terminal to ask)');
    }
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = (await rl.question('Apply this restore? Type "yes" to go on: ')).trim().toLowerCase();
    rl.close();
    if (answer !== 'yes') {
      writeOut('Nothing was changed.\n');
      return ExitCode.failure;
    }
  }
  // --prune asked for the deletions the plan shows; ending a contingency is apply's alone.
  // The backup folder must still hold what was planned and shown (the question may wait a while).
  // Asked and answered, time has passed: apply reads the lists the plan read again. With
  // --auto-approve it follows at once, on the plan's own read.
  const source = restoreSource(filePolicyStore(flags.from), flags, flags.autoApprove ? outcome.snapshot : undefined);
  return applyAndReport(plan, graph.tenant, { source, snapshotDir: flags.snapshotDir, allowDelete: flags.prune ?? false, keepGoing: false, endContingency: false, confirmTimeoutMs: confirmTimeout });
}
