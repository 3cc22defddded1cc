/**
 * Writes the objects an apply is about to touch, before the first write, so that a change can be
 * undone by hand or with `caac restore`. A failure here stops apply before anything changed.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { backupFiles } from '../backup/backup-files.js';
import type { DocumentKind, JsonObject } from '../model/documents.js';
import type { TenantSnapshot } from '../model/tenant.js';

export interface SnapshotStore {
  /** Writes every object; answers the folder written. Throws when anything cannot be written. */
  write(objects: readonly { kind: DocumentKind; object: JsonObject }[]): string;
}

export function fileSnapshotStore(dir: string): SnapshotStore {
  return {
    write(objects) {
      mkdirSync(dir, { recursive: true });
      // The backup format, with raw ids (no look-ups): a snapshot is a repository that
      // `caac restore --from` takes back, and each document keeps its id.
      const pick = (kind: DocumentKind) => objects.filter((o) => o.kind === kind).map((o) => o.object);
      const snapshot: TenantSnapshot = {
        tenantId: '',
        graphUrl: '',
        apiVersion: 'v1.0',
        policies: pick('policy'),
        namedLocations: pick('namedLocation'),
        authenticationStrengths: pick('authenticationStrength'),
      };
      for (const file of backupFiles(snapshot)) {
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
export function defaultSnapshotDir(env: Record<string, string | undefined>, now: Date, systemTemp: string = tmpdir()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return join(env['RUNNER_TEMP'] || systemTemp, 'caac-snapshots', stamp);
}
