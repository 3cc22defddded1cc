/**
 * Who drifted an object: the audit entries about it since it last matched the repository, and
 * whether Microsoft made the change itself (the "Microsoft Managed Policy Manager" that edits
 * Microsoft-managed policies, or the Conditional Access Optimization Agent that creates report-only
 * suggestions), which drift lists apart so that it never raises a false alarm. Pure.
 */
import type { AuditEntry } from '../model/audit.js';
import type { DriftActor, DriftItem } from './report.js';

/** Initiators that are Microsoft acting on its own, by the name the audit log gives them. */
export const MICROSOFT_INITIATORS: readonly RegExp[] = [/^Microsoft Managed Policy Manager$/i, /Conditional Access Optimization Agent/i];

const sameId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export function isMicrosoftInitiated(entry: Pick<DriftActor, 'actor' | 'app'>): boolean {
  const names = [entry.actor, entry.app].filter((n): n is string => n !== null);
  return names.some((n) => MICROSOFT_INITIATORS.some((p) => p.test(n.trim())));
}

/** The entries about `id` at or after `since`, as the report shows them. */
export function actorsFor(entries: readonly AuditEntry[], id: string, since: Date): DriftActor[] {
  return entries
    .filter((e) => Date.parse(e.at) >= since.getTime() && e.targets.some((t) => sameId(t.id, id)))
    .map((e) => ({
      at: e.at,
      activity: e.activity,
      actor: e.actor ?? null,
      app: e.app ?? null,
      properties: e.targets.filter((t) => sameId(t.id, id)).flatMap((t) => t.properties.map((p) => p.name)),
    }));
}

/** Each item with its changedBy (items without an id have no entries to find). */
export function withActors(items: readonly DriftItem[], entries: readonly AuditEntry[], sinceOf: (item: DriftItem) => Date): DriftItem[] {
  return items.map((item) => (item.id === null ? item : { ...item, changedBy: actorsFor(entries, item.id, sinceOf(item)) }));
}

/**
 * Splits the items: Microsoft's own changes (every entry since the object last matched is
 * Microsoft's; or, with no new entry, it was Microsoft's at the last run and has not changed since)
 * and the rest.
 */
export function splitMicrosoftManaged(items: readonly DriftItem[], previouslyMicrosoft: (item: DriftItem) => boolean): { drift: DriftItem[]; microsoftManaged: DriftItem[] } {
  const drift: DriftItem[] = [];
  const microsoftManaged: DriftItem[] = [];
  for (const item of items) {
    const microsoft = item.changedBy.length > 0 ? item.changedBy.every(isMicrosoftInitiated) : previouslyMicrosoft(item);
    (microsoft ? microsoftManaged : drift).push(item);
  }
  return { drift, microsoftManaged };
}
