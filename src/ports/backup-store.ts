/**
 * Port: the folder a backup updates in place. src/repo/backup-folder.ts implements it on disk;
 * the decisions (which file holds which object, what to rewrite) are the core's
 * (src/backup/in-place.ts), so a test can hand in a folder held in memory.
 */
import type { FolderChanges, KindFile } from '../model/repository-files.js';

export interface BackupStore {
  /** Where the backup goes, as the user named it (for messages). */
  readonly location: string;
  /**
   * Refuses a folder caac cannot safely write into (a symbolic link, a file in the way) before
   * the tenant is read, so no request is spent on a backup that cannot land. Creates nothing.
   */
  check(): void;
  /** The `.json`/`.yaml` files in caac's folders now; anything it leaves alone comes back as a warning. */
  list(): { files: KindFile[]; warnings: string[] };
  /** Removals first (a new file may take a removed one's name), then writes, each atomically. */
  commit(changes: FolderChanges): void;
}
