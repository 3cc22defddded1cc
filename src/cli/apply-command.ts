import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { runApply } from '../commands/apply.js';
import { madeHereSource, reviewedPlanSource, type PlanSource } from '../commands/plan-check.js';
import { runPlan } from '../commands/plan.js';
import { ConfigurationError, ExitCode } from '../errors.js';
import type { Plan } from '../model/plan.js';
import type { TenantSnapshot } from '../model/tenant.js';
import type { Tenant } from '../ports/tenant.js';
import { readPlanFile } from '../plan/plan-file.js';
import { DEFAULT_ROOT, filePolicyStore } from '../repo/load-repository.js';
import { assertWritableFolder } from '../repo/output-paths.js';
import { defaultSnapshotDir, fileSnapshotStore } from '../repo/snapshot-store.js';
import { applySucceeded, renderApplyText } from '../render/apply-text.js';
import { renderPlanText } from '../render/plan-text.js';
import { addConnectionOptions, connectFromFlags, environmentFromFlags, logProgress, type ConnectionFlags } from './connection-options.js';
import { addConfirmTimeoutOption, confirmTimeoutMs } from './confirm-timeout.js';
import { reportTenantCommandError, tenantAction } from './fail.js';
import { reportStoppedPlan } from './plan-command.js';
import { writeOut, printLine, printErrLine } from './output.js';
import { lineLogger } from '../ports/logger.js';

interface ApplyFlags extends ConnectionFlags {
  plan?: string;
  dir: string;
  autoApprove?: boolean;
  allowDelete?: boolean;
  acceptImpact?: boolean;
  endContingency?: boolean;
  keepGoing?: boolean;
  snapshotDir?: string;
  prune?: boolean;
  confirmTimeout?: string;
  onlyExpiries?: boolean;
}

export function registerApply(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command('apply')
    .description('apply a reviewed plan (--plan plan.json), or plan and apply at once (--auto-approve); exit 0 applied and verified, 1 failure, 3 plan refused before any write: stale, or not what --dir and the tenant make')
    .option('-p, --plan <file>', 'the plan file that caac plan --out wrote')
    .option('-d, --dir <dir>', 'the repository folder: --plan makes the plan again from it and refuses one made from other documents; --auto-approve plans it', DEFAULT_ROOT)
    .option('--auto-approve', 'plan and apply in one go, without a reviewed plan file (for local use)')
    .option('--allow-delete', 'carry out the deletions the plan holds (refused otherwise)')
    .option('--accept-impact', "apply a plan whose Access impact blocks sign-ins that are not blocked today (refused otherwise; emergency accounts are never accepted)")
    .option('--end-contingency', 'also write the declared state of the policies an active contingency set holds, ending the contingency (without it they keep their contingency state)')
    .option('--keep-going', 'go on past a failed operation (default: stop at the first)')
    .option('--snapshot-dir <dir>', 'where to keep the objects as they were before (default: caac-snapshots/<time>/ in the system temp folder, named in the output)')
    .option('--only-expiries', "apply only ended exceptions' removals (caac.yml exceptions), without a reviewed plan: plans and applies at once, and refuses before any write a plan with any other change (a scheduled job's expiry run)")
    .option('--prune', 'with --auto-approve: delete tenant objects no file describes (needs --allow-delete too)');
  addConnectionOptions(addConfirmTimeoutOption(command)).action(tenantAction(setExit, applyAction));
}

async function applyAction(flags: ApplyFlags): Promise<number> {
  const log = logProgress;
  if (!flags.plan && !flags.autoApprove && !flags.onlyExpiries) {
    throw new ConfigurationError('apply needs the reviewed plan: --plan plan.json (from caac plan --out), or --auto-approve to plan and apply at once');
  }
  if (flags.plan && flags.autoApprove) throw new ConfigurationError('give either --plan or --auto-approve, not both');
  const confirmTimeout = confirmTimeoutMs(flags.confirmTimeout);
  if (flags.snapshotDir) assertWritableFolder(flags.snapshotDir, '--snapshot-dir');
  let plan: Plan;
  let planned: TenantSnapshot | undefined;
  let apiVersion = flags.apiVersion;
  if (flags.plan) {
    let text: string;
    try {
      text = readFileSync(flags.plan, 'utf8');
    } catch {
      throw new ConfigurationError(`cannot read the plan file "${flags.plan}"`);
    }
    plan = readPlanFile(text, flags.plan);
    apiVersion = plan.apiVersion;
  }
  const chosen = environmentFromFlags(flags, flags.dir);
  const environment = chosen ? { environment: chosen.environment } : {};
  const graph = connectFromFlags(flags, apiVersion, chosen);
  // The folder is --dir's, never the plan file's: a plan file must not choose the documents it is checked against.
  const store = filePolicyStore(flags.dir);
  if (!flags.plan) {
    const outcome = await runPlan(store, graph, { dir: flags.dir, prune: flags.prune, apiVersion, log: lineLogger(log), ...environment });
    if (outcome.status !== 'planned') return reportStoppedPlan(outcome, writeOut);
    plan = outcome.plan;
    planned = outcome.snapshot;
    writeOut(renderPlanText(plan));
  }
  return applyAndReport(plan!, graph.tenant, {
    source: flags.plan ? reviewedPlanSource(store, graph, flags.dir, chosen?.environment) : madeHereSource(store, flags.dir, { snapshot: planned }),
    snapshotDir: flags.snapshotDir,
    allowDelete: flags.allowDelete ?? false,
    acceptImpact: flags.acceptImpact ?? false,
    keepGoing: flags.keepGoing ?? false,
    endContingency: flags.endContingency ?? false,
    confirmTimeoutMs: confirmTimeout,
    onlyExpiries: flags.onlyExpiries ?? false,
  });
}

/**
 * Applies a plan with a snapshot, prints the progress and the report; answers the exit code (apply
 * and restore). The report is printed whatever failed; an error behind it (the first read, the
 * read-back) then sets the exit code as it did when it was thrown.
 */
export async function applyAndReport(
  plan: Plan,
  tenant: Tenant,
  options: { source: PlanSource; snapshotDir?: string; allowDelete: boolean; acceptImpact?: boolean; keepGoing: boolean; endContingency: boolean; confirmTimeoutMs?: number; onlyExpiries?: boolean },
): Promise<number> {
  const snapshotDir = options.snapshotDir ?? defaultSnapshotDir(process.env, new Date(), undefined, plan.environment);
  const outcome = await runApply(plan, { tenant, snapshots: fileSnapshotStore(snapshotDir), source: options.source }, {
    allowDelete: options.allowDelete,
    ...(options.acceptImpact === undefined ? {} : { acceptImpact: options.acceptImpact }),
    endContingency: options.endContingency,
    keepGoing: options.keepGoing,
    confirmTimeoutMs: options.confirmTimeoutMs,
    onlyExpiries: options.onlyExpiries ?? false,
    log: lineLogger(printLine),
  });
  writeOut(renderApplyText(outcome));
  if (outcome.error !== undefined) return reportTenantCommandError(outcome.error, printErrLine);
  return applySucceeded(outcome) ? ExitCode.ok : ExitCode.failure;
}
