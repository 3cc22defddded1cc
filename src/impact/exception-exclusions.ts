/**
 * Who caac.yml's exceptions leave out, as the impact engine sees it: one person, group or role per
 * policy, in the terms the policies hold (ids in a plan, references offline). A sign-in "comes
 * from an exception" when its identity is the one left out and that policy applies to it on one
 * side and not on the other; a value the policy file excludes itself (permanently) is never one of
 * these, since an exception adds only what the file does not already exclude. Pure.
 */
import { endOf, excludedRefs, isActive, policyMatcher } from '../exceptions/exception-entry.js';
import type { JsonObject } from '../model/documents.js';
import type { ExceptionEntry } from '../model/settings.js';
import type { PlanImpactException } from '../model/plan.js';
import type { Evaluation } from './evaluation.js';
import type { SignIn } from './sign-in.js';
import { objectAt, sameRef, stringsAt } from './values.js';

export interface ExceptionExclusion {
  /** The policy's displayName. */
  policy: string;
  kind: 'user' | 'group' | 'role';
  /** The id or reference, as the policy's exclusion list holds it. */
  value: string;
  until: string;
  reason: string;
  /** The exception has ended (the plan removes the exclusion). */
  ended?: boolean;
}

const LIST: Record<ExceptionExclusion['kind'], string> = { user: 'excludeUsers', group: 'excludeGroups', role: 'excludeRoles' };

/** The exclusions whose person, group or role is this sign-in's identity. */
export function exclusionsOf(signIn: SignIn, exclusions: readonly ExceptionExclusion[]): ExceptionExclusion[] {
  const who = signIn.identity;
  if (who.kind !== 'user') return [];
  return exclusions.filter((x) => (x.kind === 'user' ? sameRef(x.value, who.user) : (x.kind === 'group' ? who.groups : who.roles).some((v) => sameRef(v, x.value))));
}

/** Those of the sign-in's exclusions whose policy applies on exactly one side (the exception made the difference). */
export function decisiveExclusions(signIn: SignIn, exclusions: readonly ExceptionExclusion[], before: Evaluation, after: Evaluation): ExceptionExclusion[] {
  return exclusionsOf(signIn, exclusions).filter((x) => before.applied.includes(x.policy) !== after.applied.includes(x.policy));
}

/** For the plan file and the reports: who (labelled), the policy, until, why. */
export function impactExceptions(exclusions: readonly ExceptionExclusion[], label: (id: string) => string): PlanImpactException[] {
  const seen = new Set<string>();
  const out: PlanImpactException[] = [];
  for (const x of exclusions) {
    const e: PlanImpactException = { who: label(x.value), policy: x.policy, until: x.until, reason: x.reason, ...(x.ended ? { ended: true } : {}) };
    const key = JSON.stringify(e);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out.sort((a, b) => a.who.localeCompare(b.who) || a.policy.localeCompare(b.policy));
}

/**
 * The policies as their files (and the break-glass guard) write them: each active exclusion taken
 * back out of its policy's list. Only values an exception added are listed, so nothing the file
 * excludes itself is removed.
 */
export function withoutExceptions(policies: readonly JsonObject[], exclusions: readonly ExceptionExclusion[]): JsonObject[] {
  const active = exclusions.filter((x) => !x.ended);
  if (active.length === 0) return [...policies];
  return policies.map((p) => {
    const mine = active.filter((x) => x.policy === p['displayName']);
    if (mine.length === 0) return p;
    const conditions = objectAt(p['conditions']) ?? {};
    const users = { ...(objectAt(conditions['users']) ?? {}) };
    for (const x of mine) users[LIST[x.kind]] = stringsAt(users[LIST[x.kind]]).filter((v) => !sameRef(v, x.value));
    return { ...p, conditions: { ...conditions, users } };
  });
}

/**
 * A group of new blocks that comes only from exceptions ending: the policy file's own rule returns
 * on the date the reviewed exception set. Apply accepts it without --accept-impact (so the daily
 * expiry runs unattended); a block of an emergency account is refused all the same.
 */
export function onlyEndedExceptions(group: { exceptions?: readonly PlanImpactException[] | undefined }): boolean {
  return (group.exceptions?.length ?? 0) > 0 && group.exceptions!.every((e) => e.ended === true);
}

/** New blocks apply refuses without --accept-impact: those not from an exception ending. */
export function refusableBlocks(groups: ReadonlyArray<{ change: string; signIns: number; exceptions?: readonly PlanImpactException[] | undefined }>): number {
  return groups.filter((g) => g.change === 'blocked' && !onlyEndedExceptions(g)).reduce((n, g) => n + g.signIns, 0);
}

/**
 * caac.yml's exceptions laid over the repository's policies as their files write them (offline:
 * references, compared as strings, as plan compares ids): each exception active at `now` adds to
 * the policies it names the references their files do not already exclude, after the files' own,
 * as plan does. An entry whose `until` does not parse is left to validate, which refuses it.
 */
export function withExceptions(policies: readonly JsonObject[], entries: readonly ExceptionEntry[], now: Date): { policies: JsonObject[]; exclusions: ExceptionExclusion[] } {
  const exclusions: ExceptionExclusion[] = [];
  const out = policies.map((p) => ({ ...p }));
  for (const entry of activeEntries(entries, now)) {
    const matches = policyMatcher(entry.policy);
    const refs = excludedRefs(entry);
    out.forEach((p, i) => {
      const name = typeof p['displayName'] === 'string' ? p['displayName'] : undefined;
      if (!matches(name)) return;
      const conditions = { ...(objectAt(p['conditions']) ?? {}) };
      const users = { ...(objectAt(conditions['users']) ?? {}) };
      for (const kind of ['user', 'group', 'role'] as const) {
        const list = stringsAt(users[LIST[kind]]);
        const added = refs[`${kind}s`].filter((r, k, all) => !list.some((v) => sameRef(v, r)) && all.findIndex((o) => sameRef(o, r)) === k);
        if (added.length === 0) continue;
        users[LIST[kind]] = [...list, ...added];
        added.forEach((value) => exclusions.push({ policy: name!, kind, value, until: entry.until.trim(), reason: entry.reason?.trim() ?? '' }));
      }
      out[i] = { ...p, conditions: { ...conditions, users } };
    });
  }
  return { policies: out, exclusions };
}

/** caac.yml's entries active at `now`, with their references by list. */
export function activeEntries(entries: readonly ExceptionEntry[], now: Date): ExceptionEntry[] {
  return entries.filter((e) => {
    const end = endOf(e.until);
    return end !== undefined && isActive(end, now);
  });
}

/**
 * The same exclusions found in the tenant's policies as deployed (ids): an active entry's person,
 * resolved to its id by `idOf`, in the exclusion list of a policy the entry names, unless the
 * repository's file of that policy (by displayName) excludes them itself (by reference or id): then
 * the exclusion is the file's own, permanent.
 */
export function deployedExclusions(
  tenantPolicies: readonly JsonObject[],
  entries: readonly ExceptionEntry[],
  now: Date,
  idOf: (kind: ExceptionExclusion['kind'], ref: string) => string | undefined,
  filePolicies: readonly JsonObject[],
): ExceptionExclusion[] {
  const out: ExceptionExclusion[] = [];
  for (const entry of activeEntries(entries, now)) {
    const matches = policyMatcher(entry.policy);
    const refs = excludedRefs(entry);
    for (const p of tenantPolicies) {
      const name = typeof p['displayName'] === 'string' ? p['displayName'] : undefined;
      if (!matches(name)) continue;
      const deployed = objectAt(objectAt(p['conditions'])?.['users']);
      const file = filePolicies.find((f) => typeof f['displayName'] === 'string' && sameRef(f['displayName'], name!));
      const own = objectAt(objectAt(file?.['conditions'])?.['users']);
      for (const kind of ['user', 'group', 'role'] as const) {
        for (const ref of refs[`${kind}s`]) {
          const id = idOf(kind, ref);
          const value = id === undefined ? undefined : stringsAt(deployed?.[LIST[kind]]).find((v) => sameRef(v, id));
          if (value === undefined || stringsAt(own?.[LIST[kind]]).some((v) => sameRef(v, ref) || sameRef(v, id!))) continue;
          if (out.some((x) => x.policy === name && sameRef(x.value, value))) continue;
          out.push({ policy: name!, kind, value, until: entry.until.trim(), reason: entry.reason?.trim() ?? '' });
        }
      }
    }
  }
  return out;
}
