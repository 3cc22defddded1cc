// The digest of everything the bundle is built from: src/, schemas/, package.json and its lockfile, the TypeScript
// settings and the bundle script itself. `npm run bundle` writes it to dist/.src-digest; the e2e
// tests (which run dist/) compare it with the working tree and refuse a stale bundle. Content,
// not mtimes: a fresh clone gives every file the same time. Line endings are folded so that a
// checkout with CRLF reads as the same sources.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const DIGEST_FILE = join('dist', '.src-digest');
const INPUTS = ['src', 'schemas', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', join('scripts', 'bundle.mjs')];

/** sha256 over the sorted paths and contents of the inputs under `root`. */
export function sourceDigest(root = process.cwd()) {
  const files = INPUTS.flatMap((input) => listFiles(join(root, input)))
    .map((file) => relative(root, file).split(sep).join('/'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8').replace(/\r\n/g, '\n');
    hash.update(`${file}\0${text.length}\0${text}\0`);
  }
  return hash.digest('hex');
}

function listFiles(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => listFiles(join(path, name)));
}

/** Why dist/ cannot be trusted to be the sources' bundle, or undefined when it is. */
export function staleBundleReason(root = process.cwd()) {
  const stamp = join(root, DIGEST_FILE);
  if (!existsSync(stamp)) return `${DIGEST_FILE} is missing, so dist/ may not be built from these sources: run npm run bundle`;
  if (readFileSync(stamp, 'utf8').trim() !== sourceDigest(root)) return 'dist/ is older than src/ (or built from other sources): run npm run bundle';
  return undefined;
}
