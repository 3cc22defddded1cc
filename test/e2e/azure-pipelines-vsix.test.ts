/**
 * The extension packages into a .vsix with Microsoft's tfx-cli, offline, from the staged tasks
 * (npm run package:azdo): every task with its task.json, handler and bundled CLI, and the
 * manifest's contributions naming each task folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assertTasksStaged } from './azure-pipelines-agent.js';

/** The names in a zip file's central directory (a .vsix is a zip). */
function zipEntries(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip file: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry at ${at}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extra + comment;
  }
  return names;
}

test('tfx extension create builds the .vsix with the six tasks, each self-contained', () => {
  assertTasksStaged();
  const out = join(mkdtempSync(join(tmpdir(), 'caac-vsix-')), 'caac.vsix');
  execFileSync(process.execPath, [resolve('node_modules/tfx-cli/_build/tfx-cli.js'), 'extension', 'create', '--root', resolve('azure-pipelines/out'), '--manifest-globs', 'vss-extension.json', '--output-path', out, '--no-prompt'], {
    stdio: 'pipe',
    timeout: 120_000,
  });
  const entries = zipEntries(readFileSync(out));
  const manifest = JSON.parse(readFileSync(resolve('azure-pipelines/vss-extension.json'), 'utf8'));
  const tasks = manifest.contributions.map((c: { properties: { name: string } }) => c.properties.name);
  expect(tasks.sort()).toEqual(['tasks/CaacApply', 'tasks/CaacBackup', 'tasks/CaacContingency', 'tasks/CaacDrift', 'tasks/CaacPlan', 'tasks/CaacValidate']);
  for (const task of tasks) {
    for (const file of ['task.json', 'index.js', 'task.js', 'package.json', 'icon.png', 'caac/cli.js', 'caac/index.js', 'caac/re2.wasm']) expect(entries).toContain(`${task}/${file}`);
  }
  expect(entries).toContain('extension.vsomanifest');
  expect(entries.some((e) => e.endsWith('.src-digest'))).toBe(false);
});
