/**
 * The steps of `caac demo`, in order. Each prints its title and what the command it stands for
 * prints, and records in `failures` what did not end as the demo says it would. What a step
 * touches is found, not named: the policy "someone" switches in the portal is one the repository
 * describes, the contingency set is the first one the repository's settings (or policy names)
 * define, the policy deleted is one the backup holds.
 */
import { join } from 'node:path';
import { runRolloutAdvance } from '../commands/rollout.js';
import { renderAdvanceMarkdown } from '../render/rollout-status.js';
import { diskTextFiles } from '../repo/text-files.js';
import { displayNameOf } from '../model/documents.js';
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
import { appendFileSync, cpSync, existsSync } from 'node:fs';
import { startEmulator } from '../emulator/index.js';
import { connectGraph } from '../graph/connect.js';
import { selectEnvironment } from '../commands/environment.js';
import { readSettings } from '../validate/settings.js';
import { runDrift } from '../commands/drift.js';
import { renderDriftText } from '../render/drift-text.js';
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
  c.show(renderPlanText(planned.plan, { acceptsBlocks: 'restore' }));
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

/**
 * Staged rollout, on a copy of the repository: the report-only policies (those caac.yml lists
 * first) are checked against the sign-in log's evidence and the gates, and the first that passes
 * advances (caac.yml and its file edited); the plan of the copy then shows the policy enforced on
 * its first ring only. Its pull request body (the evidence) is what the step prints.
 */
const rolloutAdvance: DemoStep = async (c, n) => {
  const dir = join(c.tempFolder('caac-demo-rollout-'), 'conditional-access');
  cpSync(c.dir, dir, { recursive: true });
  const store = filePolicyStore(dir);
  const repo = store.load();
  const listed = Object.keys(readSettingsQuietly(repo) ?? {});
  const candidates = repo.documents
    .filter((d) => d.kind === 'policy' && d.value['state'] === 'enabledForReportingButNotEnforced')
    .map((d) => displayNameOf(d)!)
    .sort((a, b) => Number(!listed.includes(a)) - Number(!listed.includes(b)));
  if (repo.settings === undefined || candidates.length === 0 || readSettingsQuietly(repo) === undefined) {
    title(c, n, 'staged rollout: skipped, caac.yml has no rollout rings or no policy is report-only');
    return 'go';
  }
  title(c, n, 'staged rollout: caac rollout advance --check on the report-only policies, by the sign-in evidence; the first that passes its gates advances (on a copy)');
  for (const name of candidates) {
    const outcome = await runRolloutAdvance({ store, ...c.graph, files: diskTextFiles() }, name, { check: true });
    if (outcome.status === 'refused') {
      c.show(`"${name}": not advanced: ${outcome.reason}`);
      continue;
    }
    c.show(renderAdvanceMarkdown(outcome));
    c.show('caac plan of the copy: the policy is enforced on its first ring only, its exclusions as they were');
    await plan(c, dir);
    return 'go';
  }
  c.failures.push('no report-only policy passed its rollout gates');
  return 'go';
};

/** caac.yml's rollout.policies when rings are configured (undefined otherwise). */
function readSettingsQuietly(repo: ReturnType<ReturnType<typeof filePolicyStore>['load']>): Record<string, unknown> | undefined {
  const rollout = repo.settings?.value['rollout'];
  if (typeof rollout !== 'object' || rollout === null || Array.isArray(rollout) || !Array.isArray(rollout['rings'])) return undefined;
  const policies = rollout['policies'];
  return typeof policies === 'object' && policies !== null && !Array.isArray(policies) ? policies : {};
}

/** An unsigned JWT-shaped token naming a user: the emulator's audit log attributes the writes made with it to them. */
function portalToken(upn: string): string {
  const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ aud: 'https://graph.microsoft.com', upn, name: upn.split('@')[0] })}.demo`;
}

const MALLORY = 'mallory@contoso.com';

/**
 * mallory@contoso.com switches a policy in the portal (a write made with a token that names her);
 * caac drift reports the field, the repository's value and the tenant's, and names her from the
 * audit log; then the way back it prints (plan, apply) puts the tenant back.
 */
const driftByMallory: DemoStep = async (c, n) => {
  const edit = pickDrift(filePolicyStore(c.dir).load().documents, await c.graph.tenant.read());
  if (!edit) {
    title(c, n, `${MALLORY} edits a policy in the portal; caac drift names her: skipped, no policy of the repository is in the tenant`);
    return 'go';
  }
  title(c, n, `${MALLORY} edits the tenant in the portal (${edit.story.replace(/^the /, '')}); caac drift says what changed and who did it`);
  const editAt = Date.now();
  const response = await fetch(`${c.emulatorUrl}/v1.0/identity/conditionalAccess/policies/${encodeURIComponent(edit.id)}`, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${portalToken(MALLORY)}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ state: edit.to }),
  });
  if (!response.ok) {
    c.failures.push(`the portal edit by ${MALLORY} was refused (HTTP ${response.status})`);
    return 'stop';
  }
  // The earlier steps edited policies too: look back only to Mallory's edit (a scheduled run
  // knows from its state where each object last matched).
  const now = new Date();
  const sinceMs = Math.max(1, now.getTime() - editAt);
  c.show(`caac drift --dir ${c.dir} --graph-url ${c.emulatorUrl} --since ${Math.ceil(sinceMs / 1000)}s`);
  const outcome = await runDrift(filePolicyStore(c.dir), c.graph, { dir: c.dir, apiVersion: 'v1.0', now, sinceMs });
  if (outcome.status !== 'reported') {
    c.failures.push(`caac drift stopped (${outcome.status})`);
    return 'stop';
  }
  c.show(renderDriftText(outcome.report));
  const named = outcome.report.drift.some((i) => i.id === edit.id && i.changedBy.some((a) => a.actor === MALLORY));
  if (!named) c.failures.push(`caac drift did not name ${MALLORY} for "${edit.displayName}"`);
  c.out();
  c.show('the way back: caac plan, then caac apply of the reviewed plan');
  const back = await plan(c);
  if (!back) return 'stop';
  if (!(await apply(c, back, madeHereSource(filePolicyStore(c.dir), c.dir)))) c.failures.push(`"${edit.displayName}" was not put back`);
  return 'go';
};

/** The second tenant the demo promotes to: the sample tenant under this id (every object id derived from it). */
const PROD_TENANT = 'd0c0ffee-5eed-4a11-8b0b-000000000002';

/**
 * One repository, two tenants: a copy of the repository gets `environments:` (ppe: the demo's
 * emulator; prod: a second emulator of the same names under other ids), then prod is planned and
 * applied by environment as a pull request merged to main would be, after ppe.
 */
const promote: DemoStep = async (c, n) => {
  if (readSettings(filePolicyStore(c.dir).load().settings).environments) {
    title(c, n, 'promotion to a second tenant: skipped, the repository\'s caac.yml has environments of its own');
    return 'go';
  }
  title(c, n, `one repository, two tenants: caac plan --environment prod, then apply, against a second emulated tenant (tenant ${PROD_TENANT}: the same names under other ids)`);
  const prod = await startEmulator({ seed: 'sample', tenantId: PROD_TENANT });
  try {
    const dir = join(c.tempFolder('caac-demo-promote-'), 'conditional-access');
    cpSync(c.dir, dir, { recursive: true });
    const ppeTenant = c.graph.tenant.tenantId || (await c.graph.tenant.read(['policy'])).tenantId;
    const settings = join(dir, 'caac.yml');
    const block = `\nenvironments:\n  ppe:\n    tenantId: "${ppeTenant}"\n    graphUrl: "${c.emulatorUrl}"\n  prod:\n    tenantId: "${PROD_TENANT}"\n    graphUrl: "${prod.url}"\n`;
    if (existsSync(settings)) appendFileSync(settings, block);
    else appendFileSync(settings, block.trimStart());
    c.show(`caac.yml (a copy): environments ppe (tenant ${ppeTenant}) and prod (tenant ${PROD_TENANT})`);
    const chosen = selectEnvironment(filePolicyStore(dir), 'prod')!;
    const graph = connectGraph({ tenantId: chosen.tenantId, tenantIdSource: chosen.tenantIdSource, graphUrl: chosen.graphUrl, env: { CAAC_ACCESS_TOKEN: 'caac-demo' }, rateLimit: 20 });
    // Production has not received one of the repository's policies yet: the promotion brings it.
    const names = new Set(filePolicyStore(dir).load().documents.map((d) => d.value['displayName']));
    const missing = (await graph.tenant.read(['policy'])).policies.find((p) => names.has(p['displayName']));
    if (missing) {
      await graph.tenant.remove('policy', String(missing['id']));
      c.show(`prod has not received "${String(missing['displayName'])}" yet`);
    }
    const outcome = await runPlan(filePolicyStore(dir), graph, { dir, apiVersion: 'v1.0', environment: chosen.environment });
    if (outcome.status !== 'planned') {
      reportStoppedPlan(outcome, (t) => c.show(t));
      c.failures.push(`caac plan --environment prod stopped (${outcome.status})`);
      return 'stop';
    }
    c.show(renderPlanText(outcome.plan));
    if (hasChanges(outcome.plan)) {
      const snapshots = fileSnapshotStore(c.tempFolder('caac-demo-snapshot-'));
      // The second tenant gets the reviewed set for the first time: its access impact (legacy
      // clients blocked, …) is in the plan above and accepted, as a pipeline does with accept-impact.
      const applied = await runApply(outcome.plan, { tenant: graph.tenant, snapshots, source: reviewedPlanSource(filePolicyStore(dir), graph, dir, chosen.environment) }, { allowDelete: false, keepGoing: false, acceptImpact: true, log: lineLogger(c.show) });
      c.show(renderApplyText(applied));
      if (!applySucceeded(applied)) c.failures.push('the promotion to the second tenant did not apply cleanly');
    }
    const again = await runPlan(filePolicyStore(dir), graph, { dir, apiVersion: 'v1.0', environment: chosen.environment });
    if (again.status !== 'planned' || hasChanges(again.plan)) c.failures.push('after the promotion, the second tenant does not match the repository');
    else c.show(`prod matches the repository: ${again.plan.summary.unchanged} unchanged, in ${again.plan.requests.total} Graph requests`);
  } finally {
    await prod.stop();
  }
  return 'go';
};

/** Steps 2 to 17 (step 1 starts the emulator). */
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
  driftByMallory,
  promote,
  rolloutAdvance,
];
