/**
 * `caac backup`: the tenant as a caac repository. One read of the tenant, one directory look-up
 * of every id the policies hold (getByIds, getByAppIds) and one batch of name look-ups that proves
 * each name unique; then the files are written (only those whose bytes changed, each atomically)
 * and the files of objects that no longer exist are removed, only `.json` files directly inside
 * the three folders caac owns under `out`. Nothing else under `out` is touched (caac.yml, README,
 * other folders), and nothing outside it.
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { backupFiles, BACKUP_KINDS, type BackupFile } from '../backup/backup-files.js';
import { directoryCandidates, directoryReferenceNames, heldIds, snapshotReferenceNames } from '../backup/names.js';
import { ConfigurationError } from '../errors.js';
import { KIND_FOLDERS, KIND_LABELS, isJsonObject, type DocumentKind, type JsonValue } from '../model/documents.js';
import type { ApiVersion, DirectoryObject, NameQuery, RequestTally } from '../model/tenant.js';
import type { Directory, Tenant } from '../plan/ports.js';
import { wellKnownAppName } from '../resolve/well-known-apps.js';
import { escapeLogValue } from '../render/log-text.js';

export interface BackupOptions {
  /** The repository folder to write (created when missing). */
  out: string;
  /** Keep raw ids everywhere instead of `kind:name` references. */
  ids?: boolean;
  apiVersion: ApiVersion;
  log?: (line: string) => void;
}

export interface BackupResult {
  /** Files created or rewritten, relative to `out` (`policies/ca001-….json`). */
  written: string[];
  /** Files removed (objects gone from the tenant, or renamed), relative to `out`. */
  removed: string[];
  /** Files whose bytes were already right, relative to `out`. */
  unchanged: string[];
  /** displayNames of objects new since the last backup in `out`. */
  added: string[];
  /** displayNames of objects whose document changed (renamed ones included). */
  changed: string[];
  /** displayNames of objects that were in the last backup and are gone from the tenant. */
  removedNames: string[];
  /** Things a reader should know: names a repository cannot hold twice, ids that no longer exist. */
  warnings: string[];
  /** Graph requests this backup spent. */
  requests: RequestTally;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export async function runBackup(ports: { tenant: Tenant; directory: Directory }, options: BackupOptions): Promise<BackupResult> {
  // Names in log lines come from the tenant: a control character must not forge a line.
  const log = (line: string): void => options.log?.(escapeLogValue(line));
  const before = ports.tenant.requests();
  const warnings: string[] = [];

  log(`reading the tenant (${ports.tenant.graphUrl})`);
  const snapshot = await ports.tenant.read();
  log(`read ${snapshot.policies.length} policies, ${snapshot.namedLocations.length} named locations, ${snapshot.authenticationStrengths.length} authentication strengths`);
  if (snapshot.apiVersion !== options.apiVersion) log(`note: the tenant was read through Graph ${snapshot.apiVersion}, not ${options.apiVersion}`);

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
    names = new Map([...directoryReferenceNames(candidates, byName), ...snapshotReferenceNames(snapshot)]);
    log(`named ${names.size} referenced objects (${held.objectIds.length} directory ids, ${held.appIds.length} application ids looked up)`);

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

  const files = backupFiles(snapshot, { names });
  warnings.push(...duplicateNameWarnings(files));
  const result = syncFolder(resolve(options.out), files);
  const yaml = BACKUP_KINDS.flatMap((kind) =>
    readdirSync(join(resolve(options.out), KIND_FOLDERS[kind])).filter((n) => /\.ya?ml$/i.test(n)).map((n) => `${KIND_FOLDERS[kind]}/${n}`),
  );
  if (yaml.length > 0) {
    warnings.push(`${yaml.join(', ')}: YAML documents are left alone by backup, which writes JSON; if one describes an object of the tenant, the folder now holds it twice (delete the YAML file)`);
  }
  for (const w of warnings) log(`warning: ${w}`);
  return { ...result, warnings, requests: requestsSince(before, ports.tenant.requests()) };
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
        `${same.length} ${KIND_LABELS[kind]}s are named "${same[0]!.displayName}" (${same.map((f) => f.path).join(', ')}): a repository needs unique names, so validate will refuse this backup until one is renamed in the tenant`,
      );
    }
  }
  return warnings;
}

interface ExistingFile {
  kind: DocumentKind;
  /** Relative to out, forward slashes. */
  path: string;
  content: string;
  id?: string;
  displayName?: string;
}

type SyncResult = Omit<BackupResult, 'requests' | 'warnings'>;

/** Writes the files that differ, removes the stale ones, and tells what changed by object. */
function syncFolder(out: string, files: readonly BackupFile[]): SyncResult {
  ensureDirectory(out, out);
  const existing: ExistingFile[] = [];
  for (const kind of BACKUP_KINDS) {
    const folder = join(out, KIND_FOLDERS[kind]);
    ensureDirectory(folder, out);
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      // Only regular .json files directly in the folder: never a symlink, a folder or another file.
      if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
      const content = readFileSync(join(folder, entry.name), 'utf8');
      existing.push({ kind, path: `${KIND_FOLDERS[kind]}/${entry.name}`, content, ...identify(content) });
    }
  }

  const existingByPath = new Map(existing.map((e) => [e.path, e]));
  const previousIds = new Map<string, ExistingFile>();
  for (const e of existing) if (e.id) previousIds.set(`${e.kind}:${e.id.toLowerCase()}`, e);
  const currentIds = new Set(files.map((f) => `${f.kind}:${f.id.toLowerCase()}`));
  const currentNames = new Set(files.map((f) => `${f.kind}:${f.displayName.trim().toLowerCase()}`));

  const result: SyncResult = { written: [], removed: [], unchanged: [], added: [], changed: [], removedNames: [] };
  for (const file of files) {
    const previous = existingByPath.get(file.path);
    if (previous?.content === file.content) {
      result.unchanged.push(file.path);
      continue;
    }
    writeAtomically(join(out, ...file.path.split('/')), file.content);
    result.written.push(file.path);
    const known = previousIds.has(`${file.kind}:${file.id.toLowerCase()}`) || (previous !== undefined && previous.id === undefined);
    (known ? result.changed : result.added).push(file.displayName);
  }

  const keep = new Set(files.map((f) => f.path));
  for (const e of existing) {
    if (keep.has(e.path)) continue;
    const abs = join(out, ...e.path.split('/'));
    // On a case-insensitive disk, CA001.json *is* the ca001.json just written: leave it.
    const twin = files.find((f) => f.path.toLowerCase() === e.path.toLowerCase());
    if (twin && sameFile(abs, join(out, ...twin.path.split('/')))) continue;
    unlinkSync(abs);
    result.removed.push(e.path);
    const gone = e.id ? !currentIds.has(`${e.kind}:${e.id.toLowerCase()}`) : !currentNames.has(`${e.kind}:${(e.displayName ?? '').trim().toLowerCase()}`);
    if (gone) result.removedNames.push(e.displayName ?? e.path);
  }
  for (const list of Object.values(result)) list.sort(compare);
  return result;
}

function identify(content: string): { id?: string; displayName?: string } {
  try {
    const v = JSON.parse(content) as JsonValue;
    if (!isJsonObject(v)) return {};
    return {
      ...(typeof v['id'] === 'string' && v['id'] !== '' ? { id: v['id'] } : {}),
      ...(typeof v['displayName'] === 'string' ? { displayName: v['displayName'] } : {}),
    };
  } catch {
    return {};
  }
}

/** Creates a folder caac owns, refusing one that is a symlink or a file (it could lead outside `out`). */
function ensureDirectory(path: string, out: string): void {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    mkdirSync(path, { recursive: true });
    return;
  }
  if (path === out && stat.isSymbolicLink() && statSync(path).isDirectory()) return; // `out` itself may be a link the user chose
  if (stat.isSymbolicLink()) throw new ConfigurationError(`${path} is a symbolic link: caac backup writes only into real folders under ${out}; replace the link with a folder`);
  if (!stat.isDirectory()) throw new ConfigurationError(`${path} is a file, not a folder: caac backup needs it to be a folder (move the file away)`);
}

/** A temp file in the same folder, then rename: a reader never sees half a file. */
function writeAtomically(path: string, content: string): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, content, { encoding: 'utf8', flag: 'wx' });
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
    throw error;
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.ino === sb.ino && sa.dev === sb.dev;
  } catch {
    return false;
  }
}

function requestsSince(before: RequestTally, after: RequestTally): RequestTally {
  const byEndpoint: Record<string, number> = {};
  for (const [endpoint, n] of Object.entries(after.byEndpoint)) {
    const spent = n - (before.byEndpoint[endpoint] ?? 0);
    if (spent > 0) byEndpoint[endpoint] = spent;
  }
  return { total: after.total - before.total, byEndpoint };
}
