/**
 * The BackupStore on disk. Only `.json`/`.yaml` files directly inside the three folders caac owns
 * are read or touched; nothing else under the folder (caac.yml, README, other folders), and never
 * anything through a symbolic link, which could lead outside it.
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigurationError } from '../errors.js';
import { KIND_FOLDERS, type DocumentKind } from '../model/documents.js';
import { formatOfPath, type KindFile } from '../model/repository-files.js';
import type { BackupStore } from '../ports/backup-store.js';

const KINDS: readonly DocumentKind[] = ['policy', 'namedLocation', 'authenticationStrength'];

export function folderBackupStore(location: string): BackupStore {
  const out = resolve(location);
  return {
    location,
    check: () => checkFolders(out),
    list() {
      ensureDirectory(out, out);
      const files: KindFile[] = [];
      const warnings: string[] = [];
      for (const kind of KINDS) {
        const folder = join(out, KIND_FOLDERS[kind]);
        ensureDirectory(folder, out);
        for (const entry of readdirSync(folder, { withFileTypes: true })) {
          const path = `${KIND_FOLDERS[kind]}/${entry.name}`;
          if (!formatOfPath(entry.name)) continue; // README.md, notes.txt, sub-folders: not caac's
          // Never through a link (it could lead outside `out`), never a folder named x.json.
          if (!entry.isFile()) {
            warnings.push(`${path}: left alone, it is ${entry.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; replace it with a file`);
            continue;
          }
          files.push({ kind, path, content: readFileSync(join(folder, entry.name), 'utf8') });
        }
      }
      return { files, warnings };
    },
    commit(changes) {
      for (const removal of changes.removals) unlinkSync(join(out, ...removal.path.split('/')));
      for (const write of changes.writes) writeAtomically(join(out, ...write.path.split('/')), write.content);
    },
  };
}

/** Creates a folder caac owns, refusing one that is a symlink or a file (it could lead outside `out`). */
function ensureDirectory(path: string, out: string): void {
  if (!checkDirectory(path, out)) mkdirSync(path, { recursive: true });
}

/** Whether the folder exists; throws when it is a symlink (but `out` itself) or a file. */
function checkDirectory(path: string, out: string): boolean {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return false;
  }
  if (path === out && stat.isSymbolicLink() && statSync(path).isDirectory()) return true; // `out` itself may be a link the user chose
  if (stat.isSymbolicLink()) throw new ConfigurationError(`${path} is a symbolic link: caac backup writes only into real folders under ${out}; replace the link with a folder`);
  if (!stat.isDirectory()) throw new ConfigurationError(`${path} is a file, not a folder: caac backup needs it to be a folder (move the file away)`);
  return true;
}

/** The folders a backup writes, checked before the tenant is read (nothing is created yet). */
function checkFolders(out: string): void {
  if (!checkDirectory(out, out)) return;
  for (const kind of KINDS) checkDirectory(join(out, KIND_FOLDERS[kind]), out);
}

/** A temp file in the same folder, then rename: a reader never sees half a file (the temp file is removed on failure). */
export function writeAtomically(path: string, content: string): void {
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
