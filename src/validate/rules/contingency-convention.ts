/**
 * Convention-mode contingency sets ("ENABLE IN EMERGENCY: MFA Disruption [1/4]") are found by
 * name: a misnamed or missing policy must show up in a pull request, not in the outage when the
 * set is activated (activation refuses an incomplete set).
 */
import { allContingencySets, contingencyPolicyNames } from '../../contingency/convention.js';
import { displayNameOf } from '../../model/documents.js';
import type { Rule, RuleHit } from '../../model/rule.js';

export const contingencyConvention: Rule = {
  id: 'contingency-convention',
  severity: 'warning',
  description:
    'A policy name carries "ENABLE IN EMERGENCY" but no disruption tag and [n/m] that can be read, or the [n/m] numbering of a set found by name is incomplete, repeated or inconsistent (a set of the same name in caac.yml takes its place).',
  check({ documents, settings }) {
    const policies = documents.filter((d) => d.kind === 'policy');
    const { problems } = allContingencySets(settings, contingencyPolicyNames(policies));
    const hits: RuleHit[] = [];
    for (const problem of problems) {
      const wanted = new Set(problem.policies.map((n) => n.toLowerCase()));
      const document = policies.find((d) => wanted.has((displayNameOf(d) ?? '').toLowerCase()));
      if (document) hits.push({ document, path: '/displayName', message: problem.message });
    }
    return hits;
  },
};
