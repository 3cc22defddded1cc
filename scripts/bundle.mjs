// Bundles the compiled ESM entry points (lib/) with every dependency into dist/<name>.js with ncc,
// so that `node dist/cli.js` and the actions run on a fresh clone with no `npm install`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, renameSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  const extra = files.filter((f) => f !== main && f !== 'package.json');
  if (extra.length > 0) throw new Error(`ncc wrote extra files for ${entry} (${extra.join(', ')}): the bundle must be one file`);
  renameSync(join(out, main), join('dist', `${name}.js`));
  rmSync(out, { recursive: true, force: true });
}
console.log(`bundled ${Object.keys(entries).map((n) => `dist/${n}.js`).join(', ')}`);
execFileSync(process.execPath, ['scripts/generate-docs.mjs'], { stdio: 'inherit' });
