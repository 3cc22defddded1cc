/**
 * The commit a folder's work tree is at, read from `.git` without running git: HEAD, then the ref it
 * names (loose, or in packed-refs; a linked worktree's refs live in the common git folder). A plan
 * records it for people to read; apply does not require it to match (a pull request's plan is
 * applied after the merge) — the documents' digest decides. Anything unexpected: undefined.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const HEX = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The git folder of the work tree holding `folder` (a `.git` folder, or the one a `.git` file points to). */
function gitDirOf(folder: string): string | undefined {
  for (let dir = resolve(folder); ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    if (existsSync(dotGit)) {
      if (statSync(dotGit).isDirectory()) return dotGit;
      const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(readText(dotGit) ?? '');
      return pointer ? resolve(dir, pointer[1]!) : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function refIn(gitDir: string, ref: string): string | undefined {
  const loose = readText(join(gitDir, ...ref.split('/')))?.trim();
  if (loose && HEX.test(loose)) return loose;
  for (const line of (readText(join(gitDir, 'packed-refs')) ?? '').split('\n')) {
    const [sha, name] = line.trim().split(' ');
    if (name === ref && sha && HEX.test(sha)) return sha;
  }
  return undefined;
}

export function gitCommitOf(folder: string): string | undefined {
  try {
    const gitDir = gitDirOf(folder);
    if (!gitDir) return undefined;
    const head = readText(join(gitDir, 'HEAD'))?.trim();
    if (!head) return undefined;
    if (HEX.test(head)) return head;
    const ref = /^ref:\s*(refs\/\S+)$/.exec(head)?.[1];
    if (!ref || ref.split('/').includes('..')) return undefined;
    const common = readText(join(gitDir, 'commondir'))?.trim();
    return refIn(gitDir, ref) ?? (common ? refIn(resolve(gitDir, common), ref) : undefined);
  } catch {
    return undefined;
  }
}
