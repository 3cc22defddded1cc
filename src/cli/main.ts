#!/usr/bin/env node
/**
 * The `caac` command line. A thin face: flags become one options object per command, and the
 * commands in src/commands/ do the work.
 */
import { Command, CommanderError } from 'commander';
import { ExitCode } from '../errors.js';
import { VERSION } from '../version.js';
import { reportError } from './fail.js';
import { commandsFor, loadCommand } from './lazy-commands.js';
import { writeErr, printErrLine } from './output.js';

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command()
    .name('caac')
    .description('Conditional Access as Code: validate, plan and apply Microsoft Entra Conditional Access policies kept in Git')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run "caac --help" for usage)')
    .configureOutput({ writeErr });
  const names = commandsFor(argv);
  const registers = await Promise.all(names.map(loadCommand));
  for (const register of registers) register(program, setExit);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.ok;
      // commander has already printed the problem and the hint.
      return ExitCode.usage;
    }
    return reportError(error, printErrLine);
  }
}

// A closed pipe (`caac validate | head`) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const code = await main(process.argv.slice(2));
process.exitCode = code;
