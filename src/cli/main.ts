#!/usr/bin/env node
/**
 * The `caac` command line. A thin face: flags become one options object per command, and the
 * commands in src/commands/ do the work.
 */
import { Command, CommanderError } from 'commander';
import { ExitCode } from '../errors.js';
import { VERSION } from '../version.js';
import { reportError } from './fail.js';
import { registerDemo } from './demo-command.js';
import { registerEmulator } from './emulator-command.js';
import { registerInit } from './init-command.js';
import { registerApply } from './apply-command.js';
import { registerBackup } from './backup-command.js';
import { registerContingency } from './contingency-command.js';
import { registerPlan } from './plan-command.js';
import { registerRestore } from './restore-command.js';
import { registerValidate } from './validate-command.js';
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
  registerInit(program, setExit);
  registerValidate(program, setExit);
  registerPlan(program, setExit);
  registerApply(program, setExit);
  registerRestore(program, setExit);
  registerBackup(program, setExit);
  registerContingency(program, setExit);
  registerEmulator(program);
  registerDemo(program, setExit);
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
