/** `caac exceptions list`: caac.yml's expiring exceptions, offline or against the tenant. */
import { Option, type Command } from 'commander';
import { runExceptionsList } from '../commands/exceptions.js';
import { ConfigurationError, ExitCode } from '../errors.js';
import { endingWithin } from '../exceptions/exception-list.js';
import { DEFAULT_ROOT, filePolicyStore } from '../repo/load-repository.js';
import { EXCEPTIONS_FORMATS, formatExceptions, type ExceptionsFormat } from '../render/exceptions-report.js';
import { addConnectionOptions, connectFromFlags, type ConnectionFlags } from './connection-options.js';
import { reportTenantCommandError } from './fail.js';
import { printErrLine, writeOut } from './output.js';

interface ExceptionsFlags extends ConnectionFlags {
  dir: string;
  format: ExceptionsFormat;
  endingWithin?: string;
}

export function registerExceptions(program: Command, setExit: (code: number) => void): void {
  const group = program.command('exceptions').description("caac.yml's expiring exceptions (see README, Expiring exceptions)");
  const list = group
    .command('list')
    .description('every exception: its policies, who, until when, days left, and whether the tenant holds it now (reads the tenant when --tenant-id, --graph-url, --token-file or --auth is given; "unknown" offline)')
    .option('-d, --dir <dir>', 'the repository folder', DEFAULT_ROOT)
    .addOption(new Option('-f, --format <format>', 'output format (markdown: a table for an issue comment)').choices(EXCEPTIONS_FORMATS as unknown as string[]).default('text'))
    .option('--ending-within <days>', 'only the active exceptions whose last day is at most this many days away (a reminder)');
  addConnectionOptions(list).action(async (flags: ExceptionsFlags) => {
    try {
      const days = flags.endingWithin === undefined ? undefined : Number(flags.endingWithin);
      if (days !== undefined && !(Number.isInteger(days) && days >= 0)) throw new ConfigurationError(`--ending-within takes a whole number of days (0 or more), not "${flags.endingWithin}"`);
      // A connection is read only when asked for by a flag: the environment alone never sends caac to a tenant here.
      const online = [flags.tenantId, flags.graphUrl, flags.tokenFile, flags.auth].some((f) => f !== undefined);
      const ports = online ? connectFromFlags(flags) : undefined;
      const report = await runExceptionsList(filePolicyStore(flags.dir), ports, new Date());
      writeOut(formatExceptions(days === undefined ? report : endingWithin(report, days), flags.format));
      setExit(ExitCode.ok);
    } catch (error) {
      setExit(reportTenantCommandError(error, printErrLine));
    }
  });
}
