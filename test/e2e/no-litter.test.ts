/**
 * No litter: apply keeps its snapshot in the system temp folder (never the working directory, where
 * full policy bodies would sit untracked beside the repository) and names it in its output.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { defaultSnapshotDir } from '../../src/repo/snapshot-store.js';
import { copyExample, runNode } from './helpers.js';

const CLI = resolve('dist/cli.js');

let emulator: RunningEmulator;
beforeEach(async () => {
  emulator = await startEmulator({ seed: 'sample' });
});
afterEach(async () => {
  await emulator.stop();
});

test('apply without --snapshot-dir: the snapshot goes to the temp folder, is named, and the working directory holds only what it held', async () => {
  const cwd = copyExample('caac-litter-');
  const temp = mkdtempSync(join(tmpdir(), 'caac-litter-temp-'));
  const file = join(cwd, 'conditional-access', 'policies', 'ca006-require-compliant-or-hybrid-joined-device.json');
  const policy = JSON.parse(readFileSync(file, 'utf8'));
  policy.state = 'enabled';
  writeFileSync(file, JSON.stringify(policy, null, 2));

  const r = await runNode(CLI, ['apply', '--auto-approve', '--graph-url', emulator.url, '--rate-limit', '50'], { cwd, env: { CAAC_ACCESS_TOKEN: 'e2e', TMPDIR: temp } });
  expect(r.status).toBe(0);
  const named = /^Snapshot: (.+)$/m.exec(r.stdout)?.[1];
  expect(named?.startsWith(join(temp, 'caac-snapshots') + '/')).toBe(true);
  expect(readdirSync(join(named!, 'policies'))).toEqual(['ca006-require-compliant-or-hybrid-joined-device.json']);
  expect(readdirSync(cwd)).toEqual(['conditional-access']);
  expect(existsSync(join(cwd, '.caac'))).toBe(false);
});

test('defaultSnapshotDir: RUNNER_TEMP in Actions, else the system temp folder; never a relative path', () => {
  const now = new Date('2026-01-02T03:04:05.678Z');
  expect(defaultSnapshotDir({ RUNNER_TEMP: '/runner/tmp' }, now, '/sys/tmp')).toBe('/runner/tmp/caac-snapshots/2026-01-02T03-04-05-678Z');
  expect(defaultSnapshotDir({}, now, '/sys/tmp')).toBe('/sys/tmp/caac-snapshots/2026-01-02T03-04-05-678Z');
  expect(defaultSnapshotDir({ RUNNER_TEMP: '' }, now, '/sys/tmp')).toBe('/sys/tmp/caac-snapshots/2026-01-02T03-04-05-678Z');
});
