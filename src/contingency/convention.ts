/**
 * Convention mode: contingency sets found by policy name, the way Microsoft's resilient-access
 * guidance names pre-staged policies, e.g.
 *
 *   EM01 - ENABLE IN EMERGENCY: MFA Disruption [1/4] - Exchange SharePoint: Require hybrid join
 *
 * Every policy whose name carries the mark "ENABLE IN EMERGENCY" followed by a disruption tag
 * ("MFA Disruption", the text up to `[n/m]`) belongs to the set named by the tag's slug
 * (`mfa-disruption`); activating the set enables those policies and deactivates nothing. The
 * `[n/m]` says the policy is number n of a set of m: it is how a missing or misnamed policy is
 * noticed before the outage rather than during it. Pure: names in, sets and problems out.
 */
import { displayNameOf, type SourceDocument } from '../model/documents.js';
import { EMERGENCY_NAME_MARK } from '../model/emergency-access.js';
import type { PlanContingencySet } from '../model/plan.js';
import type { Settings } from '../model/settings.js';
import type { TenantSnapshot } from '../model/tenant.js';
import { contingencySets, DEFAULT_DEACTIVATED_STATE, type NamedContingencySet } from './contingency.js';

/** The mark, then an optional `:` or dash, the tag (as short as possible), then `[n/m]`. */
const TAGGED = /\bENABLE IN EMERGENCY\b\s*[:\-–—]?\s*(.*?)\s*\[\s*(\d+)\s*\/\s*(\d+)\s*\]/i;

/** A set's name from a disruption tag: lower case, every run of non-alphanumerics one `-`, trimmed. */
export function conventionSlug(tag: string): string {
  return tag
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

interface Member {
  displayName: string;
  position: number;
  size: number;
}

export interface ConventionSets {
  /** One set per slug, sorted by name; each set's policies in `[n/m]` order. */
  sets: PlanContingencySet[];
  /** What stops a set from being trusted as complete, one sentence each. */
  problems: string[];
}

/**
 * The sets that policy names form by convention. A name with the mark but no tag and `[n/m]` that
 * can be read is a problem (it would silently belong to no set); so is a set whose `[n/m]` parts
 * disagree on its size, repeat a position or leave one out.
 */
export function conventionSets(policyNames: readonly string[]): ConventionSets {
  const { sets, problems } = findConventionSets(policyNames);
  return { sets, problems: problems.map((p) => p.message) };
}

/** A convention problem, with the set it belongs to (none: a name that forms no set). */
export interface ConventionProblem {
  set?: string;
  /** The displayNames of the policies concerned (validate puts the warning on their files). */
  policies: string[];
  message: string;
}

function findConventionSets(policyNames: readonly string[]): { sets: PlanContingencySet[]; problems: ConventionProblem[] } {
  const problems: ConventionProblem[] = [];
  const bySlug = new Map<string, Member[]>();
  for (const displayName of distinct(policyNames)) {
    if (!EMERGENCY_NAME_MARK.test(displayName)) continue;
    const match = TAGGED.exec(displayName);
    const slug = match ? conventionSlug(match[1]!) : '';
    const position = match ? Number(match[2]) : 0;
    const size = match ? Number(match[3]) : 0;
    if (!match || slug === '' || position < 1 || size < 1 || position > size) {
      problems.push({
        policies: [displayName],
        message: `policy "${displayName}" carries "ENABLE IN EMERGENCY" but no disruption tag and [n/m] that can be read (expected e.g. "ENABLE IN EMERGENCY: MFA Disruption [1/4]"): it belongs to no contingency set; rename it, or list it in a set in caac.yml`,
      });
      continue;
    }
    bySlug.set(slug, [...(bySlug.get(slug) ?? []), { displayName, position, size }]);
  }

  const sets: PlanContingencySet[] = [];
  for (const [name, members] of [...bySlug].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    members.sort((a, b) => a.position - b.position || (a.displayName < b.displayName ? -1 : 1));
    problems.push(...completeness(name, members).map((message) => ({ set: name, policies: members.map((m) => m.displayName), message })));
    sets.push({ name, activate: members.map((m) => m.displayName), deactivate: [], deactivatedState: DEFAULT_DEACTIVATED_STATE, source: 'convention' });
  }
  return { sets, problems };
}

function completeness(name: string, members: readonly Member[]): string[] {
  const problems: string[] = [];
  const label = `contingency set "${name}" (by name convention)`;
  const sizes = [...new Set(members.map((m) => m.size))];
  if (sizes.length > 1) {
    problems.push(`${label}: its policies disagree on the set's size (${members.map((m) => `"${m.displayName}" says ${m.position}/${m.size}`).join(', ')}); rename them so that every [n/m] has the same m`);
  }
  const size = Math.max(...sizes);
  for (let position = 1; position <= size; position++) {
    const at = members.filter((m) => m.position === position);
    if (at.length > 1) problems.push(`${label}: position ${position} is claimed by ${at.length} policies (${at.map((m) => `"${m.displayName}"`).join(', ')}); give each its own number`);
  }
  const missing = Array.from({ length: size }, (_, i) => i + 1).filter((position) => !members.some((m) => m.position === position));
  if (missing.length) {
    problems.push(
      `${label} is incomplete: [n/m] says ${size} policies, found ${members.length} (missing ${missing.map((p) => `${p}/${size}`).join(', ')}); create or rename the missing polic${missing.length === 1 ? 'y' : 'ies'}`,
    );
  }
  return problems;
}

/** A contingency set with where it comes from (caac.yml or policy names). */
export type KnownContingencySet = NamedContingencySet & { source: 'settings' | 'convention' };

export interface KnownContingencySets {
  /** caac.yml's sets in the order written, then the convention sets by name. */
  sets: KnownContingencySet[];
  /** The convention problems (those of a set caac.yml overrides are left out). */
  problems: ConventionProblem[];
}

/**
 * Every contingency set: caac.yml's, then those found by name. A caac.yml set wins over a
 * convention set of the same name (and that set's problems are not reported): declaring a set is
 * how a tenant overrides what the names say.
 */
export function allContingencySets(settings: Settings, policyNames: readonly string[]): KnownContingencySets {
  const declared: KnownContingencySet[] = contingencySets(settings).map((set) => ({ ...set, source: 'settings' as const }));
  const names = new Set(declared.map((s) => s.name));
  const convention = findConventionSets(policyNames);
  return {
    sets: [...declared, ...convention.sets.filter((s) => !names.has(s.name))],
    problems: convention.problems.filter((p) => p.set === undefined || !names.has(p.set)),
  };
}

/**
 * The policy names convention mode reads: the repository's policy files and the tenant's policies
 * (a set may be pre-staged in either before the other catches up).
 */
export function contingencyPolicyNames(documents: readonly Pick<SourceDocument, 'kind' | 'value'>[], snapshot?: TenantSnapshot): string[] {
  const names = documents.filter((d) => d.kind === 'policy').map((d) => displayNameOf(d));
  const tenant = (snapshot?.policies ?? []).map((p) => p['displayName']);
  return distinct([...names, ...tenant].filter((n): n is string => typeof n === 'string'));
}

/** Names once each, compared case-insensitively (as Graph and caac compare displayNames), first spelling kept. */
function distinct(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((n) => {
    const key = n.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
