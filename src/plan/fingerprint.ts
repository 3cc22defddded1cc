/**
 * The fingerprint of the live state a plan read: apply recomputes it from a fresh read and refuses
 * the plan when it differs (the tenant changed since the plan was reviewed). It hashes the
 * normalized form, so fields Graph changes on its own (modifiedDateTime, the expanded strength's
 * annotations) and differences that mean nothing (array order, null vs []) do not make a plan stale.
 */
import { createHash } from 'node:crypto';
import { DOCUMENT_KINDS, type JsonValue } from '../model/documents.js';
import { kindOfTenantList, type ApiVersion, type TenantSnapshot } from '../model/tenant.js';
import { canonicalJson, normalizeDocument } from '../normalize/normalize-document.js';

export function fingerprintSnapshot(snapshot: TenantSnapshot, apiVersion: ApiVersion): string {
  const objects: { kind: string; id: string; object: JsonValue }[] = [];
  for (const kind of DOCUMENT_KINDS) {
    for (const object of snapshot[kindOfTenantList(kind)]) {
      objects.push({ kind, id: String(object['id'] ?? '').toLowerCase(), object: normalizeDocument(kind, object, { apiVersion }) });
    }
  }
  const rank = (kind: string): number => DOCUMENT_KINDS.indexOf(kind as (typeof DOCUMENT_KINDS)[number]);
  objects.sort((a, b) => rank(a.kind) - rank(b.kind) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const canonical = canonicalJson({ tenantId: snapshot.tenantId.toLowerCase(), apiVersion, objects });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
