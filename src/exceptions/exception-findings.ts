/**
 * validate's checks of caac.yml's `exceptions`, as findings at the entry's line in caac.yml:
 * errors for what cannot be planned (a policy no file names, no reason, a date that is no date or
 * lies beyond exceptionsMaxDays, a reference of the wrong kind, a policy the break-glass guard
 * exempts, an exclusion of everyone the policy includes), a warning for an exception that has
 * ended (plan removes its exclusions; the entry can go). Whether an ended entry is *new* needs the
 * tenant: plan decides it (see plan-exceptions.ts).
 */
import { displayNameOf } from '../model/documents.js';
import type { Finding } from '../model/findings.js';
import { viewPolicy } from '../model/policy-view.js';
import { parseReferenceValue } from '../model/references.js';
import type { PreparedDocument } from '../model/rule.js';
import { exemptPolicyNames, type ExceptionEntry, type Settings, type SettingsSource } from '../model/settings.js';
import { EXCEPTION_LISTS, daysLeft, endOf, excludedRefs, excludesEveryone, isActive, maxDaysOf, policyMatcher } from './exception-entry.js';

export const EXCEPTION_RULE = 'exception';
export const EXCEPTION_EXPIRED_RULE = 'exception-expired';

export function exceptionFindings(settings: Settings, documents: readonly PreparedDocument[], source: SettingsSource | undefined, now: Date): Finding[] {
  const entries = settings.exceptions ?? [];
  if (!source || entries.length === 0) return [];
  const findings: Finding[] = [];
  const policies = documents.filter((d) => d.kind === 'policy');
  entries.forEach((entry, i) => {
    const at = (path: string, message: string, severity: Finding['severity'] = 'error'): void => {
      const pointer = `/exceptions/${i}${path}`;
      const p = source.locate(pointer);
      findings.push({ rule: severity === 'error' ? EXCEPTION_RULE : EXCEPTION_EXPIRED_RULE, severity, file: source.file, line: p.line, column: p.column, path: pointer, message: `exceptions[${i}]: ${message}` });
    };
    checkReason(entry, at);
    checkUntil(entry, settings, now, at);
    checkRefs(entry, at);
    checkPolicies(entry, policies, settings, at);
  });
  return findings;
}

type At = (path: string, message: string, severity?: Finding['severity']) => void;

function checkReason(entry: ExceptionEntry, at: At): void {
  if (typeof entry.reason === 'string' && entry.reason.trim() !== '') return;
  at(entry.reason === undefined ? '' : '/reason', 'an exception needs a reason (reason: "…"): it is shown in every plan, and a reviewer must know why the policy spares these people');
}

function checkUntil(entry: ExceptionEntry, settings: Settings, now: Date, at: At): void {
  const end = endOf(entry.until);
  if (!end) {
    at('/until', `until "${entry.until}" is not an ISO date (2026-12-14: to the end of that day, UTC) or date-time with a zone (2026-12-14T18:00:00Z)`);
    return;
  }
  const left = daysLeft(end, now);
  const max = maxDaysOf(settings);
  if (left > max) at('/until', `until ${entry.until} is ${left} days away, more than exceptionsMaxDays (${max}): end it sooner, and renew it when it ends if it is still needed`);
  if (!isActive(end, now)) {
    at('/until', `ended ${entry.until}: plan removes the exclusions it added; delete the entry once that is applied`, 'warning');
  }
}

function checkRefs(entry: ExceptionEntry, at: At): void {
  const refs = excludedRefs(entry);
  if (EXCEPTION_LISTS.every((l) => refs[l.key].length === 0)) {
    at('/exclude', 'exclude names no one: list users, groups or roles (user:upn, group:Name, role:Name or object ids)');
    return;
  }
  for (const list of EXCEPTION_LISTS) {
    refs[list.key].forEach((value, j) => {
      const parsed = parseReferenceValue(value, ['All', 'None', 'GuestsOrExternalUsers']);
      if (parsed.type === 'guid' || (parsed.type === 'reference' && parsed.reference.kind === list.kind)) return;
      const why = parsed.type === 'keyword' ? `"${value}" is a keyword, not a person: an exception excludes named people, never everyone` : `exclude.${list.key} takes "${list.kind}:…" references or object ids (GUID), not "${value}"`;
      at(`/exclude/${list.key}/${j}`, why);
    });
  }
}

function checkPolicies(entry: ExceptionEntry, policies: readonly PreparedDocument[], settings: Settings, at: At): void {
  const matches = policyMatcher(entry.policy);
  const named = policies.filter((d) => matches(displayNameOf(d)));
  if (named.length === 0) {
    const some = policies.map((d) => displayNameOf(d)).filter((n): n is string => n !== undefined).slice(0, 5);
    at('/policy', `policy "${entry.policy}" matches no policy file${some.length ? ` (policies: ${some.map((n) => `"${n}"`).join(', ')}${policies.length > some.length ? ', …' : ''})` : ''}`);
    return;
  }
  const exempt = exemptPolicyNames(settings);
  const refs = excludedRefs(entry);
  for (const document of named) {
    const name = displayNameOf(document)!;
    if (exempt.has(name.trim().toLowerCase())) {
      at('/policy', `"${name}" is exempt from the break-glass guard (emergencyAccess.exempt): such a policy protects the emergency-access accounts themselves, and caac refuses exceptions to it`);
    } else if (excludesEveryone(viewPolicy(document.value).users, refs)) {
      at('/exclude', `with this exception "${name}" would exclude everyone it includes, and apply to no one: exclude fewer people, or change the policy itself in its file`);
    }
  }
}
