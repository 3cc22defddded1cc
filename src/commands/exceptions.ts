/**
 * `caac exceptions list`: every exception of caac.yml, the policies it names, who, until when,
 * days left, and (given a tenant) whether the tenant's policies hold its exclusions now. Offline,
 * "in the tenant" is unknown. It reads; it never writes.
 */
import { ConfigurationError } from '../errors.js';
import { displayNameOf, type JsonObject } from '../model/documents.js';
import { viewPolicy } from '../model/policy-view.js';
import type { Directory } from '../ports/directory.js';
import type { PolicyStore } from '../ports/policy-store.js';
import type { Tenant } from '../ports/tenant.js';
import { requestsSince } from '../model/tenant.js';
import { EXCEPTION_LISTS, daysLeft, endOf, excludedRefs, isActive, policyMatcher } from '../exceptions/exception-entry.js';
import { resolveWithExceptions, type ResolvedException } from '../exceptions/plan-exceptions.js';
import { readSettings } from '../validate/settings.js';
import type { ExceptionListItem, ExceptionsReport, InTenant } from '../exceptions/exception-list.js';

export type { ExceptionListItem, ExceptionsReport } from '../exceptions/exception-list.js';

export async function runExceptionsList(store: PolicyStore, ports: { tenant: Tenant; directory: Directory } | undefined, now: Date): Promise<ExceptionsReport> {
  const repo = store.load();
  const settings = readSettings(repo.settings);
  const source = repo.settings;
  const policies = repo.documents.filter((d) => d.kind === 'policy').map((d) => displayNameOf(d)).filter((n): n is string => n !== undefined);
  const items: ExceptionListItem[] = (source ? (settings.exceptions ?? []) : []).map((entry, index) => {
    const end = endOf(entry.until);
    const at = source!.locate(`/exceptions/${index}`);
    return {
      entry: index,
      file: source!.file,
      line: at.line,
      policy: entry.policy,
      policies: policies.filter(policyMatcher(entry.policy)),
      who: excludedRefs(entry),
      until: entry.until,
      ...(end ? { ends: end.toISOString(), daysLeft: daysLeft(end, now) } : {}),
      state: end ? (isActive(end, now) ? 'active' : 'ended') : 'invalid',
      reason: entry.reason ?? '',
      ...(entry.ticket ? { ticket: entry.ticket } : {}),
      ...(entry.owner ? { owner: entry.owner } : {}),
      inTenant: 'unknown',
    };
  });
  const report: ExceptionsReport = { now: now.toISOString(), exceptions: items };
  if (!ports || items.length === 0) return report;

  const before = ports.tenant.requests();
  const snapshot = await ports.tenant.read(['policy']);
  // Only the exceptions' people are looked up (no document is resolved): one round of look-ups.
  const resolution = await resolveWithExceptions([], { directory: ports.directory, snapshot, labelTenantPolicies: false }, settings, source);
  const problem = resolution.problems[0];
  if (problem) throw new ConfigurationError(`${problem.file}:${problem.line}:${problem.column}: ${problem.message}`, problem);
  for (const exception of resolution.exceptions) items[exception.index]!.inTenant = inTenant(exception, snapshot.policies);
  return { ...report, tenant: snapshot.tenantId, requests: requestsSince(before, ports.tenant.requests()).total };
}

function inTenant(exception: ResolvedException, policies: readonly JsonObject[]): InTenant {
  const matches = policyMatcher(exception.entry.policy);
  const named = policies.filter((p) => matches(typeof p['displayName'] === 'string' ? p['displayName'] : undefined));
  if (named.length === 0) return 'unknown';
  let held = 0;
  let wanted = 0;
  for (const policy of named) {
    const users = viewPolicy(policy).users as unknown as Record<string, string[]>;
    for (const list of EXCEPTION_LISTS) {
      const have = new Set((users[list.pointer.split('/').pop()!] ?? []).map((v) => v.toLowerCase()));
      for (const id of exception.ids[list.key]) {
        wanted++;
        if (have.has(id)) held++;
      }
    }
  }
  return held === 0 ? 'no' : held === wanted ? 'yes' : 'partly';
}
