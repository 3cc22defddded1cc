/** `caac.yml`: the repository's settings. Every key is optional. */
export interface Settings {
  emergencyAccess?: {
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
  /** Contingency sets by name (`^[a-z0-9][a-z0-9-]*$`), switched by `caac contingency`. */
  contingency?: Record<string, ContingencySet>;
  rollout?: { rings?: { name: string; groups?: string[] }[] };
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
