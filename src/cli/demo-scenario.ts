/**
 * What `caac demo` acts on, found in the repository and the tenant rather than named in the
 * command, so the demo runs the same story on the example repository and on any other (one that
 * `caac init` or `caac backup` wrote): pure choices over documents and a tenant snapshot.
 */
import { displayNameOf, type SourceDocument } from '../model/documents.js';
import type { TenantSnapshot } from '../model/tenant.js';

const REPORT_ONLY = 'enabledForReportingButNotEnforced';

/** A change made "in the portal" to a policy the repository describes, so that the next plan shows it. */
export interface Drift {
  id: string;
  displayName: string;
  to: 'enabled' | typeof REPORT_ONLY;
  /** What happened, for the step's title. */
  story: string;
}

/** The tenant's policies the repository describes, in the tenant's order, with their ids. */
function described(documents: readonly SourceDocument[], snapshot: TenantSnapshot): { id: string; displayName: string; state: unknown }[] {
  const names = new Set(documents.filter((d) => d.kind === 'policy').map(displayNameOf));
  return snapshot.policies
    .filter((p) => typeof p['id'] === 'string' && typeof p['displayName'] === 'string' && names.has(p['displayName']))
    .map((p) => ({ id: String(p['id']), displayName: String(p['displayName']), state: p['state'] }));
}

/**
 * A report-only policy switched on (what a hurried admin does in the portal); failing that, an
 * enabled one switched to report-only; undefined when the repository describes no such policy.
 */
export function pickDrift(documents: readonly SourceDocument[], snapshot: TenantSnapshot): Drift | undefined {
  const policies = described(documents, snapshot);
  const reportOnly = policies.find((p) => p.state === REPORT_ONLY);
  if (reportOnly) return { ...pick(reportOnly), to: 'enabled', story: `the report-only policy "${reportOnly.displayName}" is switched on` };
  const enabled = policies.find((p) => p.state === 'enabled');
  if (enabled) return { ...pick(enabled), to: REPORT_ONLY, story: `the policy "${enabled.displayName}" is switched to report-only` };
  return undefined;
}

/** An enabled policy of the tenant that the backup holds: the one "deleted in the portal" and restored. */
export function pickVictim(backup: readonly SourceDocument[], snapshot: TenantSnapshot): { id: string; displayName: string } | undefined {
  const enabled = described(backup, snapshot).find((p) => p.state === 'enabled');
  return enabled && pick(enabled);
}

const pick = (p: { id: string; displayName: string }) => ({ id: p.id, displayName: p.displayName });
