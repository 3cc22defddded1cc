/** The pre-apply snapshot on disk (see src/ports/snapshot-store.ts). */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SnapshotStore } from '../ports/snapshot-store.js';

/** The SnapshotStore over a folder on disk: each file written to a temp name, then renamed. */
export function fileSnapshotStore(dir: string): SnapshotStore {
  return {
    write(files) {
      mkdirSync(dir, { recursive: true });
      for (const file of files) {
        const path = join(dir, file.path);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(`${path}.tmp`, file.content);
        renameSync(`${path}.tmp`, path);
      }
      return dir;
    },
  };
}

/**
 * `caac-snapshots/<timestamp>/` under RUNNER_TEMP in GitHub Actions, else under the system temp
 * folder: never in the working directory, where full policy bodies would sit untracked beside the
 * repository (and be one `git add .` away from a commit). Apply names the folder in its output.
 */
export function defaultSnapshotDir(env: Record<string, string | undefined>, now: Date, systemTemp: string = tmpdir(), environment?: string): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  // An environment's name (a slug, checked in caac.yml) names its snapshots: `<time>-prod`.
  return join(env['RUNNER_TEMP'] || systemTemp, 'caac-snapshots', environment ? `${stamp}-${environment}` : stamp);
}
