/** What the impact engine returns for one sign-in: the JSON contract of `caac what-if`. */

export type Outcome = 'block' | 'grant' | 'allow';

/** One applying policy's grant requirement, as it wrote it. */
export interface PolicyRequirement {
  policy: string;
  operator: 'AND' | 'OR';
  /** builtInControls other than block, plus `termsOfUse:<id>` and `customFactor:<id>`. */
  controls: string[];
  /** The authentication strength it requires (reference or id), or null. */
  authenticationStrength: string | null;
}

/**
 * Every applying policy's requirement must be met together. `operator`/`controls` flatten them:
 * `AND` with the union of controls when no policy offers a choice (or one choice, shared by all);
 * `OR` when every applying policy offers the same choice; otherwise `AND` with the controls every
 * policy requires, and `anyOf` holding each choice left (one control of each group suffices).
 */
export interface GrantRequirements {
  operator: 'AND' | 'OR';
  controls: string[];
  /** Every authentication strength required (all must be satisfied; usually one). */
  authenticationStrength: string[];
  anyOf: string[][];
  /** Each applying policy's own requirement, exactly. */
  policies: PolicyRequirement[];
}

/** Session controls of the applying policies, combined (the most restrictive wins). */
export interface SessionControls {
  signInFrequency?: { type: 'hours' | 'days' | null; value: number | null; frequencyInterval: 'timeBased' | 'everyTime'; authenticationType: string };
  persistentBrowser?: 'always' | 'never';
  applicationEnforcedRestrictions?: true;
  cloudAppSecurity?: string;
  continuousAccessEvaluation?: string;
  disableResilienceDefaults?: true;
  secureSignInSession?: true;
}

export interface NotApplied {
  name: string;
  reason: string;
}

/** An input the sign-in did not give, on which a policy's decision depended. */
export interface Assumption {
  input: string;
  assumed: string;
  policies: string[];
}

export interface Evaluation {
  outcome: Outcome;
  /** null when blocked or allowed without requirement. */
  grant: GrantRequirements | null;
  session: SessionControls;
  /** Enabled policies that apply (their names), in input order. */
  applied: string[];
  /** Names of the policies that blocked (a subset of applied). */
  blockedBy: string[];
  /** Report-only policies that would have applied: never enforced. */
  reportOnly: string[];
  /** Every other policy and why it did not apply (disabled, excluded, a condition unmet…). */
  notApplied: NotApplied[];
  assumptions: Assumption[];
}
