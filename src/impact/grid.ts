/**
 * The persona × application grid of `caac docs`: for each person of the matrix (rows) and each
 * target (columns), what a sign-in under the base conditions meets — blocked, the requirements to
 * get in, or allowed with nothing asked. Pure.
 */
import type { JsonObject } from '../model/documents.js';
import { requirementsOf } from './access-impact.js';
import { locationViews } from './context.js';
import { evaluate } from './evaluate.js';
import { signInMatrix } from './matrix.js';

export interface GridCell {
  outcome: 'block' | 'grant' | 'allow';
  /** `blocked`, the requirements joined (`mfa; sign-in frequency: 4 hours`), or `allowed`. */
  text: string;
  /** The enforced policies that decided it. */
  policies: string[];
}

export interface AccessGrid {
  rows: string[];
  columns: string[];
  /** cells[row][column]; undefined where the pair is not tried (a workload on a user action). */
  cells: Array<Array<GridCell | undefined>>;
}

export function accessGrid(input: { policies: readonly JsonObject[]; namedLocations: readonly JsonObject[]; emergency: { users: readonly string[]; groups: readonly string[] }; label?: (id: string) => string }): AccessGrid {
  const label = input.label ?? ((id: string) => id);
  const base = signInMatrix({ ...input, label, everyKind: true, everyPair: true }).filter((s) => s.conditions === 'base conditions');
  const rows = [...new Set(base.map((s) => s.who))];
  const columns = [...new Set(base.map((s) => s.what))];
  const context = { namedLocations: locationViews(input.namedLocations) };
  const cells = rows.map(() => columns.map((): GridCell | undefined => undefined));
  for (const s of base) {
    const e = evaluate(input.policies, s.signIn, context);
    const requirements = requirementsOf(e, label);
    const text = e.outcome === 'block' ? 'blocked' : requirements.length > 0 ? requirements.join('; ') : 'allowed';
    cells[rows.indexOf(s.who)]![columns.indexOf(s.what)] = { outcome: e.outcome, text, policies: e.outcome === 'block' ? e.blockedBy : e.applied };
  }
  return { rows, columns, cells };
}
