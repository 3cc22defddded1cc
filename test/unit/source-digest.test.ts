/** The stale-bundle check the e2e tests run first (scripts/source-digest.mjs, test/fresh-bundle.mjs). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIGEST_FILE, sourceDigest, staleBundleReason } from '../../scripts/source-digest.mjs';

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function checkout(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'caac-digest-'));
  roots.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

const SOURCES = { 'src/a.ts': 'export const a = 1;\n', 'src/b/c.ts': 'export const c = 2;\n', 'package-lock.json': '{}\n', 'schemas/x.schema.json': '{}\n' };

test('a bundle stamped with the sources is fresh; any edit to src, schemas or the lockfile makes it stale', () => {
  const root = checkout(SOURCES);
  expect(staleBundleReason(root)).toMatch(/\.src-digest is missing.*run npm run bundle/);
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, DIGEST_FILE), sourceDigest(root) + '\n');
  expect(staleBundleReason(root)).toBeUndefined();
  for (const [file, text] of [
    ['src/b/c.ts', 'export const c = 3;\n'],
    ['src/new.ts', ''],
    ['schemas/x.schema.json', '{ }\n'],
    ['package-lock.json', '{"a":1}\n'],
  ] as const) {
    const edited = checkout(SOURCES);
    mkdirSync(join(edited, 'dist'));
    writeFileSync(join(edited, DIGEST_FILE), sourceDigest(root) + '\n');
    writeFileSync(join(edited, file), text);
    expect(staleBundleReason(edited)).toBe('dist/ is older than src/ (or built from other sources): run npm run bundle');
  }
});

test('content decides, not where or when: the same sources elsewhere, or with CRLF line ends, have the same digest', () => {
  const crlf = Object.fromEntries(Object.entries(SOURCES).map(([f, t]) => [f, t.replace(/\n/g, '\r\n')]));
  expect(sourceDigest(checkout(crlf))).toBe(sourceDigest(checkout(SOURCES)));
  // A file moved to another name is another tree.
  const { 'src/a.ts': a, ...rest } = SOURCES;
  expect(sourceDigest(checkout({ ...rest, 'src/z.ts': a }))).not.toBe(sourceDigest(checkout(SOURCES)));
});
