import { displayNameOf } from '../../model/documents.js';
import type { Rule, RuleHit } from '../rule.js';

/** The settings' naming pattern (validated as a regex when settings load) applies to policies. */
export const naming: Rule = {
  id: 'naming',
  severity: 'warning',
  description: 'A policy displayName does not match the naming pattern that caac.yml sets (naming.pattern).',
  check({ documents, settings }) {
    const pattern = settings.naming?.pattern;
    if (!pattern) return [];
    const re = new RegExp(pattern, 'u');
    const hits: RuleHit[] = [];
    for (const document of documents) {
      if (document.kind !== 'policy') continue;
      const name = displayNameOf(document);
      if (name === undefined || re.test(name)) continue;
      hits.push({ document, path: '/displayName', message: `"${name}" does not match the naming pattern /${pattern}/ set in caac.yml` });
    }
    return hits;
  },
};
