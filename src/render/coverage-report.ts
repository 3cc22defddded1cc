/**
 * `caac coverage` reports: text for a terminal, JSON (the CoverageReport, plus the live check),
 * markdown for a job summary, and a self-contained HTML page. Every name is escaped for its output.
 */
import type { CoverageGroup, CoverageResult } from '../impact/coverage.js';
import { escapeLogValue } from '../model/log-text.js';
import { escapeHtml } from './html-escape.js';
import { escapeMarkdown } from './markdown-escape.js';

export const COVERAGE_FORMATS = ['text', 'json', 'markdown', 'html'] as const;
export type CoverageFormat = (typeof COVERAGE_FORMATS)[number];

const MAX = 30;

interface Section {
  title: string;
  empty: string;
  items: string[];
}

function groups(list: readonly CoverageGroup[]): string[] {
  return list.map((g) => `${g.who}: ${g.signIns} sign-in(s), e.g. ${g.example}`);
}

function sections(r: CoverageResult): Section[] {
  const c = r.report;
  const out: Section[] = [
    { title: 'Allowed without MFA or an authentication strength', empty: 'none: every sign-in is blocked or asked for MFA', items: groups(c.withoutMfa) },
    { title: 'Allowed with no control at all', empty: 'none', items: groups(c.withoutControl) },
    { title: 'Guests without policy', empty: 'none', items: c.guestsWithoutPolicy },
    { title: 'Workload identities without policy', empty: 'none', items: c.workloadsWithoutPolicy },
    { title: 'Policies that can never apply', empty: 'none', items: c.neverApply.map((n) => `${n.policy}: ${n.reason}`) },
    { title: 'Exclusions that leave a group outside every MFA policy', empty: 'none', items: c.exclusionGaps.map((g) => `${g.group}, excluded by ${g.excludedBy.join(', ')}`) },
  ];
  if (c.excludedByException) {
    out.push({
      title: "Left out by caac.yml's exceptions (apart from the files' own exclusions)",
      empty: 'none: no active exception leaves anyone out of a policy that would reach them',
      items: c.excludedByException.map((x) => `excluded by exception until ${x.until} (${x.reason}): ${x.who} — outside "${x.policy}"'s ${x.outside}: ${x.signIns} sign-in(s), e.g. ${x.example}`),
    });
  }
  if (r.live) {
    out.push({ title: `Disagreements with Graph's What If (${r.live.checked} sign-ins checked, ${r.live.skipped} without a real identity skipped)`, empty: 'none: Graph and caac agree', items: r.live.disagreements.map((d) => `${d.signIn}: "${d.policy}": caac ${d.engine}; Graph ${d.graph}`) });
  }
  return out;
}

function headline(r: CoverageResult): string {
  return `caac coverage · ${r.set.source} · ${r.set.policies.length} policies · ${r.report.signIns} sign-ins evaluated (${r.report.emergencySignIns} of emergency accounts, left out of the gaps)`;
}

function text(r: CoverageResult): string {
  const t = escapeLogValue;
  const out = [t(headline(r))];
  for (const s of sections(r)) {
    out.push('', `${s.title} (${s.items.length}):`);
    if (s.items.length === 0) out.push(`  ${s.empty}`);
    for (const item of s.items.slice(0, MAX)) out.push(`  - ${t(item)}`);
    if (s.items.length > MAX) out.push(`  and ${s.items.length - MAX} more (--format json lists all)`);
  }
  return out.join('\n') + '\n';
}

function markdown(r: CoverageResult): string {
  const md = escapeMarkdown;
  const out = [`## ${md(headline(r))}`, ''];
  for (const s of sections(r)) {
    out.push(`### ${md(s.title)} (${s.items.length})`, '');
    if (s.items.length === 0) out.push(`_${md(s.empty)}_`);
    for (const item of s.items.slice(0, MAX)) out.push(`- ${md(item)}`);
    if (s.items.length > MAX) out.push(`- _and ${s.items.length - MAX} more_`);
    out.push('');
  }
  return out.join('\n');
}

export const PAGE_STYLE = 'body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1f24}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem}table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccd;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f3f4f8}.block{background:#fde2e1}.grant{background:#fff4d6}.allow{background:#e3f5e3}.none{color:#888}ul{padding-left:1.2rem}';

function html(r: CoverageResult): string {
  const h = escapeHtml;
  const body = sections(r).map((s) => `<h2>${h(s.title)} (${s.items.length})</h2>${s.items.length === 0 ? `<p class="none">${h(s.empty)}</p>` : `<ul>${s.items.map((i) => `<li>${h(i)}</li>`).join('')}</ul>`}`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>caac coverage</title><style>${PAGE_STYLE}</style></head><body><h1>${h(headline(r))}</h1>${body.join('')}</body></html>\n`;
}

export function renderCoverage(r: CoverageResult, format: CoverageFormat): string {
  if (format === 'json') return JSON.stringify({ source: r.set.source, policies: r.set.policies.length, ...r.report, ...(r.live ? { live: r.live } : {}), ...(r.set.requests ? { requests: r.set.requests } : {}) }, null, 2) + '\n';
  if (format === 'markdown') return markdown(r);
  if (format === 'html') return html(r);
  return text(r);
}
