/**
 * caac.yml `rollout:`: the rings, in order, and where each listed policy stands. The last ring is
 * `all` (everyone the policy itself includes); every ring before it adds the users and groups it
 * names to those of the rings before it. Pure: the checks report through `fail`, which the settings
 * reader turns into an error at caac.yml's line.
 */
import { parseReferenceValue } from '../model/references.js';
import type { RolloutSettings, Settings } from '../model/settings.js';

/** The name of the last ring: the policy's own audience, unnarrowed. */
export const ALL_RING = 'all';
export const REPORT_ONLY = 'enabledForReportingButNotEnforced';

export type NewPolicyMode = NonNullable<RolloutSettings['newPolicies']>;

export interface Ring {
  name: string;
  include: string[];
}

/** Where a policy stands: its ring, and since when (as caac.yml writes it). */
export interface RolloutEntry {
  /** The key as caac.yml writes it. */
  key: string;
  ring: string;
  since?: string;
}

/** The rings of caac.yml (none when rollout is not configured). */
export function ringsOf(settings: Settings): Ring[] {
  return (settings.rollout?.rings ?? []).map((r) => ({ name: r.name, include: r.include ?? [] }));
}

export function newPolicyMode(settings: Settings): NewPolicyMode {
  return settings.rollout?.newPolicies ?? 'reportOnly';
}

const key = (name: string): string => name.trim().toLowerCase();

/** The entry of a policy by displayName (trimmed, any case, as the exempt list matches). */
export function rolloutEntry(settings: Settings, displayName: string): RolloutEntry | undefined {
  const wanted = key(displayName);
  for (const [k, v] of Object.entries(settings.rollout?.policies ?? {})) if (key(k) === wanted) return { key: k, ring: v.ring, ...(v.since === undefined ? {} : { since: v.since }) };
  return undefined;
}

/** Index of a ring by name (exact), -1 when caac.yml has no such ring. */
export function ringIndex(rings: readonly Ring[], name: string): number {
  return rings.findIndex((r) => r.name === name);
}

/** The ring after this one, or undefined at the last. */
export function nextRing(rings: readonly Ring[], name: string): Ring | undefined {
  const i = ringIndex(rings, name);
  return i >= 0 && i + 1 < rings.length ? rings[i + 1] : undefined;
}

/** Every reference of the rings up to and including `name`, each once. */
export function referencesReached(rings: readonly Ring[], name: string): string[] {
  const i = ringIndex(rings, name);
  return [...new Set(rings.slice(0, i + 1).flatMap((r) => r.include))];
}

/**
 * The checks that need caac.yml only: `all` last and nowhere else, ring names unique, each ring
 * before the last names someone, each include a `user:` or `group:` reference, each listed policy
 * on a ring that exists. Policies that no file describes are found with the documents
 * (rolloutFindings).
 */
export function checkRolloutSettings(rollout: RolloutSettings | undefined, fail: (path: string, message: string) => never): void {
  if (rollout === undefined) return;
  const rings = rollout.rings ?? [];
  if (rings.length === 0 && Object.keys(rollout.policies ?? {}).length > 0) fail('/rollout', 'rollout.policies needs rollout.rings: add rings, the last one {name: all}');
  const seen = new Set<string>();
  rings.forEach((ring, i) => {
    const at = `/rollout/rings/${i}`;
    if (seen.has(ring.name)) fail(`${at}/name`, `ring "${ring.name}" is named twice: ring names must be unique`);
    seen.add(ring.name);
    const last = i === rings.length - 1;
    if (ring.name === ALL_RING && !last) fail(`${at}/name`, `ring "${ALL_RING}" must be the last ring (it is everyone the policy includes): move it to the end`);
    if (last && ring.name !== ALL_RING) fail(`${at}/name`, `the last ring must be {name: ${ALL_RING}} (everyone the policy includes), not "${ring.name}": add {name: ${ALL_RING}} at the end`);
    if (last && (ring.include ?? []).length > 0) fail(`${at}/include`, `ring "${ALL_RING}" is everyone the policy includes: remove its include list`);
    if (!last && (ring.include ?? []).length === 0) fail(at, `ring "${ring.name}" names nobody: give it include: ["group:…"] or ["user:…"], or remove it`);
    (ring.include ?? []).forEach((value, j) => {
      const parsed = parseReferenceValue(value, []);
      const ok = parsed.type === 'reference' && (parsed.reference.kind === 'user' || parsed.reference.kind === 'group');
      if (!ok) fail(`${at}/include/${j}`, `rollout ring includes take "user:upn@domain" or "group:Name" references (an object id as "user:<id>" or "group:<id>"), not "${value}"`);
    });
  });
  for (const [name, entry] of Object.entries(rollout.policies ?? {})) {
    if (!seen.has(entry.ring)) {
      fail(`/rollout/policies/${escapePointer(name)}/ring`, `policy "${name}" is on ring "${entry.ring}", which rollout.rings does not define (rings: ${[...seen].join(', ') || 'none'})`);
    }
    if (entry.since !== undefined && Number.isNaN(Date.parse(entry.since))) fail(`/rollout/policies/${escapePointer(name)}/since`, `"${entry.since}" is not a date: write YYYY-MM-DD`);
  }
}

/** A JSON pointer token (RFC 6901). */
export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
