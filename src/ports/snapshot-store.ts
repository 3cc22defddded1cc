/**
 * Port: where apply writes the objects it is about to touch, before the first write, so that a
 * change can be undone by hand or with `caac restore`. A failure here stops apply before anything
 * changed. The files are a repository in the backup format (src/backup/backup-files.ts).
 */
export interface SnapshotStore {
  /** Writes every file; answers the folder written. Throws when anything cannot be written. */
  write(files: readonly { path: string; content: string }[]): string;
}
