/**
 * The "Rollout" section of the plan reports: each policy in staged rollout, its ring, what this
 * plan does because of it (narrowed includes, report-only) and what `caac rollout advance` would
 * change next. Every string from a file or the tenant is escaped for its output.
 */
import type { Plan } from '../model/plan.js';
import type { PlanRolloutPolicy } from '../model/rollout.js';
import { escapeLogValue } from '../model/log-text.js';
import { escapeMarkdown } from './markdown-escape.js';

const labelled = (plan: Pick<Plan, 'labels'>, ids: readonly string[]): string[] => ids.map((id) => plan.labels[id] ?? id);

function parts(plan: Pick<Plan, 'labels'>, p: PlanRolloutPolicy): { head: string; audience?: string; advance?: string } {
  const where = p.ring === undefined ? 'not listed' : `ring ${p.ring}${p.since ? ` since ${p.since}` : ''}`;
  return {
    head: `${where}, ${p.stage}: ${p.note}`,
    ...(p.narrowedTo ? { audience: labelled(plan, p.narrowedTo).join(', ') || 'None' } : {}),
    ...(p.advance ? { advance: p.advance } : {}),
  };
}

/** Plain-text lines (a leading blank line included), or none without rollout. */
export function rolloutTextLines(plan: Pick<Plan, 'rollout' | 'labels'>): string[] {
  const r = plan.rollout;
  if (!r || r.policies.length === 0) return [];
  const t = escapeLogValue;
  const out = ['', `Rollout (rings: ${r.rings.map((x) => t(x.name)).join(' → ')}):`];
  for (const p of r.policies) {
    const v = parts(plan, p);
    out.push(`  "${t(p.displayName)}": ${t(v.head)}`);
    if (v.audience) out.push(`    includes only: ${t(v.audience)} (exclusions unchanged)`);
    if (v.advance) out.push(`    advancing: ${t(v.advance)}`);
  }
  return out;
}

/** A markdown section (ending in a blank line), or '' without rollout. */
export function rolloutMarkdown(plan: Pick<Plan, 'rollout' | 'labels'>): string {
  const r = plan.rollout;
  if (!r || r.policies.length === 0) return '';
  const md = escapeMarkdown;
  const out = ['### 🪜 Rollout', '', `Rings: ${r.rings.map((x) => md(x.name)).join(' → ')}`, ''];
  for (const p of r.policies) {
    const v = parts(plan, p);
    out.push(`- **${md(p.displayName)}**: ${md(v.head)}`);
    if (v.audience) out.push(`  - includes only: ${md(v.audience)} (exclusions unchanged)`);
    if (v.advance) out.push(`  - advancing: ${md(v.advance)}`);
  }
  out.push('');
  return out.join('\n');
}
