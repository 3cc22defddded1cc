/**
 * `caac demo`: the pipeline, step by step, against an embedded emulator holding the sample
 * tenant, with the example repository that describes it. Needs no install and no tenant.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { runApply } from '../commands/apply.js';
import { reviewedPlanSource } from '../commands/plan-check.js';
import { runBackup } from '../commands/backup.js';
import { planRestore, restoreSource, restoreStore } from '../commands/restore.js';
import { contingencySucceeded, runContingency } from '../commands/contingency.js';
import { renderContingencyStatus } from '../render/contingency-text.js';
import { backupSummaryLine } from '../render/backup-report.js';
import { runPlan } from '../commands/plan.js';
import { hasChanges } from '../model/plan.js';
import { formatFindings } from '../render/findings.js';
import { runValidate } from '../commands/validate.js';
import { startEmulator } from '../emulator/index.js';
import { ExitCode } from '../errors.js';
import { connectGraph } from '../graph/connect.js';
import { filePolicyStore } from '../repo/load-repository.js';
import type { Plan } from '../model/plan.js';
import { fileSnapshotStore } from '../repo/snapshot-store.js';
import { applySucceeded, renderApplyText } from '../render/apply-text.js';
import { renderPlanText } from '../render/plan-text.js';
import { reportStoppedPlan } from './plan-command.js';
import { writeOut, writeErr } from './output.js';
import { folderBackupStore } from '../repo/backup-folder.js';
import { lineLogger } from '../ports/logger.js';

/** The example repository beside the bundle (dist/../examples) or the sources (src/cli/../../examples). */
export function exampleRepository(): string | undefined {
  for (const candidate of ['../examples/conditional-access', '../../examples/conditional-access']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

const indent = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => `          ${l}`)
    .join('\n');

export function registerDemo(program: Command, setExit: (code: number) => void): void {
  program
    .command('demo')
    .description('run the pipeline against an embedded Graph emulator with a sample tenant (no tenant, no install)')
    .option('--dir <dir>', 'repository to use instead of the bundled example')
    .action(async (flags: { dir?: string }) => {
      const out = (line = '') => writeOut(line + '\n');
      const dir = flags.dir ?? exampleRepository();
      if (!dir) {
        writeErr('caac demo: the example repository (examples/conditional-access) is missing next to the bundle; pass --dir\n');
        setExit(ExitCode.usage);
        return;
      }
      const shownDir = relative(process.cwd(), dir) || '.';
      const steps = 14;
      out('caac demo: Conditional Access as Code against a local Graph emulator');
      out();
      out(`Step 1/${steps}  start the Graph emulator with the sample tenant`);
      const emulator = await startEmulator({ seed: 'sample' });
      // Every temporary folder the demo makes (snapshots, the backup): removed however it ends.
      const created: string[] = [];
      const tempFolder = (prefix: string): string => {
        const path = mkdtempSync(join(tmpdir(), prefix));
        created.push(path);
        return path;
      };
      try {
        out(`          listening on ${emulator.url} (tenant ${emulator.tenantId})`);
        out();
        out(`Step 2/${steps}  caac validate --dir ${shownDir}`);
        const validation = runValidate(filePolicyStore(shownDir));
        out(indent(formatFindings(validation, 'text')));
        out();

        // The emulator takes any bearer token; a demo paces faster than Graph's 1 request/s.
        const graph = connectGraph({ graphUrl: emulator.url, env: { CAAC_ACCESS_TOKEN: 'caac-demo' }, rateLimit: 20 });
        const plan = async (): Promise<Plan | undefined> => {
          const outcome = await runPlan(filePolicyStore(shownDir), graph, { dir: shownDir, apiVersion: 'v1.0' });
          if (outcome.status !== 'planned') {
            setExit(reportStoppedPlan(outcome, (t) => writeOut(indent(t) + '\n')));
            return undefined;
          }
          out(indent(renderPlanText(outcome.plan)));
          return outcome.plan;
        };
        out(`Step 3/${steps}  caac plan --dir ${shownDir} --graph-url ${emulator.url}`);
        if (!(await plan())) return;
        out();

        out(`Step 4/${steps}  someone edits the tenant in the portal: the report-only device policy is switched on`);
        const snapshot = await graph.tenant.read();
        const target = snapshot.policies.find((p) => p['state'] === 'enabledForReportingButNotEnforced');
        if (target && typeof target['id'] === 'string') {
          await graph.tenant.update('policy', target['id'], { state: 'enabled' });
          out(`          PATCH policy "${String(target['displayName'])}": state → enabled`);
        }
        out();
        out(`Step 5/${steps}  caac plan again: the drift shows, with the change that puts the repository back`);
        const drift = await plan();
        if (!drift) return;
        out();
        out(`Step 6/${steps}  caac apply --plan plan.json: stale-plan check, the plan made again and compared, snapshot, paced writes, read back`);
        const snapshots = fileSnapshotStore(tempFolder('caac-demo-snapshot-'));
        // As apply --plan does: the plan is made again from the folder and the tenant, and compared.
        const applied = await runApply(drift, { tenant: graph.tenant, snapshots, source: reviewedPlanSource(filePolicyStore(shownDir), graph, shownDir) }, { allowDelete: false, keepGoing: false, log: lineLogger((line) => out(indent(line))) });
        out(indent(renderApplyText(applied)));
        if (!applySucceeded(applied)) {
          setExit(ExitCode.failure);
          return;
        }
        out();
        out(`Step 7/${steps}  caac plan: the tenant matches the repository again`);
        const final = await plan();
        if (!final) return;
        out();
        const backupDir = join(tempFolder('caac-demo-backup-'), 'conditional-access');
        out(`Step 8/${steps}  caac backup --out ${backupDir}`);
        const backup = await runBackup({ ...graph, store: folderBackupStore(backupDir) }, { apiVersion: 'v1.0' });
        out(indent(backupSummaryLine(backup)));
        out();
        out(`Step 9/${steps}  caac plan --dir ${backupDir}: a backup is a repository, and it plans as no changes`);
        const fromBackup = await runPlan(filePolicyStore(backupDir), graph, { dir: backupDir, apiVersion: 'v1.0' });
        if (fromBackup.status !== 'planned') {
          setExit(reportStoppedPlan(fromBackup, (t) => writeOut(indent(t) + '\n')));
          return;
        }
        out(indent(renderPlanText(fromBackup.plan)));
        out();
        const contingency = async (action: 'activate' | 'deactivate'): Promise<boolean> => {
          const outcome = await runContingency(action, 'outage-mfa', { ...graph, store: filePolicyStore(shownDir) }, { dryRun: false, log: lineLogger((line) => out(indent(line))) });
          out(indent(renderContingencyStatus(outcome.sets)));
          return contingencySucceeded(outcome);
        };
        out(`Step 10/${steps}  MFA is down: caac contingency activate outage-mfa`);
        const activated = await contingency('activate');
        out();
        out(`Step 11/${steps}  a routine merge is planned during the outage: the set's policies are held, not switched back off`);
        const during = await plan();
        if (!during) return;
        out();
        out(`Step 12/${steps}  MFA is back: caac contingency deactivate outage-mfa (each policy back to the state its file declares)`);
        const deactivated = await contingency('deactivate');
        out();
        const restoredOnce = await lostAnswerSteps(emulator.url, graph, steps, out, backupDir, tempFolder);
        const held = during.contingency?.held.length ?? 0;
        setExit(
          validation.summary.errors > 0 || hasChanges(final) || hasChanges(fromBackup.plan) || !activated || hasChanges(during) || held !== 3 || !deactivated || !restoredOnce
            ? ExitCode.failure
            : ExitCode.ok,
        );
      } finally {
        await emulator.stop();
        for (const path of created) rmSync(path, { recursive: true, force: true });
      }
    });
}

/** The emulator's admin endpoints (not Graph): faults and list lag, switched on and off. */
async function admin(url: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}/_emulator/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`emulator admin ${path} answered ${response.status}`);
}

/**
 * Steps 13–14: a policy deleted in the portal comes back from the recycle bin while Graph loses
 * the answer to the restore (it is carried out; the answer never arrives) and its lists lag.
 * caac looks for the result by id instead of sending the restore again: one copy, its old id.
 * Answers whether the policy exists exactly once afterwards.
 */
async function lostAnswerSteps(
  url: string,
  graph: ReturnType<typeof connectGraph>,
  steps: number,
  out: (line?: string) => void,
  backupDir: string,
  tempFolder: (prefix: string) => string,
): Promise<boolean> {
  const before = await graph.tenant.read();
  const victim = before.policies.find((p) => p['state'] === 'enabled' && typeof p['id'] === 'string');
  if (!victim) return false;
  const name = String(victim['displayName']);
  out(`Step 13/${steps}  someone deletes "${name}" in the portal; then Graph starts losing answers (the write is done, the answer never arrives) and its lists lag 1.5 s`);
  await graph.tenant.remove('policy', String(victim['id']));
  await admin(url, 'list-lag', { ms: 1500 });
  await new Promise((r) => setTimeout(r, 1600));
  out(indent(`caac restore --from ${backupDir} --only "${name}"`));
  const backup = restoreStore(filePolicyStore(backupDir), { from: backupDir, only: name });
  const planned = await planRestore(backup, graph, { from: backupDir, only: name, apiVersion: 'v1.0', log: lineLogger((line) => out(indent(line))) });
  if (planned.status !== 'planned') return false;
  const restore = planned.plan;
  out(indent(renderPlanText(restore)));
  out();
  out(`Step 14/${steps}  the restore is applied: the policy comes back from the recycle bin with its id, though Graph loses the restore's answer`);
  await admin(url, 'faults', { spec: 'rate=1,kinds=lost,methods=POST,seed=1' });
  const snapshots = fileSnapshotStore(tempFolder('caac-demo-snapshot-'));
  const applied = await runApply(restore, { tenant: graph.tenant, snapshots, source: restoreSource(backup, { from: backupDir, only: name }) }, { allowDelete: false, keepGoing: false, confirmTimeoutMs: 20_000, log: lineLogger((line) => out(indent(line))) });
  await admin(url, 'faults', { spec: null });
  await admin(url, 'list-lag', { ms: 0 });
  out(indent(renderApplyText(applied)));
  const copies = (await graph.tenant.read()).policies.filter((p) => p['displayName'] === name);
  out(indent(`"${name}": ${copies.length} cop${copies.length === 1 ? 'y' : 'ies'} in the tenant, id ${copies.map((p) => String(p['id'])).join(', ')}${copies.length === 1 && copies[0]!['id'] === victim['id'] ? ' (its old id)' : ''}`));
  return applySucceeded(applied) && copies.length === 1 && copies[0]!['id'] === victim['id'];
}
