/** What a contingency switch did, for the renderers and the faces. */
import type { OperationResult } from '../model/outcomes.js';
import type { PlanOperation } from '../model/plan.js';
import type { ContingencySetStatus } from './contingency.js';

export type ContingencyAction = 'status' | 'activate' | 'deactivate';

export interface ContingencyOutcome {
  action: ContingencyAction;
  dryRun: boolean;
  /** status: every set (or the one named); activate/deactivate: the set, as read back (as read before on a dry run). */
  sets: ContingencySetStatus[];
  /** The state updates planned (executed unless dryRun). */
  operations: PlanOperation[];
  results: OperationResult[];
  /** Policies whose state did not read back as sent (empty: verified). */
  verification: string[];
  /** Convention-mode problems (an incomplete set, a name that forms no set), shown as warnings. */
  problems: string[];
  /** Set when the switch stopped on something other than a write (the first read, the read-back): says what. */
  stopped?: string;
  /** The error behind `stopped`, for the face to map to its exit code as if it had been thrown. */
  error?: unknown;
}

