// Bundles the compiled ESM entry points (lib/) with every dependency into dist/<name>.js with ncc,
// so that `node dist/cli.js` and the actions run on a fresh clone with no `npm install`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIGEST_FILE, sourceDigest } from './source-digest.mjs';

const entries = { cli: 'lib/src/cli/main.js', action: 'lib/src/action/main.js' };
const ncc = join('node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

mkdirSync('dist', { recursive: true });
for (const name of readdirSync('dist')) rmSync(join('dist', name), { recursive: true, force: true });

for (const [name, entry] of Object.entries(entries)) {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first`);
  const out = mkdtempSync(join(tmpdir(), `caac-ncc-${name}-`));
  execFileSync(process.execPath, [ncc, 'build', entry, '-o', out, '--quiet', '--no-source-map-register', '--target', 'es2022'], {
    stdio: 'inherit',
  });
  const files = readdirSync(out);
  const main = files.find((f) => f === 'index.js' || f === 'index.mjs');
  if (!main) throw new Error(`ncc wrote no index file for ${entry}: ${files.join(', ')}`);
  // @azure/identity's interactive browser sign-in (which caac never uses) brings the `open`
  // package: ncc emits it as a lazily loaded chunk plus its xdg-open script. They ship beside
  // the entry points, shared by both (the same content, or the build stops).
  for (const extra of files.filter((f) => f !== main && f !== 'package.json')) {
    const target = join('dist', extra);
    if (existsSync(target)) {
      if (!readFileSync(target).equals(readFileSync(join(out, extra)))) throw new Error(`ncc wrote two different ${extra} files: rename one entry's chunks`);
      continue;
    }
    renameSync(join(out, extra), target);
  }
  renameSync(join(out, main), join('dist', `${name}.js`));
  rmSync(out, { recursive: true, force: true });
  locateRe2Wasm(join('dist', `${name}.js`));
}
/**
 * re2-wasm (naming.pattern) reads re2.wasm beside its Emscripten glue, from the glue's
 * `__dirname`, which an ES module bundle does not have and ncc does not relocate. The glue's one
 * line that sets its directory is pointed at the bundle's own folder, where re2.wasm is copied;
 * the build stops if the line is not found exactly once (a new re2-wasm must be looked at).
 */
function locateRe2Wasm(bundle) {
  const glueLine = "scriptDirectory = __dirname + '/';";
  const text = readFileSync(bundle, 'utf8');
  const count = text.split(glueLine).length - 1;
  if (count !== 1) throw new Error(`${bundle}: expected re2-wasm's line ${glueLine} once, found it ${count} times`);
  const here = "scriptDirectory = (import.meta.dirname ?? decodeURIComponent(new URL('.', import.meta.url).pathname)) + '/';";
  writeFileSync(bundle, text.replace(glueLine, here));
  copyFileSync(join('node_modules', 're2-wasm', 'build', 'wasm', 're2.wasm'), join('dist', 're2.wasm'));
}

// What the e2e tests check before they run dist/ (scripts/source-digest.mjs).
writeFileSync(DIGEST_FILE, sourceDigest() + '\n');
console.log(`bundled ${Object.keys(entries).map((n) => `dist/${n}.js`).join(', ')}`);
execFileSync(process.execPath, ['scripts/generate-docs.mjs'], { stdio: 'inherit' });
