import type { SourceDocument } from './documents.js';
import type { Finding } from './findings.js';
import type { SettingsSource } from './settings.js';

/** What a repository folder holds, as loaded. */
export interface LoadedRepository {
  /** The root folder as the user gave it. */
  root: string;
  /** Files read as documents (parsed or not). */
  files: number;
  documents: SourceDocument[];
  /** `parse` and `layout` findings. */
  findings: Finding[];
  settings?: SettingsSource;
  /** The root folder as the file names show it (relative to the working directory, '/'; '' for it). */
  folder?: string;
  /** The commit the folder's git work tree is at, when it is in one (recorded in plans). */
  commit?: string;
}
