/**
 * The next stage of a policy in rollout: report-only → enforced on its ring (the first ring for a
 * policy not listed yet); enforced on a ring → the next ring; `--to` names a later ring instead.
 * Pure: answers the stage to write, or why there is none.
 */
import { ALL_RING, REPORT_ONLY, ringIndex, type Ring, type RolloutEntry } from './rings.js';

export interface Stage {
  ring: string;
  state: string;
}

export type NextStage = { stage: Stage; from: { ring?: string; state: string } } | { refusal: string };

export function nextStage(rings: readonly Ring[], entry: RolloutEntry | undefined, state: string, to?: string): NextStage {
  if (rings.length === 0) return { refusal: 'caac.yml defines no rollout.rings' };
  if (to !== undefined && ringIndex(rings, to) < 0) return { refusal: `ring "${to}" is not in rollout.rings (${rings.map((r) => r.name).join(', ')})` };
  const from = { ...(entry ? { ring: entry.ring } : {}), state };
  const current = entry ? ringIndex(rings, entry.ring) : 0;
  if (state === 'disabled') return { refusal: 'the policy is disabled: enable it (or make it report-only) in its file first' };
  if (state === REPORT_ONLY) {
    const ring = to ?? entry?.ring ?? rings[0]!.name;
    if (ringIndex(rings, ring) < current) return { refusal: `ring "${ring}" comes before "${entry!.ring}": advance moves forward only` };
    return { stage: { ring, state: 'enabled' }, from };
  }
  if (entry === undefined) return { stage: { ring: to ?? rings[0]!.name, state }, from };
  if (entry.ring === ALL_RING) return { refusal: `already on ring ${ALL_RING}: the rollout of this policy is complete (remove its rollout.policies entry when you like)` };
  const target = to ?? rings[current + 1]!.name;
  if (ringIndex(rings, target) <= current) return { refusal: `ring "${target}" is not after "${entry.ring}": advance moves forward only` };
  return { stage: { ring: target, state }, from };
}
