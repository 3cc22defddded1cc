/**
 * The steps of `caac demo`, in order. Each prints its title and what the command it stands for
 * prints, and records in `failures` what did not end as the demo says it would. What a step
 * touches is found, not named: the policy "someone" switches in the portal is one the repository
 * describes, the contingency set is the first one the repository's settings (or policy names)
 * define, the policy deleted is one the backup holds.
 */
import { join } from 'node:path';
import { runApply } from '../commands/apply.js';
import { runBackup } from '../commands/backup.js';
import { contingencySucceeded, runContingency } from '../commands/contingency.js';
import { madeHereSource, reviewedPlanSource, type PlanSource } from '../commands/plan-check.js';
import { runPlan } from '../commands/plan.js';
import { planRestore, restoreSource, restoreStore } from '../commands/restore.js';
import { runValidate } from '../commands/validate.js';
import { backupSummaryLine } from '../render/backup-report.js';
import { renderContingencyStatus } from '../render/contingency-text.js';
import { formatFindings } from '../render/findings.js';
import type { GraphConnection } from '../graph/connect.js';
import { hasChanges, type Plan } from '../model/plan.js';
import { folderBackupStore } from '../repo/backup-folder.js';
import { lineLogger, silentLogger } from '../ports/logger.js';
import { filePolicyStore } from '../repo/load-repository.js';
import { fileSnapshotStore } from '../repo/snapshot-store.js';
import { applySucceeded, renderApplyText } from '../render/apply-text.js';
import { renderPlanText } from '../render/plan-text.js';
import { pickDrift, pickVictim, type Drift } from './demo-scenario.js';
import { reportStoppedPlan } from './plan-command.js';

export interface DemoContext {
  /** The repository, as the user gave it (relative to the working directory). */
  dir: string;
  emulatorUrl: string;
  graph: GraphConnection;
  out: (line?: string) => void;
  /** A command's report, indented under its step. */
  show: (text: string) => void;
  tempFolder: (prefix: string) => string;
  /** What did not end as the demo says (the exit code is 1 when there is any). */
  failures: string[];
  /** Steps in all, the emulator's start included. */
  total: number;
  /** Carried from step to step. */
  state: {
    edit?: Drift;
    drift?: Plan;
    backupDir?: string;
    set?: string;
    switched?: number;
    restore?: { name: string; id: string; plan: Plan };
  };
}

export type DemoStep = (c: DemoContext, n: number) => Promise<'go' | 'stop'>;

const title = (c: DemoContext, n: number, text: string) => c.out(`Step ${n}/${c.total}${n < 10 ? '  ' : ' '}${text}`);

/** caac plan of the repository (or another folder) against the emulator, printed; undefined when it stopped. */
async function plan(c: DemoContext, dir = c.dir): Promise<Plan | undefined> {
  const outcome = await runPlan(filePolicyStore(dir), c.graph, { dir, apiVersion: 'v1.0' });
  if (outcome.status !== 'planned') {
    reportStoppedPlan(outcome, (t) => c.show(t));
    c.failures.push(`caac plan --dir ${dir} stopped (${outcome.status}): the demo cannot go on`);
    return undefined;
  }
  c.show(renderPlanText(outcome.plan));
  return outcome.plan;
}

/**
 * Applies a plan as caac apply does (snapshot, paced writes, read back), printing its progress and
 * report; `source` says how the plan is checked first (made again and compared, for a reviewed plan).
 */
async function apply(c: DemoContext, planned: Plan, source: PlanSource, confirmTimeoutMs?: number): Promise<boolean> {
  const snapshots = fileSnapshotStore(c.tempFolder('caac-demo-snapshot-'));
  const applied = await runApply(planned, { tenant: c.graph.tenant, snapshots, source }, { allowDelete: false, keepGoing: false, confirmTimeoutMs, log: lineLogger(c.show) });
  c.show(renderApplyText(applied));
  return applySucceeded(applied);
}

const validate: DemoStep = async (c, n) => {
  title(c, n, `caac validate --dir ${c.dir}`);
  const validation = runValidate(filePolicyStore(c.dir));
  c.show(formatFindings(validation, 'text'));
  if (validation.summary.errors > 0) c.failures.push(`validate found ${validation.summary.errors} error(s) in ${c.dir}`);
  return 'go';
};

const firstPlan: DemoStep = async (c, n) => {
  title(c, n, `caac plan --dir ${c.dir} --graph-url ${c.emulatorUrl}`);
  const first = await plan(c);
  if (!first) return 'stop';
  if (!hasChanges(first)) return 'go';
  // A repository other than the example: the demo's tenant takes it first, so the steps after start from a match.
  c.out();
  c.show(`caac apply --auto-approve: the emulator's tenant takes the repository, so the steps after start where a merged repository leaves a tenant`);
  if (await apply(c, first, madeHereSource(filePolicyStore(c.dir), c.dir))) return 'go';
  c.failures.push('the repository could not be applied to the sample tenant');
  return 'stop';
};

const portalEdit: DemoStep = async (c, n) => {
  const drift = pickDrift(filePolicyStore(c.dir).load().documents, await c.graph.tenant.read());
  c.state.edit = drift;
  if (!drift) {
    title(c, n, 'someone edits the tenant in the portal: skipped, no policy of the repository is in the tenant to edit');
    return 'go';
  }
  title(c, n, `someone edits the tenant in the portal: ${drift.story}`);
  await c.graph.tenant.update('policy', drift.id, { state: drift.to });
  c.show(`PATCH policy "${drift.displayName}": state → ${drift.to}`);
  return 'go';
};

const driftPlan: DemoStep = async (c, n) => {
  title(c, n, 'caac plan again: the drift shows, with the change that puts the repository back');
  c.state.drift = await plan(c);
  if (!c.state.drift) return 'stop';
  if (c.state.edit && !hasChanges(c.state.drift)) c.failures.push(`the edit of "${c.state.edit.displayName}" did not show in the plan`);
  return 'go';
};

const reviewedApply: DemoStep = async (c, n) => {
  if (!hasChanges(c.state.drift!)) {
    title(c, n, 'caac apply --plan plan.json: skipped, the plan has nothing to apply');
    return 'go';
  }
  title(c, n, 'caac apply --plan plan.json: stale-plan check, the plan made again and compared, snapshot, paced writes, read back');
  // As apply --plan does: the plan is made again from the folder and the tenant, and compared.
  if (await apply(c, c.state.drift!, reviewedPlanSource(filePolicyStore(c.dir), c.graph, c.dir))) return 'go';
  c.failures.push('the reviewed plan was not applied in full');
  return 'stop';
};

const matchPlan: DemoStep = async (c, n) => {
  title(c, n, 'caac plan: the tenant matches the repository again');
  const final = await plan(c);
  if (!final) return 'stop';
  if (hasChanges(final)) c.failures.push('after apply, the plan still has changes');
  return 'go';
};

const backup: DemoStep = async (c, n) => {
  c.state.backupDir = join(c.tempFolder('caac-demo-backup-'), 'conditional-access');
  title(c, n, `caac backup --out ${c.state.backupDir}`);
  c.show(backupSummaryLine(await runBackup({ ...c.graph, store: folderBackupStore(c.state.backupDir) }, { apiVersion: 'v1.0' })));
  return 'go';
};

const backupPlan: DemoStep = async (c, n) => {
  title(c, n, `caac plan --dir ${c.state.backupDir!}: a backup is a repository, and it plans as no changes`);
  const fromBackup = await plan(c, c.state.backupDir);
  if (!fromBackup) return 'stop';
  if (hasChanges(fromBackup)) c.failures.push('the backup did not plan as no changes');
  return 'go';
};

/** Switches the set on or off as `caac contingency` does, and shows its status; answers whether it was done and verified. */
async function contingency(c: DemoContext, action: 'activate' | 'deactivate', set: string): Promise<{ ok: boolean; switched: number }> {
  const outcome = await runContingency(action, set, { ...c.graph, store: filePolicyStore(c.dir) }, { dryRun: false, log: lineLogger(c.show) });
  c.show(renderContingencyStatus(outcome.sets));
  if (!contingencySucceeded(outcome)) c.failures.push(`caac contingency ${action} ${set} did not end verified`);
  return { ok: contingencySucceeded(outcome), switched: outcome.operations.length };
}

const activate: DemoStep = async (c, n) => {
  const status = await runContingency('status', undefined, { ...c.graph, store: filePolicyStore(c.dir) }, { dryRun: false, log: silentLogger });
  c.state.set = status.sets[0]?.name;
  if (c.state.set === undefined) {
    title(c, n, 'an outage: caac contingency activate … skipped, the repository defines no contingency set (caac.yml contingency:, or "ENABLE IN EMERGENCY" in policy names)');
    return 'go';
  }
  title(c, n, `an outage: caac contingency activate ${c.state.set}`);
  const why = status.sets[0]!.description;
  if (why !== undefined) c.show(`${c.state.set}: ${firstSentence(why)}`);
  c.state.switched = (await contingency(c, 'activate', c.state.set)).switched;
  return 'go';
};

const holdPlan: DemoStep = async (c, n) => {
  if (c.state.set === undefined) {
    title(c, n, 'a routine merge planned during the outage: skipped, no contingency set');
    return 'go';
  }
  title(c, n, "a routine merge is planned during the outage: the set's policies are held, not switched back");
  const during = await plan(c);
  if (!during) return 'stop';
  const held = during.contingency?.held.length ?? 0;
  // The tenant matched the repository before the set went on: exactly the policies it switched are held.
  if (hasChanges(during) || held !== c.state.switched) c.failures.push(`the plan made during the contingency held ${held} policies, not the ${c.state.switched} the set switched`);
  return 'go';
};

const deactivate: DemoStep = async (c, n) => {
  if (c.state.set === undefined) {
    title(c, n, 'the outage ends: caac contingency deactivate … skipped, no contingency set');
    return 'go';
  }
  title(c, n, `the outage ends: caac contingency deactivate ${c.state.set} (each policy back to the state its file declares)`);
  await contingency(c, 'deactivate', c.state.set);
  return 'go';
};

/** The emulator's admin endpoints (not Graph): faults and list lag, switched on and off. */
async function admin(url: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}/_emulator/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`emulator admin ${path} answered ${response.status}`);
}

/**
 * Steps 13–14: a policy deleted in the portal comes back from the recycle bin while Graph loses
 * the answer to the restore (it is carried out; the answer never arrives) and its lists lag.
 * caac looks for the result by id instead of sending the restore again: one copy, its old id.
 */
const deleteAndPlanRestore: DemoStep = async (c, n) => {
  const backupDir = c.state.backupDir!;
  const victim = pickVictim(filePolicyStore(backupDir).load().documents, await c.graph.tenant.read());
  if (!victim) {
    title(c, n, 'a policy deleted in the portal: skipped, the tenant has no enabled policy the backup holds');
    return 'stop';
  }
  title(c, n, `someone deletes "${victim.displayName}" in the portal; then Graph starts losing answers (the write is done, the answer never arrives) and its lists lag 1.5 s`);
  await c.graph.tenant.remove('policy', victim.id);
  await admin(c.emulatorUrl, 'list-lag', { ms: 1500 });
  await new Promise((r) => setTimeout(r, 1600));
  c.show(`caac restore --from ${backupDir} --only "${victim.displayName}"`);
  const store = restoreStore(filePolicyStore(backupDir), { from: backupDir, only: victim.displayName });
  const planned = await planRestore(store, c.graph, { from: backupDir, only: victim.displayName, apiVersion: 'v1.0', log: lineLogger(c.show) });
  if (planned.status !== 'planned') {
    reportStoppedPlan(planned, (t) => c.show(t));
    c.failures.push(`the restore of "${victim.displayName}" could not be planned`);
    return 'stop';
  }
  c.show(renderPlanText(planned.plan));
  c.state.restore = { name: victim.displayName, id: victim.id, plan: planned.plan };
  return 'go';
};

const lostAnswerRestore: DemoStep = async (c, n) => {
  const { name, id, plan: restore } = c.state.restore!;
  title(c, n, "the restore is applied: the policy comes back from the recycle bin with its id, though Graph loses the restore's answer");
  await admin(c.emulatorUrl, 'faults', { spec: 'rate=1,kinds=lost,methods=POST,seed=1' });
  let ok: boolean;
  try {
    ok = await apply(c, restore, restoreSource(filePolicyStore(c.state.backupDir!), { from: c.state.backupDir!, only: name }), 20_000);
  } finally {
    await admin(c.emulatorUrl, 'faults', { spec: null });
    await admin(c.emulatorUrl, 'list-lag', { ms: 0 });
  }
  const copies = (await c.graph.tenant.read()).policies.filter((p) => p['displayName'] === name);
  const oldId = copies.length === 1 && copies[0]!['id'] === id;
  c.show(`"${name}": ${copies.length} cop${copies.length === 1 ? 'y' : 'ies'} in the tenant, id ${copies.map((p) => String(p['id'])).join(', ')}${oldId ? ' (its old id)' : ''}`);
  if (!ok || !oldId) c.failures.push(`"${name}" is not back exactly once with its old id`);
  return 'go';
};

/** The first sentence of a set's description, on one line. */
const firstSentence = (text: string): string => /^.*?[.!?](?=\s|$)/s.exec(text.trim())?.[0].replace(/\s+/g, ' ') ?? text.replace(/\s+/g, ' ').trim();

/** Steps 2 to 14 (step 1 starts the emulator). */
export const DEMO_STEPS: readonly DemoStep[] = [
  validate,
  firstPlan,
  portalEdit,
  driftPlan,
  reviewedApply,
  matchPlan,
  backup,
  backupPlan,
  activate,
  holdPlan,
  deactivate,
  deleteAndPlanRestore,
  lostAnswerRestore,
];
