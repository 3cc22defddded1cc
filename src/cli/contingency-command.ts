import type { Command } from 'commander';
import { contingencySucceeded, runContingency, type ContingencyAction, type ContingencyOutcome } from '../commands/contingency.js';
import { renderContingencyStatus } from '../contingency/render.js';
import { ExitCode } from '../errors.js';
import { DEFAULT_ROOT } from '../repo/load-repository.js';
import { addConnectionOptions, connectFromFlags, type ConnectionFlags } from './connection-options.js';
import { reportTenantCommandError } from './fail.js';

interface ContingencyFlags extends ConnectionFlags {
  dir: string;
  dryRun?: boolean;
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
      setExit(reportTenantCommandError(error, (line) => process.stderr.write(line + '\n')));
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
    addConnectionOptions(
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
    ).action(run(action));
  }
}

async function contingencyAction(action: ContingencyAction, setName: string | undefined, flags: ContingencyFlags): Promise<number> {
  const graph = connectFromFlags(flags);
  const outcome = await runContingency(action, setName, graph, {
    dir: flags.dir,
    dryRun: flags.dryRun ?? false,
    log: (line) => process.stdout.write(line + '\n'),
  });
  process.stdout.write(renderOutcome(outcome));
  return contingencySucceeded(outcome) ? ExitCode.ok : ExitCode.failure;
}

function renderOutcome(outcome: ContingencyOutcome): string {
  const lines: string[] = [];
  if (outcome.verification.length) lines.push('Verification failed:', ...outcome.verification.map((v) => `  ${v}`));
  const failed = outcome.results.filter((r) => r.status !== 'applied');
  if (failed.length) lines.push(`${failed.length} change(s) not made: the set may be half switched; run the command again.`);
  if (outcome.dryRun && outcome.operations.length) lines.push('Dry run: nothing was changed.');
  return (lines.length ? lines.join('\n') + '\n' : '') + renderContingencyStatus(outcome.sets, outcome.problems);
}
