export { BACKUP_KINDS, backedUpObjects, backupFiles, type BackupFile, type BackupFilesOptions } from './backup-files.js';
export { backupDocument, serializeDocument, type BackupDocumentOptions } from './document.js';
export {
  directoryCandidates,
  directoryReferenceNames,
  heldIds,
  isBuiltInStrength,
  isWritableName,
  referenceKey,
  snapshotReferenceNames,
  type Candidate,
  type HeldIds,
  type ReferenceNames,
} from './names.js';
export { MAX_SLUG_LENGTH, assignFileStems, isWindowsReservedName, slugify, type Nameable } from './slug.js';
export { MAX_LISTED, backupSummaryLine, renderBackupMarkdown, renderBackupText, type BackupReport } from './report.js';
