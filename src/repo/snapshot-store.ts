/**
 * Writes the objects an apply is about to touch, before the first write, so that a change can be
 * undone by hand or with `caac restore`. A failure here stops apply before anything changed.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
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

/** `.caac/snapshots/<timestamp>/`, or under RUNNER_TEMP in GitHub Actions. */
export function defaultSnapshotDir(env: Record<string, string | undefined>, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return env['RUNNER_TEMP'] ? join(env['RUNNER_TEMP'], 'caac-snapshots', stamp) : join('.caac', 'snapshots', stamp);
}
