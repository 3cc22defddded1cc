/**
 * A plan file is a claim: apply checks it. Before reading the tenant, the documents in the folder
 * apply runs in must be the ones the plan was made from (their digest; the commit may differ: a
 * pull request's plan is applied after the merge). After the read apply makes for the stale check,
 * the plan is made again from those documents and that same read, and must equal the plan file
 * operation by operation; apply then writes the plan made again, never the file's bodies, and its
 * break-glass guards come from caac.yml. A plan this run made itself (--auto-approve, restore) is
 * not a claim: only its folder is checked again (cheap: no Graph request).
 */
import { PlanMismatchError, SafetyError } from '../errors.js';
import type { DocumentKind } from '../model/documents.js';
import type { Plan } from '../model/plan.js';
import type { Environment } from '../model/environments.js';
import type { PolicyStore } from '../ports/policy-store.js';
import type { TenantSnapshot } from '../model/tenant.js';
import { planDifferences } from '../plan/compare-plans.js';
import { documentsDigest, type DocumentsDigest } from '../plan/documents-digest.js';
import type { Directory } from '../ports/directory.js';
import type { Tenant } from '../ports/tenant.js';
import { runPlan, type PlanOutcome } from './plan.js';
import type { Logger } from '../ports/logger.js';

export type PlanSource =
  /** A plan read from a file: checked against its folder, made again and compared. */
  | { kind: 'reviewed'; dir: string; environment?: string; documents(): DocumentsDigest & { commit?: string }; remake(live: TenantSnapshot, claimed: Plan): Promise<PlanOutcome> }
  /** A plan this process has just made from the folder: its documents are checked again. */
  | ({ kind: 'made-here'; dir: string; documents(): DocumentsDigest & { commit?: string } } & MadeHereRead);

/**
 * What the plan made here read of the tenant. `kinds`: the lists it read (restore --only reads
 * only the kinds its object touches), which apply reads again for the stale check (default: all).
 * `snapshot`: the read itself, when apply follows without a pause (no one reviews in between):
 * apply then checks against it instead of reading again, and relies on the plan's own
 * security-defaults check, made a moment ago.
 */
export interface MadeHereRead {
  kinds?: readonly DocumentKind[];
  snapshot?: TenantSnapshot;
  /** A restore: new blocks are accepted (it brings back rules the tenant had); emergency blocks never. */
  acceptImpact?: boolean;
}

const documentsOf = (store: PolicyStore) => (): DocumentsDigest & { commit?: string } => {
  const repo = store.load();
  return { ...documentsDigest(repo), ...(repo.commit ? { commit: repo.commit } : {}) };
};

/** A plan file to apply in the folder `dir`: made again with the same options the file records. */
export function reviewedPlanSource(store: PolicyStore, ports: { tenant: Tenant; directory: Directory }, dir: string, environment?: Environment): PlanSource {
  return {
    kind: 'reviewed',
    dir,
    ...(environment ? { environment: environment.name } : {}),
    documents: documentsOf(store),
    remake: (live, claimed) =>
      runPlan(store, ports, { dir, prune: claimed.source?.prune ?? false, apiVersion: claimed.apiVersion, snapshot: live, checkSecurityDefaults: false, ...(environment ? { environment } : {}) }),
  };
}

/** A plan made in this run from `store` (which is read again for the check). */
export function madeHereSource(store: PolicyStore, dir: string, read: MadeHereRead = {}): PlanSource {
  return { kind: 'made-here', dir, documents: documentsOf(store), ...read };
}

const short = (commit: string | undefined): string => (commit ? commit.slice(0, 12) : 'none');

/** Refuses, before any Graph request, a plan made from other documents than the folder holds now. */
export function checkDocuments(plan: Plan, source: PlanSource): void {
  if (source.kind === 'reviewed') checkPlanEnvironment(plan.environment, source.environment);
  const recorded = plan.source;
  if (!recorded) {
    throw new PlanMismatchError('the plan records no digest of the documents it was made from, so apply cannot check it: nothing was changed. Make the plan again with this caac (caac plan --out) and review it.');
  }
  const now = source.documents();
  if (now.digest === recorded.digest) return;
  const changed: string[] = [];
  // Own keys only: a path named "constructor" in a plan file is a path, not a property of every object.
  for (const [path, hash] of Object.entries(recorded.files)) {
    if (!Object.hasOwn(now.files, path)) changed.push(`${JSON.stringify(path)} was removed`);
    else if (now.files[path] !== hash) changed.push(`${JSON.stringify(path)} was changed`);
  }
  for (const path of Object.keys(now.files)) if (!Object.hasOwn(recorded.files, path)) changed.push(`${JSON.stringify(path)} was added`);
  const shown = changed.slice(0, 10);
  if (changed.length > shown.length) shown.push(`and ${changed.length - shown.length} more`);
  const folders = plan.dir !== source.dir ? ` The plan was made from the folder ${JSON.stringify(plan.dir)}; apply reads ${JSON.stringify(source.dir)} (--dir, input dir).` : '';
  throw new PlanMismatchError(
    `the plan was made from other documents than ${JSON.stringify(source.dir)} holds now (digest ${recorded.digest.slice(0, 12)} at commit ${short(recorded.commit)}; here ${now.digest.slice(0, 12)} at commit ${short(now.commit)}): nothing was changed.` +
      `${shown.length ? `\n  ${shown.join('\n  ')}` : ''}${folders}\nApply a plan made from these documents: make the plan again and review it.`,
  );
}

/**
 * Makes the plan again from the folder and `live` (the read apply made for the stale check) and
 * refuses, before any write, a plan file that differs; answers the plan made again, which is what
 * apply writes. A plan made here is answered as it is.
 */
export async function remadePlan(claimed: Plan, source: PlanSource, live: TenantSnapshot, log: Logger): Promise<Plan> {
  if (source.kind === 'made-here') return claimed;
  const outcome = await source.remake(live, claimed);
  const stop = `apply made the plan again from ${JSON.stringify(source.dir)} and the tenant, and`;
  if (outcome.status === 'invalid') {
    throw new PlanMismatchError(`${stop} the documents do not validate (${outcome.validation.summary.errors} error(s)): nothing was changed. Run caac validate, fix them, and make the plan again.`);
  }
  if (outcome.status === 'unresolved') {
    const problems = outcome.problems.slice(0, 10).map((p) => `${p.file}:${p.line}: ${p.message}`);
    throw new PlanMismatchError(`${stop} ${outcome.problems.length} reference(s) no longer resolve in the directory: nothing was changed.\n  ${problems.join('\n  ')}\nMake the plan again and review it.`);
  }
  if (outcome.status === 'unsafe') {
    const problems = outcome.problems.slice(0, 10).map((p) => `${p.file}:${p.line}: ${p.message}`);
    throw new SafetyError(`${stop} it would leave an emergency-access account exposed: nothing was changed.\n  ${problems.join('\n  ')}`);
  }
  const all = planDifferences(claimed, outcome.plan);
  const differences = all.length > 20 ? [...all.slice(0, 20), `and ${all.length - 20} more difference(s)`] : all;
  if (differences.length) {
    throw new PlanMismatchError(
      `the plan file is not what the repository ${JSON.stringify(source.dir)} and the tenant make (was it edited?): nothing was changed.\n  ${differences.join('\n  ')}\nApply writes only a plan that the repository and the tenant make: make the plan again and review it.`,
    );
  }
  log.info(`the plan file matches the plan made again from ${source.dir} and the tenant (${outcome.plan.operations.filter((o) => o.action !== 'noop').length} change(s))`);
  return outcome.plan;
}

/**
 * Refuses, before any Graph request, a plan made for another environment than apply was given
 * (or for one when apply was given none, or the reverse): its bindings and selection were another
 * tenant's, even where the tenant id happens to be the same.
 */
export function checkPlanEnvironment(planned: string | undefined, given: string | undefined): void {
  if (planned === given) return;
  const made = planned === undefined ? 'without an environment' : `for environment "${planned}"`;
  const now = given === undefined ? 'without one' : `for environment "${given}"`;
  const fix = planned === undefined ? 'apply it without --environment / CAAC_ENVIRONMENT' : `apply it with --environment ${planned}`;
  throw new PlanMismatchError(`the plan was made ${made}, and apply runs ${now}: nothing was changed. Apply each environment's own plan (${fix}), or make the plan again for this environment.`);
}
