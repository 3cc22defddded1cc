/**
 * The CLI's only ways to the console. Everything it prints can hold names, ids and messages from
 * files or the tenant, and a CI runner reads workflow commands from stdout and stderr alike: each
 * write goes through neutralizeLogText, so no call site can forget (see src/model/log-text.ts).
 */
import { neutralizeLogText } from '../model/log-text.js';

/** The report: stdout. */
export function writeOut(text: string): void {
  process.stdout.write(neutralizeLogText(text));
}

/** Progress and errors: stderr. */
export function writeErr(text: string): void {
  process.stderr.write(neutralizeLogText(text));
}

/** One line on stdout. */
export function printLine(line = ''): void {
  writeOut(line + '\n');
}

/** One line on stderr. */
export function printErrLine(line: string): void {
  writeErr(line + '\n');
}

