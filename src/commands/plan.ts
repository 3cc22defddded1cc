/**
 * `caac plan`: validate, read the tenant, resolve references, diff. Every step that can refuse
 * does so before the next one runs: an invalid repository is not compared, an unresolvable
 * reference is not planned around.
 */
import { SafetyError } from '../errors.js';
import { sortWarnings, type Plan, type PlanOperation } from '../model/plan.js';
import { policiesThatEnable, securityDefaultsRefusal, securityDefaultsUnknownWarning } from '../plan/security-defaults.js';
import type { PolicyStore } from '../ports/policy-store.js';
import { requestsSince, type ApiVersion, type TenantSnapshot } from '../model/tenant.js';
import { documentsDigest } from '../plan/documents-digest.js';
import { planChanges } from '../plan/plan-changes.js';
import { stateOf } from '../plan/state.js';
import { emergencyAccessProblems, enforceEmergencyExclusions, type EmergencyAccessProblem } from '../plan/break-glass-guard.js';
import { emergencyAccessScope } from '../model/emergency-access.js';
import { emergencyAccessPlanWarning } from '../plan/emergency-access-warning.js';
import { allContingencySets, contingencyPolicyNames } from '../contingency/convention.js';
import { holdActiveContingency } from '../plan/contingency-hold.js';
import { planAccessImpact } from '../impact/plan-impact.js';
import { emergencyAccessMode } from '../model/settings.js';
import type { Directory } from '../ports/directory.js';
import type { Tenant } from '../ports/tenant.js';
import type { ResolutionProblem, ResolvedDocument } from '../resolve/resolve-references.js';
import { annotateExceptions, applyExceptions, resolveWithExceptions } from '../exceptions/plan-exceptions.js';
import { readSettings } from '../validate/settings.js';
import type { Environment } from '../model/environments.js';
import { scopeToEnvironment } from '../plan/environment-scope.js';
import { ringDocuments } from '../rollout/ring-documents.js';
import { applyRolloutTo } from '../rollout/plan-rollout.js';
import type { PreparedDocument } from '../model/rule.js';
import { selectDocuments } from '../validate/select-documents.js';
import { validateRepository, type ValidationResult } from '../validate/validate-repository.js';
import { TOOL_NAME, VERSION } from '../version.js';
import { silentLogger, type Logger } from '../ports/logger.js';

export interface PlanOptions {
  dir: string;
  /** Delete tenant objects that no file describes (also `prune: true` in caac.yml). */
  prune?: boolean;
  apiVersion: ApiVersion;
  now?: Date;
  /** Progress lines for long runs. */
  log?: Logger;
  /** The tenant as already read (apply making a reviewed plan again reuses its read: no second one). */
  snapshot?: TenantSnapshot;
  /**
   * Read the security-defaults setting when the plan enables a policy (default true). Apply making
   * a plan again leaves it out: it checks the setting itself before writing.
   */
  checkSecurityDefaults?: boolean;
  /**
   * Plan only these documents (restore --only): the repository is validated whole, so references
   * between its documents are checked, and only the selected ones are resolved and compared.
   */
  select?: (document: PreparedDocument) => boolean;
  /** The environment of caac.yml planned (--environment): its policy selection and bindings apply. */
  environment?: Environment;
}

export type PlanOutcome =
  | { status: 'invalid'; validation: ValidationResult }
  | { status: 'unresolved'; validation: ValidationResult; problems: ResolutionProblem[] }
  /** The plan was made, and refused: after it a policy would not spare an emergency-access account. */
  | { status: 'unsafe'; validation: ValidationResult; problems: ResolutionProblem[]; plan: Plan }
  /** `snapshot`: the tenant as the plan read it (a caller that applies at once reuses it). */
  | { status: 'planned'; validation: ValidationResult; plan: Plan; snapshot: TenantSnapshot };

export async function runPlan(store: PolicyStore, ports: { tenant: Tenant; directory: Directory }, options: PlanOptions): Promise<PlanOutcome> {
  const log = options.log ?? silentLogger;
  // A connection may serve several commands (the demo plans twice): count this plan's requests only.
  const before = ports.tenant.requests();
  const repo = store.load();
  const written = readSettings(repo.settings);
  const whole = validateRepository({ documents: repo.documents, loadFindings: repo.findings, files: repo.files, settings: written, place: { root: repo.root, settings: repo.settings }, now: options.now });
  const scope = scopeToEnvironment(options.select ? selectDocuments(whole, options.select) : whole, written, options.environment);
  const { validation, settings } = scope;
  if (validation.summary.errors > 0) return { status: 'invalid', validation };

  let snapshot = options.snapshot;
  if (!snapshot) {
    log.info(`reading the tenant (${ports.tenant.graphUrl})`);
    snapshot = await ports.tenant.read();
    log.info(`read ${snapshot.policies.length} policies, ${snapshot.namedLocations.length} named locations, ${snapshot.authenticationStrengths.length} authentication strengths`);
  }

  const access = settings.emergencyAccess;
  const emergencyAccess = repo.settings && access ? { file: repo.settings.file, locate: repo.settings.locate, users: access.users ?? [], groups: access.groups ?? [] } : undefined;
  const resolution = await resolveWithExceptions([...validation.prepared, ...ringDocuments(settings, repo.settings)], { directory: ports.directory, snapshot, ...(emergencyAccess ? { emergencyAccess } : {}) }, settings, repo.settings);
  if (resolution.problems.length > 0) return { status: 'unresolved', validation, problems: resolution.problems };
  const rollout = applyRolloutTo(resolution, settings, snapshot);
  const guardAdded = emergencyAccessMode(settings) === 'enforce' ? enforceEmergencyExclusions(resolution.documents, resolution.emergencyAccess, settings) : new Map();
  // caac.yml's exceptions: after the file's exclusions and the guard's; an ended one is dropped (the plan removes it).
  const exceptions = applyExceptions(resolution.documents, resolution.exceptions, snapshot, options.now ?? new Date(), repo.settings);
  if (exceptions.problems.length > 0) return { status: 'unresolved', validation, problems: exceptions.problems };

  const plan = planChanges({
    desired: resolution.documents,
    snapshot,
    settings,
    prune: options.prune ?? settings.prune ?? false,
    apiVersion: options.apiVersion,
    labels: resolution.labels,
    emergencyAccess: resolution.emergencyAccess,
    guardAdded,
    dir: options.dir,
    now: options.now ?? new Date(),
    tool: { name: TOOL_NAME, version: VERSION },
    ...(scope.keep ? { keep: scope.keep } : {}),
  });
  if (options.environment) plan.environment = options.environment.name;
  annotateExceptions(plan, exceptions);
  const unguarded = emergencyAccessPlanWarning(settings, { root: repo.root, settings: repo.settings });
  if (unguarded) plan.warnings = sortWarnings([...plan.warnings, unguarded], (w) => w.kind);
  if (rollout) plan.rollout = rollout;
  plan.state = stateOf(snapshot, options.apiVersion);
  const digest = documentsDigest(repo);
  plan.source = { ...digest, ...(repo.commit ? { commit: repo.commit } : {}), prune: options.prune ?? false };
  plan.guards = {
    users: [...resolution.emergencyAccess.users].sort(),
    groups: [...resolution.emergencyAccess.groups].sort(),
    exemptPolicies: [...(access?.exempt ?? []), ...(access?.exemptPolicies ?? [])],
  };
  // While a contingency set is active, its policies keep their tenant state (the plan says so and
  // apply --end-contingency writes the declared one): the outage is not undone by a merge.
  const contingency = allContingencySets(settings, contingencyPolicyNames(repo.documents, snapshot));
  Object.assign(plan, holdActiveContingency(plan, contingency.sets, snapshot));
  // Who gains or loses access: the sign-in matrix judged before and after (apply refuses new blocks).
  const impactStarted = Date.now();
  plan.impact = planAccessImpact(plan, snapshot);
  log.info(`access impact: ${plan.impact.signIns} sign-ins evaluated, ${plan.impact.changed} change (${Date.now() - impactStarted} ms)`);

  if (options.checkSecurityDefaults ?? true) await checkSecurityDefaults(plan, ports.tenant, resolution.documents);
  plan.requests = requestsSince(before, ports.tenant.requests());

  // Last, over the final bodies: a plan that would leave an emergency account exposed is refused
  // here, in the pull request, not only by apply.
  const unsafe = emergencyAccessProblems(plan, resolution.emergencyAccess, emergencyAccessScope(settings)).map((p) => locateProblem(p, resolution.documents));
  if (unsafe.length) return { status: 'unsafe', validation, problems: unsafe, plan };
  return { status: 'planned', validation, plan, snapshot };
}

/**
 * Stops the plan when it would enable a policy while security defaults are on (Graph refuses the
 * write); the setting is read only when the plan enables a policy (one GET). Unknown (403): a
 * warning, and the plan goes on.
 */
async function checkSecurityDefaults(plan: Plan, tenant: Tenant, documents: readonly ResolvedDocument[]): Promise<void> {
  const enabling = policiesThatEnable(plan);
  if (enabling.length === 0) return;
  const enabled = tenant.securityDefaultsEnabled ? await tenant.securityDefaultsEnabled() : undefined;
  if (enabled === undefined) {
    plan.warnings = sortWarnings([...plan.warnings, securityDefaultsUnknownWarning(enabling)], (w) => w.kind);
    return;
  }
  if (!enabled) return;
  const locate = (op: PlanOperation): string => {
    const document = documents.find((d) => d.file === op.file);
    const at = document ? document.locate('/state') : undefined;
    return `${op.file ?? op.displayName}${at ? `:${at.line}` : ''}`;
  };
  throw new SafetyError(`plan stopped: ${securityDefaultsRefusal(enabling, locate)}`);
}

/** A problem at its file and line (the policy's file; its nearest existing property). */
function locateProblem(problem: EmergencyAccessProblem, documents: readonly ResolvedDocument[]): ResolutionProblem {
  const document = documents.find((d) => d.file === problem.file);
  const at = document ? document.locate(problem.path) : { line: 1, column: 1 };
  return { file: problem.file ?? problem.displayName, path: problem.path, line: at.line, column: at.column, message: problem.message };
}
