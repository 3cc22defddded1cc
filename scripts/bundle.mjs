// Bundles the compiled ESM faces (lib/) with every dependency into one minified bundle in dist/,
// so that `node dist/cli.js` and the actions run on a fresh clone with no `npm install`.
//
// One bundle, two thin entry points: dist/index.js holds the loader and the code both faces
// share; every command is a chunk of its own (`<id>.index.js`) that ncc splits at the dynamic
// import() in src/cli/lazy-commands.ts and src/action/main.ts, so a command loads only its own
// code. dist/cli.js (the `caac` bin) and dist/action.js (action.yml's `main`) each call one face.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIGEST_FILE, sourceDigest } from './source-digest.mjs';

const faces = { cli: 'lib/src/cli/main.js', action: 'lib/src/action/main.js' };
const ncc = join('node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
// @azure/identity's interactive browser sign-in (which caac never offers) loads the `open` package,
// and ncc copies open's xdg-open script beside the bundle for it. It stays out of dist/: caac never
// opens a browser (and `open` would fall back to the system's xdg-open). An external `open` is no
// way out: in an ES module bundle ncc turns it into a static import that fails where it is not installed.
const litter = ['xdg-open'];

for (const entry of Object.values(faces)) {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first`);
}
mkdirSync('dist', { recursive: true });
for (const name of readdirSync('dist')) rmSync(join('dist', name), { recursive: true, force: true });

// The bundle's entry: each face behind a dynamic import, so each starts with its own code only.
const entry = join('lib', 'bundle-entry.js');
writeFileSync(entry, Object.entries(faces).map(([name, path]) => `export const ${name} = () => import('./${path.slice('lib/'.length)}');\n`).join(''));

const out = mkdtempSync(join(tmpdir(), 'caac-ncc-'));
execFileSync(process.execPath, [ncc, 'build', entry, '-o', out, '--quiet', '--minify', '--no-source-map-register', '--target', 'es2022'], {
  stdio: 'inherit',
});
const files = readdirSync(out).filter((f) => f !== 'package.json');
if (!files.includes('index.js')) throw new Error(`ncc wrote no index.js: ${files.join(', ')}`);
for (const file of files.filter((f) => !litter.includes(f))) renameSync(join(out, file), join('dist', file));
rmSync(out, { recursive: true, force: true });
// Before minifying: the line re2-wasm's directory is set on must still read as written.
locateRe2Wasm();
minifyChunks();

for (const name of Object.keys(faces)) {
  const path = join('dist', `${name}.js`);
  const shebang = name === 'cli' ? '#!/usr/bin/env node\n' : '';
  writeFileSync(path, `${shebang}// caac's ${name} face; its code is in the shared bundle beside it (index.js and its chunks).\nconst { ${name} } = await import('./index.js');\nawait ${name}();\n`);
  if (shebang) chmodSync(path, 0o755);
}

/**
 * ncc minifies its main file only, never the chunks it splits off: they are minified here, the
 * way ncc minifies (names of functions and classes kept, so stack traces and error names still
 * say what ran). Compression is on as well: it takes dist/ under its 3 MB budget with room to grow.
 */
function minifyChunks() {
  const require = createRequire(import.meta.url);
  const uglify = require('uglify-js');
  for (const file of readdirSync('dist').filter((f) => /^\d+\.index\.js$/.test(f))) {
    const path = join('dist', file);
    const result = uglify.minify(readFileSync(path, 'utf8'), {
      module: true,
      keep_fnames: true,
      compress: { keep_fargs: true, passes: 1 },
      mangle: { keep_fnames: true },
      output: { comments: false },
    });
    if (result.error) throw new Error(`minifying ${path}: ${result.error.message}`);
    writeFileSync(path, result.code);
  }
}

/**
 * re2-wasm (naming.pattern) reads re2.wasm beside its Emscripten glue, from the glue's
 * `__dirname`, which an ES module bundle does not have and ncc does not relocate. The glue's one
 * line that sets its directory is pointed at the folder of the chunk that holds it, where re2.wasm
 * is copied; the build stops if the line is not found exactly once (a new re2-wasm must be looked at).
 */
function locateRe2Wasm() {
  const glueLine = /scriptDirectory ?= ?__dirname ?\+ ?["']\/["'];?/g;
  const here = "scriptDirectory=(import.meta.dirname??decodeURIComponent(new URL('.',import.meta.url).pathname))+'/';";
  const hits = [];
  for (const file of readdirSync('dist').filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(join('dist', file), 'utf8');
    const count = text.match(glueLine)?.length ?? 0;
    if (count > 0) hits.push({ file, count, text });
  }
  const total = hits.reduce((n, h) => n + h.count, 0);
  if (total !== 1) throw new Error(`expected re2-wasm's line "scriptDirectory = __dirname + '/'" once in dist/, found it ${total} times (${hits.map((h) => h.file).join(', ')})`);
  writeFileSync(join('dist', hits[0].file), hits[0].text.replace(glueLine, here));
  copyFileSync(join('node_modules', 're2-wasm', 'build', 'wasm', 're2.wasm'), join('dist', 're2.wasm'));
}

// What the e2e tests check before they run dist/ (scripts/source-digest.mjs).
writeFileSync(DIGEST_FILE, sourceDigest() + '\n');
const size = readdirSync('dist').reduce((n, f) => n + statSync(join('dist', f)).size, 0);
console.log(`bundled dist/cli.js and dist/action.js over one bundle (${readdirSync('dist').length} files, ${(size / 1e6).toFixed(2)} MB)`);
execFileSync(process.execPath, ['scripts/generate-docs.mjs'], { stdio: 'inherit' });
