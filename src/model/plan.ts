/** The plan file (JSON, versioned): what a reviewer approves and apply executes. */
import type { DocumentKind, JsonObject, JsonValue } from './documents.js';

/**
 * 2: `source` (the digest of the documents the plan was made from, the commit, --prune), which
 * apply checks; a version 1 plan has none and is refused (make the plan again).
 */
export const PLAN_FORMAT_VERSION = 2;

export type PlanAction = 'create' | 'update' | 'delete' | 'noop';

export interface FieldChange {
  /** JSON pointer into the normalized document, e.g. /conditions/users/excludeGroups */
  path: string;
  before?: JsonValue;
  after?: JsonValue;
}

export interface PlanOperation {
  kind: DocumentKind;
  action: PlanAction;
  displayName: string;
  /** The tenant object's id (update, delete, noop). */
  id?: string;
  /** The file the desired document came from (create, update, noop). */
  file?: string;
  changes: FieldChange[];
  /**
   * The complete desired document with ids resolved (create, update). A reference to a named
   * location or strength created by this same plan is written `location:Name` / `authStrength:Name`
   * and resolved by apply once that object exists.
   */
  body?: JsonObject;
  /**
   * restore: the id of a soft-deleted object to bring back (keeping its id and everything that
   * refers to it) before the body is applied to it; created anew if it is gone.
   */
  restoreFrom?: string;
  /**
   * Emergency-access exclusions the break-glass guard added to the body (emergencyAccess.mode:
   * enforce), by list: `/conditions/users/excludeUsers` or `/conditions/users/excludeGroups`.
   */
  guardAdded?: { path: string; ids: string[] }[];
  /**
   * caac.yml's active exceptions that add to this policy's exclusions (after the file's own):
   * "exception until <date> (<reason>)".
   */
  exceptions?: PlanExceptionNote[];
  /**
   * update: exceptions that have ended, and the ids this operation removes from the tenant's
   * exclusions because of them ("exception expired <date>: removes <who> …"). apply --only-expiries
   * accepts a plan whose every change is one of these removals.
   */
  expired?: PlanExceptionNote[];
  /**
   * delete: the requests apply makes, in order, when a plain DELETE is not enough. Graph refuses to
   * delete an ipNamedLocation while `isTrusted` is true, so a trusted location is first marked
   * untrusted (PATCH `isTrusted: false`), then deleted. Absent: one DELETE.
   */
  steps?: DeleteStep[];
}

/** One exception of caac.yml on one list of one policy. */
export interface PlanExceptionNote {
  /** `/conditions/users/excludeUsers`, `…/excludeGroups` or `…/excludeRoles`. */
  path: string;
  /** Lower-case ids (added, or removed on expiry). */
  ids: string[];
  /** As written in caac.yml: an ISO date (to the end of that day, UTC) or date-time. */
  until: string;
  reason: string;
  ticket?: string;
  owner?: string;
  /** The entry's index in caac.yml's `exceptions`. */
  entry: number;
}

export const DELETE_STEPS = ['markUntrusted', 'delete'] as const;
export type DeleteStep = (typeof DELETE_STEPS)[number];

/** Every warning kind, in the order a reviewer reads them (the most dangerous first). */
export const PLAN_WARNING_KINDS = [
  'delete',
  'break-glass-removed',
  'break-glass-unmanaged',
  'no-emergency-access',
  'contingency',
  'new-block',
  'enforcement',
  'break-glass-added',
  'security-defaults',
  'beta',
  'unmanaged',
] as const;

export type PlanWarningKind = (typeof PLAN_WARNING_KINDS)[number];

export interface PlanWarning {
  kind: PlanWarningKind;
  displayName: string;
  message: string;
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  unchanged: number;
  unmanaged: number;
}

export interface Plan {
  formatVersion: number;
  tool: { name: string; version: string };
  tenant: { id: string; graphUrl: string };
  /** The environment of caac.yml the plan was made for (--environment); apply refuses it for another. */
  environment?: string;
  /** The repository folder planned. */
  dir: string;
  apiVersion: 'v1.0' | 'beta';
  createdAt: string;
  /** sha256 of the normalized live state of every object the plan read. */
  fingerprint: string;
  summary: PlanSummary;
  operations: PlanOperation[];
  /** Tenant objects that no file describes and that the plan will not delete. */
  unmanaged: { kind: DocumentKind; id: string; displayName: string }[];
  warnings: PlanWarning[];
  /** id → human label (`group:Finance`), for every id the reports show. */
  labels: Record<string, string>;
  /** Graph requests the plan spent. */
  requests: { total: number; byEndpoint: Record<string, number> };
  /**
   * The normalized hash of every tenant object the plan read, so that apply can name what changed
   * when the fingerprint no longer matches.
   */
  state?: { kind: DocumentKind; id: string; displayName: string; hash: string }[];
  /** What apply re-checks in the bodies before any write (from caac.yml, resolved to ids). */
  guards?: { users: string[]; groups: string[]; exemptPolicies: string[] };
  /** Contingency sets and the policies the plan holds because a set is active in the tenant. */
  contingency?: PlanContingency;
  /** Who gains or loses access (src/impact/access-impact.ts); apply refuses new blocks it was not told to accept. */
  impact?: PlanImpact;
  /** Staged rollout: each policy's ring, what the plan narrowed, what advancing changes (caac.yml rollout). */
  rollout?: import('./rollout.js').PlanRollout;
  /**
   * What the plan was made from (every plan runPlan makes; required in a plan file): apply makes the
   * plan again from its folder and refuses one made from other documents or that differs.
   */
  source?: PlanSourceRecord;
}

export type ImpactChange = 'blocked' | 'unblocked' | 'requirements';

/** Sign-ins of the matrix that change the same way, counted, with who they are and one example. */
export interface PlanImpactGroup {
  change: ImpactChange;
  /** Requirements (grant and session controls) gained and lost; empty for block changes. */
  gained: string[];
  lost: string[];
  /** The policies that block them after the change (blocked), or blocked them before (unblocked). */
  blockedBy: string[];
  signIns: number;
  /** Who they are, each once (`member of group:Finance`). */
  who: string[];
  /** Some of them are emergency-access accounts. */
  emergency: boolean;
  example: string;
  /**
   * Set when the change comes from caac.yml's exceptions (an exception added or ended), not from
   * the policy files' own (permanent) exclusions nor the break-glass guard's: who, from which
   * policy, until when and why.
   */
  exceptions?: PlanImpactException[];
}

/** One person or group an exception leaves out of one policy (or, `ended`, no longer). */
export interface PlanImpactException {
  /** `user:alex@contoso.com`, `group:Travel` (the plan's label for the id). */
  who: string;
  policy: string;
  until: string;
  reason: string;
  /** The exception has ended: the plan removes the exclusion. */
  ended?: boolean;
}

export interface PlanImpact {
  /** Sign-ins of the matrix (each judged against both sides, or skipped when no changed policy could apply). */
  signIns: number;
  /** Sign-ins whose result changes. */
  changed: number;
  /** Sign-ins that were not blocked and become blocked. */
  newlyBlocked: number;
  /** Of those, sign-ins of emergency-access accounts. */
  emergencyBlocked: number;
  /** Of the sign-ins that change, those whose change comes from an exception added or ended (absent: none). */
  fromExceptions?: number;
  groups: PlanImpactGroup[];
}

export interface PlanSourceRecord {
  /** sha256 of the documents and settings as loaded (see src/plan/documents-digest.ts). */
  digest: string;
  /** How many documents the digest covers. */
  documents: number;
  /** sha256 of each document by its path inside the folder: names the files that differ. */
  files: Record<string, string>;
  /** The commit of the folder's git work tree, when it is in one (informative: the digest decides). */
  commit?: string;
  /** Made with --prune (input prune): apply makes the plan again the same way. */
  prune: boolean;
}

/** A contingency set as the plan records it (from caac.yml, or from policy names by convention). */
export interface PlanContingencySet {
  name: string;
  /** displayNames of the policies enabled while the set is active. */
  activate: string[];
  /** displayNames of the policies moved to deactivatedState while the set is active. */
  deactivate: string[];
  deactivatedState: 'enabledForReportingButNotEnforced' | 'disabled';
  /** `settings`: caac.yml; `convention`: policy names carrying "ENABLE IN EMERGENCY". */
  source: 'settings' | 'convention';
}

export interface PlanContingency {
  /** Every set known when the plan was made, so that apply can tell which are active then. */
  sets: PlanContingencySet[];
  /** The sets active in the tenant when the plan was made. */
  active: { name: string; since?: string; policies: string[] }[];
  /**
   * Policies of an active set whose state the repository declares otherwise: the plan keeps the
   * tenant's state (the operation does not change it); `apply --end-contingency` writes `body`,
   * the complete desired document with the declared state.
   */
  held: { set: string; displayName: string; id: string; state: string; declared: string; body: JsonObject }[];
}

/** The summary counts of a list of operations (unmanaged objects are not operations). */
export function summarize(operations: readonly PlanOperation[], unmanaged: number): PlanSummary {
  const count = (action: PlanAction): number => operations.filter((o) => o.action === action).length;
  return { create: count('create'), update: count('update'), delete: count('delete'), unchanged: count('noop'), unmanaged };
}

/** True when applying the plan would change the tenant: an operation other than a noop. */
export function hasChanges(plan: Pick<Plan, 'operations'>): boolean {
  return plan.operations.some((o) => o.action !== 'noop');
}

/**
 * Warnings in the reading order of PLAN_WARNING_KINDS, stable within a kind; a kind this caac does
 * not know (a plan file from a newer one) goes last.
 */
export function sortWarnings<T>(items: readonly T[], kindOf: (item: T) => PlanWarningKind): T[] {
  const rank = (item: T): number => {
    const i = PLAN_WARNING_KINDS.indexOf(kindOf(item));
    return i < 0 ? PLAN_WARNING_KINDS.length : i;
  };
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => rank(a.item) - rank(b.item) || a.i - b.i)
    .map(({ item }) => item);
}
