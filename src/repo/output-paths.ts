/**
 * Checks, before any Graph request, that the paths a command will write can be written. A run
 * that reads a whole tenant and then cannot save its result wastes minutes of throttled requests
 * and used to end as "unexpected error": a wrong path is the user's mistake, said in one line with
 * the flag and the fix (ConfigurationError, exit 2).
 *
 * The checks use access(W_OK), which a process running as root always passes on a writable file
 * system; the shapes that fail for everyone (a missing parent folder, a file where a folder must
 * be, a folder where a file must be) are checked first.
 */
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigurationError } from '../errors.js';

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // ENOTDIR: a parent on the way is a file.
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** A file the command will create or replace (`plan --out`, `--markdown`, `validate --output`). */
export function assertWritableFile(path: string, flag: string): void {
  const abs = resolve(path);
  const stat = statOf(abs);
  if (stat?.isDirectory()) throw new ConfigurationError(`${flag} ${path}: that is a folder; give a file name (for example ${path.replace(/[\\/]+$/, '')}/plan.json)`);
  if (stat && !writable(abs)) throw new ConfigurationError(`${flag} ${path}: the file cannot be written (permission denied); choose another path or fix its permissions`);
  if (stat) return;
  const parent = dirname(abs);
  const parentStat = statOf(parent);
  if (!parentStat) throw new ConfigurationError(`${flag} ${path}: the folder ${dirname(path)} does not exist; create it first or choose another path`);
  if (!parentStat.isDirectory()) throw new ConfigurationError(`${flag} ${path}: ${dirname(path)} is a file, not a folder; choose another path`);
  if (!writable(parent)) throw new ConfigurationError(`${flag} ${path}: the folder ${dirname(path)} cannot be written (permission denied); choose another path`);
}

/**
 * A folder the command will create when missing (`backup --out`, `--snapshot-dir`): the path, or
 * the nearest part of it that exists, must be a writable folder.
 */
export function assertWritableFolder(path: string, flag: string): void {
  let current = resolve(path);
  for (;;) {
    const stat = statOf(current);
    if (stat) {
      if (!stat.isDirectory()) throw new ConfigurationError(`${flag} ${path}: ${current} is a file, not a folder; choose another path`);
      if (!writable(current)) throw new ConfigurationError(`${flag} ${path}: the folder ${current} cannot be written (permission denied); choose another path`);
      return;
    }
    const parent = dirname(current);
    if (parent === current) return; // nothing exists up to the root: mkdir will say why
    current = parent;
  }
}

/** A file the command reads (`caac emulator --seed`): present, a file, readable. `expected` says what to give instead. */
export function assertReadableFile(path: string, flag: string, expected: string): void {
  const stat = statOf(resolve(path));
  if (!stat) throw new ConfigurationError(`${flag} ${path}: no such file; give ${expected}`);
  if (!stat.isFile()) throw new ConfigurationError(`${flag} ${path}: that is not a file; give ${expected}`);
  try {
    accessSync(resolve(path), constants.R_OK);
  } catch {
    throw new ConfigurationError(`${flag} ${path}: the file cannot be read (permission denied); fix its permissions`);
  }
}
