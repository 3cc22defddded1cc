/**
 * `caac what-if` as text (a terminal or a CI log) and as JSON (the contract in the README,
 * "## caac what-if"). Every policy name comes from a file or the tenant: escaped in text.
 */
import { escapeLogValue } from '../model/log-text.js';
import type { Evaluation, GrantRequirements, SessionControls } from '../impact/evaluation.js';
import type { Disagreement } from '../impact/disagreements.js';

export interface WhatIfView {
  source: 'repository' | 'tenant';
  evaluation: Evaluation;
  /** With --live: Graph's verdicts compared with the engine's. */
  live?: { policies: number; disagreements: Disagreement[] };
}

function grantLine(grant: GrantRequirements): string {
  const parts = [...grant.controls];
  grant.authenticationStrength.forEach((s) => parts.push(`authentication strength "${s}"`));
  const joined = parts.join(grant.operator === 'OR' ? ' or ' : ' and ');
  const choices = grant.anyOf.map((choice) => `one of (${choice.join(', ')})`);
  return escapeLogValue([joined, ...choices].filter((p) => p !== '').join(' and '));
}

function sessionLines(session: SessionControls): string[] {
  const lines: string[] = [];
  const f = session.signInFrequency;
  if (f) lines.push(`sign-in frequency: ${f.frequencyInterval === 'everyTime' ? 'every time' : `${f.value ?? '?'} ${f.type ?? ''}`.trim()}`);
  if (session.persistentBrowser) lines.push(`persistent browser: ${session.persistentBrowser}`);
  if (session.applicationEnforcedRestrictions) lines.push('application enforced restrictions');
  if (session.cloudAppSecurity) lines.push(`Conditional Access App Control: ${session.cloudAppSecurity}`);
  if (session.continuousAccessEvaluation) lines.push(`continuous access evaluation: ${session.continuousAccessEvaluation}`);
  if (session.disableResilienceDefaults) lines.push('resilience defaults disabled');
  if (session.secureSignInSession) lines.push('secure sign-in session');
  return lines.map((l) => `  ${escapeLogValue(l)}`);
}

function outcomeLine(e: Evaluation): string {
  if (e.outcome === 'block') return `outcome: BLOCK (by ${e.blockedBy.map((n) => `"${escapeLogValue(n)}"`).join(', ')})`;
  if (e.outcome === 'grant' && e.grant) return `outcome: GRANT, requires ${grantLine(e.grant)}`;
  return 'outcome: ALLOW (no policy requires anything)';
}

export function renderWhatIfText(view: WhatIfView): string {
  const e = view.evaluation;
  const name = (n: string): string => `"${escapeLogValue(n)}"`;
  const lines = [`caac what-if (${view.source === 'tenant' ? "the tenant's policies" : "the repository's policies"})`, outcomeLine(e)];
  const session = sessionLines(e.session);
  if (session.length > 0) lines.push('session controls:', ...session);
  lines.push(`applied (${e.applied.length}):`, ...e.applied.map((n) => `  ${name(n)}`));
  if (e.reportOnly.length > 0) lines.push(`report-only, would apply, not enforced (${e.reportOnly.length}):`, ...e.reportOnly.map((n) => `  ${name(n)}`));
  lines.push(`not applied (${e.notApplied.length}):`, ...e.notApplied.map((n) => `  ${name(n.name)}: ${escapeLogValue(n.reason)}`));
  if (e.assumptions.length > 0) {
    lines.push('not given, assumed:');
    for (const a of e.assumptions) lines.push(`  ${escapeLogValue(a.input)}: ${escapeLogValue(a.assumed)} (${a.policies.map(name).join(', ')})`);
  }
  if (view.live) {
    const d = view.live.disagreements;
    lines.push(d.length === 0 ? `Graph's What If agrees on all ${view.live.policies} policies` : `Graph's What If disagrees on ${d.length} of ${view.live.policies} policies:`);
    for (const x of d) lines.push(`  ${name(x.policy)}: caac says ${escapeLogValue(x.engine)}; Graph says ${escapeLogValue(x.graph)}`);
  }
  return lines.join('\n') + '\n';
}

export function renderWhatIfJson(view: WhatIfView): string {
  const e = view.evaluation;
  return JSON.stringify({ source: view.source, outcome: e.outcome, grant: e.grant, session: e.session, applied: e.applied, blockedBy: e.blockedBy, reportOnly: e.reportOnly, notApplied: e.notApplied, assumptions: e.assumptions, ...(view.live ? { live: view.live } : {}) }, null, 2) + '\n';
}
