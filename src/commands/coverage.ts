/**
 * `caac coverage` and `caac docs`: the policy set of the repository (offline, references as
 * written) or of the tenant (`tenant`: ids, labelled through the Directory port), judged over the
 * sign-in matrix. With `whatIf` (`coverage --live`), Graph's What If judges the matrix sign-ins
 * that name real identities too (paced, one request each) and every disagreement is reported.
 */
import { ConfigurationError } from '../errors.js';
import type { JsonObject } from '../model/documents.js';
import { isGuid } from '../model/references.js';
import { requestsSince } from '../model/tenant.js';
import { coverage, type CoverageResult, type LiveCheck, type PolicySet } from '../impact/coverage.js';
import { locationViews } from '../impact/context.js';
import { compareWithGraph } from '../impact/disagreements.js';
import { evaluate } from '../impact/evaluate.js';
import { describeSignIn, signInMatrix, UNNAMED_APPLICATION, type MatrixSignIn } from '../impact/matrix.js';
import type { Directory } from '../ports/directory.js';
import type { PolicyStore } from '../ports/policy-store.js';
import type { Tenant } from '../ports/tenant.js';
import type { LiveSignIn, WhatIf } from '../ports/what-if.js';
import { labelOf } from '../resolve/resolve-references.js';
import { readSettings } from '../validate/settings.js';
import { activeEntries, deployedExclusions, withExceptions } from '../impact/exception-exclusions.js';
import { excludedRefs } from '../exceptions/exception-entry.js';
import type { DirectoryObject } from '../model/tenant.js';

export type { CoverageResult, PolicySet } from '../impact/coverage.js';

export type PolicySetSource =
  | { kind: 'repository'; store: PolicyStore }
  | { kind: 'tenant'; tenant: Tenant; directory: Directory; store?: PolicyStore };


function emergencyOf(store: PolicyStore | undefined): { users: string[]; groups: string[] } {
  const access = store ? readSettings(store.load().settings).emergencyAccess : undefined;
  return { users: access?.users ?? [], groups: access?.groups ?? [] };
}

function idsIn(value: unknown, out: Set<string>): void {
  if (typeof value === 'string' && isGuid(value)) out.add(value);
  else if (Array.isArray(value)) value.forEach((v) => idsIn(v, out));
  else if (typeof value === 'object' && value !== null) Object.values(value).forEach((v) => idsIn(v, out));
}

/**
 * The repository's set is what plan would deploy: the files' policies with caac.yml's exceptions
 * active at `now` laid over them (references compared as strings, as plan compares ids), and those
 * exceptions' exclusions listed apart. The tenant's set is as deployed; with caac.yml beside it, the
 * exclusions its active exceptions hold there (their people resolved to ids, the files' own
 * exclusions left out) are listed apart the same way.
 */
export async function loadPolicySet(source: PolicySetSource, options: { now?: Date } = {}): Promise<PolicySet> {
  if (source.kind === 'repository') {
    const repo = source.store.load();
    const errors = repo.findings.filter((f) => f.severity === 'error');
    if (errors.length > 0) throw new ConfigurationError(`the repository has ${errors.length} file(s) that do not load (first: ${errors[0]!.file}:${errors[0]!.line} ${errors[0]!.message}); run caac validate`);
    const of = (kind: string): JsonObject[] => repo.documents.filter((d) => d.kind === kind).map((d) => d.value);
    const applied = withExceptions(of('policy'), readSettings(repo.settings).exceptions ?? [], options.now ?? new Date());
    return { source: 'repository', policies: applied.policies, namedLocations: of('namedLocation'), emergency: emergencyOf(source.store), labels: {}, ...(applied.exclusions.length ? { exceptions: applied.exclusions } : {}) };
  }
  const before = source.tenant.requests();
  const snapshot = await source.tenant.read(['policy', 'namedLocation']);
  const ids = new Set<string>();
  snapshot.policies.forEach((p) => idsIn(p['conditions'], ids));
  const labels: Record<string, string> = {};
  for (const o of await source.directory.getByIds([...ids])) labels[o.id] = labelOf(o);
  for (const o of await source.directory.getByAppIds([...ids].filter((id) => labels[id] === undefined))) if (o.appId) labels[o.appId] = `app:${o.displayName}`;
  for (const l of snapshot.namedLocations) labels[String(l['id'])] = `location:${String(l['displayName'])}`;
  // caac.yml names the emergency accounts and the exceptions' people by reference: the tenant's policies hold ids (one round of look-ups for both).
  const named = emergencyOf(source.store);
  const repo = source.store?.load();
  const entries = activeEntries(readSettings(repo?.settings).exceptions ?? [], options.now ?? new Date());
  const refs = [
    ...named.users.map((n) => ({ kind: 'user' as const, ref: n })),
    ...named.groups.map((n) => ({ kind: 'group' as const, ref: n })),
    ...entries.flatMap((e) => { const r = excludedRefs(e); return [...r.users.map((ref) => ({ kind: 'user' as const, ref })), ...r.groups.map((ref) => ({ kind: 'group' as const, ref })), ...r.roles.map((ref) => ({ kind: 'role' as const, ref }))]; }),
  ];
  const bare = (ref: string): string => ref.replace(/^(user|group|role):/i, '');
  const queries = new Map(refs.filter((r) => !isGuid(r.ref)).map((r) => [`${r.kind}:${bare(r.ref)}`, { kind: r.kind, name: bare(r.ref) }]));
  const found = queries.size ? await source.directory.findByNames([...queries.values()]) : new Map<string, DirectoryObject[]>();
  const idOf = (kind: 'user' | 'group' | 'role', ref: string): string | undefined => (isGuid(ref) ? ref : found.get(`${kind}:${bare(ref)}`)?.[0]?.id);
  const emergency = { users: named.users.map((u) => idOf('user', u) ?? u), groups: named.groups.map((g) => idOf('group', g) ?? g) };
  const filePolicies = repo ? repo.documents.filter((d) => d.kind === 'policy').map((d) => d.value) : [];
  const exceptions = deployedExclusions(snapshot.policies, entries, options.now ?? new Date(), idOf, filePolicies);
  return { source: 'tenant', policies: snapshot.policies, namedLocations: snapshot.namedLocations, emergency, labels, requests: requestsSince(before, source.tenant.requests()), ...(exceptions.length ? { exceptions } : {}) };
}

export const labeller = (set: PolicySet) => (id: string): string => set.labels[id] ?? id;



/** Microsoft Graph's own appId, or Azure portal's, Office's: the first that no policy names, for "an application no policy names". */
function unnamedAppId(set: PolicySet): string | undefined {
  const named = JSON.stringify(set.policies.map((p) => p['conditions'])).toLowerCase();
  return ['00000003-0000-0000-c000-000000000000', 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', 'd3590ed6-52b3-4102-aeff-aad2292ab01c'].find((id) => !named.includes(id));
}

/** The sign-in as Graph takes it, or undefined when it names no real identity or app Graph knows. */
function liveOf(s: MatrixSignIn, ordinaryUser: string | undefined, set: PolicySet): LiveSignIn | undefined {
  const who = s.signIn.identity;
  let identity: LiveSignIn['identity'] | undefined;
  // A user the policies name is left out: Graph reads its groups and roles, the matrix's persona has
  // none (caac reads no memberships), so they would differ by construction, not by a rule.
  if (who.kind === 'workload') identity = isGuid(who.servicePrincipal) ? { kind: 'servicePrincipal', servicePrincipalId: who.servicePrincipal } : undefined;
  else if (s.who === 'an ordinary member' && ordinaryUser) identity = { kind: 'user', userId: ordinaryUser };
  if (!identity) return undefined;
  const t = s.signIn.target;
  const appId = t.kind === 'application' && t.application === UNNAMED_APPLICATION ? unnamedAppId(set) : t.kind === 'application' ? t.application : undefined;
  const target = t.kind === 'application' ? (appId !== undefined && isGuid(appId) ? { kind: 'application' as const, appId } : undefined) : t.kind === 'userAction' ? { kind: 'userAction' as const, action: t.userAction as 'urn:user:registersecurityinfo' } : { kind: 'authContext' as const, id: t.authContext };
  if (!target) return undefined;
  // Graph knows named locations only by address: the first of an IP range, or a country.
  const where = s.signIn.location;
  let ipAddress: string | undefined;
  let country: string | undefined;
  const named = where?.namedLocations?.[0];
  if (named !== undefined) {
    const l = set.namedLocations.find((x) => String(x['id']).toLowerCase() === named.toLowerCase());
    const range = Array.isArray(l?.['ipRanges']) ? (l['ipRanges'][0] as JsonObject | undefined)?.['cidrAddress'] : undefined;
    const countries = Array.isArray(l?.['countriesAndRegions']) ? l['countriesAndRegions'] : [];
    if (typeof range === 'string' && /^\d+\.\d+\.\d+\.\d+\//.test(range)) ipAddress = range.split('/')[0]!.replace(/\.0$/, '.1');
    else if (typeof countries[0] === 'string') country = countries[0];
    else return undefined;
  } else if (where?.trusted === true || where?.mfaTrustedIps === true) return undefined;
  const r = s.signIn.risks ?? {};
  const conditions = Object.fromEntries(Object.entries({
    platform: s.signIn.platform, clientAppType: s.signIn.clientAppType, signInRisk: r.signIn, userRisk: r.user, servicePrincipalRisk: r.servicePrincipal,
    insiderRisk: r.insider, authenticationFlow: s.signIn.authenticationFlow, ipAddress, country,
  }).filter(([, v]) => v !== undefined));
  return { identity, target, conditions };
}

/** Graph's What If for the matrix sign-ins that name real identities, one paced request each. */
async function liveCheck(set: PolicySet, whatIf: WhatIf, options: { ordinaryUser?: string; limit: number }): Promise<LiveCheck> {
  const matrix = signInMatrix({ policies: set.policies, emergency: set.emergency, label: labeller(set), everyKind: true });
  const context = { namedLocations: locationViews(set.namedLocations) };
  const out: LiveCheck = { checked: 0, skipped: 0, disagreements: [] };
  for (const s of matrix) {
    const live = liveOf(s, options.ordinaryUser, set);
    if (!live || out.checked >= options.limit) {
      out.skipped += 1;
      continue;
    }
    out.checked += 1;
    const signIn = live.identity.kind === 'user' && s.who === 'an ordinary member' ? { ...s.signIn, identity: { kind: 'user' as const, user: live.identity.userId, groups: [], roles: [] } } : s.signIn;
    const evaluation = evaluate(set.policies, signIn, context);
    for (const d of compareWithGraph(evaluation, await whatIf.evaluate(live))) out.disagreements.push({ signIn: describeSignIn(s), ...d });
  }
  return out;
}

/** `now`: which of caac.yml's exceptions are active (the repository's set); the clock when not given. */
export async function runCoverage(source: PolicySetSource, options: { whatIf?: WhatIf; ordinaryUser?: string; liveLimit?: number; now?: Date } = {}): Promise<CoverageResult> {
  const set = await loadPolicySet(source, options.now ? { now: options.now } : {});
  const report = coverage({ policies: set.policies, namedLocations: set.namedLocations, emergency: set.emergency, label: labeller(set), ...(set.exceptions ? { exceptions: set.exceptions } : {}) });
  if (!options.whatIf) return { set, report };
  if (source.kind !== 'tenant') throw new ConfigurationError('coverage --live compares with the policies deployed in the tenant: add --tenant');
  const live = await liveCheck(set, options.whatIf, { ordinaryUser: options.ordinaryUser, limit: options.liveLimit ?? 200 });
  return { set, report, live };
}
