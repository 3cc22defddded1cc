/**
 * Resolves the references of the repository's documents (`group:Finance`, `user:upn`, `role:…`,
 * `app:…`, `servicePrincipal:…`, `location:…`, `authStrength:…`) to the target tenant's ids, checks
 * that the ids written as GUIDs exist, and builds the id → name labels that every report shows.
 *
 * Look-ups are batched: all names in one `directory.findByNames` call, every GUID (of the
 * repository's documents and of the tenant's policies) in one `directory.getByIds` call, every
 * appId in one `directory.getByAppIds` call; named locations and strengths come from the snapshot.
 * Not found, of the wrong type, or ambiguous is a problem naming the file, JSON path and line;
 * nothing is dropped.
 */
import { displayNameOf, isJsonObject, type JsonObject, type JsonValue, type Locator } from '../model/documents.js';
import type { EmergencyAccessIds } from '../model/emergency-access.js';
import { childPointer, parentPointer, parsePointer, valueAtPointer } from '../model/json-pointer.js';
import {
  BUILT_IN_AUTH_STRENGTHS,
  MFA_TRUSTED_IPS_LOCATION_ID,
  POLICY_REFERENCE_SLOTS,
  isGuid,
  parseReferenceValue,
  type ParsedReferenceValue,
  type ReferenceKind,
  type ReferenceSlot,
} from '../model/references.js';
import type { DirectoryObject, NameQuery, TenantSnapshot } from '../model/tenant.js';
import type { Directory } from '../ports/directory.js';
import type { PreparedDocument } from '../model/rule.js';
import { wellKnownAppName } from './well-known-apps.js';

export type ResolvedDocument = PreparedDocument & { resolved: JsonObject };

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
  emergencyAccess?: { file: string; locate: Locator; users: readonly string[]; groups: readonly string[] };
  /**
   * Label the ids the tenant's policies hold (default true: the plan reports show names beside
   * them). A caller that reports nothing about them (contingency activation) saves the look-ups.
   */
  labelTenantPolicies?: boolean;
}

type DirectoryKind = 'user' | 'group' | 'role' | 'servicePrincipal';
const DIRECTORY_KINDS: readonly string[] = ['user', 'group', 'role', 'servicePrincipal'];

/** One value in one reference slot of one document. */
interface Site {
  document: ResolvedDocument;
  path: string;
  slot: ReferenceSlot;
  raw: string;
  parsed: ParsedReferenceValue;
  set(value: string): void;
}

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

export async function resolveReferences(documents: readonly PreparedDocument[], ctx: ResolveContext): Promise<ResolutionResult> {
  const { directory, snapshot } = ctx;
  const resolved: ResolvedDocument[] = documents.map((d) => ({ ...d, resolved: structuredClone(d.value) }));
  const problems: ResolutionProblem[] = [];
  const labels: Record<string, string> = {};
  const problem = (site: { document: ResolvedDocument; path: string }, message: string): void => {
    const p = site.document.locate(site.path);
    problems.push({ file: site.document.file, path: site.path, line: p.line, column: p.column, message });
  };

  // 1. Every value of every reference slot.
  const sites: Site[] = [];
  for (const document of resolved) {
    if (document.kind !== 'policy') continue;
    for (const slot of POLICY_REFERENCE_SLOTS) sites.push(...slotSites(document, slot));
  }
  const emergencyAccess: EmergencyAccessIds = { users: [], groups: [] };
  if (ctx.emergencyAccess) sites.push(...emergencyAccessSites(ctx.emergencyAccess, emergencyAccess));

  // 2. What to look up, in bulk.
  const nameQueries = new Map<string, NameQuery>();
  const ids = new Set<string>();
  const appIds = new Set<string>();
  const pending: Array<{ site: Site; run: () => void }> = [];
  const targetOf = (site: Site): { kind: 'guid'; id: string } | { kind: 'name'; name: string } | undefined => {
    const { parsed, slot, raw } = site;
    switch (parsed.type) {
      case 'guid':
        return { kind: 'guid', id: parsed.id.toLowerCase() };
      case 'keyword':
        site.set(parsed.keyword);
        return undefined;
      case 'malformed':
        problem(site, `"${raw}" in ${slotName(slot)} is not an object id (GUID), a keyword${slot.keywords.length ? ` (${slot.keywords.join(', ')})` : ''} or a reference such as "${slot.kind}:Name"`);
        return undefined;
      case 'unknown-kind':
        problem(site, `"${raw}": unknown reference kind "${parsed.kind}:"`);
        return undefined;
      case 'reference': {
        const ref = parsed.reference;
        if (ref.kind !== slot.kind) {
          problem(site, `"${raw}" is a ${ref.kind} reference, but ${slotName(slot)} holds ${slot.kind} references`);
          return undefined;
        }
        return isGuid(ref.name) ? { kind: 'guid', id: ref.name.toLowerCase() } : { kind: 'name', name: ref.name };
      }
    }
  };

  for (const site of sites) {
    const kind = site.slot.kind;
    if (kind === 'tenant' || kind === 'termsOfUse' || kind === 'customFactor') continue; // ids the directory cannot check
    const target = targetOf(site);
    if (!target) continue;
    if (DIRECTORY_KINDS.includes(kind) || kind === 'app') {
      if (target.kind === 'guid') {
        if (kind === 'app') appIds.add(target.id);
        else ids.add(target.id);
        pending.push({ site, run: () => checkId(site, kind as DirectoryKind | 'app', target.id) });
      } else {
        const query: NameQuery = { kind: kind as NameQuery['kind'], name: target.name };
        nameQueries.set(queryKey(query), query);
        pending.push({ site, run: () => applyName(site, kind as DirectoryKind | 'app', target.name) });
      }
    } else if (kind === 'location' || kind === 'authStrength') {
      pending.push({ site, run: () => (target.kind === 'guid' ? checkNamedId(site, kind, target.id) : applyNamed(site, kind, target.name)) });
    }
  }

  // The tenant's policies: their ids get labels too, in the same calls.
  for (const policy of ctx.labelTenantPolicies === false ? [] : snapshot.policies) {
    for (const slot of POLICY_REFERENCE_SLOTS) {
      const raw = valueAtPointer(policy, slot.pointer);
      const values = slot.single ? [raw] : Array.isArray(raw) ? raw : [];
      for (const v of values) {
        if (typeof v !== 'string' || !isGuid(v)) continue;
        if (slot.kind === 'app') appIds.add(v.toLowerCase());
        else if (DIRECTORY_KINDS.includes(slot.kind)) ids.add(v.toLowerCase());
      }
    }
  }

  // 3. The look-ups: at most one call of each.
  const [byName, byId, byAppId] = await Promise.all([
    nameQueries.size ? directory.findByNames([...nameQueries.values()]) : Promise.resolve(new Map<string, DirectoryObject[]>()),
    ids.size ? directory.getByIds([...ids]) : Promise.resolve([] as DirectoryObject[]),
    appIds.size ? directory.getByAppIds([...appIds]) : Promise.resolve([] as DirectoryObject[]),
  ]);
  const objectsById = new Map<string, DirectoryObject>();
  for (const o of byId) {
    objectsById.set(o.id.toLowerCase(), o);
    labels[o.id.toLowerCase()] = labelOf(o);
  }
  const appsById = new Map<string, DirectoryObject>();
  for (const o of byAppId) {
    if (!o.appId) continue;
    appsById.set(o.appId.toLowerCase(), o);
    labels[o.appId.toLowerCase()] = `app:${o.displayName}`;
  }
  for (const id of appIds) {
    const known = wellKnownAppName(id);
    if (!appsById.has(id) && known) labels[id] = `app:${known}`;
  }
  const locations = snapshot.namedLocations;
  const strengths = snapshot.authenticationStrengths;
  for (const l of locations) if (typeof l['id'] === 'string') labels[l['id'].toLowerCase()] = `location:${String(l['displayName'])}`;
  for (const [name, id] of Object.entries(BUILT_IN_AUTH_STRENGTHS)) labels[id] = `authStrength:${name}`;
  labels[MFA_TRUSTED_IPS_LOCATION_ID] = 'MFA Trusted IPs';
  for (const s of strengths) if (typeof s['id'] === 'string') labels[s['id'].toLowerCase()] = `authStrength:${String(s['displayName'])}`;

  // 4. Apply.
  function checkId(site: Site, kind: DirectoryKind | 'app', id: string): void {
    if (kind === 'app') {
      if (appsById.has(id) || wellKnownAppName(id)) return site.set(id);
      return problem(
        site,
        `application ${id} (an appId) in ${slotName(site.slot)} has no service principal in the tenant and is not a well-known Microsoft app: check the appId, or reference the app by name ("app:Display name")`,
      );
    }
    const found = objectsById.get(id);
    if (!found) {
      return problem(site, `${NOUN[kind]} ${id} in ${slotName(site.slot)} does not exist in the tenant (deleted, or from another tenant): fix the id or use a reference such as "${kind}:Name"`);
    }
    if (found.type !== kind) return problem(site, `${id} in ${slotName(site.slot)} is a ${NOUN[found.type]} (${labelOf(found)}), not a ${NOUN[kind]}`);
    site.set(id);
  }

  function applyName(site: Site, kind: DirectoryKind | 'app', name: string): void {
    const all = byName.get(queryKey({ kind, name })) ?? [];
    const matches = kind === 'app' ? uniqueBy(all.filter((o) => o.appId), (o) => o.appId!.toLowerCase()) : all.filter((o) => o.type === kind);
    const ref = `${kind}:${name}`;
    if (matches.length === 0) return problem(site, `${ref}: no ${NOUN[kind]} with this name in the tenant (${HOW_NAMED[kind]}); fix the name, create the object, or use its id`);
    if (matches.length > 1) {
      const candidates = matches.map((o) => (kind === 'app' ? `appId ${o.appId}` : o.id)).join(', ');
      return problem(site, `${ref} is ambiguous: ${matches.length} ${NOUN[kind]}s have this name (${candidates}); write the intended id instead, or rename the others`);
    }
    const match = matches[0]!;
    if (kind === 'app') {
      const appId = match.appId!.toLowerCase();
      labels[appId] = `app:${match.displayName}`;
      site.set(appId);
    } else {
      labels[match.id.toLowerCase()] = labelOf(match);
      site.set(match.id.toLowerCase());
    }
  }

  const repoNamed = {
    location: resolved.filter((d) => d.kind === 'namedLocation'),
    authStrength: resolved.filter((d) => d.kind === 'authenticationStrength'),
  };
  const tenantNamed = { location: locations, authStrength: strengths };

  function checkNamedId(site: Site, kind: 'location' | 'authStrength', id: string): void {
    // Not an object Graph lists, yet an id Graph accepts in a location condition.
    if (kind === 'location' && id === MFA_TRUSTED_IPS_LOCATION_ID) return site.set(id);
    const exists =
      tenantNamed[kind].some((o) => typeof o['id'] === 'string' && o['id'].toLowerCase() === id) ||
      (kind === 'authStrength' && Object.values(BUILT_IN_AUTH_STRENGTHS).includes(id));
    if (!exists) return problem(site, `${NOUN[kind]} ${id} in ${slotName(site.slot)} does not exist in the tenant: fix the id or reference it by name ("${kind}:Name")`);
    site.set(id);
  }

  function applyNamed(site: Site, kind: 'location' | 'authStrength', name: string): void {
    const key = name.trim().toLowerCase();
    if (kind === 'authStrength') {
      const builtIn = Object.entries(BUILT_IN_AUTH_STRENGTHS).find(([n]) => n.toLowerCase() === key);
      if (builtIn) return site.set(builtIn[1]);
    }
    const tenantList = tenantNamed[kind].filter((o) => !(kind === 'authStrength' && o['policyType'] === 'builtIn'));
    const inTenant = (id: unknown): JsonObject | undefined =>
      typeof id === 'string' ? tenantList.find((o) => typeof o['id'] === 'string' && o['id'].toLowerCase() === id.toLowerCase()) : undefined;
    // The repository's own document wins when its id exists in the tenant (a rename in progress).
    const repoDocs = repoNamed[kind].filter((d) => displayNameOf(d)?.trim().toLowerCase() === key);
    const repoDoc = repoDocs.find((d) => displayNameOf(d) === name) ?? repoDocs[0];
    const byRepoId = repoDoc ? inTenant(repoDoc.value['id']) : undefined;
    if (byRepoId) return site.set(String(byRepoId['id']).toLowerCase());
    const matches = tenantList.filter((o) => typeof o['displayName'] === 'string' && o['displayName'].trim().toLowerCase() === key);
    if (matches.length === 1) return site.set(String(matches[0]!['id']).toLowerCase());
    if (matches.length > 1) {
      return problem(
        site,
        `${kind}:${name} is ambiguous: ${matches.length} ${NOUN[kind]}s in the tenant have this name (${matches.map((m) => String(m['id'])).join(', ')}); write the intended id instead, or rename the others in the tenant`,
      );
    }
    if (repoDoc) {
      // Created by this plan: apply resolves the reference once the object exists.
      const ref = `${kind}:${displayNameOf(repoDoc)!}`;
      labels[ref] = `${ref} (new)`;
      return site.set(ref);
    }
    problem(site, `${kind}:${name}: no ${NOUN[kind]} with this name in the tenant or in the repository; fix the name, add the ${NOUN[kind]}, or use its id`);
  }

  for (const { run } of pending) run();
  return { documents: resolved, labels, problems, emergencyAccess };
}

/**
 * caac.yml's emergency-access values as sites of a stand-in document (it only locates problems
 * in caac.yml); each resolved id lands in `into`.
 */
function emergencyAccessSites(source: NonNullable<ResolveContext['emergencyAccess']>, into: EmergencyAccessIds): Site[] {
  const document: ResolvedDocument = { file: source.file, kind: 'policy', value: {}, resolved: {}, locate: source.locate, schemaValid: true };
  const lists = [
    { key: 'users', kind: 'user', values: source.users, ids: into.users },
    { key: 'groups', kind: 'group', values: source.groups, ids: into.groups },
  ] as const;
  return lists.flatMap((list) => {
    const slot: ReferenceSlot = { pointer: `/emergencyAccess/${list.key}`, kind: list.kind, keywords: [] };
    return list.values.map((raw, i) => ({
      document,
      path: childPointer(slot.pointer, i),
      slot,
      raw,
      parsed: parseReferenceValue(raw, []),
      set: (id: string) => {
        if (!list.ids.includes(id.toLowerCase())) list.ids.push(id.toLowerCase());
      },
    }));
  });
}

function slotSites(document: ResolvedDocument, slot: ReferenceSlot): Site[] {
  const raw = valueAtPointer(document.resolved, slot.pointer);
  const make = (path: string, value: string, set: (v: string) => void): Site => ({
    document,
    path,
    slot,
    raw: value,
    parsed: parseReferenceValue(value, slot.keywords),
    set,
  });
  if (slot.single) {
    if (typeof raw !== 'string') return [];
    const parent = valueAtPointer(document.resolved, parentPointer(slot.pointer) ?? '');
    const key = parsePointer(slot.pointer).pop()!;
    if (!isJsonObject(parent as JsonValue)) return [];
    return [make(slot.pointer, raw, (v) => ((parent as JsonObject)[key] = v))];
  }
  if (!Array.isArray(raw)) return [];
  const list = raw as JsonValue[];
  const sites: Site[] = [];
  list.forEach((value, i) => {
    if (typeof value === 'string') sites.push(make(childPointer(slot.pointer, i), value, (v) => (list[i] = v)));
  });
  return sites;
}

function queryKey(query: NameQuery): string {
  return `${query.kind}:${query.name}`;
}

function slotName(slot: ReferenceSlot): string {
  if (slot.pointer.startsWith('/emergencyAccess/')) return slot.pointer.slice(1).replace('/', '.');
  return slot.pointer.split('/').pop() ?? slot.pointer;
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
