/** What `caac rollout status` and `advance` answer (src/commands/rollout.ts makes them; src/render/rollout-status.ts shows them). */
import type { RolloutSettings } from '../model/settings.js';
import type { Stage } from './advance.js';
import type { PolicyEvidence } from './evidence.js';
import type { GateResult } from './gates.js';

export interface RolloutPolicyStatus {
  displayName: string;
  file: string;
  ring: string;
  since?: string;
  /** `tenant`: caac.yml records no since, so the stage is dated by the tenant's last change of the policy. */
  sinceFrom?: 'tenant';
  days?: number;
  /** The state its file declares. */
  state: string;
  /** The tenant's id for it; absent when it is not in the tenant yet. */
  id?: string;
  evidence?: PolicyEvidence;
  gates: GateResult;
  /** What `caac rollout advance` would do next, or why it cannot. */
  next: { ring: string; state: string } | { refusal: string };
}

export interface RolloutStatus {
  generatedAt: string;
  signIns: { since: string; read: number; pages: number; maxPages: number; truncated: boolean };
  gates: NonNullable<RolloutSettings['gates']>;
  policies: RolloutPolicyStatus[];
  requests: { total: number; byEndpoint: Record<string, number> };
}

export type AdvanceOutcome =
  | { status: 'advanced'; policy: RolloutPolicyStatus; stage: Stage; edited: string[]; signIns: RolloutStatus['signIns'] }
  | { status: 'refused'; policy: RolloutPolicyStatus; reason: string; signIns: RolloutStatus['signIns'] };
