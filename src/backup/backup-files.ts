/**
 * The pure core of `caac backup`: a tenant snapshot and the reference names that resolve uniquely
 * → the repository's files (relative path → bytes). Same snapshot and names, same files.
 */
import { KIND_FOLDERS, type DocumentKind, type JsonObject } from '../model/documents.js';
import { kindOfTenantList, type TenantSnapshot } from '../model/tenant.js';
import { backupDocument, serializeDocument } from './document.js';
import { isBuiltInStrength } from '../model/references.js';
import type { ReferenceNames } from './names.js';
import { assignFileStems } from './slug.js';

/** Kinds in the order a backup writes and reports them. */
export const BACKUP_KINDS: readonly DocumentKind[] = ['policy', 'namedLocation', 'authenticationStrength'];

export interface BackupFile {
  kind: DocumentKind;
  /** The object's id in the tenant. */
  id: string;
  displayName: string;
  /** Relative to the backup folder, forward slashes: `policies/ca001-block-legacy.json`. */
  path: string;
  content: string;
  /** The document `content` holds (a backup that updates a file in place writes it in that file's format). */
  document: JsonObject;
}

export interface BackupFilesOptions {
  /** References to write as `kind:name`; undefined keeps raw ids everywhere (`--ids`). */
  names?: ReferenceNames;
}

/** The objects a backup holds: every policy and named location, custom strengths only. */
export function backedUpObjects(snapshot: TenantSnapshot, kind: DocumentKind): JsonObject[] {
  const all = snapshot[kindOfTenantList(kind)];
  return kind === 'authenticationStrength' ? all.filter((s) => !isBuiltInStrength(s)) : [...all];
}

export function backupFiles(snapshot: TenantSnapshot, options: BackupFilesOptions = {}): BackupFile[] {
  const files: BackupFile[] = [];
  for (const kind of BACKUP_KINDS) {
    const objects = backedUpObjects(snapshot, kind).map((object, i) => ({
      object,
      // Graph always answers an id; an object without one still gets a stable, unique stand-in.
      id: typeof object['id'] === 'string' && object['id'] !== '' ? object['id'] : `no-id-${i + 1}`,
      displayName: typeof object['displayName'] === 'string' ? object['displayName'] : '',
    }));
    const stems = assignFileStems(objects.map(({ id, displayName }) => ({ id, displayName })));
    for (const { object, id, displayName } of objects) {
      const path = `${KIND_FOLDERS[kind]}/${stems.get(id)!}.json`;
      const document = backupDocument(kind, object, { names: options.names });
      files.push({ kind, id, displayName, path, content: serializeDocument(document), document });
    }
  }
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return files.sort((a, b) => compare(a.path, b.path));
}
