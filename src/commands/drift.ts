/**
 * `caac drift`: what changed in the tenant behind the repository's back, and who did it. Read-only:
 * the tenant is read once, planned against the repository without prune (the same normalization as
 * plan, so what plan treats as equal is equal), and the plan is read the other way round; deleted
 * items are read only when a repository object is missing, and the audit log only about the
 * drifted objects, in as few requests as its filter allows.
 */
import type { DocumentKind } from '../model/documents.js';
import type { ApiVersion } from '../model/tenant.js';
import { requestsSince, type RequestTally } from '../model/tenant.js';
import { activeContingency, driftFromPlan, removedKinds, type DeletedItems } from '../drift/classify.js';
import { buildDriftReport, earliestWindow } from '../drift/build-report.js';
import type { DriftReport } from '../drift/report.js';
import { nextState, transition, type DriftState, type DriftTransition } from '../drift/state.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { Directory } from '../ports/directory.js';
import { silentLogger, type Logger } from '../ports/logger.js';
import type { PolicyStore } from '../ports/policy-store.js';
import type { Tenant } from '../ports/tenant.js';
import { readSettings } from '../validate/settings.js';
import { runPlan, type PlanOutcome } from './plan.js';
import { withinSelection } from '../plan/environment-scope.js';

/** The audit log keeps 30 days: no window starts earlier. */
export const AUDIT_RETENTION_MS = 30 * 86_400_000;

export interface DriftOptions {
  dir: string;
  apiVersion: ApiVersion;
  now?: Date;
  log?: Logger;
  /** How far back to look for who changed an object, at most (--since); default the log's 30 days. */
  sinceMs?: number;
  /** The last run's state (--state), or how to find it once the tenant id is known (the drift issue). */
  previous?: DriftState | ((tenantId: string) => Promise<DriftState | undefined>);
  environment?: string;
  /** The environment of caac.yml (selectEnvironment): its policy selection and bindings shape the plan drift is read from. */
  environmentScope?: import('../model/environments.js').Environment;
}

export type DriftOutcome =
  | Extract<PlanOutcome, { status: 'invalid' } | { status: 'unresolved' }>
  | { status: 'reported'; report: DriftReport; state: DriftState; transition: DriftTransition; requests: RequestTally };

export async function runDrift(store: PolicyStore, ports: { tenant: Tenant; directory: Directory; auditLog: AuditLog }, options: DriftOptions): Promise<DriftOutcome> {
  const log = options.log ?? silentLogger;
  const now = options.now ?? new Date();
  const before = ports.tenant.requests();
  log.info(`reading the tenant (${ports.tenant.graphUrl})`);
  const snapshot = await ports.tenant.read();
  // A state about another tenant or folder says nothing about this one: start afresh.
  let previous = typeof options.previous === 'function' ? await options.previous(snapshot.tenantId) : options.previous;
  if (previous !== undefined && (previous.tenant.toLowerCase() !== snapshot.tenantId.toLowerCase() || previous.folder !== options.dir)) {
    log.warning(`the drift state is about tenant ${previous.tenant}, folder ${previous.folder}: starting afresh`);
    previous = undefined;
  }
  const scope = options.environmentScope ? { environment: options.environmentScope } : {};
  const outcome = await runPlan(store, ports, { dir: options.dir, prune: false, apiVersion: options.apiVersion, now, log, snapshot, checkSecurityDefaults: false, ...scope });
  if (outcome.status === 'invalid' || outcome.status === 'unresolved') return outcome;
  // `unsafe` is the repository's problem (a policy that would not spare an emergency account), not
  // the tenant's: drift is still what the plan found.
  const plan = withinSelection(outcome.plan, options.environmentScope);
  const deleted: DeletedItems = {};
  for (const kind of removedKinds(plan).filter((k): k is Exclude<DocumentKind, 'authenticationStrength'> => k !== 'authenticationStrength')) {
    deleted[kind] = await ports.tenant.readDeleted(kind);
  }
  const items = driftFromPlan(plan, snapshot, deleted);
  const floor = new Date(now.getTime() - Math.min(options.sinceMs ?? AUDIT_RETENTION_MS, AUDIT_RETENTION_MS));
  const ids = items.flatMap((i) => (i.id === null ? [] : [i.id]));
  const audit = ids.length === 0 ? undefined : await ports.auditLog.entriesFor(ids, earliestWindow(items, previous, floor));
  if (audit?.status === 'forbidden') log.warning('the audit log could not be read (AuditLog.Read.All not granted): drift is reported without who changed what');
  const settings = readSettings(store.load().settings);
  const report = buildDriftReport({
    items,
    contingency: activeContingency(plan),
    audit,
    settings,
    previous,
    floor,
    tenant: { id: plan.tenant.id, graphUrl: plan.tenant.graphUrl },
    folder: options.dir,
    ...(options.environment === undefined ? {} : { environment: options.environment }),
    now,
  });
  if (outcome.status === 'unsafe') report.warnings.push('the repository itself would be refused by plan (a policy would not spare an emergency-access account): run caac plan for the details');
  const state = nextState(report, previous, floor);
  return { status: 'reported', report, state, transition: transition(previous, state.signature), requests: requestsSince(before, ports.tenant.requests()) };
}
