/** The plan's Rollout section (src/rollout/plan-rollout.ts makes it; the reports and the plan file show it). */

/** One policy's line in the plan's Rollout section. */
export interface PlanRolloutPolicy {
  displayName: string;
  /** The ring it has reached; absent for a new policy caac.yml does not list. */
  ring?: string;
  since?: string;
  /** `reportOnly`, `enforced` or `disabled`, as planned. */
  stage: 'reportOnly' | 'enforced' | 'disabled';
  /** The included users and groups after narrowing (ids; labels in the plan's labels), when narrowed. */
  narrowedTo?: string[];
  /** What this plan does because of rollout, in a sentence. */
  note: string;
  /** What `caac rollout advance` would change next, in a sentence (absent at the end). */
  advance?: string;
}

export interface PlanRollout {
  rings: { name: string; include: string[] }[];
  policies: PlanRolloutPolicy[];
}
