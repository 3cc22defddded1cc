/** How a backup reads in a log, a job summary and the action's `summary` output. Pure. */
import { escapeMarkdown } from './markdown-escape.js';

/** What the reports need of a backup's result (commands/backup.ts's BackupResult has it all). */
export interface BackupReport {
  written: readonly string[];
  removed: readonly string[];
  unchanged: readonly string[];
  added: readonly string[];
  changed: readonly string[];
  removedNames: readonly string[];
  requests: { total: number };
}

/** `Backup: 2 added, 1 changed, 0 removed, 22 unchanged (8 Graph requests)` */
export function backupSummaryLine(result: BackupReport): string {
  const requests = result.requests.total;
  return `Backup: ${result.added.length} added, ${result.changed.length} changed, ${result.removed.length} removed, ${result.unchanged.length} unchanged (${requests} Graph request${requests === 1 ? '' : 's'})`;
}

/** One line a file written or removed (paths under `out`), then the summary line. */
export function renderBackupText(result: BackupReport, out: string): string {
  const prefix = out.replace(/[\\/]+$/, '');
  const lines = [...result.written.map((p) => `wrote   ${prefix}/${p}`), ...result.removed.map((p) => `removed ${prefix}/${p}`), backupSummaryLine(result)];
  return lines.join('\n') + '\n';
}

/** At most this many names per list. */
export const MAX_LISTED = 200;

/** Markdown lists of what changed since the last backup, by name, every name escaped. */
export function renderBackupMarkdown(result: BackupReport): string {
  const section = (title: string, names: readonly string[]): string[] => {
    if (names.length === 0) return [];
    const shown = names.slice(0, MAX_LISTED).map((n) => `- ${escapeMarkdown(n.trim() === '' ? '(no name)' : n)}`);
    if (names.length > MAX_LISTED) shown.push(`- … and ${names.length - MAX_LISTED} more`);
    return [`**${title}** (${names.length})`, '', ...shown, ''];
  };
  const body = [...section('Added', result.added), ...section('Changed', result.changed), ...section('Removed', result.removedNames)];
  if (body.length === 0) return result.written.length + result.removed.length > 0 ? 'Files rewritten; no object added, changed or removed.\n' : 'No change since the last backup.\n';
  return body.join('\n').replace(/\n*$/, '\n');
}
