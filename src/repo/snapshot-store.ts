/**
 * Writes the objects an apply is about to touch, before the first write, so that a change can be
 * undone by hand or with `caac restore`. A failure here stops apply before anything changed.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIND_FOLDERS, type DocumentKind, type JsonObject } from '../model/documents.js';

export interface SnapshotStore {
  /** Writes every object; answers the folder written. Throws when anything cannot be written. */
  write(objects: readonly { kind: DocumentKind; object: JsonObject }[]): string;
}

export function fileSnapshotStore(dir: string): SnapshotStore {
  return {
    write(objects) {
      mkdirSync(dir, { recursive: true });
      for (const { kind, object } of objects) {
        const folder = join(dir, KIND_FOLDERS[kind]);
        mkdirSync(folder, { recursive: true });
        // Named by id: unique, and safe on every file system (ids are GUIDs).
        const id = String(object['id'] ?? 'unknown').replace(/[^0-9A-Za-z-]/g, '_');
        const path = join(folder, `${id}.json`);
        writeFileSync(`${path}.tmp`, JSON.stringify(object, null, 2) + '\n');
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
