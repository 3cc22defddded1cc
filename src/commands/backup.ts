/**
 * `caac backup`: the tenant as a caac repository. One read of the tenant, one directory look-up
 * of every id the policies hold (getByIds, getByAppIds) and one batch of name look-ups that proves
 * each name unique; then the folder is updated in place (src/backup/in-place.ts): an object that
 * has a file keeps it (its name, its format: YAML stays YAML with its comments), new objects get
 * new files, and only the `.json`/`.yaml` files directly inside the three folders caac owns that
 * hold an object the tenant no longer has are removed. Nothing else under `out` is touched
 * (caac.yml, README, other folders, files it cannot parse), and nothing outside it.
 */
import { backupFiles, BACKUP_KINDS, type BackupFile } from '../backup/backup-files.js';
import { planInPlace } from '../backup/in-place.js';
import { directoryCandidates, directoryReferenceNames, heldIds, snapshotReferenceNames } from '../backup/names.js';
import { KIND_LABELS_PLURAL } from '../model/documents.js';
import type { BackupStore } from '../ports/backup-store.js';
import { requestsSince, type ApiVersion, type DirectoryObject, type NameQuery } from '../model/tenant.js';
import type { Directory } from '../ports/directory.js';
import type { Tenant } from '../ports/tenant.js';
import { wellKnownAppName } from '../resolve/well-known-apps.js';
import { escapeLogValue } from '../model/log-text.js';
import { escapingLogger, type Logger } from '../ports/logger.js';
import type { BackupResult } from '../model/outcomes.js';
import { unbindReference, type Environment } from '../model/environments.js';
import { ConfigurationError } from '../errors.js';

export interface BackupOptions {
  /** Keep raw ids everywhere instead of `kind:name` references. */
  ids?: boolean;
  apiVersion: ApiVersion;
  log?: Logger;
  /**
   * Back up only the objects with these displayNames (any case): their files are written or
   * updated, and no other file is touched or removed (promoting one policy from a portal).
   */
  only?: readonly string[];
  /**
   * The environment read: references its bindings point at are written as the repository writes
   * them (`group:CA-Pilot` where pre-production calls it PPE-Pilot), so a backup is promotable.
   */
  environment?: Environment;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export async function runBackup(ports: { tenant: Tenant; directory: Directory; store: BackupStore }, options: BackupOptions): Promise<BackupResult> {
  // Names in log lines come from the tenant: a control character must not forge a line.
  const log = escapingLogger(options.log, escapeLogValue);
  const before = ports.tenant.requests();
  const warnings: string[] = [];

  // A folder in the way is the user's to fix: say so before spending the requests.
  ports.store.check();
  log.info(`reading the tenant (${ports.tenant.graphUrl})`);
  const snapshot = await ports.tenant.read();
  log.info(`read ${snapshot.policies.length} policies, ${snapshot.namedLocations.length} named locations, ${snapshot.authenticationStrengths.length} authentication strengths`);
  if (snapshot.apiVersion !== options.apiVersion) log.info(`note: the tenant was read through Graph ${snapshot.apiVersion}, not ${options.apiVersion}`);

  let names: Map<string, string> | undefined;
  if (!options.ids) {
    const held = heldIds(snapshot.policies);
    const [byId, byAppId] = await Promise.all([
      held.objectIds.length ? ports.directory.getByIds(held.objectIds) : Promise.resolve([] as DirectoryObject[]),
      held.appIds.length ? ports.directory.getByAppIds(held.appIds) : Promise.resolve([] as DirectoryObject[]),
    ]);
    const candidates = directoryCandidates(held, byId, byAppId);
    const queries = new Map<string, NameQuery>();
    for (const c of candidates) queries.set(`${c.query.kind}:${c.query.name}`, c.query);
    const byName = queries.size ? await ports.directory.findByNames([...queries.values()]) : new Map<string, DirectoryObject[]>();
    names = unbindNames(new Map([...directoryReferenceNames(candidates, byName), ...snapshotReferenceNames(snapshot)]), options.environment);
    log.info(`named ${names.size} referenced objects (${held.objectIds.length} directory ids, ${held.appIds.length} application ids looked up)`);

    const found = new Set(byId.map((o) => o.id.toLowerCase()));
    const missing = held.objectIds.filter((id) => !found.has(id));
    const foundApps = new Set(byAppId.map((o) => o.appId?.toLowerCase()));
    const missingApps = held.appIds.filter((id) => !foundApps.has(id) && !wellKnownAppName(id));
    if (missing.length + missingApps.length > 0) {
      warnings.push(
        `${missing.length + missingApps.length} id(s) that policies hold no longer exist in the directory (${[...missing, ...missingApps].join(', ')}): they are kept as ids, and plan will ask you to remove them`,
      );
    }
  }

  const files = onlyNamed(backupFiles(snapshot, { names }), options.only);
  warnings.push(...duplicateNameWarnings(files));
  const { warnings: fileWarnings, ...result } = syncFolder(ports.store, files, options.only === undefined);
  warnings.push(...fileWarnings);
  for (const w of warnings) log.warning(w);
  return { ...result, warnings, requests: requestsSince(before, ports.tenant.requests()), ...(options.environment ? { environment: options.environment.name } : {}) };
}

/** The reference names with the environment's bindings undone (an id or a name a binding points at → the binding's key). */
function unbindNames<T extends Map<string, string>>(names: T, environment: Environment | undefined): T {
  if (!environment) return names;
  for (const [id, name] of names) {
    const byId = unbindReference(id, environment);
    names.set(id, byId !== id ? byId : unbindReference(name, environment));
  }
  return names;
}

/** `--only`: the files of the objects named (any kind, any case); a name the tenant does not hold is an error. */
function onlyNamed(files: BackupFile[], only: readonly string[] | undefined): BackupFile[] {
  if (only === undefined) return files;
  const key = (name: string): string => name.trim().toLowerCase();
  const wanted = new Set(only.map(key));
  const missing = [...wanted].filter((name) => !files.some((f) => key(f.displayName) === name));
  if (missing.length) {
    throw new ConfigurationError(`--only: the tenant holds no policy, named location or authentication strength named ${missing.map((m) => JSON.stringify(only.find((o) => key(o) === m))).join(', ')}: nothing was written`);
  }
  return files.filter((f) => wanted.has(key(f.displayName)));
}

function duplicateNameWarnings(files: readonly BackupFile[]): string[] {
  const warnings: string[] = [];
  for (const kind of BACKUP_KINDS) {
    const byName = new Map<string, BackupFile[]>();
    for (const f of files.filter((f) => f.kind === kind)) {
      const key = f.displayName.trim().toLowerCase();
      byName.set(key, [...(byName.get(key) ?? []), f]);
    }
    for (const same of byName.values()) {
      if (same.length < 2) continue;
      warnings.push(
        `${same.length} ${KIND_LABELS_PLURAL[kind]} are named "${same[0]!.displayName}" (${same.map((f) => f.path).join(', ')}): a repository needs unique names, so validate will refuse this backup until one is renamed in the tenant`,
      );
    }
  }
  return warnings;
}

type SyncResult = Omit<BackupResult, 'requests'>;

/**
 * Reads the files in caac's folders, lets the pure planInPlace decide, then has the store write
 * what differs and remove the files of objects the tenant no longer has.
 */
function syncFolder(store: BackupStore, files: readonly BackupFile[], removeGone: boolean): SyncResult {
  const existing = store.list();
  const plan = planInPlace(files, existing.files);
  // --only backs up some objects: the files of all the others are not "gone", only not asked for.
  if (!removeGone) plan.removals = [];
  store.commit(plan);
  return {
    written: plan.writes.map((w) => w.path),
    removed: plan.removals.map((r) => r.path),
    unchanged: plan.unchanged,
    added: plan.added,
    changed: plan.changed,
    removedNames: plan.removals.map((r) => r.displayName).sort(compare),
    warnings: [...existing.warnings, ...plan.warnings],
  };
}
