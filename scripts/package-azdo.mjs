// Builds the Azure Pipelines extension (azure-pipelines/) into azure-pipelines/out/ and packages
// it into a .vsix with Microsoft's tfx-cli. Run after `npm run bundle` (it takes the compiled
// face from lib/ and the bundled CLI from dist/): `npm run package:azdo` does both.
//
// Each task folder is self-contained, as the agent downloads it alone: task.json, the icon, the
// handler (src/azure-pipelines bundled by ncc with azure-pipelines-task-lib into task.js, and an
// index.js that names the task), and the caac CLI bundle in caac/, which the handler runs.
// Everything under out/ and the .vsix are build output (gitignored).
//
//   node scripts/package-azdo.mjs            stage the tasks and create the .vsix
//   node scripts/package-azdo.mjs --no-vsix  stage the tasks only (what the task tests run)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceDigest, staleBundleReason } from './source-digest.mjs';

const ROOT = 'azure-pipelines';
const OUT = join(ROOT, 'out');
export const VSIX = join(ROOT, 'caac-azure-pipelines.vsix');
const face = join('lib', 'src', 'azure-pipelines', 'main.js');
const ncc = join('node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

const stale = staleBundleReason();
if (stale) throw new Error(`the tasks carry dist/ (the CLI), and ${stale}`);
if (!existsSync(face)) throw new Error(`${face} is missing: run "npm run build" first`);

// The handler, once, with the task library inside it.
const entry = join('lib', 'azdo-task-entry.js');
writeFileSync(entry, "export { runTask } from './src/azure-pipelines/main.js';\n");
const handler = mkdtempSync(join(tmpdir(), 'caac-azdo-ncc-'));
execFileSync(process.execPath, [ncc, 'build', entry, '-o', handler, '--quiet', '--minify', '--no-source-map-register', '--target', 'es2022'], { stdio: 'inherit' });
const handlerFiles = readdirSync(handler).filter((f) => f !== 'package.json');

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
cpSync(join(ROOT, 'vss-extension.json'), join(OUT, 'vss-extension.json'));
cpSync(join(ROOT, 'overview.md'), join(OUT, 'overview.md'));
cpSync(join(ROOT, 'images'), join(OUT, 'images'), { recursive: true });
const tasks = readdirSync(join(ROOT, 'tasks'));
for (const name of tasks) {
  const dir = join(OUT, 'tasks', name);
  mkdirSync(dir, { recursive: true });
  const meta = JSON.parse(readFileSync(join(ROOT, 'tasks', name, 'task.json'), 'utf8'));
  if (meta.name !== name) throw new Error(`${ROOT}/tasks/${name}/task.json names the task "${meta.name}"`);
  cpSync(join(ROOT, 'tasks', name, 'task.json'), join(dir, 'task.json'));
  cpSync(join(ROOT, 'images', 'icon.png'), join(dir, 'icon.png'));
  for (const file of handlerFiles) cpSync(join(handler, file), join(dir, file === 'index.js' ? 'task.js' : file), { recursive: true });
  // No top-level await: the task library's mock test runner require()s this file.
  writeFileSync(join(dir, 'index.js'), `import { runTask } from './task.js';\nvoid runTask(${JSON.stringify(name)});\n`);
  writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  cpSync('dist', join(dir, 'caac'), { recursive: true, filter: (src) => !src.endsWith('.src-digest') });
}
rmSync(handler, { recursive: true, force: true });
writeFileSync(join(OUT, '.src-digest'), sourceDigest() + '\n');
console.log(`staged ${tasks.length} tasks in ${OUT}`);

if (!process.argv.includes('--no-vsix')) {
  const tfx = join('node_modules', 'tfx-cli', '_build', 'tfx-cli.js');
  rmSync(VSIX, { force: true });
  execFileSync(process.execPath, [tfx, 'extension', 'create', '--root', OUT, '--manifest-globs', 'vss-extension.json', '--output-path', VSIX, '--no-prompt'], { stdio: 'inherit' });
  if (!existsSync(VSIX)) throw new Error(`tfx wrote no ${VSIX}`);
  console.log(`packaged ${VSIX}`);
}
