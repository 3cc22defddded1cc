/**
 * The files `caac init` reads and writes, under one root (the repository, normally the working
 * directory), and the example workflows shipped beside the bundle.
 */
import { appendFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../errors.js';
import type { ExampleWorkflow } from '../model/init.js';
import type { InitFiles } from '../ports/init-files.js';
import { folderBackupStore } from './backup-folder.js';

export function fileInitFiles(root: string): InitFiles {
  const abs = (path: string): string => join(root, ...path.split('/'));
  const exists = (path: string): boolean => {
    try {
      lstatSync(abs(path));
      return true;
    } catch {
      return false;
    }
  };
  return {
    exists,
    backupStore: (folder) => folderBackupStore(abs(folder)),
    list(folder) {
      try {
        return readdirSync(abs(folder));
      } catch {
        return [];
      }
    },
    read: (path) => readFileSync(abs(path), 'utf8'),
    create(path, content) {
      mkdirSync(dirname(abs(path)), { recursive: true });
      try {
        // 'wx': never over a file that appeared since the check (or a link).
        writeFileSync(abs(path), content, { encoding: 'utf8', flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ConfigurationError(`${path} appeared while caac init ran: nothing was overwritten; move it away and run init again`);
        throw e;
      }
    },
    replace: (path, content) => writeFileSync(abs(path), content, 'utf8'),
    append: (path, content) => appendFileSync(abs(path), content, 'utf8'),
  };
}

/** The example workflows beside the bundle (dist/../examples) or the sources (src/repo/../../examples). */
export function exampleWorkflows(): ExampleWorkflow[] {
  for (const candidate of ['../examples/workflows', '../../examples/workflows']) {
    const folder = fileURLToPath(new URL(candidate, import.meta.url));
    if (!existsSync(folder)) continue;
    return readdirSync(folder)
      .filter((name) => name.endsWith('.yml'))
      .sort()
      .map((name) => ({ name, content: readFileSync(join(folder, name), 'utf8') }));
  }
  throw new ConfigurationError('the example workflows (examples/workflows) are missing next to the caac bundle: reinstall caac');
}
