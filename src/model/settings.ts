/** `caac.yml`: the repository's settings. Every key is optional. */
export interface Settings {
  emergencyAccess?: {
    /** `user:upn@domain` references or object ids. */
    users?: string[];
    /** `group:Name` references or object ids. */
    groups?: string[];
    /** displayNames of policies that need not exclude the emergency-access accounts. */
    exemptPolicies?: string[];
  };
  naming?: { pattern?: string };
  prune?: boolean;
  contingency?: { sets?: { name: string; description?: string; policies: string[] }[] };
  rollout?: { rings?: { name: string; groups?: string[] }[] };
}

/** The settings file as read, before it is checked. */
export interface SettingsSource {
  file: string;
  value: import('./documents.js').JsonObject;
  locate: import('./documents.js').Locator;
}
