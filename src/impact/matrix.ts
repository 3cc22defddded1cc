/**
 * The sign-in matrix: from a set of policies (both sides of a plan, or one side for coverage), the
 * sign-ins that can tell them apart. Who: each emergency account, a member of each group, a holder
 * of each role, a guest of each type, each workload identity the policies name, and an ordinary
 * member. What: each application, app group (one member of it), user action and authentication
 * context they name, plus an application none names. Values that appear in exactly the same places
 * are one class (one persona stands for all of them). Everyone is tried on an application no policy
 * names, and the emergency accounts and an ordinary member on every target, under a base of
 * conditions (Windows, a browser, an untrusted network in no named location, no risk); then,
 * policy by policy, the people and targets that policy names are tried with one condition changed
 * at a time: each platform, client app type, named location, trusted network, risk level, insider
 * risk and authentication flow it uses. So the matrix grows with what the policies write together,
 * not with the product of everything all of them name (a 195-policy tenant stays interactive).
 * Whoever caac.yml's exceptions leave out is a persona of its own (`separate`). Pure.
 */
import type { JsonObject } from '../model/documents.js';
import { MFA_TRUSTED_IPS_LOCATION_ID } from '../model/references.js';
import { APP_GROUPS } from './app-groups.js';
import type { SignIn, SignInIdentity, SignInTarget } from './sign-in.js';
import { commaListAt, objectAt, stringsAt } from './values.js';

export interface MatrixSignIn {
  /** Who signs in, for a reader: `member of group:Finance`, `emergency account user:bg1@…`. */
  who: string;
  /** What for: `app:SharePoint`, `user action urn:user:registersecurityinfo`. */
  what: string;
  /** The conditions that differ from the base, or `base conditions`. */
  conditions: string;
  /** An emergency-access account (or a member of an emergency-access group). */
  emergency: boolean;
  signIn: SignIn;
}

export interface MatrixInput {
  /** Every policy whose assignments and conditions should be told apart (both sides of a plan). */
  policies: readonly JsonObject[];
  /** Emergency-access accounts and groups (ids or references, as the policies write them). */
  emergency: { users: readonly string[]; groups: readonly string[] };
  /** id → `group:Finance` for display; ids without a label are shown as they are. */
  label?: (id: string) => string;
  /** Also a guest and a workload identity when no policy names one (coverage asks who is left out). */
  everyKind?: boolean;
  /** Every person on every target under the base conditions too (the docs grid), up to 20,000 pairs. */
  everyPair?: boolean;  /**
   * People and groups left out by caac.yml's exceptions (ids or references, as the policies hold
   * them): each is its own persona, never merged with alike values, so that what an exception does
   * is seen, and counted, apart from the files' own exclusions.
   */
  separate?: readonly string[];
}

const USER_KEYWORDS = new Set(['all', 'none', 'guestsorexternalusers']);
const APP_KEYWORDS = new Set(['all', 'none', 'office365', 'microsoftadminportals']);
const LOCATION_KEYWORDS = new Set(['all', 'alltrusted', MFA_TRUSTED_IPS_LOCATION_ID]);
const KEYWORDS = new Set([...USER_KEYWORDS, ...APP_KEYWORDS, ...LOCATION_KEYWORDS, 'serviceprincipalsinmytenant']);
/** Stands for every application no policy names (never an appId a policy could hold). */
export const UNNAMED_APPLICATION = 'app:(an application no policy names)';

/** Values that one path of the policies holds, in first-seen order, without duplicates (case-insensitive). */
class Seen {
  private readonly keys = new Set<string>();
  readonly values: string[] = [];
  constructor(
    private readonly kind?: Kind,
    private readonly alike?: Alike,
  ) {}
  add(raw: string): void {
    const value = this.kind === undefined ? raw : (this.alike?.representative.get(`${this.kind}\u0000${raw.toLowerCase()}`) ?? raw);
    const key = value.toLowerCase();
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.values.push(value);
  }
}

type Kind = 'users' | 'groups' | 'roles' | 'apps' | 'locations' | 'workloads';

/** Where each value appears (policy and slot): values that appear in exactly the same places are alike. */
interface Alike {
  /** The value that stands for a value's class (lower-cased key). */
  representative: Map<string, string>;
  /** How many values each representative stands for. */
  size: Map<string, number>;
}

const SLOTS: Array<[Kind, (c: JsonObject) => Array<[string, string[]]>]> = [
  ['users', (c) => ['include', 'exclude'].map((s) => [`${s}Users`, stringsAt(objectAt(c['users'])?.[`${s}Users`])])],
  ['groups', (c) => ['include', 'exclude'].map((s) => [`${s}Groups`, stringsAt(objectAt(c['users'])?.[`${s}Groups`])])],
  ['roles', (c) => ['include', 'exclude'].map((s) => [`${s}Roles`, stringsAt(objectAt(c['users'])?.[`${s}Roles`])])],
  ['apps', (c) => ['include', 'exclude'].map((s) => [`${s}Applications`, stringsAt(objectAt(c['applications'])?.[`${s}Applications`])])],
  ['locations', (c) => ['include', 'exclude'].map((s) => [`${s}Locations`, stringsAt(objectAt(c['locations'])?.[`${s}Locations`])])],
  ['workloads', (c) => ['include', 'exclude'].map((s) => [`${s}ServicePrincipals`, stringsAt(objectAt(c['clientApplications'])?.[`${s}ServicePrincipals`])])],
];

/**
 * Classes of alike values: a hundred groups that only one policy names, all in the same list, are
 * one persona for the matrix ("member of group:A, or 99 alike"); no policy can tell them apart.
 * Emergency-access accounts are never merged with others.
 */
function alikeClasses(policies: readonly JsonObject[], emergency: ReadonlySet<string>, separate: ReadonlySet<string> = new Set()): Alike {
  const places = new Map<string, string[]>();
  const first = new Map<string, string>();
  policies.forEach((p, i) => {
    const c = objectAt(p['conditions']) ?? {};
    for (const [kind, slots] of SLOTS) {
      for (const [slot, values] of slots(c)) {
        for (const v of values) {
          if (KEYWORDS.has(v.toLowerCase())) continue;
          const key = `${kind}\u0000${v.toLowerCase()}`;
          if (!first.has(key)) first.set(key, v);
          places.set(key, [...(places.get(key) ?? []), `${i}:${slot}`]);
        }
      }
    }
  });
  const bySignature = new Map<string, string>();
  const representative = new Map<string, string>();
  const size = new Map<string, number>();
  for (const [key, where] of places) {
    const value = first.get(key)!;
    const own = emergency.has(value.toLowerCase()) ? 'emergency' : separate.has(value.toLowerCase()) ? 'exception' : undefined;
    const signature = `${key.split('\u0000')[0]}|${own ? `${own}:${value.toLowerCase()}` : where.join(',')}`;
    const rep = bySignature.get(signature) ?? value;
    bySignature.set(signature, rep);
    representative.set(key, rep);
    size.set(rep.toLowerCase(), (size.get(rep.toLowerCase()) ?? 0) + 1);
  }
  return { representative, size };
}

interface Named {
  users: Seen; groups: Seen; roles: Seen; guestTypes: Seen; workloads: Seen; tenantWorkloads: boolean;
  apps: Seen; userActions: Seen; authContexts: Seen;
  platforms: Seen; clientApps: Seen; locations: Seen; trusted: boolean; mfaTrustedIps: boolean;
  signInRisk: Seen; userRisk: Seen; servicePrincipalRisk: Seen; insiderRisk: Seen; flows: Seen;
}

function collectUsers(users: JsonObject | undefined, n: Named): void {
  for (const side of ['include', 'exclude']) {
    for (const u of stringsAt(users?.[`${side}Users`])) {
      if (u.toLowerCase() === 'guestsorexternalusers') n.guestTypes.add('b2bCollaborationGuest');
      else if (!USER_KEYWORDS.has(u.toLowerCase())) n.users.add(u);
    }
    stringsAt(users?.[`${side}Groups`]).forEach((g) => n.groups.add(g));
    stringsAt(users?.[`${side}Roles`]).forEach((r) => n.roles.add(r));
    commaListAt(objectAt(users?.[`${side}GuestsOrExternalUsers`])?.['guestOrExternalUserTypes']).filter((t) => t !== 'none').forEach((t) => n.guestTypes.add(t));
  }
}

function collectTargets(apps: JsonObject | undefined, n: Named): void {
  for (const a of [...stringsAt(apps?.['includeApplications']), ...stringsAt(apps?.['excludeApplications'])]) {
    const key = a.toLowerCase();
    if (key === 'office365' || key === 'microsoftadminportals') {
      const member = APP_GROUPS[key === 'office365' ? 'Office365' : 'MicrosoftAdminPortals'][0];
      if (member?.appId !== undefined) n.apps.add(member.appId);
    } else if (!APP_KEYWORDS.has(key)) n.apps.add(a);
  }
  stringsAt(apps?.['includeUserActions']).forEach((a) => n.userActions.add(a));
  stringsAt(apps?.['includeAuthenticationContextClassReferences']).forEach((c) => n.authContexts.add(c));
}

function collectConditions(c: JsonObject, n: Named): void {
  const platforms = objectAt(c['platforms']);
  [...stringsAt(platforms?.['includePlatforms']), ...stringsAt(platforms?.['excludePlatforms'])].filter((p) => p.toLowerCase() !== 'all').forEach((p) => n.platforms.add(p));
  stringsAt(c['clientAppTypes']).filter((t) => t.toLowerCase() !== 'all').forEach((t) => n.clientApps.add(t.toLowerCase() === 'eassupported' ? 'exchangeActiveSync' : t));
  const locations = objectAt(c['locations']);
  for (const l of [...stringsAt(locations?.['includeLocations']), ...stringsAt(locations?.['excludeLocations'])]) {
    if (l.toLowerCase() === 'alltrusted') n.trusted = true;
    else if (l === MFA_TRUSTED_IPS_LOCATION_ID) n.mfaTrustedIps = true;
    else if (!LOCATION_KEYWORDS.has(l.toLowerCase())) n.locations.add(l);
  }
  stringsAt(c['signInRiskLevels']).forEach((r) => n.signInRisk.add(r));
  stringsAt(c['userRiskLevels']).forEach((r) => n.userRisk.add(r));
  stringsAt(c['servicePrincipalRiskLevels']).forEach((r) => n.servicePrincipalRisk.add(r));
  commaListAt(c['insiderRiskLevels']).forEach((r) => n.insiderRisk.add(r));
  commaListAt(objectAt(c['authenticationFlows'])?.['transferMethods']).filter((f) => f !== 'none').forEach((f) => n.flows.add(f));
  const clients = objectAt(c['clientApplications']);
  for (const sp of [...stringsAt(clients?.['includeServicePrincipals']), ...stringsAt(clients?.['excludeServicePrincipals'])]) {
    if (sp.toLowerCase() === 'serviceprincipalsinmytenant') n.tenantWorkloads = true;
    else n.workloads.add(sp);
  }
}

function emptyNamed(alike?: Alike): Named {
  const s = (kind?: Kind): Seen => new Seen(kind, alike);
  return {
    users: s('users'), groups: s('groups'), roles: s('roles'), guestTypes: s(), workloads: s('workloads'), tenantWorkloads: false, apps: s('apps'), userActions: s(), authContexts: s(),
    platforms: s(), clientApps: s(), locations: s('locations'), trusted: false, mfaTrustedIps: false, signInRisk: s(), userRisk: s(), servicePrincipalRisk: s(), insiderRisk: s(), flows: s(),
  };
}

function collect(policies: readonly JsonObject[], alike?: Alike): Named {
  const n = emptyNamed(alike);
  for (const p of policies) {
    const c = objectAt(p['conditions']) ?? {};
    collectUsers(objectAt(c['users']), n);
    collectTargets(objectAt(c['applications']), n);
    collectConditions(c, n);
  }
  return n;
}

interface Persona {
  who: string;
  emergency: boolean;
  identity: SignInIdentity;
}

const member = (user: string, groups: string[] = [], roles: string[] = []): SignInIdentity => ({ kind: 'user', user, groups, roles });

function personas(n: Named, input: MatrixInput, label: (id: string) => string): Persona[] {
  const out: Persona[] = [];
  const emergencyUsers = new Set(input.emergency.users.map((u) => u.toLowerCase()));
  const emergencyGroups = new Set(input.emergency.groups.map((g) => g.toLowerCase()));
  input.emergency.users.forEach((u) => out.push({ who: `emergency account ${label(u)}`, emergency: true, identity: member(u) }));
  input.emergency.groups.forEach((g) => out.push({ who: `emergency account in ${label(g)}`, emergency: true, identity: member(`(a member of ${g})`, [g]) }));
  n.users.values.filter((u) => !emergencyUsers.has(u.toLowerCase())).forEach((u) => out.push({ who: label(u), emergency: false, identity: member(u) }));
  n.groups.values.filter((g) => !emergencyGroups.has(g.toLowerCase())).forEach((g) => out.push({ who: `member of ${label(g)}`, emergency: false, identity: member(`(a member of ${g})`, [g]) }));
  n.roles.values.forEach((r) => out.push({ who: `holder of ${label(r)}`, emergency: false, identity: member(`(a holder of ${r})`, [], [r]) }));
  n.guestTypes.values.forEach((t) => out.push({ who: `guest (${t})`, emergency: false, identity: { kind: 'user', user: `(a guest, ${t})`, groups: [], roles: [], guestType: t as never } }));
  n.workloads.values.forEach((w) => out.push({ who: `workload identity ${label(w)}`, emergency: false, identity: { kind: 'workload', servicePrincipal: w } }));
  if (n.tenantWorkloads) out.push({ who: 'a workload identity of the tenant', emergency: false, identity: { kind: 'workload', servicePrincipal: '(a service principal of the tenant)' } });
  out.push({ who: 'an ordinary member', emergency: false, identity: member('(an ordinary member)') });
  return out;
}

function targets(n: Named, label: (id: string) => string): Array<{ what: string; target: SignInTarget }> {
  return [
    ...n.apps.values.map((a) => ({ what: label(a), target: { kind: 'application', application: a } as SignInTarget })),
    { what: 'an application no policy names', target: { kind: 'application', application: UNNAMED_APPLICATION } },
    ...n.userActions.values.map((a) => ({ what: `user action ${a}`, target: { kind: 'userAction', userAction: a } as SignInTarget })),
    ...n.authContexts.values.map((c) => ({ what: `authentication context ${c}`, target: { kind: 'authContext', authContext: c } as SignInTarget })),
  ];
}

type Variation = { conditions: string; apply: (s: SignIn) => SignIn };

/** The base, then one condition changed at a time. */
function variations(n: Named, label: (id: string) => string): Variation[] {
  const out: Variation[] = [{ conditions: 'base conditions', apply: (s) => s }];
  const add = (conditions: string, change: Partial<SignIn>): void => {
    out.push({ conditions, apply: (s) => ({ ...s, ...change }) });
  };
  n.platforms.values.filter((p) => p !== 'windows').forEach((p) => add(`on ${p}`, { platform: p as never }));
  n.clientApps.values.filter((c) => c !== 'browser').forEach((c) => add(`with ${c}`, { clientAppType: c as never }));
  n.locations.values.forEach((l) => add(`from ${label(l)}`, { location: { namedLocations: [l] } }));
  if (n.trusted) add('from a trusted network', { location: { trusted: true } });
  if (n.mfaTrustedIps) add('from the MFA trusted IPs', { location: { mfaTrustedIps: true } });
  const risk = (name: string, key: 'signIn' | 'user' | 'servicePrincipal' | 'insider', values: string[]): void =>
    values.filter((r) => r !== 'none').forEach((r) => add(`${name} ${r}`, { risks: { signIn: 'none', user: 'none', servicePrincipal: 'none', [key]: r } as never }));
  risk('sign-in risk', 'signIn', n.signInRisk.values);
  risk('user risk', 'user', n.userRisk.values);
  risk('service principal risk', 'servicePrincipal', n.servicePrincipalRisk.values);
  risk('insider risk', 'insider', n.insiderRisk.values);
  n.flows.values.forEach((f) => add(`through ${f}`, { authenticationFlow: f as never }));
  return out;
}

const BASE: Omit<SignIn, 'identity' | 'target'> = {
  platform: 'windows',
  clientAppType: 'browser',
  location: { trusted: false },
  risks: { signIn: 'none', user: 'none', servicePrincipal: 'none' },
};

/** Every sign-in of the matrix for these policies, each once. */
export function signInMatrix(input: MatrixInput): MatrixSignIn[] {
  const label = input.label ?? ((id: string) => id);
  const out: MatrixSignIn[] = [];
  const seen = new Set<string>();
  const add = (ps: readonly Persona[], ts: ReturnType<typeof targets>, vs: readonly Variation[]): void => {
    for (const p of ps) {
      for (const t of ts) {
        // Workload identities sign in to applications only.
        if (p.identity.kind === 'workload' && t.target.kind !== 'application') continue;
        for (const v of vs) {
          const key = `${p.who}\u0000${t.what}\u0000${v.conditions}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push({ who: p.who, what: t.what, conditions: v.conditions, emergency: p.emergency, signIn: v.apply({ ...BASE, identity: p.identity, target: t.target }) });
        }
      }
    }
  };
  const emergency = new Set([...input.emergency.users, ...input.emergency.groups].map((v) => v.toLowerCase()));
  const alike = alikeClasses(input.policies, emergency, new Set((input.separate ?? []).map((v) => v.toLowerCase())));
  const named = (id: string): string => {
    const n = alike.size.get(id.toLowerCase()) ?? 1;
    return n > 1 ? `${label(id)} (or ${n - 1} alike)` : label(id);
  };
  const all = collect(input.policies, alike);
  if (input.everyKind) {
    if (all.guestTypes.values.length === 0) all.guestTypes.add('b2bCollaborationGuest');
    if (all.workloads.values.length === 0) all.tenantWorkloads = true;
  }
  const everyone = personas(all, input, named);
  const everything = targets(all, named);
  const base = variations(emptyNamed(), named);
  // Everyone on an application no policy names (what All-users policies reach), and the emergency
  // accounts and an ordinary member on every target, under the base conditions.
  add(everyone, everything.filter((t) => t.target.kind === 'application' && t.target.application === UNNAMED_APPLICATION), base);
  add(everyone.filter((p) => p.emergency || p.who === 'an ordinary member'), everything, base);
  if (input.everyPair && everyone.length * everything.length <= 20_000) add(everyone, everything, base);
  // Then each policy's own combinations: the people, targets and conditions it names together
  // (with the emergency accounts and an ordinary member), so that an interaction a policy writes
  // (a group, outside trusted networks) is tried, and the matrix grows with the policies, not
  // with the product of everything they name.
  for (const policy of input.policies) {
    const own = collect([policy], alike);
    add(personas(own, input, named), targets(own, named), variations(own, named));
  }
  return out;
}

/** One line for a reader: `member of group:Finance → app:Payroll, on iOS`. */
export function describeSignIn(s: MatrixSignIn): string {
  return `${s.who} → ${s.what}${s.conditions === 'base conditions' ? '' : `, ${s.conditions}`}`;
}
