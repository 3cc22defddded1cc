/** `--confirm-timeout <seconds>`: apply, restore and contingency activate/deactivate. */
import type { Command } from 'commander';
import { ConfigurationError } from '../errors.js';

export const CONFIRM_TIMEOUT_HELP =
  'how long, in seconds, to look for the result of a write whose answer was lost (never sent twice), and to read the tenant back until it matches (default 60)';

export function addConfirmTimeoutOption(command: Command): Command {
  return command.option('--confirm-timeout <seconds>', CONFIRM_TIMEOUT_HELP);
}

/** Seconds as given on the command line or in an action input → ms; undefined keeps the default. */
export function confirmTimeoutMs(value: string | undefined, name = '--confirm-timeout'): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 3600) {
    throw new ConfigurationError(`${name} takes a number of seconds from 0 to 3600, not "${value}"`);
  }
  return Math.round(n * 1000);
}
