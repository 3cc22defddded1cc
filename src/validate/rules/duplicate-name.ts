import { KIND_LABELS, displayNameOf } from '../../model/documents.js';
import type { PreparedDocument, Rule, RuleHit } from '../../model/rule.js';

/**
 * displayName is the key that matches a file to a tenant object: two documents of one kind with
 * the same name (ignoring case and surrounding spaces, as people read them) would fight over it.
 */
export const duplicateName: Rule = {
  id: 'duplicate-name',
  severity: 'error',
  description: 'Two documents of one kind share a displayName (compared without regard to case).',
  check({ documents }) {
    const hits: RuleHit[] = [];
    const first = new Map<string, PreparedDocument>();
    for (const document of documents) {
      const name = displayNameOf(document);
      if (!name) continue;
      const key = `${document.kind}\u0000${name.trim().toLowerCase()}`;
      const earlier = first.get(key);
      if (!earlier) {
        first.set(key, document);
        continue;
      }
      const line = earlier.locate('/displayName').line;
      hits.push({
        document,
        path: '/displayName',
        message: `another ${KIND_LABELS[document.kind]} is named "${name}" (${earlier.file}:${line}): displayName identifies a document, so rename one of them`,
      });
    }
    return hits;
  },
};
