import type { Command } from 'commander';
import { runInit, type InitResult } from '../commands/init.js';
import { ExitCode } from '../errors.js';
import { DEFAULT_ROOT } from '../repo/load-repository.js';
import { exampleWorkflows, fileInitFiles } from '../repo/init-files.js';
import { addConnectionOptions, connectFromFlags, logProgress, type ConnectionFlags } from './connection-options.js';
import { reportTenantCommandError } from './fail.js';
import { printErrLine, writeOut } from './output.js';
import { escapeLogValue } from '../model/log-text.js';

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
        log: logProgress,
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

function renderInit(result: InitResult, dir: string): string {
  const lines = [...result.created.map((p) => `created ${p}`), ...result.updated.map((p) => `updated ${p} (added .caac/)`)];
  if (result.backup) {
    const b = result.backup;
    lines.push(`backed up ${b.added.length} object(s) of the tenant into ${dir}/ (${b.requests.total} Graph requests)`);
    for (const w of b.warnings) lines.push(`warning: ${escapeLogValue(w)}`);
  }
  lines.push('', 'Next:');
  const s = result.suggestion;
  if (s && s.accounts.length > 0) {
    lines.push(`  1. ${dir}/caac.yml suggests ${s.accounts.length} emergency-access account(s) or group(s) (what most of the ${s.enabledPolicies} enabled policies exclude): check them, then uncomment emergencyAccess`);
  } else {
    lines.push(`  1. name your emergency-access (break-glass) accounts in ${dir}/caac.yml (emergencyAccess; see the TODO there)`);
  }
  lines.push(
    `  2. caac validate --dir ${dir}`,
    `  3. caac plan --dir ${dir}${result.backup ? '   (a tenant just adopted plans as no changes)' : ''}`,
    '  4. set the repository variables CAAC_TENANT_ID and CAAC_CLIENT_ID the workflows in .github/workflows/ use',
  );
  return lines.join('\n') + '\n';
}
