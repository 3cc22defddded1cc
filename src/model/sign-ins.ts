/** The sign-in log as staged rollout reads it: only what its evidence needs of Graph's signIn. */

/** `appliedConditionalAccessPolicies[].result` values Graph documents. */
export const POLICY_RESULTS = ['success', 'failure', 'notApplied', 'notEnabled', 'reportOnlySuccess', 'reportOnlyFailure', 'reportOnlyNotApplied', 'reportOnlyInterrupted'] as const;
export type PolicyResult = (typeof POLICY_RESULTS)[number];

export interface SignInRecord {
  id: string;
  createdDateTime: string;
  userId: string;
  userPrincipalName: string;
  appId: string;
  appDisplayName: string;
  /** 0 for a sign-in that succeeded. */
  errorCode: number;
  policies: { id: string; displayName: string; result: string }[];
}

export interface SignInRead {
  signIns: SignInRecord[];
  /** Pages read (each one Graph request). */
  pages: number;
  /** True when the page cap stopped the read before the log's end: the figures are a lower bound. */
  truncated: boolean;
  /** The window read, as sent. */
  since: string;
}
