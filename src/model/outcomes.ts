/** What the commands did, for the renderers and the faces (exit codes, reports). */
import type { JsonObject } from './documents.js';
import type { PlanOperation } from './plan.js';
import type { RequestTally } from './tenant.js';

export interface OperationResult {
  operation: PlanOperation;
  status: 'applied' | 'failed' | 'skipped';
  /** The object's id (for a create, the new one). */
  id?: string;
  /** The body sent, references to objects created in this run resolved. */
  sent?: JsonObject;
  error?: string;
  /**
   * The write's answer was lost and looking for its result could not tell whether it was carried
   * out (or found duplicates): the run stops here, even with keepGoing.
   */
  unknown?: boolean;
  ms: number;
}

export interface ApplyOutcome {
  results: OperationResult[];
  applied: number;
  failed: number;
  skipped: number;
  /**
   * What is unverified, each naming the object and why: differences still there when the
   * read-back gave up waiting, duplicates, or a read-back that failed (empty: it matches the plan).
   */
  verification: string[];
  /** How the read-back went; 'none' when nothing was applied, or the run stopped before it. */
  readBack: 'verified' | 'unverified' | 'failed' | 'none';
  /** Set when the run stopped on something other than an operation (the first read, the read-back): says what. */
  stopped?: string;
  /** The error behind `stopped`, for the face to map to its exit code as if it had been thrown. */
  error?: unknown;
  snapshotDir?: string;
  requests: RequestTally;
}

export interface BackupResult {
  /** Files created or rewritten, relative to `out` (`policies/ca001-….json`). */
  written: string[];
  /** Files removed (their objects are gone from the tenant), relative to `out`. */
  removed: string[];
  /** Files whose bytes were already right, relative to `out`. */
  unchanged: string[];
  /** displayNames of objects new since the last backup in `out`. */
  added: string[];
  /** displayNames of objects whose document changed (renamed ones included). */
  changed: string[];
  /** displayNames of objects that were in the last backup and are gone from the tenant. */
  removedNames: string[];
  /** Things a reader should know: names a repository cannot hold twice, ids that no longer exist. */
  warnings: string[];
  /** The environment of caac.yml backed up (--environment). */
  environment?: string;
  /** Graph requests this backup spent. */
  requests: RequestTally;
}

export interface InitResult {
  /** Files created, relative to the root. */
  created: string[];
  /** Existing files changed (only .gitignore, by an appended line). */
  updated: string[];
  backup?: BackupResult;
  suggestion?: EmergencyAccessSuggestion;
}

export interface SuggestedAccount {
  /** As the backup wrote it: `group:CA-BreakGlass`, `user:bg@contoso.com`, or an id. */
  reference: string;
  kind: 'user' | 'group';
  /** Enabled policies that exclude it. */
  excludedBy: number;
}

export interface EmergencyAccessSuggestion {
  enabledPolicies: number;
  accounts: SuggestedAccount[];
}
