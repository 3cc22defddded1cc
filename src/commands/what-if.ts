/**
 * `caac what-if`: one sign-in against the repository's policies (offline, references as written)
 * or, with `tenant`, against the tenant's (the sign-in's references resolved to ids through the
 * Directory port). The engine (src/impact/) decides; this function only gathers its inputs.
 */
import { ConfigurationError } from '../errors.js';
import type { JsonObject } from '../model/documents.js';
import { requestsSince, type RequestTally } from '../model/tenant.js';
import { locationViews } from '../impact/context.js';
import { evaluate } from '../impact/evaluate.js';
import type { Evaluation } from '../impact/evaluation.js';
import type { SignIn } from '../impact/sign-in.js';
import type { Directory } from '../ports/directory.js';
import type { PolicyStore } from '../ports/policy-store.js';
import type { Tenant } from '../ports/tenant.js';
import type { WhatIf } from '../ports/what-if.js';
import { compareWithGraph, type Disagreement } from '../impact/disagreements.js';
import { liveSignIn } from './what-if-live.js';
import { resolveSignIn } from './what-if-resolve.js';

export type WhatIfSource =
  | { kind: 'repository'; store: PolicyStore }
  /** With `whatIf`, Graph's What If judges the same sign-in too (`--live`). */
  | { kind: 'tenant'; tenant: Tenant; directory: Directory; whatIf?: WhatIf };

export interface WhatIfReport {
  source: 'repository' | 'tenant';
  /** The sign-in as evaluated (ids when read from the tenant). */
  signIn: SignIn;
  evaluation: Evaluation;
  /** The policies as evaluated, for a caller that compares with Graph. */
  policies: JsonObject[];
  /** Graph requests spent (tenant only). */
  requests?: RequestTally;
  /** With --live: how many policies Graph judged, and every policy the two judge differently. */
  live?: { policies: number; disagreements: Disagreement[] };
}

function repositoryInputs(store: PolicyStore): { policies: JsonObject[]; locations: JsonObject[] } {
  const repo = store.load();
  const errors = repo.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    const first = errors[0]!;
    throw new ConfigurationError(`what-if: the repository has ${errors.length} file(s) that do not load (first: ${first.file}:${first.line}:${first.column} ${first.message}); run caac validate`);
  }
  return {
    policies: repo.documents.filter((d) => d.kind === 'policy').map((d) => d.value),
    locations: repo.documents.filter((d) => d.kind === 'namedLocation').map((d) => d.value),
  };
}

/** Reasons name the tenant's ids; a reader gave references: `member of group:Finance (8959dee4-…)`. */
function namedReasons(evaluation: Evaluation, names: ReadonlyMap<string, string>): Evaluation {
  if (names.size === 0) return evaluation;
  const name = (reason: string): string => [...names].reduce((text, [id, ref]) => text.split(id).join(`${ref} (${id})`), reason);
  return { ...evaluation, notApplied: evaluation.notApplied.map((n) => ({ ...n, reason: name(n.reason) })) };
}

export async function runWhatIf(source: WhatIfSource, signIn: SignIn): Promise<WhatIfReport> {
  if (source.kind === 'repository') {
    const { policies, locations } = repositoryInputs(source.store);
    const evaluation = evaluate(policies, signIn, { namedLocations: locationViews(locations) });
    return { source: 'repository', signIn, evaluation, policies };
  }
  const before = source.tenant.requests();
  const [snapshot, { signIn: resolved, names }] = await Promise.all([source.tenant.read(['policy', 'namedLocation']), resolveSignIn(signIn, source.directory)]);
  const evaluation = namedReasons(evaluate(snapshot.policies, resolved, { namedLocations: locationViews(snapshot.namedLocations) }), names);
  const report: WhatIfReport = { source: 'tenant', signIn: resolved, evaluation, policies: snapshot.policies };
  if (source.whatIf) {
    const verdicts = await source.whatIf.evaluate(liveSignIn(resolved));
    report.live = { policies: verdicts.length, disagreements: compareWithGraph(evaluation, verdicts) };
  }
  return { ...report, requests: requestsSince(before, source.tenant.requests()) };
}
