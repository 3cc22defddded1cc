/** One condition's answer for one policy, and the unknown inputs it had to assume. */

export type Verdict = { applies: true } | { applies: false; reason: string };

export const APPLIES: Verdict = { applies: true };

export function notApplies(reason: string): Verdict {
  return { applies: false, reason };
}

/** Records that a decision rested on an input the sign-in did not give. */
export type Assume = (input: string, assumed: string) => void;
