import type { Command } from 'commander';
import { renderBackupText } from '../render/backup-report.js';
import { runBackup } from '../commands/backup.js';
import { ExitCode } from '../errors.js';
import { assertWritableFolder } from '../repo/output-paths.js';
import { reportTenantCommandError } from './fail.js';
import { addConnectionOptions, connectFromFlags, logProgress, type ConnectionFlags } from './connection-options.js';
import { writeOut, printErrLine } from './output.js';
import { folderBackupStore } from '../repo/backup-folder.js';
import { lineLogger } from '../ports/logger.js';

interface BackupFlags extends ConnectionFlags {
  out: string;
  ids?: boolean;
}

export function registerBackup(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command('backup')
    .description('write every policy, named location and custom authentication strength of the tenant as a caac repository (exit 0 done, 1 error)')
    .requiredOption('-o, --out <dir>', 'folder to write or update in place: an object that has a file there keeps it (name and format); files in policies/, named-locations/ and authentication-strengths/ of objects gone from the tenant are removed; nothing else is touched')
    .option('--ids', 'keep raw object ids instead of writing references by name (group:Finance)');
  addConnectionOptions(command).action(async (flags: BackupFlags) => {
    try {
      const log = lineLogger(logProgress);
      assertWritableFolder(flags.out, '--out');
      const graph = connectFromFlags(flags);
      const result = await runBackup({ ...graph, store: folderBackupStore(flags.out) }, { ids: flags.ids, apiVersion: flags.apiVersion, log });
      writeOut(renderBackupText(result, flags.out));
      setExit(ExitCode.ok);
    } catch (error) {
      setExit(reportTenantCommandError(error, printErrLine));
    }
  });
}
