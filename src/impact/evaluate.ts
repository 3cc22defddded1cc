/**
 * The impact engine: which policies apply to one sign-in and what they require, following
 * Microsoft's documented Conditional Access evaluation (docs/impact.md gives the rules and sources).
 */
import type { JsonObject } from '../model/documents.js';
import type { EvaluationContext } from './context.js';
import type { Evaluation } from './evaluation.js';
import type { SignIn } from './sign-in.js';

export function evaluate(policies: readonly JsonObject[], signIn: SignIn, context: EvaluationContext): Evaluation {
  void signIn;
  void context;
  return {
    outcome: 'allow',
    grant: null,
    session: {},
    applied: [],
    blockedBy: [],
    reportOnly: [],
    notApplied: policies.map((p) => ({ name: String(p['displayName'] ?? ''), reason: 'engine not written yet' })),
    assumptions: [],
  };
}
