import type { Command } from 'commander';
import { renderBackupText } from '../render/backup-report.js';
import { runBackup } from '../commands/backup.js';
import { ExitCode } from '../errors.js';
import { assertWritableFolder } from '../repo/output-paths.js';
import { reportTenantCommandError } from './fail.js';
import { addConnectionOptions, connectFromFlags, environmentFromFlags, logProgress, type ConnectionFlags } from './connection-options.js';
import { writeOut, printErrLine } from './output.js';
import { folderBackupStore } from '../repo/backup-folder.js';
import { lineLogger } from '../ports/logger.js';

interface BackupFlags extends ConnectionFlags {
  out: string;
  ids?: boolean;
  only?: string[];
  dir?: string;
}

export function registerBackup(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command('backup')
    .description('write every policy, named location and custom authentication strength of the tenant as a caac repository (exit 0 done, 1 error)')
    .requiredOption('-o, --out <dir>', 'folder to write or update in place: an object that has a file there keeps it (name and format); files in policies/, named-locations/ and authentication-strengths/ of objects gone from the tenant are removed; nothing else is touched')
    .option('--ids', 'keep raw object ids instead of writing references by name (group:Finance)')
    .option('-d, --dir <dir>', 'with --environment: the repository folder whose caac.yml names the environment (default: --out, the repository updated in place)')
    .option('--only <displayName>', 'back up only this object (repeatable): its file is written or updated, no other file is touched or removed (promote a policy built in a portal)', (value: string, list: string[] = []) => [...list, value]);
  addConnectionOptions(command).action(async (flags: BackupFlags) => {
    try {
      const log = lineLogger(logProgress);
      assertWritableFolder(flags.out, '--out');
      // --environment reads caac.yml in --dir, by default --out: a backup with bindings updates the repository in place.
      const chosen = environmentFromFlags(flags, flags.dir ?? flags.out);
      const graph = connectFromFlags(flags, flags.apiVersion, chosen);
      const result = await runBackup({ ...graph, store: folderBackupStore(flags.out) }, {
        ids: flags.ids,
        apiVersion: flags.apiVersion,
        log,
        ...(flags.only ? { only: flags.only } : {}),
        ...(chosen ? { environment: chosen.environment } : {}),
      });
      if (chosen) writeOut(`environment ${chosen.environment.name} (tenant ${graph.tenant.tenantId})\n`);
      writeOut(renderBackupText(result, flags.out));
      setExit(ExitCode.ok);
    } catch (error) {
      setExit(reportTenantCommandError(error, printErrLine));
    }
  });
}
