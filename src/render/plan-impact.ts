/**
 * The "Access impact" section of the plan reports (text and markdown): the sign-ins of the matrix
 * whose result the plan changes, grouped by change and counted, who they are and one example; and
 * what apply will do about them (refuse emergency-account blocks always, other new blocks unless
 * --accept-impact; a restore accepts them). Changes that come from caac.yml's exceptions say so,
 * apart from the files' own exclusions. Shown whenever the plan carries an impact; every name is escaped.
 */

/** How the plan will be applied: `restore` accepts new blocks (it brings back rules the tenant had). */
export interface ImpactRenderOptions {
  acceptsBlocks?: 'restore';
}
import type { Plan, PlanImpact, PlanImpactException, PlanImpactGroup } from '../model/plan.js';
import { refusableBlocks } from '../impact/exception-exclusions.js';
import { escapeLogValue } from '../model/log-text.js';
import { escapeMarkdown } from './markdown-escape.js';

/** Groups shown in full; the rest are counted. Keeps the comment under GitHub's limit. */
const MAX_GROUPS = 25;
const MAX_WHO = 8;

function headline(g: PlanImpactGroup): string {
  if (g.change === 'blocked') return `becomes blocked (by ${g.blockedBy.map((n) => `"${n}"`).join(', ')})`;
  if (g.change === 'unblocked') return `no longer blocked (was by ${g.blockedBy.map((n) => `"${n}"`).join(', ')})`;
  return [g.gained.length ? `gains ${g.gained.join('; ')}` : '', g.lost.length ? `loses ${g.lost.join('; ')}` : ''].filter((s) => s !== '').join(', ');
}

function who(g: PlanImpactGroup): string {
  return `${g.who.slice(0, MAX_WHO).join(', ')}${g.who.length > MAX_WHO ? ` and ${g.who.length - MAX_WHO} more` : ''}`;
}

/** `exception until 2026-12-14 (travel): user:alex excluded from "CA010"`, or its end. */
export function exceptionLine(e: PlanImpactException): string {
  return e.ended
    ? `exception expired ${e.until} (${e.reason}): ${e.who} no longer excluded from "${e.policy}"`
    : `exception until ${e.until} (${e.reason}): ${e.who} excluded from "${e.policy}"`;
}

function because(g: PlanImpactGroup): string | undefined {
  return g.exceptions?.length ? `because of caac.yml's ${g.exceptions.map(exceptionLine).join('; ')}` : undefined;
}

/** What apply (or restore) does with this impact, in one sentence. */
export function impactVerdict(impact: PlanImpact, options: ImpactRenderOptions = {}): string {
  if (impact.emergencyBlocked > 0) return `apply refuses this plan: it blocks ${impact.emergencyBlocked} sign-in(s) of emergency-access accounts (never accepted).`;
  const refused = refusableBlocks(impact.groups);
  const ending = impact.newlyBlocked - refused;
  const fromEnding = ending > 0 ? ` ${ending} more come from exceptions ending (the files' own rules return): accepted.` : '';
  if (impact.newlyBlocked > 0 && options.acceptsBlocks === 'restore') return `restore accepts the ${impact.newlyBlocked} new block(s): it brings back rules the tenant had (a block of an emergency-access account is still refused).`;
  if (refused > 0) return `apply refuses this plan unless run with --accept-impact (input accept-impact: true): it blocks ${refused} sign-in(s) that are not blocked today.${fromEnding}`;
  if (ending > 0) return `apply accepts this impact: its ${ending} new block(s) come from exceptions ending (the files' own rules return).`;
  return 'apply accepts this impact: no sign-in becomes blocked.';
}

function summary(impact: PlanImpact): string {
  const apart = impact.fromExceptions ? ` (${impact.fromExceptions} because of caac.yml's exceptions)` : '';
  return `${impact.changed} of ${impact.signIns} sign-ins evaluated change${apart}`;
}

/** Plain-text lines (a leading blank line included), or none when the plan has no impact record. */
export function impactTextLines(plan: Pick<Plan, 'impact'>, options: ImpactRenderOptions = {}): string[] {
  const impact = plan.impact;
  if (!impact) return [];
  const t = escapeLogValue;
  const out = ['', `Access impact (${summary(impact)}):`];
  if (impact.changed === 0) out.push('  no sign-in gains or loses access or a requirement');
  for (const g of impact.groups.slice(0, MAX_GROUPS)) {
    out.push(`  ${g.emergency ? '!! ' : ''}${g.signIns} sign-in(s) ${t(headline(g))}: ${t(who(g))}`);
    out.push(`      e.g. ${t(g.example)}`);
    const from = because(g);
    if (from) out.push(`      ${t(from)}`);
  }
  if (impact.groups.length > MAX_GROUPS) out.push(`  and ${impact.groups.length - MAX_GROUPS} more group(s) in the plan file`);
  if (impact.changed > 0) out.push(`  ${t(impactVerdict(impact, options))}`);
  return out;
}

/** A markdown section (ending in a blank line), or '' when the plan has no impact record. */
export function impactMarkdown(plan: Pick<Plan, 'impact'>, options: ImpactRenderOptions = {}): string {
  const impact = plan.impact;
  if (!impact) return '';
  const md = escapeMarkdown;
  const out = ['### 👥 Access impact', '', `${md(summary(impact))}.`, ''];
  if (impact.changed === 0) {
    out.push('No sign-in gains or loses access or a requirement.', '');
    return out.join('\n');
  }
  out.push('| | sign-ins | change | who | example |', '|---|---:|---|---|---|');
  for (const g of impact.groups.slice(0, MAX_GROUPS)) {
    const mark = g.emergency ? '🛑' : g.change === 'blocked' ? '⛔' : g.change === 'unblocked' ? '🔓' : '🔁';
    const from = because(g);
    out.push(`| ${mark} | ${g.signIns} | ${md(headline(g))}${from ? `<br>${md(from)}` : ''} | ${md(who(g))} | ${md(g.example)} |`);
  }
  if (impact.groups.length > MAX_GROUPS) out.push('', `_and ${impact.groups.length - MAX_GROUPS} more group(s) in the plan file_`);
  out.push('', `**${md(impactVerdict(impact, options))}**`, '');
  return out.join('\n');
}
