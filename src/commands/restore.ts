/**
 * `caac restore`: a backup is a repository, so restoring is planning it and applying the plan,
 * with the same review and the same gates. One difference: an object deleted since the backup is
 * brought back from Graph's recycle bin while it is still there, so it keeps its id and everything
 * that refers to it; only when it is gone is it created anew.
 */
import { ConfigurationError } from '../errors.js';
import { displayNameOf } from '../model/documents.js';
import type { PolicyStore } from '../ports/policy-store.js';
import type { ApiVersion } from '../model/tenant.js';
import type { Directory } from '../ports/directory.js';
import type { Tenant } from '../ports/tenant.js';
import { runPlan, type PlanOutcome } from './plan.js';

export interface RestoreOptions {
  /** The backup folder. */
  from: string;
  /** Restore this one object (by displayName) and leave everything else alone. */
  only?: string;
  /** Delete objects created since the backup. */
  prune?: boolean;
  apiVersion: ApiVersion;
  log?: (line: string) => void;
}

/** The documents a restore plans from: the backup folder, or (--only) its one object by displayName. */
export function restoreStore(store: PolicyStore, options: Pick<RestoreOptions, 'from' | 'only'>): PolicyStore {
  const only = options.only?.trim().toLowerCase();
  if (!only) return store;
  return {
    load: () => {
      const repo = store.load();
      const documents = repo.documents.filter((d) => displayNameOf(d)?.trim().toLowerCase() === only);
      if (documents.length === 0) throw new ConfigurationError(`the backup in ${options.from} holds no object named "${options.only}"`);
      return { ...repo, documents, findings: repo.findings.filter((f) => documents.some((d) => d.file === f.file)) };
    },
  };
}

/** `store`: the backup folder; with --only, pass it through restoreStore first or not (the same documents either way). */
export async function planRestore(store: PolicyStore, ports: { tenant: Tenant; directory: Directory }, options: RestoreOptions): Promise<PlanOutcome> {
  if (options.only && options.prune) throw new ConfigurationError('--only restores one object: it cannot be combined with --prune');
  const only = options.only?.trim().toLowerCase();
  const selected = restoreStore(store, options);
  const outcome = await runPlan(selected, ports, { dir: options.from, prune: options.prune ?? false, apiVersion: options.apiVersion, log: options.log });
  if (outcome.status !== 'planned') return outcome;

  const { plan } = outcome;
  if (only) {
    // Everything else in the tenant is simply not part of this restore.
    plan.unmanaged = [];
    plan.summary.unmanaged = 0;
    plan.warnings = plan.warnings.filter((w) => w.kind !== 'unmanaged');
  }
  const creates = plan.operations.filter((op) => op.action === 'create' && op.kind !== 'authenticationStrength');
  if (creates.length === 0) return outcome;
  const idsByFile = new Map(outcome.validation.prepared.map((d) => [d.file, typeof d.value['id'] === 'string' ? d.value['id'].toLowerCase() : undefined]));
  const deleted = new Set<string>();
  for (const kind of new Set(creates.map((op) => op.kind))) {
    for (const object of await ports.tenant.readDeleted(kind)) deleted.add(`${kind}:${String(object['id']).toLowerCase()}`);
  }
  for (const op of creates) {
    const id = op.file ? idsByFile.get(op.file) : undefined;
    if (id && deleted.has(`${op.kind}:${id}`)) {
      op.restoreFrom = id;
      options.log?.(`"${op.displayName}" is in deleted items (the recycle bin): restore from deleted items, keeping its id ${id}`);
    }
  }
  return outcome;
}
