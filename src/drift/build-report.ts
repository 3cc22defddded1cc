/**
 * The drift report from its parts: the drifted objects (classify.ts), the audit log's answer, the
 * settings' key objects, the last run's state. Pure.
 */
import type { AuditLogAnswer } from '../model/audit.js';
import type { Settings } from '../model/settings.js';
import { splitMicrosoftManaged, withActors } from './actors.js';
import { criticalMatcher } from './critical.js';
import { DRIFT_FORMAT_VERSION, WHO_UNKNOWN, type DriftChange, type DriftContingency, type DriftItem, type DriftReport } from './report.js';
import { itemKey, windowStart, type DriftState } from './state.js';

export interface DriftInput {
  items: readonly DriftItem[];
  contingency: readonly DriftContingency[];
  /** undefined: there was nothing to ask the audit log about. */
  audit: AuditLogAnswer | undefined;
  settings: Settings;
  previous: DriftState | undefined;
  /** The earliest audit window (now − --since). */
  floor: Date;
  tenant: { id: string; graphUrl: string };
  folder: string;
  environment?: string;
  now: Date;
}

const ORDER: Record<DriftChange, number> = { changed: 0, removed: 1, added: 2 };

/** Critical first, then changed, removed, added, then by name. */
export function sortDrift(items: readonly DriftItem[]): DriftItem[] {
  return [...items].sort((a, b) => Number(b.critical) - Number(a.critical) || ORDER[a.change] - ORDER[b.change] || a.displayName.localeCompare(b.displayName) || a.kind.localeCompare(b.kind));
}

/** The earliest audit window the items need (one query covers them all; each item keeps its own window). */
export function earliestWindow(items: readonly DriftItem[], previous: DriftState | undefined, floor: Date): Date {
  if (items.length === 0) return floor;
  return new Date(Math.min(...items.map((i) => windowStart(i, previous, floor).getTime())));
}

export function buildDriftReport(input: DriftInput): DriftReport {
  const isCritical = criticalMatcher(input.settings.drift?.critical);
  const marked = input.items.map((i) => ({ ...i, critical: isCritical(i.displayName) }));
  const audit = input.audit;
  const withWho = audit?.status === 'read' ? withActors(marked, audit.entries, (i) => windowStart(i, input.previous, input.floor)) : marked;
  const wasMicrosoft = (item: DriftItem): boolean => {
    const key = itemKey(item);
    return input.previous !== undefined && Object.hasOwn(input.previous.microsoftManaged, key) && input.previous.microsoftManaged[key] === item.modifiedDateTime;
  };
  const split = splitMicrosoftManaged(withWho, wasMicrosoft);
  const warnings: string[] = [];
  if (audit?.status === 'forbidden') warnings.push(`${WHO_UNKNOWN}: grant the application permission AuditLog.Read.All (with admin consent) to see who changed what; Microsoft's own changes cannot be told apart without it`);
  const drift = sortDrift(split.drift);
  const microsoftManaged = sortDrift(split.microsoftManaged);
  const failOnMicrosoft = input.settings.drift?.failOnMicrosoftManaged === true;
  const count = (c: DriftChange): number => drift.filter((i) => i.change === c).length;
  const since = input.items.length > 0 ? earliestWindow(input.items, input.previous, input.floor) : undefined;
  return {
    formatVersion: DRIFT_FORMAT_VERSION,
    tenant: input.tenant,
    folder: input.folder,
    ...(input.environment === undefined ? {} : { environment: input.environment }),
    generatedAt: input.now.toISOString(),
    summary: { changed: count('changed'), added: count('added'), removed: count('removed'), critical: drift.filter((i) => i.critical).length, microsoftManaged: microsoftManaged.length },
    drift,
    contingency: [...input.contingency],
    microsoftManaged,
    warnings,
    auditLog:
      audit === undefined
        ? { status: 'not-needed' }
        : audit.status === 'forbidden'
          ? { status: 'forbidden', ...(since ? { since: since.toISOString() } : {}) }
          : { status: 'read', ...(since ? { since: since.toISOString() } : {}), requests: audit.requests },
    failing: drift.length > 0 || (failOnMicrosoft && microsoftManaged.length > 0),
  };
}
