/** The port `caac init` writes through (src/repo/init-files.ts on disk). */
import type { BackupStore } from './backup-store.js';

/** The files init writes and reads, relative to the repository root (forward slashes). */
export interface InitFiles {
  /** Whether a file or folder is there (a link counts: it is in the way too). */
  exists(path: string): boolean;
  /** Entries of a folder, none when it is missing. */
  list(folder: string): string[];
  read(path: string): string;
  /** Creates the file and its folders; refuses to replace one. */
  create(path: string, content: string): void;
  /** Replaces a file this run wrote (the backup's, to link its schema). */
  replace(path: string, content: string): void;
  /** Appends to an existing file. */
  append(path: string, content: string): void;
  /** The folder (relative to the root) as a backup's store, for `init --from-tenant`. */
  backupStore(folder: string): BackupStore;
}

