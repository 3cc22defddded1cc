import type { DocumentKind, JsonObject } from '../model/documents.js';
import type { TenantSnapshot } from '../model/tenant.js';
import { backupFiles } from './backup-files.js';

/**
 * The files of a pre-apply snapshot: the backup format with raw ids (no look-ups), so a snapshot
 * is a repository that `caac restore --from` takes back, and each document keeps its id.
 */
export function snapshotFiles(objects: readonly { kind: DocumentKind; object: JsonObject }[]): { path: string; content: string }[] {
  const pick = (kind: DocumentKind) => objects.filter((o) => o.kind === kind).map((o) => o.object);
  const snapshot: TenantSnapshot = {
    tenantId: '',
    graphUrl: '',
    apiVersion: 'v1.0',
    policies: pick('policy'),
    namedLocations: pick('namedLocation'),
    authenticationStrengths: pick('authenticationStrength'),
  };
  return backupFiles(snapshot).map(({ path, content }) => ({ path, content }));
}
