import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_MAX_PAGES, runRolloutAdvance, runRolloutStatus, type RolloutOptions } from '../commands/rollout.js';
import { parseDuration } from '../drift/state.js';
import { ConfigurationError, ExitCode } from '../errors.js';
import { DEFAULT_ROOT, filePolicyStore } from '../repo/load-repository.js';
import { assertWritableFile } from '../repo/output-paths.js';
import { diskTextFiles } from '../repo/text-files.js';
import { renderAdvanceMarkdown, renderRolloutStatusJson, renderRolloutStatusMarkdown, renderRolloutStatusText } from '../render/rollout-status.js';
import { addConnectionOptions, connectFromFlags, type ConnectionFlags } from './connection-options.js';
import { reportTenantCommandError } from './fail.js';
import { printErrLine, writeOut } from './output.js';

/** `rollout advance --check`: the evidence crosses a gate (or there is no next stage); nothing was edited. */
export const ROLLOUT_REFUSED_EXIT = 4;

interface RolloutFlags extends ConnectionFlags {
  dir: string;
  since: string;
  maxPages: string;
  format?: string;
  to?: string;
  check?: boolean;
  body?: string;
}

/** `--since`: drift's durations (`7d`, `36h`, `2w`, …) → ms. */
function windowMsOf(raw: string): number {
  const ms = parseDuration(raw);
  if (ms === undefined) throw new ConfigurationError(`--since "${raw}" is not a duration longer than zero: write e.g. 7d, 36h or 2w`);
  return ms;
}

function options(flags: RolloutFlags): RolloutOptions {
  const maxPages = Number(flags.maxPages);
  if (!Number.isInteger(maxPages) || maxPages < 1) throw new ConfigurationError(`--max-pages "${flags.maxPages}" must be a whole number of 1 or more`);
  return { windowMs: windowMsOf(flags.since), maxPages };
}

const common = (c: Command): Command =>
  addConnectionOptions(
    c
      .option('-d, --dir <dir>', 'the repository folder (caac.yml and the policy files)', DEFAULT_ROOT)
      .option('--since <duration>', 'how far back to read the sign-in log (e.g. 7d, 36h, 2w); a policy newer in its stage is read from its since date', '7d')
      .option('--max-pages <n>', 'at most this many pages of the sign-in log (1,000 sign-ins each); the report says when it stopped there', String(DEFAULT_MAX_PAGES)),
  );

/** `caac rollout status|advance`: exit 0 done, 1 error, 2 usage, 4 advance refused (gates or no next stage). */
export function registerRollout(program: Command, setExit: (code: number) => void): void {
  const rollout = program.command('rollout').description('staged rollout: each policy\'s ring and its sign-in evidence; advance one ring by pull request (exit 4: advance refused)');
  common(rollout.command('status').description('every policy in rollout: its ring, how long it has been there, what the sign-in log recorded for it, whether its gates pass'))
    .option('--format <format>', 'text, json or markdown', 'text')
    .action(async (flags: RolloutFlags) => {
      try {
        if (!['text', 'json', 'markdown'].includes(flags.format ?? 'text')) throw new ConfigurationError(`--format "${flags.format}": use text, json or markdown`);
        const graph = connectFromFlags(flags);
        const status = await runRolloutStatus({ store: filePolicyStore(flags.dir), ...graph }, options(flags));
        writeOut(flags.format === 'json' ? renderRolloutStatusJson(status) : flags.format === 'markdown' ? renderRolloutStatusMarkdown(status) : renderRolloutStatusText(status));
        setExit(ExitCode.ok);
      } catch (error) {
        setExit(reportTenantCommandError(error, printErrLine));
      }
    });
  common(rollout.command('advance').description('move a policy to its next ring (leaving report-only: enforce it on its ring), editing caac.yml and the policy file; prints the evidence as a pull request body').argument('<policy>', 'the policy\'s displayName'))
    .option('--to <ring>', 'a later ring than the next one')
    .option('--check', 'refuse (exit 4, nothing edited) when the evidence crosses rollout.gates')
    .option('--body <file>', 'also write the pull request body (markdown) to this file')
    .action(async (policy: string, flags: RolloutFlags) => {
      try {
        if (flags.body) assertWritableFile(flags.body, '--body');
        const graph = connectFromFlags(flags);
        const outcome = await runRolloutAdvance({ store: filePolicyStore(flags.dir), ...graph, files: diskTextFiles() }, policy, { ...options(flags), ...(flags.to ? { to: flags.to } : {}), check: flags.check ?? false });
        const body = renderAdvanceMarkdown(outcome);
        writeOut(body);
        if (flags.body) writeFileSync(flags.body, body);
        setExit(outcome.status === 'advanced' ? ExitCode.ok : ROLLOUT_REFUSED_EXIT);
      } catch (error) {
        setExit(reportTenantCommandError(error, printErrLine));
      }
    });
}
