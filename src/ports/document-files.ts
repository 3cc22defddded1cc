/** The port `caac validate --fix` and `caac new` write through (src/repo/document-files.ts on disk). */
import type { DocumentKind, JsonObject, JsonValue } from '../model/documents.js';
import type { Repair } from '../model/repair.js';

/**
 * One file's change, as text: `before` absent for a file created, `after` absent for a file
 * removed. File names are as findings show them (relative to the working directory, '/').
 */
export interface FileChange {
  file: string;
  before?: string;
  after?: string;
}

export type Outcome<T> = T | { problem: string };

export interface DocumentFiles {
  /** The file's text with the repairs applied, in its own format (nothing written yet). */
  repair(file: string, repairs: readonly Repair[]): Outcome<{ change: FileChange }>;
  /** The entries of a Graph list export (`{"value": [...]}`), each with its kind when its content shows it. */
  readListExport(file: string): Outcome<{ entries: { value: JsonValue; kind?: DocumentKind }[] }>;
  /**
   * New files beside a list export, one per entry (`stems`: file names without extension, in
   * entries' order), in the export's format and indentation; the export itself removed.
   */
  splitListExport(file: string, parts: readonly { stem: string; value: JsonObject }[]): Outcome<{ changes: FileChange[] }>;
  /** Writes the changes: each atomically (temp file, then rename), new files never over an existing one. */
  commit(changes: readonly FileChange[]): void;
  /**
   * Writes a new document (`caac new`) in the format asked (two-space JSON, or YAML), creating its
   * folder; refuses an existing file, and a folder on the way that is a symbolic link.
   */
  createDocument(file: string, document: JsonObject, format: 'json' | 'yaml'): void;
}
