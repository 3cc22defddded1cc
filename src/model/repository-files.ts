import type { DocumentKind } from './documents.js';

/** A file in one of caac's three folders, relative to the repository root, forward slashes. */
export interface KindFile {
  kind: DocumentKind;
  /** `policies/ca001-block-legacy.json` */
  path: string;
  content: string;
}

/** What a backup changes in a folder: removals first, then writes (see BackupStore). */
export interface FolderChanges {
  /** Existing files that hold an object the tenant no longer has. */
  removals: readonly { path: string }[];
  /** Files to write (new or rewritten), with their new bytes. */
  writes: readonly { path: string; content: string }[];
}

export type FileFormat = 'json' | 'yaml';

/** `.json`, `.yaml` or `.yml` (any case): the files a backup reads in its folders. */
export function formatOfPath(path: string): FileFormat | undefined {
  if (/\.json$/i.test(path)) return 'json';
  if (/\.ya?ml$/i.test(path)) return 'yaml';
  return undefined;
}
