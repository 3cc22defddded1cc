/**
 * caac.yml's `exceptions`: when an entry ends, which policies it names, and who it excludes.
 * Pure: "now" is always given (plan's `now`), so a test decides what day it is.
 *
 * `until` is an ISO date (`2026-12-14`: the exception lasts to the END of that day in UTC, so it
 * is still active all of that day everywhere on Earth west of UTC, and ends at 00:00Z the day
 * after) or an ISO date-time with a zone (`2026-12-14T18:00:00Z`, `…+02:00`): it ends then.
 * A date-time without a zone is refused: the hour it ends would depend on the runner's clock.
 */
import type { PolicyView } from '../model/policy-view.js';
import type { ExceptionEntry, Settings } from '../model/settings.js';
import { globMatcher } from '../model/glob.js';

export const DEFAULT_EXCEPTIONS_MAX_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The lists an exception adds to, by its `exclude` key. */
export const EXCEPTION_LISTS = [
  { key: 'users', kind: 'user', pointer: '/conditions/users/excludeUsers' },
  { key: 'groups', kind: 'group', pointer: '/conditions/users/excludeGroups' },
  { key: 'roles', kind: 'role', pointer: '/conditions/users/excludeRoles' },
] as const;
export type ExceptionListKey = (typeof EXCEPTION_LISTS)[number]['key'];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** The instant an exception ends (exclusive), or undefined when `until` is not an ISO date or a date-time with a zone. */
export function endOf(until: string): Date | undefined {
  const text = until.trim();
  const date = DATE.exec(text);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    if (!realDay(y, m, d)) return undefined;
    return new Date(Date.UTC(y, m - 1, d) + DAY_MS);
  }
  const time = DATE_TIME.exec(text);
  if (!time) return undefined;
  const [y, m, d, hh, mm, ss] = [1, 2, 3, 4, 5, 6].map((i) => Number(time[i] ?? 0)) as [number, number, number, number, number, number];
  if (!realDay(y, m, d) || hh > 23 || mm > 59 || ss > 59) return undefined;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** 2026-02-30 is no day: Date.UTC would quietly roll it over to March. */
function realDay(y: number, m: number, d: number): boolean {
  const at = new Date(Date.UTC(y, m - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d;
}

export function isActive(end: Date, now: Date): boolean {
  return now.getTime() < end.getTime();
}

/**
 * Whole UTC days from today to the last day of the exception: 0 when it ends today, negative once
 * it has ended (-1: it ended yesterday or earlier today).
 */
export function daysLeft(end: Date, now: Date): number {
  const day = (t: number): number => Math.floor(t / DAY_MS);
  return day(end.getTime() - 1) - day(now.getTime());
}

export function maxDaysOf(settings: Settings): number {
  return settings.exceptionsMaxDays ?? DEFAULT_EXCEPTIONS_MAX_DAYS;
}

/** `CA00? - Block*`: a case-insensitive glob over the whole trimmed displayName (see model/glob.ts). */
export const policyMatcher = globMatcher;

/** The references an entry excludes, by list (empty lists for keys it leaves out). */
export function excludedRefs(entry: ExceptionEntry): Record<ExceptionListKey, string[]> {
  const exclude = entry.exclude ?? {};
  return { users: exclude.users ?? [], groups: exclude.groups ?? [], roles: exclude.roles ?? [] };
}

/** `user:ann@contoso.com, group:Travel` — who an entry excludes, as written. */
export function whoOf(entry: ExceptionEntry): string {
  const refs = excludedRefs(entry);
  return [...refs.users, ...refs.groups, ...refs.roles].join(', ');
}

/**
 * True when, with `extra` added to its exclusions, the policy would exclude everyone it includes
 * by name (its only group, its only users, …), so it would apply to no one. A policy that includes
 * `All` users or guests keeps covering people whatever is excluded by name. Values are compared
 * as written (references at validate, ids at plan), case-insensitive.
 */
export function excludesEveryone(users: PolicyView['users'], extra: Record<ExceptionListKey, readonly string[]>): boolean {
  const keywords = new Set(['all', 'guestsorexternalusers']);
  if (users.includeUsers.some((v) => keywords.has(v.toLowerCase())) || users.includeGuestsOrExternalUsers !== undefined) return false;
  const included = [...users.includeUsers.filter((v) => v.toLowerCase() !== 'none'), ...users.includeGroups, ...users.includeRoles];
  if (included.length === 0) return false;
  const excluded = new Set([...users.excludeUsers, ...users.excludeGroups, ...users.excludeRoles, ...extra.users, ...extra.groups, ...extra.roles].map((v) => v.toLowerCase()));
  return included.every((v) => excluded.has(v.toLowerCase()));
}
