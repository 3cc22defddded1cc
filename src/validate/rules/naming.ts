import { displayNameOf } from '../../model/documents.js';
import { compileNamingPattern } from '../naming-pattern.js';
import type { Rule, RuleHit } from '../../model/rule.js';

/** The settings' naming pattern (compiled by RE2 when settings load, so it cannot hang) applies to policies. */
export const naming: Rule = {
  id: 'naming',
  severity: 'warning',
  description: 'A policy displayName does not match the naming pattern that caac.yml sets (naming.pattern).',
  check({ documents, settings }) {
    const pattern = settings.naming?.pattern;
    if (!pattern) return [];
    const compiled = compileNamingPattern(pattern);
    // readSettings refused a pattern RE2 cannot compile; nothing to check against here.
    if ('problem' in compiled) return [];
    const re = compiled.pattern;
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
