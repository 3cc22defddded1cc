/**
 * The sign-in matrix: from a set of policies (both sides of a plan, or one side for coverage), the
 * sign-ins that can tell them apart. Who: each emergency account, a member of each group, a holder
 * of each role, a guest of each type, each workload identity the policies name, and an ordinary
 * member. What: each application, app group (one member of it), user action and authentication
 * context they name, plus an application none names. Each (who, what) pair is tried under a base
 * of conditions (Windows, a browser, an untrusted network in no named location, no risk) and then
 * with one condition changed at a time: each platform, client app type, named location, trusted
 * network, risk level, insider risk and authentication flow the policies use. Pure.
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
}

const USER_KEYWORDS = new Set(['all', 'none', 'guestsorexternalusers']);
const APP_KEYWORDS = new Set(['all', 'none', 'office365', 'microsoftadminportals']);
const LOCATION_KEYWORDS = new Set(['all', 'alltrusted', MFA_TRUSTED_IPS_LOCATION_ID]);
/** Stands for every application no policy names (never an appId a policy could hold). */
export const UNNAMED_APPLICATION = 'app:(an application no policy names)';

/** Values that one path of the policies holds, in first-seen order, without duplicates (case-insensitive). */
class Seen {
  private readonly keys = new Set<string>();
  readonly values: string[] = [];
  add(value: string): void {
    const key = value.toLowerCase();
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.values.push(value);
  }
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

function collect(policies: readonly JsonObject[]): Named {
  const s = (): Seen => new Seen();
  const n: Named = {
    users: s(), groups: s(), roles: s(), guestTypes: s(), workloads: s(), tenantWorkloads: false, apps: s(), userActions: s(), authContexts: s(),
    platforms: s(), clientApps: s(), locations: s(), trusted: false, mfaTrustedIps: false, signInRisk: s(), userRisk: s(), servicePrincipalRisk: s(), insiderRisk: s(), flows: s(),
  };
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

/** Every sign-in of the matrix for these policies. */
export function signInMatrix(input: MatrixInput): MatrixSignIn[] {
  const label = input.label ?? ((id: string) => id);
  const n = collect(input.policies);
  const ts = targets(n, label);
  const vs = variations(n, label);
  const out: MatrixSignIn[] = [];
  for (const p of personas(n, input, label)) {
    for (const t of ts) {
      // Workload identities sign in to applications only, from no device platform or browser.
      if (p.identity.kind === 'workload' && t.target.kind !== 'application') continue;
      for (const v of vs) {
        const signIn = v.apply({ ...BASE, identity: p.identity, target: t.target });
        out.push({ who: p.who, what: t.what, conditions: v.conditions, emergency: p.emergency, signIn });
      }
    }
  }
  return out;
}

/** One line for a reader: `member of group:Finance → app:Payroll, on iOS`. */
export function describeSignIn(s: MatrixSignIn): string {
  return `${s.who} → ${s.what}${s.conditions === 'base conditions' ? '' : `, ${s.conditions}`}`;
}
