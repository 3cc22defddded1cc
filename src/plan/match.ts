/**
 * Matches the repository's documents to the tenant's objects of one kind: a document's `id` wins
 * when that id exists in the tenant (this is how a rename is written), otherwise the displayName
 * does (case-insensitive, trimmed). The id is read from the prepared document (`value.id`:
 * preparation strips every other server field but keeps this one).
 */
import { ConfigurationError } from '../errors.js';
import { escapeLogValue } from '../model/log-text.js';
import { KIND_LABELS, KIND_LABELS_PLURAL, displayNameOf, type DocumentKind, type JsonObject } from '../model/documents.js';
import { isBuiltInStrength, isBuiltInStrengthId } from '../model/references.js';
import type { ResolvedDocument } from '../resolve/resolve-references.js';

export interface MatchedPair {
  desired: ResolvedDocument;
  /** The tenant object, or undefined when the document is new. */
  actual?: JsonObject;
  /** How the pair was matched. */
  by?: 'id' | 'displayName';
}

export interface MatchResult {
  pairs: MatchedPair[];
  /** Tenant objects that no document describes (built-in strengths excluded). */
  unmatched: JsonObject[];
}

const nameKey = (name: unknown): string | undefined => (typeof name === 'string' && name.trim() !== '' ? name.trim().toLowerCase() : undefined);
const idOf = (o: JsonObject): string | undefined => (typeof o['id'] === 'string' && o['id'] !== '' ? o['id'].toLowerCase() : undefined);

export function matchDocuments(kind: DocumentKind, desired: readonly ResolvedDocument[], tenant: readonly JsonObject[]): MatchResult {
  const label = KIND_LABELS[kind];
  const builtIns = kind === 'authenticationStrength' ? tenant.filter(isBuiltInStrength) : [];
  const actual = kind === 'authenticationStrength' ? tenant.filter((o) => !isBuiltInStrength(o)) : [...tenant];
  const byId = new Map<string, JsonObject>();
  for (const o of actual) {
    const id = idOf(o);
    if (id) byId.set(id, o);
  }
  const claimedBy = new Map<JsonObject, ResolvedDocument>();
  const pairs = new Map<ResolvedDocument, MatchedPair>();

  for (const doc of desired) {
    const name = displayNameOf(doc);
    if (kind === 'authenticationStrength') {
      const docId = typeof doc.value['id'] === 'string' ? doc.value['id'].toLowerCase() : undefined;
      const builtIn = builtIns.find((b) => idOf(b) === docId || (name !== undefined && nameKey(b['displayName']) === nameKey(name)));
      if ((docId && isBuiltInStrengthId(docId)) || builtIn) {
        throw new ConfigurationError(
          `${doc.file} describes the built-in authentication strength "${name ?? docId}", which Microsoft manages and caac never changes: delete the file and reference it as "authStrength:${name ?? 'Name'}", or give your custom strength another displayName`,
          { file: doc.file, path: '/displayName' },
        );
      }
    }
    const id = typeof doc.value['id'] === 'string' ? doc.value['id'].toLowerCase() : undefined;
    const hit = id ? byId.get(id) : undefined;
    if (!hit) continue;
    const other = claimedBy.get(hit);
    if (other) {
      throw new ConfigurationError(`${escapeLogValue(`${doc.file} and ${other.file} both carry the id ${id} of the ${label} "${String(hit['displayName'])}"`)}: keep the id in one file only`, {
        file: doc.file,
        path: '/id',
      });
    }
    claimedBy.set(hit, doc);
    pairs.set(doc, { desired: doc, actual: hit, by: 'id' });
  }

  for (const doc of desired) {
    if (pairs.has(doc)) continue;
    const key = nameKey(displayNameOf(doc));
    const candidates = key === undefined ? [] : actual.filter((o) => nameKey(o['displayName']) === key && !(claimedBy.has(o) && pairs.get(claimedBy.get(o)!)?.by === 'id'));
    if (candidates.length > 1) {
      const ids = candidates.map((o) => String(o['id'])).join(', ');
      throw new ConfigurationError(
        `the tenant holds ${candidates.length} ${KIND_LABELS_PLURAL[kind]} named "${displayNameOf(doc)}" (ids ${ids}), so ${doc.file} cannot be matched by name: rename or delete the extra one${candidates.length > 2 ? 's' : ''} in the portal, or put the intended one's "id" in ${doc.file}`,
        { file: doc.file, path: '/displayName' },
      );
    }
    const hit = candidates[0];
    if (!hit) {
      pairs.set(doc, { desired: doc });
      continue;
    }
    const other = claimedBy.get(hit);
    if (other) {
      throw new ConfigurationError(`${escapeLogValue(`${doc.file} and ${other.file} both describe the ${label} "${displayNameOf(doc)}"`)}: displayName must be unique`, {
        file: doc.file,
        path: '/displayName',
      });
    }
    claimedBy.set(hit, doc);
    pairs.set(doc, { desired: doc, actual: hit, by: 'displayName' });
  }

  return { pairs: desired.map((d) => pairs.get(d)!), unmatched: actual.filter((o) => !claimedBy.has(o)) };
}
