/**
 * The plan as markdown, for the pull request comment and the job summary: a hidden marker (how
 * the sticky comment is found again), title, summary line, warnings first, then each changed
 * object in a `<details>` block holding a ```diff of its field changes with names beside ids,
 * counts and a footer. Every string that came from a file or the tenant is escaped; the result
 * is at most `maxLength` characters, cut between whole objects, never inside a block.
 */
import type { JsonValue } from '../model/documents.js';
import type { Plan, PlanOperation, PlanWarning, PlanWarningKind } from '../model/plan.js';
import { VERSION } from '../version.js';
import { escapeCodeBlock, escapeMarkdown } from './markdown-escape.js';
import { contingencyMarkdown } from './plan-contingency.js';
import { impactMarkdown } from './plan-impact.js';
import { exceptionNotes } from './exception-notes.js';
import { rolloutMarkdown } from './plan-rollout.js';
import { WARNING_TITLES, changedOperations, deleteStepLines, displayedChanges, guardNote, formatJson, kindLabel, noChangesLine, labelValue, orderedWarnings, plural, renderPlanSummaryLine, requestParts, shortId } from './plan-format.js';
import { escapeLogValue } from '../model/log-text.js';

export { renderPlanSummaryLine } from './plan-format.js';

/** GitHub's limit for an issue or pull request comment body. */
export const COMMENT_MAX_LENGTH = 65536;

export interface PlanMarkdownOptions {
  /** At most this many characters (default 65,536, GitHub's comment limit). */
  maxLength?: number;
  /** Where the full report is (the job summary or the run), linked when the report is cut. */
  detailsUrl?: string;
  /** The name of the artifact that holds the plan file, named when the report is cut. */
  artifactName?: string;
}

/** Canonical form of a folder for the marker: forward slashes, no `./`, no trailing slash. */
export function canonicalDir(dir: string): string {
  const d = dir.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return d === '' ? '.' : d;
}

/**
 * The hidden marker that identifies the sticky comment of one (tenant, folder):
 * `<!-- caac-plan tenant=<id> dir=<folder> -->`, both values URI-encoded so that neither can end
 * the HTML comment, the tenant id lowercased and the folder in canonical form.
 */
export function planCommentMarker(tenantId: string, dir: string, environment?: string): string {
  // An environment adds `env=<name>`: one comment per (environment, tenant, folder); none keeps the marker of old.
  const env = environment ? ` env=${encodeURIComponent(environment)}` : '';
  return `<!-- caac-plan tenant=${encodeURIComponent(tenantId.trim().toLowerCase())} dir=${encodeURIComponent(canonicalDir(dir))}${env} -->`;
}

/**
 * escapeMarkdown, with its backslash escapes turned into numeric character references: the same
 * protection, but it also reads right inside raw HTML (`<summary>`), where a backslash would show.
 */
export function escapeForHtml(text: string): string {
  return escapeMarkdown(text).replace(/\\(.)/g, (_m, c: string) => `&#${c.codePointAt(0)};`);
}

/** Raw text cut to `max` characters (before escaping, so no escape is ever split). */
export function clip(text: string, max = 300): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

const md = (text: string): string => escapeMarkdown(clip(text));
const html = (text: string): string => escapeForHtml(clip(text));

const WARNING_ICONS: Record<PlanWarningKind, string> = {
  delete: '🗑️',
  enforcement: '🔒',
  'new-block': '⛔',
  'break-glass-removed': '🚨',
  'break-glass-added': '🛡️',
  'break-glass-unmanaged': '🚨',
  'no-emergency-access': '🚨',
  contingency: '🆘',
  'security-defaults': '❔',
  beta: '🧪',
  unmanaged: 'ℹ️',
};

function warningLine(w: PlanWarning): string {
  return `- ${WARNING_ICONS[w.kind] ?? '⚠️'} **${WARNING_TITLES[w.kind] ?? md(String(w.kind))}**: ${md(w.displayName)}: ${md(w.message)}`;
}

const ACTION_ICONS: Record<PlanOperation['action'], string> = { create: '🟢', update: '🟡', delete: '🔴', noop: '⚪' };

/** One line of the diff (inside the fence): control characters escaped, fences broken. */
function diffLine(text: string): string {
  return escapeCodeBlock(escapeLogValue(text));
}

function valueLines(plan: Plan, sign: '-' | '+', path: string, value: JsonValue): string[] {
  const lines = formatJson(labelValue(plan, value));
  return lines.map((line, i) => diffLine(i === 0 ? `${sign} ${path}: ${line}` : `${sign}   ${line}`));
}

function diffLines(plan: Plan, op: PlanOperation): string[] {
  const lines: string[] = [];
  for (const change of displayedChanges(op)) {
    if (change.before !== undefined) lines.push(...valueLines(plan, '-', change.path, change.before));
    if (change.after !== undefined) lines.push(...valueLines(plan, '+', change.path, change.after));
    if (change.before === undefined && change.after === undefined) lines.push(diffLine(`  ${change.path}: (no value on either side)`));
  }
  return lines;
}

/** One changed object: a `<details>` block with a ```diff inside (the diff capped at `maxDiff`). */
function objectBlock(plan: Plan, op: PlanOperation, maxDiff: number): string {
  const id = op.id ? ` <sub>${html(shortId(op.id))}…</sub>` : '';
  const file = op.file ? ` <sub>${html(op.file)}</sub>` : '';
  const summary = `${ACTION_ICONS[op.action] ?? ''} ${html(op.action)} ${html(kindLabel(op))} <b>${html(op.displayName)}</b>${id}${file}`;
  const out = [`<details><summary>${summary}</summary>`, ''];
  const lines = diffLines(plan, op);
  if (lines.length === 0) {
    const steps = deleteStepLines(op);
    // The steps are caac's own words (the plan file admits known steps only): a markdown list as is.
    if (steps.length > 0) out.push(`This object will be deleted from the tenant in ${steps.length} steps:`, '', ...steps);
    else out.push(op.action === 'delete' ? 'This object will be deleted from the tenant.' : 'No field changes.');
  } else {
    let used = 0;
    let kept = 0;
    for (const line of lines) {
      if (used + line.length + 1 > maxDiff && kept > 0) break;
      used += line.length + 1;
      kept++;
    }
    out.push('```diff', ...lines.slice(0, kept), '```');
    if (kept < lines.length) out.push('', `_${plural(lines.length - kept, 'more line')} of this diff are in the plan file._`);
  }
  const note = guardNote(plan, op);
  if (note) out.push('', `🛡️ ${md(note)}`);
  for (const line of exceptionNotes(plan, op)) out.push('', `⏳ ${md(line)}`);
  out.push('', '</details>', '');
  return out.join('\n');
}

function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
    return u.href.replace(/[()<>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  } catch {
    return undefined;
  }
}

function omissionNote(objects: number, warnings: number, unmanaged: number, maxLength: number, options: PlanMarkdownOptions): string {
  const parts = [
    objects > 0 ? plural(objects, 'changed object') : '',
    warnings > 0 ? plural(warnings, 'warning') : '',
    unmanaged > 0 ? `the list of ${plural(unmanaged, 'object')} not managed here` : '',
  ].filter(Boolean);
  const what = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : (parts[0] ?? 'Part of the plan');
  const plural_ = objects + warnings > 1 || parts.length > 1;
  const where: string[] = [];
  const url = safeUrl(options.detailsUrl);
  if (url) where.push(`the [job summary](${url})`);
  where.push(options.artifactName ? `the plan artifact **${md(options.artifactName)}**` : 'the plan file');
  return `> [!NOTE]\n> ${what} ${plural_ ? 'are' : 'is'} left out to keep this report under ${maxLength.toLocaleString('en-US')} characters: see ${where.join(' and ')} for the full plan.\n`;
}

/** The markdown report and what was left out of it to keep it under `maxLength`. */
export interface PlanMarkdownReport {
  markdown: string;
  truncated: boolean;
  omitted: { objects: number; warnings: number; unmanaged: number };
}

export function renderPlanMarkdown(plan: Plan, options: PlanMarkdownOptions = {}): string {
  return renderPlanMarkdownReport(plan, options).markdown;
}

export function renderPlanMarkdownReport(plan: Plan, options: PlanMarkdownOptions = {}): PlanMarkdownReport {
  const maxLength = options.maxLength ?? COMMENT_MAX_LENGTH;
  const parts = reportParts(plan, maxLength);
  if (parts.blocks.length === parts.changed) {
    const full = assembleReport(parts, { warnings: parts.warningLines.length, blocks: parts.blocks.length });
    if (full.length <= maxLength) return { markdown: full, truncated: false, omitted: { objects: 0, warnings: 0, unmanaged: 0 } };
  }
  return cutReport(plan, parts, maxLength, options);
}

/** The pieces of the report, each rendered once; the cut decides how many warnings and objects it keeps. */
interface ReportParts {
  head: string;
  warningLines: string[];
  contingency: string;
  /** Access impact: who gains or loses access (bounded in size). */
  impact: string;
  changesHeading: string;
  /** One block per changed object, in order, rendered only while they could still fit. */
  blocks: string[];
  /** How many objects changed (blocks may hold fewer). */
  changed: number;
  unmanaged: string;
  tail: string;
}

/** How much of the report to keep: the first `warnings` warnings and `blocks` objects; a note says what is left out. */
interface ReportCut {
  warnings: number;
  blocks: number;
  /** Present when something is left out; the unmanaged list goes with the rest then. */
  note?: string;
}

function reportParts(plan: Plan, maxLength: number): ReportParts {
  const changed = changedOperations(plan);
  const head = [
    planCommentMarker(plan.tenant.id, plan.dir, plan.environment),
    `## caac plan: ${plan.environment ? `environment ${md(plan.environment)}, ` : ''}tenant ${md(plan.tenant.id)}, folder ${md(plan.dir)}`,
    '',
    `**${renderPlanSummaryLine(plan)}**`,
    '',
  ].join('\n');
  // Blocks are rendered only until they alone exceed maxLength: the rest could never be shown.
  const maxDiff = Math.max(2000, Math.floor(maxLength / 4));
  const blocks: string[] = [];
  let blocksLength = 0;
  for (const op of changed) {
    if (blocksLength > maxLength) break;
    const block = objectBlock(plan, op, maxDiff);
    blocks.push(block);
    blocksLength += block.length + 1;
  }
  return {
    head,
    warningLines: orderedWarnings(plan).map((w) => warningLine(w)),
    contingency: contingencyMarkdown(plan) + rolloutMarkdown(plan),
    impact: impactMarkdown(plan),
    changesHeading: changed.length > 0 ? '### Changes\n' : `${md(noChangesLine(plan))}\n`,
    blocks,
    changed: changed.length,
    unmanaged: unmanagedMarkdown(plan),
    tail: tailMarkdown(plan),
  };
}

function unmanagedMarkdown(plan: Plan): string {
  if (plan.unmanaged.length === 0) return '';
  return [
    `<details><summary>${plural(plan.unmanaged.length, 'object')} in the tenant not managed here</summary>`,
    '',
    ...plan.unmanaged.map((u) => `- ${md(kindLabel(u))} ${md(u.displayName)} (${md(shortId(u.id))}…)`),
    '',
    '</details>',
    '',
  ].join('\n');
}

function tailMarkdown(plan: Plan): string {
  const s = plan.summary;
  const requests = requestParts(plan);
  const endpoints = requests.endpoints.map(([e, n]) => `${md(e)}: ${n}`).join(', ');
  return [
    `${s.unchanged} unchanged · ${s.unmanaged} not managed here${s.unmanaged > 0 ? ' (prune would delete them)' : ''}`,
    '',
    `<sub>Graph requests: ${requests.total}${endpoints ? ` (${endpoints})` : ''} · fingerprint ${md(plan.fingerprint.slice(0, 12))} · ${md(plan.apiVersion)} · caac ${md(VERSION)}</sub>`,
    '',
  ].join('\n');
}

function assembleReport(parts: ReportParts, cut: ReportCut): string {
  const out = [parts.head];
  if (parts.warningLines.length > 0) out.push('### ⚠️ Warnings\n', parts.warningLines.slice(0, cut.warnings).join('\n'), '');
  if (parts.contingency) out.push(parts.contingency);
  if (parts.impact) out.push(parts.impact);
  out.push(parts.changesHeading, ...parts.blocks.slice(0, cut.blocks));
  if (cut.note !== undefined) out.push(cut.note);
  else if (parts.unmanaged) out.push(parts.unmanaged);
  out.push(parts.tail);
  return out.join('\n');
}

/**
 * Too long: keep every warning and as many whole objects (from the start) as fit beside a note
 * that says how many were left out; if even the warnings do not fit, drop warnings too.
 */
function cutReport(plan: Plan, parts: ReportParts, maxLength: number, options: PlanMarkdownOptions): PlanMarkdownReport {
  const warnings = parts.warningLines.length;
  const cutAt = (w: number, b: number): ReportCut => ({ warnings: w, blocks: b, note: omissionNote(parts.changed - b, warnings - w, plan.unmanaged.length, maxLength, options) });
  const lengthOf = (w: number, b: number): number => assembleReport(parts, cutAt(w, b)).length;
  let nWarnings = warnings;
  if (lengthOf(nWarnings, 0) > maxLength) {
    let lo = 0;
    let hi = nWarnings;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (lengthOf(mid, 0) <= maxLength) lo = mid;
      else hi = mid - 1;
    }
    nWarnings = lo;
  }
  let nBlocks = 0;
  let length = lengthOf(nWarnings, 0);
  const noteLength = cutAt(nWarnings, 0).note!.length;
  while (nBlocks < parts.blocks.length) {
    const block = parts.blocks[nBlocks]!.length + 1;
    if (length + block + (cutAt(nWarnings, nBlocks + 1).note!.length - noteLength) > maxLength) break;
    length += block;
    nBlocks++;
  }
  const omitted = { objects: parts.changed - nBlocks, warnings: warnings - nWarnings, unmanaged: plan.unmanaged.length };
  const cut = assembleReport(parts, cutAt(nWarnings, nBlocks));
  if (cut.length <= maxLength) return { markdown: cut, truncated: true, omitted };
  // Only reachable with a tiny maxLength: the marker and the summary line, nothing that can break.
  const minimal = [planCommentMarker(plan.tenant.id, plan.dir, plan.environment), `**${renderPlanSummaryLine(plan)}**`, ''].join('\n').slice(0, Math.max(0, maxLength));
  return { markdown: minimal, truncated: true, omitted: { objects: parts.changed, warnings, unmanaged: plan.unmanaged.length } };
}
