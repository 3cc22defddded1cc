/**
 * `caac restore`: a backup is a repository, so restoring is planning it and applying the plan,
 * with the same review and the same gates. One difference: an object deleted since the backup is
 * brought back from Graph's recycle bin while it is still there, so it keeps its id and everything
 * that refers to it; only when it is gone is it created anew.
 */
import { ConfigurationError } from '../errors.js';
import { DOCUMENT_KINDS, displayNameOf, KIND_LABELS, type DocumentKind, type SourceDocument } from '../model/documents.js';
import { valueAtPointer } from '../model/json-pointer.js';
import type { Plan } from '../model/plan.js';
import { MFA_TRUSTED_IPS_LOCATION_ID, parseReferenceValue, POLICY_REFERENCE_SLOTS } from '../model/references.js';
import { kindOfTenantList, requestsSince, type ApiVersion, type TenantSnapshot } from '../model/tenant.js';
import type { Directory } from '../ports/directory.js';
import type { PolicyStore } from '../ports/policy-store.js';
import type { Tenant } from '../ports/tenant.js';
import type { ValidationResult } from '../validate/validate-repository.js';
import { madeHereSource, type PlanSource } from './plan-check.js';
import { runPlan, type PlanOutcome } from './plan.js';
import type { Logger } from '../ports/logger.js';

export interface RestoreOptions {
  /** The environment of caac.yml restored to (its bindings and policy selection apply). */
  environment?: import('../model/environments.js').Environment;
  /** The backup folder. */
  from: string;
  /** Restore this one object (by displayName) and leave everything else alone. */
  only?: string;
  /** Delete objects created since the backup. */
  prune?: boolean;
  apiVersion: ApiVersion;
  log?: Logger;
}

/**
 * The documents a restore plans from: the backup folder. With --only, the folder must hold an
 * object of that displayName; the whole backup is still what is validated (the object's
 * references to the backup's other documents are checked) and what apply checks again.
 */
export function restoreStore(store: PolicyStore, options: Pick<RestoreOptions, 'from' | 'only'>): PolicyStore {
  const only = onlyName(options);
  if (!only) return store;
  return {
    load: () => {
      const repo = store.load();
      if (!repo.documents.some(isNamed(only))) throw new ConfigurationError(`the backup in ${options.from} holds no object named "${options.only}"`);
      return repo;
    },
  };
}

const onlyName = (options: Pick<RestoreOptions, 'only'>): string | undefined => options.only?.trim().toLowerCase() || undefined;
const isNamed = (name: string) => (document: Pick<SourceDocument, 'value'>): boolean => displayNameOf(document)?.trim().toLowerCase() === name;

/**
 * The lists a restore of these documents reads: their own kinds, and the kinds their references
 * name (a policy's locations, its authentication strength). Keywords (All, AllTrusted) and the
 * MFA Trusted IPs id name no object; a built-in strength is in the strengths' list too.
 */
export function kindsTouched(documents: readonly Pick<SourceDocument, 'kind' | 'value'>[]): DocumentKind[] {
  const kinds = new Set<DocumentKind>();
  for (const document of documents) {
    kinds.add(document.kind);
    if (document.kind !== 'policy') continue;
    for (const slot of POLICY_REFERENCE_SLOTS) {
      if (slot.kind !== 'location' && slot.kind !== 'authStrength') continue;
      const raw = valueAtPointer(document.value, slot.pointer);
      const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
      const names = values.filter((v) => parseReferenceValue(v, slot.keywords).type !== 'keyword' && v.trim() !== MFA_TRUSTED_IPS_LOCATION_ID);
      if (names.length) kinds.add(slot.kind === 'location' ? 'namedLocation' : 'authenticationStrength');
    }
  }
  return DOCUMENT_KINDS.filter((k) => kinds.has(k));
}

/** The lists a restore reads: with --only, those its object touches; otherwise all. */
function restoreKinds(backup: PolicyStore, options: Pick<RestoreOptions, 'only'>): DocumentKind[] | undefined {
  const only = onlyName(options);
  return only ? kindsTouched(backup.load().documents.filter(isNamed(only))) : undefined;
}

/**
 * The PlanSource apply checks a restore's plan against: the backup folder, and the lists the plan
 * read (apply reads the same ones for its stale check). `snapshot`: the plan's own read, when apply
 * follows without a pause (--auto-approve): then apply reads nothing before writing.
 */
export function restoreSource(store: PolicyStore, options: Pick<RestoreOptions, 'from' | 'only'>, snapshot?: TenantSnapshot): PlanSource {
  const backup = restoreStore(store, options);
  const kinds = restoreKinds(backup, options);
  return madeHereSource(backup, options.from, { ...(kinds ? { kinds } : {}), ...(snapshot ? { snapshot } : {}), acceptImpact: true });
}

/**
 * `store`: the backup folder (through restoreStore or not: the same documents either way). With
 * --only, only the selected object is planned, and only the lists it touches are read.
 */
export async function planRestore(store: PolicyStore, ports: { tenant: Tenant; directory: Directory }, options: RestoreOptions): Promise<PlanOutcome> {
  if (options.only && options.prune) throw new ConfigurationError('--only restores one object: it cannot be combined with --prune');
  const only = onlyName(options);
  const backup = restoreStore(store, options);
  const before = ports.tenant.requests();
  const kinds = restoreKinds(backup, options);
  let snapshot: TenantSnapshot | undefined;
  if (kinds) {
    options.log?.info(`reading the tenant's ${kinds.map((k) => KIND_LABELS[k]).join(', ')} list${kinds.length === 1 ? '' : 's'} (${ports.tenant.graphUrl}): --only "${options.only}" touches no other kind`);
    snapshot = await ports.tenant.read(kinds);
    const counted = kinds.map((k) => `${snapshot![kindOfTenantList(k)].length} ${k === 'policy' ? 'policies' : k === 'namedLocation' ? 'named locations' : 'authentication strengths'}`);
    options.log?.info(`read ${counted.join(', ')}`);
  }
  const outcome = await runPlan(backup, ports, {
    ...(options.environment ? { environment: options.environment } : {}),
    dir: options.from,
    prune: options.prune ?? false,
    apiVersion: options.apiVersion,
    log: options.log,
    ...(snapshot ? { snapshot } : {}),
    ...(only ? { select: isNamed(only) } : {}),
  });
  if (outcome.status === 'unresolved' && only) {
    // The object's references resolve against the tenant: one that the backup holds but the tenant
    // lost is restored on its own first (--only writes only the object named).
    const hint = ` (restore --only writes only "${options.only}": restore what it references first, with restore --only "<its name>")`;
    return { ...outcome, problems: outcome.problems.map((p) => ({ ...p, message: p.message + hint })) };
  }
  if (outcome.status !== 'planned') return outcome;

  const { plan } = outcome;
  if (only) {
    // Everything else in the tenant is simply not part of this restore.
    plan.unmanaged = [];
    plan.summary.unmanaged = 0;
    plan.warnings = plan.warnings.filter((w) => w.kind !== 'unmanaged');
  }
  await markRestorable(plan, outcome.validation, ports.tenant, options.log);
  // Every request of the restore's plan: its read and the recycle bin's, too.
  plan.requests = requestsSince(before, ports.tenant.requests());
  return outcome;
}

/** Creates of objects still in the recycle bin become restores that keep their ids (one list per kind created). */
async function markRestorable(plan: Plan, validation: ValidationResult, tenant: Tenant, log?: Logger): Promise<void> {
  const creates = plan.operations.filter((op) => op.action === 'create' && op.kind !== 'authenticationStrength');
  if (creates.length === 0) return;
  const idsByFile = new Map(validation.prepared.map((d) => [d.file, typeof d.value['id'] === 'string' ? d.value['id'].toLowerCase() : undefined]));
  const deleted = new Set<string>();
  for (const kind of new Set(creates.map((op) => op.kind))) {
    for (const object of await tenant.readDeleted(kind)) deleted.add(`${kind}:${String(object['id']).toLowerCase()}`);
  }
  for (const op of creates) {
    const id = op.file ? idsByFile.get(op.file) : undefined;
    if (id && deleted.has(`${op.kind}:${id}`)) {
      op.restoreFrom = id;
      log?.info(`"${op.displayName}" is in deleted items (the recycle bin): restore from deleted items, keeping its id ${id}`);
    }
  }
}
