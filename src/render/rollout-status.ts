/**
 * `caac rollout status` and `advance` for people: plain text for a terminal or log, markdown for a
 * job summary or the pull request that advances a policy (its body is the evidence), and JSON. Every
 * string from a file or the tenant (names, applications, users) is escaped for its output.
 */
import type { AdvanceOutcome, RolloutPolicyStatus, RolloutStatus } from '../rollout/status.js';
import { escapeLogValue } from '../model/log-text.js';
import type { PolicyEvidence } from '../rollout/evidence.js';
import { escapeMarkdown } from './markdown-escape.js';

const md = escapeMarkdown;
const t = escapeLogValue;
const REPORT_ONLY = 'enabledForReportingButNotEnforced';
const NOT_LISTED = '(not listed)';
const RESULT_ORDER = ['success', 'failure', 'reportOnlySuccess', 'reportOnlyFailure', 'reportOnlyInterrupted', 'reportOnlyNotApplied', 'notApplied', 'notEnabled'];

const percent = (rate: number | null): string => (rate === null ? 'n/a' : `${(rate * 100).toFixed(1).replace(/\.0$/, '')}%`);
const stateLabel = (state: string): string => (state === REPORT_ONLY ? 'report-only' : state);
const nextLabel = (p: RolloutPolicyStatus): string =>
  'refusal' in p.next ? `no next stage: ${p.next.refusal}` : `next: ${p.next.state !== p.state ? `${stateLabel(p.next.state)} on ` : ''}ring ${p.next.ring}`;

function resultsLine(e: PolicyEvidence): string {
  const keys = [...RESULT_ORDER.filter((k) => e.results[k] !== undefined), ...Object.keys(e.results).filter((k) => !RESULT_ORDER.includes(k)).sort()];
  return keys.map((k) => `${k} ${e.results[k]}`).join(', ') || 'none';
}

function windowLine(s: RolloutStatus['signIns']): string {
  const cap = s.truncated ? `; stopped at the cap of ${s.maxPages} pages: the figures are a lower bound` : '';
  return `sign-ins since ${s.since}: ${s.read} read in ${s.pages} page${s.pages === 1 ? '' : 's'}${cap}`;
}

export function renderRolloutStatusText(status: RolloutStatus): string {
  const out = [`caac rollout status · ${windowLine(status.signIns)}`];
  if (status.policies.length === 0) out.push('', 'no policy is listed under rollout.policies in caac.yml');
  for (const p of status.policies) {
    out.push('', `"${t(p.displayName)}": ring ${t(p.ring)}, ${stateLabel(t(p.state))}${p.since ? `, since ${t(p.since)}${p.sinceFrom ? ' (last changed in the tenant)' : ''} (${p.days ?? '?'} days)` : ', no since date'}`);
    const e = p.evidence;
    if (e) {
      out.push(`  evaluated ${e.evaluated} sign-ins since ${e.from.replace(/\.\d{3}Z$/, 'Z')}: ${t(resultsLine(e))}`);
      out.push(`  applied to ${e.applied}; failures ${e.failures} (enforced ${e.enforcedFailures}, report-only ${e.reportOnlyFailures}), rate ${percent(e.failureRate)}; users blocked ${e.usersBlocked}, affected ${e.usersAffected}`);
      if (e.topApplications.length) out.push(`  failures by application: ${e.topApplications.map((a) => `${t(a.name)} ${a.failures}`).join(', ')}`);
      if (e.topUsers.length) out.push(`  failures by user: ${e.topUsers.map((u) => `${t(u.name)} ${u.failures}`).join(', ')}`);
    } else out.push('  not in the tenant: no evidence yet');
    for (const c of p.gates.checks) out.push(`  ${c.pass ? 'pass' : 'FAIL'} ${c.gate}: ${t(c.message)}`);
    out.push(`  gates: ${p.gates.checks.length === 0 ? 'none set' : p.gates.pass ? 'pass' : 'fail'}; ${t(nextLabel(p))}`);
  }
  out.push('', `Graph requests: ${status.requests.total}`);
  return out.join('\n') + '\n';
}

function evidenceMarkdown(p: RolloutPolicyStatus): string[] {
  const e = p.evidence;
  if (!e) return ['_Not in the tenant: no sign-in evidence yet._', ''];
  const rows = [
    '| | |',
    '|---|---|',
    `| Sign-ins evaluated | ${e.evaluated} |`,
    ...RESULT_ORDER.filter((k) => e.results[k] !== undefined).map((k) => `| ${k} | ${e.results[k]} |`),
    `| Applied to | ${e.applied} |`,
    `| Failures (enforced / report-only) | ${e.failures} (${e.enforcedFailures} / ${e.reportOnlyFailures}) |`,
    `| Failure rate | ${percent(e.failureRate)} |`,
    `| Users blocked / affected | ${e.usersBlocked} / ${e.usersAffected} |`,
  ];
  const lists: string[] = [];
  if (e.topApplications.length) lists.push('', `Failures by application: ${e.topApplications.map((a) => `${md(a.name)} (${a.failures})`).join(', ')}`);
  if (e.topUsers.length) lists.push('', `Failures by user: ${e.topUsers.map((u) => `${md(u.name)} (${u.failures})`).join(', ')}`);
  return [...rows, ...lists, ''];
}

function gatesMarkdown(p: RolloutPolicyStatus): string[] {
  if (p.gates.checks.length === 0) return ['Gates: none set in caac.yml (rollout.gates).', ''];
  return [...p.gates.checks.map((c) => `- ${c.pass ? '✅' : '❌'} **${c.gate}**: ${md(c.message)}`), ''];
}

export function renderRolloutStatusMarkdown(status: RolloutStatus): string {
  const out = ['## caac rollout status', '', md(windowLine(status.signIns)), ''];
  for (const p of status.policies) {
    out.push(`### ${md(p.displayName)}`, '', `Ring **${md(p.ring)}**, ${md(stateLabel(p.state))}${p.since ? `, since ${md(p.since)}${p.sinceFrom ? ' (last changed in the tenant)' : ''} (${p.days ?? '?'} days)` : ''}; ${md(nextLabel(p))}`, '');
    out.push(...evidenceMarkdown(p), ...gatesMarkdown(p));
  }
  out.push(`<sub>Graph requests: ${status.requests.total}</sub>`, '');
  return out.join('\n');
}

export function renderRolloutStatusJson(status: RolloutStatus): string {
  return JSON.stringify({ formatVersion: 1, ...status }, null, 2) + '\n';
}

/** The pull request body (and the console report) of `caac rollout advance`. */
export function renderAdvanceMarkdown(outcome: AdvanceOutcome): string {
  const p = outcome.policy;
  const from = `${stateLabel(p.state)}${p.ring === NOT_LISTED ? ', not in rollout yet' : ` on ring ${p.ring}`}`;
  const head =
    outcome.status === 'advanced'
      ? [`## Rollout: advance ${md(p.displayName)}`, '', `**${md(from)}** → **${md(stateLabel(outcome.stage.state))} on ring ${md(outcome.stage.ring)}**`, '', `Edited: ${outcome.edited.map((f) => `\`${f.replace(/`/g, "'")}\``).join(', ')}. Merge, then the usual plan and apply show and make the change in the tenant.`, '']
      : [`## Rollout: ${md(p.displayName)} not advanced`, '', `Refused: ${md(outcome.reason)}`, ''];
  return [...head, '### Evidence', '', md(windowLine(outcome.signIns)), '', ...evidenceMarkdown(p), '### Gates', '', ...gatesMarkdown(p), '<sub>caac rollout advance</sub>', ''].join('\n');
}
