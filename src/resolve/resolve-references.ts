/**
 * Resolves the references of the repository's documents (`group:Finance`, `user:upn`, `role:…`,
 * `app:…`, `servicePrincipal:…`, `location:…`, `authStrength:…`) to the target tenant's ids, checks
 * that the ids written as GUIDs exist, and builds the id → name labels that every report shows.
 *
 * The directory is asked in bulk, in two steps (directory-lookups.ts): the ids of the repository
 * and of the tenant's policies with the names that need a look-up to be proved unique, then what
 * those answers left open. Named locations and strengths come from the snapshot. Not found, of the
 * wrong type, or ambiguous is a problem naming the file, JSON path and line; nothing is dropped.
 */
import { displayNameOf, type JsonObject } from '../model/documents.js';
import type { EmergencyAccessIds } from '../model/emergency-access.js';
import { valueAtPointer } from '../model/json-pointer.js';
import { BUILT_IN_AUTH_STRENGTHS, MFA_TRUSTED_IPS_LOCATION_ID, POLICY_REFERENCE_SLOTS, isGuid, type ReferenceKind } from '../model/references.js';
import type { DirectoryObject, NameQuery, TenantSnapshot } from '../model/tenant.js';
import type { Directory } from '../ports/directory.js';
import type { PreparedDocument } from '../model/rule.js';
import { askDirectory, type DirectoryAnswers } from './directory-lookups.js';
import { emergencyAccessSites, slotName, slotSites, type EmergencyAccessSource, type ResolvedDocument, type Site } from './sites.js';
import { wellKnownAppName } from './well-known-apps.js';

export type { ResolvedDocument } from './sites.js';

export interface ResolutionProblem {
  file: string;
  /** JSON pointer of the offending value. */
  path: string;
  line: number;
  column: number;
  message: string;
}

export interface ResolutionResult {
  documents: ResolvedDocument[];
  /** The emergency-access accounts and groups of caac.yml, as lower-case ids (when all resolved). */
  emergencyAccess: EmergencyAccessIds;
  /** Lower-case id (or `location:Name` for an object the plan creates) → `group:Finance`. */
  labels: Record<string, string>;
  problems: ResolutionProblem[];
}

export interface ResolveContext {
  directory: Directory;
  snapshot: TenantSnapshot;
  /**
   * caac.yml's emergency-access references: resolved in the same calls as the documents', and
   * each must exist in the tenant (a guard that protects nobody is worse than none).
   */
  emergencyAccess?: EmergencyAccessSource;
  /**
   * Label the ids the tenant's policies hold (default true: the plan reports show names beside
   * them). A caller that reports nothing about them (contingency activation) saves the look-ups.
   */
  labelTenantPolicies?: boolean;
}

type DirectoryKind = 'user' | 'group' | 'role' | 'servicePrincipal';
const DIRECTORY_KINDS: readonly string[] = ['user', 'group', 'role', 'servicePrincipal'];

const NOUN: Record<ReferenceKind, string> = {
  user: 'user',
  group: 'group',
  role: 'directory role',
  app: 'application',
  servicePrincipal: 'service principal',
  location: 'named location',
  authStrength: 'authentication strength',
};

const HOW_NAMED: Record<ReferenceKind, string> = {
  user: 'users are looked up by userPrincipalName',
  group: 'groups are looked up by displayName',
  role: 'roles are looked up by their template displayName, e.g. "Global Administrator"',
  app: 'apps are looked up by the service principal displayName, or write the appId',
  servicePrincipal: 'service principals are looked up by displayName',
  location: 'named locations are looked up by displayName',
  authStrength: 'authentication strengths are looked up by displayName',
};

type Target = { kind: 'guid'; id: string } | { kind: 'name'; name: string };

/** What a resolution collects as it goes: problems and labels. */
class Findings {
  readonly problems: ResolutionProblem[] = [];
  readonly labels: Record<string, string> = {};

  problem(site: { document: ResolvedDocument; path: string }, message: string): void {
    const p = site.document.locate(site.path);
    this.problems.push({ file: site.document.file, path: site.path, line: p.line, column: p.column, message });
  }
}

/** What the directory will be asked: the ids, appIds and names of every site and tenant policy. */
interface Questions {
  names: Map<string, NameQuery>;
  ids: Set<string>;
  appIds: Set<string>;
}

export async function resolveReferences(documents: readonly PreparedDocument[], ctx: ResolveContext): Promise<ResolutionResult> {
  const resolved: ResolvedDocument[] = documents.map((d) => ({ ...d, resolved: structuredClone(d.value) }));
  const findings = new Findings();
  const emergencyAccess: EmergencyAccessIds = { users: [], groups: [] };
  const sites = referenceSites(resolved, ctx.emergencyAccess, emergencyAccess);

  const questions: Questions = { names: new Map(), ids: new Set(), appIds: new Set() };
  const targets = sites.map((site) => ({ site, target: siteTarget(site, findings) }));
  for (const { site, target } of targets) if (target) ask(questions, site.slot.kind, target);
  if (ctx.labelTenantPolicies !== false) askTenantPolicyIds(questions, ctx.snapshot.policies);

  const answers = await askDirectory(ctx.directory, questions);
  labelEverything(findings.labels, answers, questions.appIds, ctx.snapshot);

  const apply = new Applier(findings, answers, ctx.snapshot, resolved);
  for (const { site, target } of targets) if (target) apply.site(site, target);
  return { documents: resolved, labels: findings.labels, problems: findings.problems, emergencyAccess };
}

function referenceSites(resolved: ResolvedDocument[], source: EmergencyAccessSource | undefined, into: EmergencyAccessIds): Site[] {
  const sites: Site[] = [];
  for (const document of resolved) {
    if (document.kind !== 'policy') continue;
    for (const slot of POLICY_REFERENCE_SLOTS) sites.push(...slotSites(document, slot));
  }
  if (source) sites.push(...emergencyAccessSites(source, into));
  return sites;
}

/** The id or name a site refers to; a keyword is written back at once, a malformed value is a problem. */
function siteTarget(site: Site, findings: Findings): Target | undefined {
  const { parsed, slot, raw } = site;
  if (slot.kind === 'tenant' || slot.kind === 'termsOfUse' || slot.kind === 'customFactor') return undefined; // ids the directory cannot check
  switch (parsed.type) {
    case 'guid':
      return { kind: 'guid', id: parsed.id.toLowerCase() };
    case 'keyword':
      site.set(parsed.keyword);
      return undefined;
    case 'malformed':
      findings.problem(site, `"${raw}" in ${slotName(slot)} is not an object id (GUID), a keyword${slot.keywords.length ? ` (${slot.keywords.join(', ')})` : ''} or a reference such as "${slot.kind}:Name"`);
      return undefined;
    case 'unknown-kind':
      findings.problem(site, `"${raw}": unknown reference kind "${parsed.kind}:"`);
      return undefined;
    case 'reference': {
      const ref = parsed.reference;
      if (ref.kind !== slot.kind) {
        findings.problem(site, `"${raw}" is a ${ref.kind} reference, but ${slotName(slot)} holds ${slot.kind} references`);
        return undefined;
      }
      return isGuid(ref.name) ? { kind: 'guid', id: ref.name.toLowerCase() } : { kind: 'name', name: ref.name };
    }
  }
}

function ask(questions: Questions, kind: string, target: Target): void {
  if (!(DIRECTORY_KINDS.includes(kind) || kind === 'app')) return; // locations and strengths: from the snapshot
  if (target.kind === 'guid') (kind === 'app' ? questions.appIds : questions.ids).add(target.id);
  else questions.names.set(queryKey(kind, target.name), { kind: kind as NameQuery['kind'], name: target.name });
}

/** The tenant's policies: their ids get labels too, from the same calls. */
function askTenantPolicyIds(questions: Questions, policies: readonly JsonObject[]): void {
  for (const policy of policies) {
    for (const slot of POLICY_REFERENCE_SLOTS) {
      const raw = valueAtPointer(policy, slot.pointer);
      const values = slot.single ? [raw] : Array.isArray(raw) ? raw : [];
      for (const v of values) {
        if (typeof v !== 'string' || !isGuid(v)) continue;
        if (slot.kind === 'app') questions.appIds.add(v.toLowerCase());
        else if (DIRECTORY_KINDS.includes(slot.kind)) questions.ids.add(v.toLowerCase());
      }
    }
  }
}

/** Labels for every id the answers and the snapshot name. */
function labelEverything(labels: Record<string, string>, answers: DirectoryAnswers, appIds: ReadonlySet<string>, snapshot: TenantSnapshot): void {
  for (const [id, o] of answers.byId) labels[id] = labelOf(o);
  for (const [appId, o] of answers.byAppId) labels[appId] = `app:${o.displayName}`;
  for (const id of appIds) {
    const known = wellKnownAppName(id);
    if (!answers.byAppId.has(id) && known) labels[id] = `app:${known}`;
  }
  for (const l of snapshot.namedLocations) if (typeof l['id'] === 'string') labels[l['id'].toLowerCase()] = `location:${String(l['displayName'])}`;
  for (const [name, id] of Object.entries(BUILT_IN_AUTH_STRENGTHS)) labels[id] = `authStrength:${name}`;
  labels[MFA_TRUSTED_IPS_LOCATION_ID] = 'MFA Trusted IPs';
  for (const s of snapshot.authenticationStrengths) if (typeof s['id'] === 'string') labels[s['id'].toLowerCase()] = `authStrength:${String(s['displayName'])}`;
}

/** Writes each site's id into its document, or records why it cannot. */
class Applier {
  private readonly repoNamed: Record<'location' | 'authStrength', ResolvedDocument[]>;
  private readonly tenantNamed: Record<'location' | 'authStrength', JsonObject[]>;

  constructor(
    private readonly findings: Findings,
    private readonly answers: DirectoryAnswers,
    snapshot: TenantSnapshot,
    resolved: readonly ResolvedDocument[],
  ) {
    this.repoNamed = {
      location: resolved.filter((d) => d.kind === 'namedLocation'),
      authStrength: resolved.filter((d) => d.kind === 'authenticationStrength'),
    };
    this.tenantNamed = { location: snapshot.namedLocations, authStrength: snapshot.authenticationStrengths };
  }

  site(site: Site, target: Target): void {
    const kind = site.slot.kind;
    if (kind === 'location' || kind === 'authStrength') {
      if (target.kind === 'guid') this.checkNamedId(site, kind, target.id);
      else this.applyNamed(site, kind, target.name);
    } else if (DIRECTORY_KINDS.includes(kind) || kind === 'app') {
      if (target.kind === 'guid') this.checkId(site, kind as DirectoryKind | 'app', target.id);
      else this.applyName(site, kind as DirectoryKind | 'app', target.name);
    }
  }

  private checkId(site: Site, kind: DirectoryKind | 'app', id: string): void {
    if (kind === 'app') {
      if (this.answers.byAppId.has(id) || wellKnownAppName(id)) return site.set(id);
      return this.findings.problem(
        site,
        `application ${id} (an appId) in ${slotName(site.slot)} has no service principal in the tenant and is not a well-known Microsoft app: check the appId, or reference the app by name ("app:Display name")`,
      );
    }
    const found = this.answers.byId.get(id);
    if (!found) {
      return this.findings.problem(site, `${NOUN[kind]} ${id} in ${slotName(site.slot)} does not exist in the tenant (deleted, or from another tenant): fix the id or use a reference such as "${kind}:Name"`);
    }
    if (found.type !== kind) return this.findings.problem(site, `${id} in ${slotName(site.slot)} is a ${NOUN[found.type]} (${labelOf(found)}), not a ${NOUN[kind]}`);
    site.set(id);
  }

  private applyName(site: Site, kind: DirectoryKind | 'app', name: string): void {
    const all = this.answers.byName.get(queryKey(kind, name)) ?? [];
    const matches = kind === 'app' ? uniqueBy(all.filter((o) => o.appId), (o) => o.appId!.toLowerCase()) : all.filter((o) => o.type === kind);
    const ref = `${kind}:${name}`;
    if (matches.length === 0) return this.findings.problem(site, `${ref}: no ${NOUN[kind]} with this name in the tenant (${HOW_NAMED[kind]}); fix the name, create the object, or use its id (one created in the last minutes may not be in Graph's search index yet: plan again shortly)`);
    if (matches.length > 1) {
      const candidates = matches.map((o) => (kind === 'app' ? `appId ${o.appId}` : o.id)).join(', ');
      return this.findings.problem(site, `${ref} is ambiguous: ${matches.length} ${NOUN[kind]}s have this name (${candidates}); write the intended id instead, or rename the others`);
    }
    const match = matches[0]!;
    if (kind === 'app') {
      const appId = match.appId!.toLowerCase();
      this.findings.labels[appId] = `app:${match.displayName}`;
      site.set(appId);
    } else {
      this.findings.labels[match.id.toLowerCase()] = labelOf(match);
      site.set(match.id.toLowerCase());
    }
  }

  private checkNamedId(site: Site, kind: 'location' | 'authStrength', id: string): void {
    // Not an object Graph lists, yet an id Graph accepts in a location condition.
    if (kind === 'location' && id === MFA_TRUSTED_IPS_LOCATION_ID) return site.set(id);
    const exists =
      this.tenantNamed[kind].some((o) => typeof o['id'] === 'string' && o['id'].toLowerCase() === id) ||
      (kind === 'authStrength' && Object.values(BUILT_IN_AUTH_STRENGTHS).includes(id));
    if (!exists) return this.findings.problem(site, `${NOUN[kind]} ${id} in ${slotName(site.slot)} does not exist in the tenant: fix the id or reference it by name ("${kind}:Name")`);
    site.set(id);
  }

  private applyNamed(site: Site, kind: 'location' | 'authStrength', name: string): void {
    const key = name.trim().toLowerCase();
    if (kind === 'authStrength') {
      const builtIn = Object.entries(BUILT_IN_AUTH_STRENGTHS).find(([n]) => n.toLowerCase() === key);
      if (builtIn) return site.set(builtIn[1]);
    }
    const tenantList = this.tenantNamed[kind].filter((o) => !(kind === 'authStrength' && o['policyType'] === 'builtIn'));
    const inTenant = (id: unknown): JsonObject | undefined =>
      typeof id === 'string' ? tenantList.find((o) => typeof o['id'] === 'string' && o['id'].toLowerCase() === id.toLowerCase()) : undefined;
    // The repository's own document wins when its id exists in the tenant (a rename in progress).
    const repoDocs = this.repoNamed[kind].filter((d) => displayNameOf(d)?.trim().toLowerCase() === key);
    const repoDoc = repoDocs.find((d) => displayNameOf(d) === name) ?? repoDocs[0];
    const byRepoId = repoDoc ? inTenant(repoDoc.value['id']) : undefined;
    if (byRepoId) return site.set(String(byRepoId['id']).toLowerCase());
    const matches = tenantList.filter((o) => typeof o['displayName'] === 'string' && o['displayName'].trim().toLowerCase() === key);
    if (matches.length === 1) return site.set(String(matches[0]!['id']).toLowerCase());
    if (matches.length > 1) {
      return this.findings.problem(
        site,
        `${kind}:${name} is ambiguous: ${matches.length} ${NOUN[kind]}s in the tenant have this name (${matches.map((m) => String(m['id'])).join(', ')}); write the intended id instead, or rename the others in the tenant`,
      );
    }
    if (repoDoc) {
      // Created by this plan: apply resolves the reference once the object exists.
      const ref = `${kind}:${displayNameOf(repoDoc)!}`;
      this.findings.labels[ref] = `${ref} (new)`;
      return site.set(ref);
    }
    this.findings.problem(site, `${kind}:${name}: no ${NOUN[kind]} with this name in the tenant or in the repository; fix the name, add the ${NOUN[kind]}, or use its id`);
  }
}

function queryKey(kind: string, name: string): string {
  return `${kind}:${name}`;
}

/** `user:upn`, `group:Name`, `role:Name`, `servicePrincipal:Name`. */
export function labelOf(o: DirectoryObject): string {
  if (o.type === 'user') return `user:${o.userPrincipalName ?? o.displayName}`;
  return `${o.type}:${o.displayName}`;
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}
