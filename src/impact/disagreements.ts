/**
 * Where caac's engine and Graph's What If judge a policy differently, for `what-if --live`. Both
 * judged the same deployed policies for the same sign-in; any difference is reported, never
 * settled: it is either a gap in what the sign-in told caac (Graph reads group membership, roles
 * and named locations from the tenant itself) or a rule one side gets wrong.
 */
import type { LivePolicyVerdict } from '../ports/what-if.js';
import type { Evaluation } from './evaluation.js';

export interface Disagreement {
  policy: string;
  /** What the engine said: `applies`, or its reason. */
  engine: string;
  /** What Graph said: `applies`, or its analysisReasons. */
  graph: string;
}

function engineVerdict(evaluation: Evaluation, name: string): { applies: boolean; text: string } | undefined {
  if (evaluation.applied.includes(name)) return { applies: true, text: 'applies' };
  if (evaluation.reportOnly.includes(name)) return { applies: true, text: 'applies (report-only)' };
  const reason = evaluation.notApplied.find((n) => n.name === name)?.reason;
  return reason === undefined ? undefined : { applies: false, text: `does not apply (${reason})` };
}

export function compareWithGraph(evaluation: Evaluation, verdicts: readonly LivePolicyVerdict[]): Disagreement[] {
  const disagreements: Disagreement[] = [];
  for (const verdict of verdicts) {
    // Graph never applies a disabled policy; the engine says "disabled": the same answer.
    const graphText = verdict.applies ? 'applies' : `does not apply (${verdict.reasons.join(', ') || 'no reason given'})`;
    const engine = engineVerdict(evaluation, verdict.displayName);
    if (!engine) {
      disagreements.push({ policy: verdict.displayName, engine: 'not evaluated (not among the policies read)', graph: graphText });
    } else if (engine.applies !== verdict.applies) {
      disagreements.push({ policy: verdict.displayName, engine: engine.text, graph: graphText });
    }
  }
  const judged = new Set(verdicts.map((v) => v.displayName));
  for (const name of [...evaluation.applied, ...evaluation.reportOnly]) {
    if (!judged.has(name)) disagreements.push({ policy: name, engine: 'applies', graph: 'not judged (absent from its answer)' });
  }
  return disagreements;
}
