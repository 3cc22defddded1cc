/** `caac.yml`: the repository's settings. Every key is optional. */
export interface Settings {
  emergencyAccess?: {
    /**
     * No emergency-access accounts, on purpose: the reason (shown in every plan). Stands alone
     * (readSettings refuses it beside any other key).
     */
    waive?: string;
    /** `user:upn@domain` references or object ids. */
    users?: string[];
    /** `group:Name` references or object ids. */
    groups?: string[];
    /**
     * `check` (default): a policy that does not exclude the accounts is an error. `enforce`: plan
     * adds the missing exclusions to the desired policy (beside the ones already there).
     */
    mode?: EmergencyAccessMode;
    /** displayNames of policies that need not exclude the emergency-access accounts. */
    exempt?: string[];
    /** The older name of `exempt`; both may be given, their names count together. */
    exemptPolicies?: string[];
  };
  naming?: { pattern?: string };
  prune?: boolean;
  /** `caac drift`: key objects (names or globs) and whether Microsoft's own changes count. */
  drift?: { critical?: string[]; failOnMicrosoftManaged?: boolean };
  /** Contingency sets by name (`^[a-z0-9][a-z0-9-]*$`), switched by `caac contingency`. */
  contingency?: Record<string, ContingencySet>;
  /** Staged rollout (src/rollout/): rings, where each policy stands, gates for advancing. */
  rollout?: RolloutSettings;
  /** Exclusions that end on their own (src/exceptions/). */
  exceptions?: ExceptionEntry[];
  /** The longest an exception may last, in days from today (default 90). */
  exceptionsMaxDays?: number;
  /** Tenants this repository drives, by name (src/model/environments.ts). */
  environments?: Record<string, EnvironmentSettings>;
}

/** `caac.yml` `rollout:`. The last ring is `all` (everyone the policy itself includes). */
export interface RolloutSettings {
  rings?: { name: string; include?: string[] }[];
  /** displayName → the ring the policy has reached, and since when (YYYY-MM-DD or ISO date-time). */
  policies?: Record<string, { ring: string; since?: string }>;
  /** A policy not in the tenant and not listed: report-only (default), enforced on the first ring, or as its file says. */
  newPolicies?: 'reportOnly' | 'ring0' | 'none';
  gates?: { minDays?: number; maxFailureRate?: number; maxUsersBlocked?: number };
}

/** One entry of caac.yml's `exceptions`. */
export interface ExceptionEntry {
  /** A policy displayName, or a glob (`*`, `?`) over displayNames, case-insensitive. */
  policy: string;
  /** `user:`, `group:`, `role:` references or object ids. */
  exclude: { users?: string[]; groups?: string[]; roles?: string[] };
  /** ISO date (the end of that day, UTC) or date-time with a zone. */
  until: string;
  reason?: string;
  ticket?: string;
  owner?: string;
}

/** One entry of `environments:` as caac.yml writes it (checked by src/validate/environments.ts). */
export interface EnvironmentSettings {
  tenantId: string;
  cloud?: string;
  graphUrl?: string;
  clientId?: string;
  policies?: { include?: string[]; exclude?: string[] };
  references?: Record<string, string>;
}

export type EmergencyAccessMode = 'check' | 'enforce';

/** The state the `deactivate` policies of an active contingency set take. */
export type DeactivatedState = 'enabledForReportingButNotEnforced' | 'disabled';

/** One contingency set of `caac.yml`. */
export interface ContingencySet {
  description?: string;
  /** displayNames of the policies enabled while the set is active. */
  activate: string[];
  /** displayNames of the policies moved to `deactivatedState` while the set is active. */
  deactivate?: string[];
  /** Default `enabledForReportingButNotEnforced` (report-only). */
  deactivatedState?: DeactivatedState;
}

/** The settings file as read, before it is checked. */
export interface SettingsSource {
  file: string;
  value: import('./documents.js').JsonObject;
  locate: import('./documents.js').Locator;
}

/** The emergency-access mode of caac.yml (default `check`). */
export function emergencyAccessMode(settings: Settings): EmergencyAccessMode {
  return settings.emergencyAccess?.mode ?? 'check';
}

/** The exempt policy names of caac.yml (`exempt` and its older name `exemptPolicies`), trimmed and lower-cased. */
export function exemptPolicyNames(settings: Settings): Set<string> {
  const access = settings.emergencyAccess;
  return new Set([...(access?.exempt ?? []), ...(access?.exemptPolicies ?? [])].map((n) => n.trim().toLowerCase()));
}

/**
 * Whether caac.yml names emergency-access accounts: `missing` (no caac.yml, no emergencyAccess,
 * or one that lists no user and no group), `waived` (with the reason), or `set`.
 */
export type EmergencyAccessDeclaration = { status: 'set' } | { status: 'waived'; reason: string } | { status: 'missing' };

export function emergencyAccessDeclaration(settings: Settings): EmergencyAccessDeclaration {
  const access = settings.emergencyAccess;
  if (access?.waive !== undefined) return { status: 'waived', reason: access.waive.trim() };
  if ((access?.users?.length ?? 0) + (access?.groups?.length ?? 0) > 0) return { status: 'set' };
  return { status: 'missing' };
}
