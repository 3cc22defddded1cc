/**
 * Per-object hashes of the tenant state a plan read. The fingerprint says whether anything
 * changed; these say what, so a refused stale plan names the objects to look at.
 */
import { createHash } from 'node:crypto';
import { DOCUMENT_KINDS } from '../model/documents.js';
import type { Plan } from '../model/plan.js';
import { kindOfTenantList, type ApiVersion, type TenantSnapshot } from '../model/tenant.js';
import { canonicalJson, normalizeDocument } from '../normalize/normalize-document.js';

export type StateEntry = NonNullable<Plan['state']>[number];

export function stateOf(snapshot: TenantSnapshot, apiVersion: ApiVersion): StateEntry[] {
  const entries: StateEntry[] = [];
  for (const kind of DOCUMENT_KINDS) {
    for (const object of snapshot[kindOfTenantList(kind)]) {
      const hash = createHash('sha256')
        .update(canonicalJson(normalizeDocument(kind, object, { apiVersion })), 'utf8')
        .digest('hex')
        .slice(0, 16);
      entries.push({ kind, id: String(object['id'] ?? '').toLowerCase(), displayName: String(object['displayName'] ?? ''), hash });
    }
  }
  return entries;
}

/** What changed between two states, one line per object, for a person to read. */
export function describeStateChanges(before: readonly StateEntry[], after: readonly StateEntry[]): string[] {
  const key = (e: StateEntry) => `${e.kind}:${e.id}`;
  const old = new Map(before.map((e) => [key(e), e]));
  const now = new Map(after.map((e) => [key(e), e]));
  const lines: string[] = [];
  for (const [k, e] of now) {
    const was = old.get(k);
    if (!was) lines.push(`${e.kind} "${e.displayName}" (${e.id}) was created`);
    else if (was.hash !== e.hash) lines.push(`${e.kind} "${e.displayName}" (${e.id}) was changed${was.displayName !== e.displayName ? ` (was "${was.displayName}")` : ''}`);
  }
  for (const [k, e] of old) if (!now.has(k)) lines.push(`${e.kind} "${e.displayName}" (${e.id}) was deleted`);
  return lines;
}
