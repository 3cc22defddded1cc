/**
 * `TextFiles` on disk, under the working directory. A file is read as UTF-8 and must be a regular
 * file (not a link: an edit through a link would change a file outside the repository); a write
 * goes to a temporary file beside it, then replaces it, so an interrupted edit leaves the old file.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigurationError } from '../errors.js';
import type { TextFiles } from '../ports/text-files.js';
import { writeAtomically } from './backup-folder.js';

export function diskTextFiles(cwd = process.cwd()): TextFiles {
  const abs = (file: string): string => resolve(cwd, file);
  const regular = (file: string): void => {
    const stat = lstatSync(abs(file));
    if (!stat.isFile()) throw new ConfigurationError(`${file}: not a regular file (a link or a folder): caac edits only regular files`);
  };
  return {
    read(file) {
      regular(file);
      return readFileSync(abs(file), 'utf8');
    },
    write(file, text) {
      regular(file);
      writeAtomically(abs(file), text);
    },
  };
}
