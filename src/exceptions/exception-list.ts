/** What `caac exceptions list` reports (its JSON contract: `--format json`). */

/** `yes`: every policy it names holds all its people; `partly`; `no`: none; `unknown`: offline (or no such policy in the tenant). */
export type InTenant = 'yes' | 'partly' | 'no' | 'unknown';

export interface ExceptionListItem {
  /** Index in caac.yml's `exceptions`. */
  entry: number;
  file: string;
  line: number;
  policy: string;
  /** displayNames of the policy files it names. */
  policies: string[];
  who: { users: string[]; groups: string[]; roles: string[] };
  until: string;
  /** The instant it ends (ISO), absent when `until` is no date (validate says so). */
  ends?: string;
  /** Whole UTC days to its last day: 0 ends today, negative has ended. */
  daysLeft?: number;
  state: 'active' | 'ended' | 'invalid';
  reason: string;
  ticket?: string;
  owner?: string;
  inTenant: InTenant;
}

export interface ExceptionsReport {
  now: string;
  /** The tenant read, when one was given. */
  tenant?: string;
  exceptions: ExceptionListItem[];
  requests?: number;
}

/** Only the active exceptions whose last day is at most `days` days away (a reminder's list). */
export function endingWithin(report: ExceptionsReport, days: number): ExceptionsReport {
  return { ...report, exceptions: report.exceptions.filter((e) => e.state === 'active' && e.daysLeft !== undefined && e.daysLeft <= days) };
}
