/**
 * An authentication strength's combinationConfigurations, as Graph checks them on write: each
 * applies only to combinations of the strength's allowedCombinations, and only to those its type
 * restricts (FIDO2: "fido2"; X.509: "x509CertificateSingleFactor" or "x509CertificateMultiFactor");
 * one configuration of a type per combination; each type has its own lists.
 */
import { isJsonObject, type JsonValue } from '../../model/documents.js';
import type { Rule, RuleHit } from '../../model/rule.js';

const FIDO2 = '#microsoft.graph.fido2combinationconfiguration';
const X509 = '#microsoft.graph.x509certificatecombinationconfiguration';

const TYPES: Record<string, { label: string; combinations: readonly string[]; lists: readonly string[] }> = {
  [FIDO2]: { label: 'a FIDO2 configuration', combinations: ['fido2'], lists: ['allowedAAGUIDs'] },
  [X509]: { label: 'an X.509 certificate configuration', combinations: ['x509CertificateSingleFactor', 'x509CertificateMultiFactor'], lists: ['allowedIssuerSkis', 'allowedPolicyOIDs'] },
};
const ALL_LISTS = ['allowedAAGUIDs', 'allowedIssuerSkis', 'allowedPolicyOIDs'];

/** One combination as a comparable key: its modes, lower case, sorted. */
const combinationKey = (c: string): string =>
  c
    .split(',')
    .map((m) => m.trim().toLowerCase())
    .filter((m) => m !== '')
    .sort()
    .join(',');

export const strengthConfiguration: Rule = {
  id: 'strength-configuration',
  severity: 'error',
  description:
    "An authentication strength's combination configuration Graph refuses: one that applies to a combination missing from allowedCombinations or outside its type (FIDO2: fido2; X.509: x509CertificateSingleFactor or x509CertificateMultiFactor), a second configuration of one type for one combination, or another type's list.",
  check({ documents }) {
    const hits: RuleHit[] = [];
    for (const document of documents) {
      if (document.kind !== 'authenticationStrength') continue;
      const configurations = document.value['combinationConfigurations'];
      if (!Array.isArray(configurations)) continue;
      const allowedList = Array.isArray(document.value['allowedCombinations']) ? document.value['allowedCombinations'].filter((c): c is string => typeof c === 'string') : [];
      const allowed = new Set(allowedList.map(combinationKey));
      const taken = new Map<string, number>();
      configurations.forEach((c: JsonValue, i) => {
        if (!isJsonObject(c)) return;
        const at = `/combinationConfigurations/${i}`;
        const type = typeof c['@odata.type'] === 'string' ? TYPES[c['@odata.type'].replace(/^#?/, '#').toLowerCase()] : undefined;
        if (!type) return; // the schema names the allowed types
        for (const list of ALL_LISTS) {
          if (!type.lists.includes(list) && c[list] !== undefined && c[list] !== null) {
            hits.push({ document, path: `${at}/${list}`, message: `${list} does not belong in ${type.label} (it takes ${type.lists.join(' and ')}): Graph refuses it; move it to a configuration of its own type` });
          }
        }
        const applies = Array.isArray(c['appliesToCombinations']) ? c['appliesToCombinations'] : [];
        applies.forEach((a, j) => {
          if (typeof a !== 'string') return;
          const key = combinationKey(a);
          const path = `${at}/appliesToCombinations/${j}`;
          if (!type.combinations.some((t) => t.toLowerCase() === key)) {
            hits.push({ document, path, message: `"${a}" cannot be restricted by ${type.label}: it applies to ${type.combinations.map((t) => `"${t}"`).join(' or ')} only` });
            return;
          }
          if (!allowed.has(key)) {
            hits.push({ document, path, message: `"${a}" is not one of this strength's allowedCombinations (${allowedList.map((x) => `"${x}"`).join(', ')}): Graph refuses the configuration; add the combination to allowedCombinations or remove it here` });
            return;
          }
          const slot = `${type.label}|${key}`;
          const earlier = taken.get(slot);
          if (earlier !== undefined && earlier !== i) {
            hits.push({ document, path, message: `"${a}" already has ${type.label} (combinationConfigurations/${earlier}): Graph allows one per combination; merge their lists into one` });
          } else taken.set(slot, i);
        });
      });
    }
    return hits;
  },
};
