/**
 * The "Contingency" section of the plan reports (text and markdown): the sets active in the tenant
 * when the plan was made, since when, and the policies the plan holds in their contingency state.
 * Shown only while a set is active. Every string from a file or the tenant is escaped for its
 * output, as the reports that include this section do.
 */
import { HELD_DELETE } from '../plan/contingency-hold.js';
import type { Plan, PlanContingency } from '../model/plan.js';
import { escapeMarkdown } from './markdown-escape.js';
import { escapeLogValue } from '../model/log-text.js';

const FOOTER = 'apply --end-contingency returns them to the declared state (or "caac contingency deactivate <set>", then plan again)';

interface SetView {
  name: string;
  since?: string;
  held: PlanContingency['held'];
}

function activeSets(plan: Pick<Plan, 'contingency'>): SetView[] {
  const c = plan.contingency;
  return (c?.active ?? []).map((a) => ({ name: a.name, ...(a.since === undefined ? {} : { since: a.since }), held: (c?.held ?? []).filter((h) => h.set === a.name) }));
}

const declaredLabel = (declared: string): string => (declared === HELD_DELETE ? 'deleted (prune)' : declared);

/** Plain-text lines (a leading blank line included), or none when no set is active. */
export function contingencyTextLines(plan: Pick<Plan, 'contingency'>): string[] {
  const sets = activeSets(plan);
  if (sets.length === 0) return [];
  const t = escapeLogValue;
  const out = ['', `Contingency (${sets.length === 1 ? '1 set' : `${sets.length} sets`} active in the tenant):`];
  for (const set of sets) {
    out.push(`  ${t(set.name)}: active${set.since ? ` since ${t(set.since)}` : ''}; ${set.held.length ? `${set.held.length} held` : 'no policy held (the repository does not change their state)'}`);
    for (const h of set.held) out.push(`    "${t(h.displayName)}": tenant: ${t(h.state)}, repository declares: ${t(declaredLabel(h.declared))}`);
  }
  if (sets.some((s) => s.held.length)) out.push(`  ${FOOTER}`);
  return out;
}

/** A markdown section (ending in a blank line), or '' when no set is active. */
export function contingencyMarkdown(plan: Pick<Plan, 'contingency'>): string {
  const sets = activeSets(plan);
  if (sets.length === 0) return '';
  const md = escapeMarkdown;
  const out = ['### 🆘 Contingency', ''];
  for (const set of sets) {
    out.push(`- **${md(set.name)}** is active${set.since ? ` since ${md(set.since)}` : ''}${set.held.length ? ': the plan holds' : ': no policy held (the repository does not change their state)'}`);
    for (const h of set.held) out.push(`  - ${md(h.displayName)}: tenant: ${md(h.state)}, repository declares: ${md(declaredLabel(h.declared))}`);
  }
  if (sets.some((s) => s.held.length)) out.push('', `_${md(FOOTER)}_`);
  out.push('');
  return out.join('\n');
}
