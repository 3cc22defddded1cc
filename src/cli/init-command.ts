import type { Command } from 'commander';
import { runInit } from '../commands/init.js';
import { ExitCode } from '../errors.js';
import { DEFAULT_ROOT } from '../repo/load-repository.js';
import { exampleWorkflows, fileInitFiles } from '../repo/init-files.js';
import { addConnectionOptions, connectFromFlags, logProgress, type ConnectionFlags } from './connection-options.js';
import { reportTenantCommandError } from './fail.js';
import { printErrLine, writeOut } from './output.js';
import { renderInit } from '../render/init-text.js';
import { lineLogger } from '../ports/logger.js';

interface InitFlags extends ConnectionFlags {
  dir: string;
  fromTenant?: boolean;
}

export function registerInit(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command('init')
    .description('start a caac repository here: folders, a commented caac.yml, schemas, example workflows, .gitignore; --from-tenant adopts a tenant (exit 0 done, 1 error, 2 a file in the way)')
    .option('-d, --dir <dir>', 'the folder to create, relative to the repository root', DEFAULT_ROOT)
    .option('--from-tenant', 'back the tenant up into the folder, and suggest its break-glass accounts in caac.yml (commented out, for you to confirm)');
  addConnectionOptions(command).action(async (flags: InitFlags) => {
    try {
      const workflows = exampleWorkflows();
      const files = fileInitFiles(process.cwd());
      const result = await runInit(files, {
        dir: flags.dir,
        workflows,
        log: lineLogger(logProgress),
        // Signing in waits until runInit has checked that nothing is in the way (it is lazy: no request before).
        ...(flags.fromTenant ? { fromTenant: { ...connectFromFlags(flags), apiVersion: flags.apiVersion } } : {}),
      });
      writeOut(renderInit(result, flags.dir));
      setExit(ExitCode.ok);
    } catch (error) {
      setExit(reportTenantCommandError(error, printErrLine));
    }
  });
}

