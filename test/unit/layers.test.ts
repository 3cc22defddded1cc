/**
 * The layer rules (.dependency-cruiser.cjs, run by `npm run lint`) hold for the code as it is, and
 * fail on a wrong-way import, a cycle or I/O in the core planted in a copy of the tree.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** Violations the rules find in `dir` (a tree with src/, the config and tsconfig.json). */
function violations(dir: string): string[] {
  try {
    execFileSync(process.execPath, [depcruise, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    return [];
  } catch (e) {
    const out = String((e as { stdout?: string }).stdout ?? '');
    const found = out.split('\n').filter((l) => /^\s*error /.test(l)).map((l) => l.trim());
    if (found.length === 0) throw e;
    return found;
  }
}

let copy: string;
beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'caac-layers-'));
  for (const entry of ['src', 'schemas', 'scripts', '.dependency-cruiser.cjs', 'tsconfig.json', 'package.json']) cpSync(join(root, entry), join(copy, entry), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));

test('the code keeps the layer table: no wrong-way import, no cycle', () => {
  expect(violations(copy)).toEqual([]);
}, 60_000);

test('a planted wrong-way import, a cycle, file-system access in the core and an adapter from a command all fail', () => {
  // core → render (render sits above plan), model → commands (a cycle through the whole tree too)
  appendFileSync(join(copy, 'src/plan/match.ts'), "\nimport '../render/plan-text.js';\n");
  appendFileSync(join(copy, 'src/model/plan.ts'), "\nimport '../commands/plan.js';\n");
  appendFileSync(join(copy, 'src/validate/naming-pattern.ts'), "\nimport { readFileSync } from 'node:fs';\nvoid readFileSync;\n");
  appendFileSync(join(copy, 'src/commands/restore.ts'), "\nimport '../repo/load-repository.js';\n");
  writeFileSync(join(copy, 'src/emulator/leak.ts'), "import '../model/plan.js';\n");
  const found = violations(copy).join('\n');
  expect(found).toMatch(/layer-plan: src\/plan\/match\.ts → src\/render\/plan-text\.ts/);
  expect(found).toMatch(/layer-model: src\/model\/plan\.ts → src\/commands\/plan\.ts/);
  expect(found).toMatch(/no-circular/);
  expect(found).toMatch(/pure-core: src\/validate\/naming-pattern\.ts → (node:)?fs/);
  expect(found).toMatch(/adapters-not-from-core: src\/commands\/restore\.ts → src\/repo\/load-repository\.ts/);
  expect(found).toMatch(/emulator-stands-alone: src\/emulator\/leak\.ts → src\/model\/plan\.ts/);
}, 60_000);
