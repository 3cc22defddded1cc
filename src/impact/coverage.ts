/**
 * Coverage of one set of policies (a repository's or a tenant's), from the sign-in matrix: the
 * sign-ins that get in without MFA or an authentication strength, those that get in with no control
 * at all, guests and workload identities no policy applies to, policies that can never apply, and
 * groups whose exclusions leave them outside every MFA policy. Emergency accounts are meant to be
 * outside the policies: their sign-ins are counted apart, not reported as gaps. People caac.yml's
 * exceptions leave out are reported apart too, with the exception's end and reason. Pure.
 */
import type { JsonObject } from '../model/documents.js';
import { locationViews } from './context.js';
import { evaluate } from './evaluate.js';
import type { Evaluation } from './evaluation.js';
import { describeSignIn, signInMatrix, type MatrixSignIn } from './matrix.js';
import { commaListAt, objectAt, stringsAt } from './values.js';
import type { Disagreement } from './disagreements.js';
import type { RequestTally } from '../model/tenant.js';
import { exclusionsOf, withoutExceptions, type ExceptionExclusion } from './exception-exclusions.js';

export interface CoverageGroup {
  who: string;
  signIns: number;
  example: string;
}

export interface CoverageReport {
  /** Sign-ins of the matrix evaluated. */
  signIns: number;
  /** Of them, sign-ins of emergency-access accounts (left out of the gaps). */
  emergencySignIns: number;
  /** Allowed with neither MFA nor an authentication strength required, by who. */
  withoutMfa: CoverageGroup[];
  /** Allowed with no grant control and no session control at all, by who. */
  withoutControl: CoverageGroup[];
  /** Guest types and workload identities that no enabled policy applies to in any sign-in. */
  guestsWithoutPolicy: string[];
  workloadsWithoutPolicy: string[];
  /** Enabled or report-only policies that can never apply, and why. */
  neverApply: Array<{ policy: string; reason: string }>;
  /** Groups excluded from policies that are then outside every MFA policy, and the policies excluding them. */
  exclusionGaps: Array<{ group: string; excludedBy: string[] }>;
  /**
   * Who caac.yml's exceptions leave out, apart from the files' own (permanent) exclusions and the
   * break-glass guard's: each exception's person or group on each policy, the sign-ins that policy
   * would reach without it, and what they miss. Their sign-ins are not counted in withoutMfa or
   * withoutControl when only the exception puts them there. Absent when no exception is active.
   */
  excludedByException?: ExceptionGap[];
}

export interface ExceptionGap {
  who: string;
  policy: string;
  until: string;
  reason: string;
  /** What the policy does that they are outside of: `MFA`, `block` or `requirements` (any other control). */
  outside: string;
  signIns: number;
  example: string;
}

/** The policies, named locations, emergency accounts and labels of a repository or a tenant. */
export interface PolicySet {
  source: 'repository' | 'tenant';
  policies: JsonObject[];
  namedLocations: JsonObject[];
  emergency: { users: string[]; groups: string[] };
  labels: Record<string, string>;
  requests?: RequestTally;
  /** Who caac.yml's active exceptions add to the policies' exclusions (already laid over `policies`). */
  exceptions?: ExceptionExclusion[];
}

export interface LiveCheck {
  /** Matrix sign-ins Graph judged: an ordinary member (as --live-user) and workload identities by id, on an appId, user action or context. */
  checked: number;
  skipped: number;
  disagreements: Array<{ signIn: string } & Disagreement>;
}

export interface CoverageResult {
  set: PolicySet;
  report: CoverageReport;
  live?: LiveCheck;
}

export interface CoverageInput {
  policies: readonly JsonObject[];
  namedLocations: readonly JsonObject[];
  emergency: { users: readonly string[]; groups: readonly string[] };
  label?: (id: string) => string;
  /** Active exceptions' exclusions, already in `policies`: reported apart from the files' own. */
  exceptions?: readonly ExceptionExclusion[];
}

const STRONG = (c: string): boolean => c.toLowerCase() === 'mfa' || c.startsWith('authenticationStrength:');

/** MFA or an authentication strength is required whichever choice the sign-in makes. */
export function requiresMfa(e: Evaluation): boolean {
  return (e.grant?.policies ?? []).some((r) => {
    const options = [...r.controls, ...(r.authenticationStrength ? [`authenticationStrength:${r.authenticationStrength}`] : [])];
    return r.operator === 'AND' ? options.some(STRONG) : options.length > 0 && options.every(STRONG);
  });
}

const noControl = (e: Evaluation): boolean => e.outcome === 'allow' && Object.keys(e.session).length === 0;

function byWho(signs: readonly MatrixSignIn[]): CoverageGroup[] {
  const groups = new Map<string, CoverageGroup>();
  for (const s of signs) {
    const g = groups.get(s.who) ?? { who: s.who, signIns: 0, example: describeSignIn(s) };
    g.signIns += 1;
    groups.set(s.who, g);
  }
  return [...groups.values()].sort((a, b) => b.signIns - a.signIns || a.who.localeCompare(b.who));
}

/** Why a policy can never apply, read from the policy alone; undefined when nothing says so. */
function staticNeverReason(policy: JsonObject): string | undefined {
  const c = objectAt(policy['conditions']) ?? {};
  const users = objectAt(c['users']);
  const workloads = stringsAt(objectAt(c['clientApplications'])?.['includeServicePrincipals']);
  const includesPeople = stringsAt(users?.['includeUsers']).some((u) => u.toLowerCase() !== 'none') || stringsAt(users?.['includeGroups']).length + stringsAt(users?.['includeRoles']).length > 0 || commaListAt(objectAt(users?.['includeGuestsOrExternalUsers'])?.['guestOrExternalUserTypes']).length > 0;
  if (!includesPeople && workloads.length === 0) return 'it includes no user, group, role, guest or workload identity';
  if (stringsAt(users?.['excludeUsers']).some((u) => u.toLowerCase() === 'all')) return 'it excludes all users';
  const apps = objectAt(c['applications']);
  const targets = stringsAt(apps?.['includeApplications']).filter((a) => a.toLowerCase() !== 'none').length + stringsAt(apps?.['includeUserActions']).length + stringsAt(apps?.['includeAuthenticationContextClassReferences']).length;
  if (targets === 0) return 'it includes no application, user action or authentication context';
  if (stringsAt(apps?.['excludeApplications']).some((a) => a.toLowerCase() === 'all')) return 'it excludes all applications';
  const platforms = objectAt(c['platforms']);
  const included = stringsAt(platforms?.['includePlatforms']).map((p) => p.toLowerCase());
  const excluded = new Set(stringsAt(platforms?.['excludePlatforms']).map((p) => p.toLowerCase()));
  if (included.length > 0 && (excluded.has('all') || (!included.includes('all') && included.every((p) => excluded.has(p))))) return 'every platform it includes is excluded';
  const locations = objectAt(c['locations']);
  const inLoc = stringsAt(locations?.['includeLocations']).map((l) => l.toLowerCase());
  const exLoc = new Set(stringsAt(locations?.['excludeLocations']).map((l) => l.toLowerCase()));
  if (inLoc.length > 0 && (exLoc.has('all') || inLoc.every((l) => exLoc.has(l)))) return 'every location it includes is excluded';
  return undefined;
}

function exclusionGaps(input: CoverageInput & { permanent: readonly JsonObject[] }, results: ReadonlyArray<{ sign: MatrixSignIn; e: Evaluation }>, label: (id: string) => string): CoverageReport['exclusionGaps'] {
  const emergency = new Set(input.emergency.groups.map((g) => g.toLowerCase()));
  const excludedBy = new Map<string, string[]>();
  // The files' own exclusions only: a group only an exception leaves out is reported with it.
  for (const p of input.permanent) {
    if (p['state'] === 'disabled') continue;
    for (const g of stringsAt(objectAt(objectAt(p['conditions'])?.['users'])?.['excludeGroups'])) {
      if (emergency.has(g.toLowerCase())) continue;
      excludedBy.set(g, [...(excludedBy.get(g) ?? []), String(p['displayName'])]);
    }
  }
  const gaps: CoverageReport['exclusionGaps'] = [];
  for (const [group, policies] of excludedBy) {
    const who = `member of ${label(group)}`;
    const theirs = results.filter((r) => r.sign.who === who || r.sign.who.startsWith(`${who} (or `));
    if (theirs.length > 0 && !theirs.some((r) => r.e.outcome === 'block' || requiresMfa(r.e))) gaps.push({ group: label(group), excludedBy: policies });
  }
  return gaps;
}

/** What a policy does that someone left out of it misses. */
function outsideOf(policy: JsonObject | undefined): string {
  const grant = objectAt(policy?.['grantControls']);
  const controls = stringsAt(grant?.['builtInControls']).map((c) => c.toLowerCase());
  if (controls.includes('block')) return 'block';
  if (controls.includes('mfa') || objectAt(grant?.['authenticationStrength'])) return 'MFA';
  return 'requirements';
}

type Judged = { sign: MatrixSignIn; e: Evaluation; permanent?: Evaluation };

/** Each exception's person or group on each policy, with the sign-ins that policy would reach without it. */
function exceptionGaps(results: readonly Judged[], input: CoverageInput, label: (id: string) => string): ExceptionGap[] {
  const gaps = new Map<string, ExceptionGap>();
  for (const r of results) {
    if (!r.permanent) continue;
    for (const x of exclusionsOf(r.sign.signIn, input.exceptions ?? [])) {
      if (!r.permanent.applied.includes(x.policy) || r.e.applied.includes(x.policy)) continue;
      const key = JSON.stringify([x.value.toLowerCase(), x.policy, x.until, x.reason]);
      const policy = input.policies.find((p) => p['displayName'] === x.policy);
      const gap = gaps.get(key) ?? { who: label(x.value), policy: x.policy, until: x.until, reason: x.reason, outside: outsideOf(policy), signIns: 0, example: describeSignIn(r.sign) };
      gap.signIns += 1;
      gaps.set(key, gap);
    }
  }
  return [...gaps.values()].sort((a, b) => a.until.localeCompare(b.until) || a.who.localeCompare(b.who) || a.policy.localeCompare(b.policy));
}

export function coverage(input: CoverageInput): CoverageReport {
  const label = input.label ?? ((id: string) => id);
  const exceptions = input.exceptions ?? [];
  const matrix = signInMatrix({ policies: input.policies, emergency: input.emergency, label, everyKind: true, separate: exceptions.map((x) => x.value) });
  const context = { namedLocations: locationViews(input.namedLocations) };
  const permanent = withoutExceptions(input.policies, exceptions);
  // The people an exception leaves out are judged twice: with it, and as the files alone would judge them.
  const results: Judged[] = matrix.map((sign) => {
    const e = evaluate(input.policies, sign.signIn, context);
    return exclusionsOf(sign.signIn, exceptions).length > 0 ? { sign, e, permanent: evaluate(permanent, sign.signIn, context) } : { sign, e };
  });
  const ordinary = results.filter((r) => !r.sign.emergency);
  const applied = new Set(results.flatMap((r) => [...r.e.applied, ...r.e.reportOnly]));
  const uncovered = (prefix: string): string[] => [...new Set(ordinary.filter((r) => r.sign.who.startsWith(prefix)).map((r) => r.sign.who))].filter((who) => ordinary.every((r) => r.sign.who !== who || r.e.applied.length === 0));
  const neverApply = input.policies.flatMap((p, i) => {
    if (p['state'] === 'disabled') return [];
    const name = typeof p['displayName'] === 'string' ? p['displayName'] : `policy #${i + 1}`;
    const reason = staticNeverReason(p) ?? (applied.has(name) ? undefined : 'it applies to no sign-in of the matrix (its conditions may contradict each other)');
    return reason === undefined ? [] : [{ policy: name, reason }];
  });
  // A gap that only an exception opens is the exception's, reported with it: not a permanent one.
  const withoutMfa = (e: Evaluation): boolean => e.outcome !== 'block' && !requiresMfa(e);
  const permanentGap = (r: Judged, gap: (e: Evaluation) => boolean): boolean => gap(r.e) && (r.permanent === undefined || gap(r.permanent));
  const byException = exceptionGaps(ordinary, input, label);
  return {
    signIns: matrix.length,
    emergencySignIns: matrix.length - ordinary.length,
    withoutMfa: byWho(ordinary.filter((r) => permanentGap(r, withoutMfa)).map((r) => r.sign)),
    withoutControl: byWho(ordinary.filter((r) => permanentGap(r, noControl)).map((r) => r.sign)),
    guestsWithoutPolicy: uncovered('guest ('),
    workloadsWithoutPolicy: uncovered('workload identity').concat(uncovered('a workload identity')),
    neverApply,
    exclusionGaps: exclusionGaps({ ...input, permanent }, ordinary, label),
    ...(exceptions.length > 0 ? { excludedByException: byException } : {}),
  };
}
