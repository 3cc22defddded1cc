import { ConfigurationError, ExitCode, GitHubApiError, GraphError, SafetyError, StalePlanError } from '../errors.js';
import { printErrLine } from './output.js';

/**
 * Maps an error to a message and an exit code, in one place. The user's mistakes get a sentence;
 * only a bug (an error we did not classify) shows a stack, and only with CAAC_DEBUG=1.
 */
export function reportError(error: unknown, write: (line: string) => void): number {
  if (error instanceof ConfigurationError) {
    write(`caac: ${error.message}`);
    return ExitCode.usage;
  }
  if (error instanceof GraphError || error instanceof GitHubApiError || error instanceof StalePlanError || error instanceof SafetyError) {
    write(`caac: ${error.message}`);
    return ExitCode.failure;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  write(`caac: unexpected error: ${e.message}`);
  if (process.env['CAAC_DEBUG'] === '1') write(e.stack ?? '');
  else write('(this is a bug in caac: run again with CAAC_DEBUG=1 for details, and report it)');
  return ExitCode.failure;
}

/**
 * For the commands that reach a tenant (plan, apply, restore, backup, contingency): 3 is a stale
 * plan, 2 the user's mistake (a flag, a path, a file: ConfigurationError), every other error 1.
 * `plan --detailed-exitcode` gives 2 to "changes", so there (`usageExit: false`) a mistake exits 1.
 */
export function reportTenantCommandError(error: unknown, write: (line: string) => void, options: { usageExit?: boolean } = {}): number {
  if (error instanceof StalePlanError) {
    write(`caac: ${error.message}`);
    return ExitCode.stale;
  }
  const code = reportError(error, write);
  if (code === ExitCode.usage && options.usageExit !== false) return ExitCode.usage;
  return code === ExitCode.ok ? ExitCode.ok : ExitCode.failure;
}

/** A tenant command's commander action: the exit code `run` returns (none: 0), or its error's (reportTenantCommandError). */
export function tenantAction<F>(setExit: (code: number) => void, run: (flags: F) => Promise<number | void>): (flags: F) => Promise<void> {
  return async (flags) => {
    try {
      setExit((await run(flags)) ?? ExitCode.ok);
    } catch (error) {
      setExit(reportTenantCommandError(error, printErrLine));
    }
  };
}
