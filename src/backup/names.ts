/**
 * Which ids a backup may write as `kind:name`: only those whose name resolves back to exactly that
 * object in the same tenant, the way src/resolve/ resolves it at plan time. Anything else (not
 * found, of another type, a name shared by two objects, a name with surrounding spaces or that
 * looks like an id) keeps its raw id, so a backup never names the wrong object.
 */
import type { JsonObject } from '../model/documents.js';
import { valueAtPointer } from '../model/json-pointer.js';
import { BUILT_IN_AUTH_STRENGTHS, POLICY_REFERENCE_SLOTS, isBuiltInStrength, isGuid, type ReferenceKind } from '../model/references.js';
import type { DirectoryObject, NameQuery, TenantSnapshot } from '../model/tenant.js';

/** `${kind}:${lower-case id}` → the reference to write (`group:Finance`). */
export type ReferenceNames = ReadonlyMap<string, string>;

export const referenceKey = (kind: ReferenceKind, id: string): string => `${kind}:${id.trim().toLowerCase()}`;

type DirectoryKind = 'user' | 'group' | 'role' | 'servicePrincipal';
const DIRECTORY_KINDS: readonly ReferenceKind[] = ['user', 'group', 'role', 'servicePrincipal'];

/** The ids the tenant's policies hold, by what the directory must be asked. */
export interface HeldIds {
  /** users, groups, roles, service principals: for directory.getByIds */
  objectIds: string[];
  /** application ids (includeApplications): for directory.getByAppIds */
  appIds: string[];
  /** each id with the kinds of slot it appears in */
  slots: Map<string, Set<ReferenceKind>>;
}

/** Every GUID in a directory reference slot of any policy, lower-case and deduplicated. */
export function heldIds(policies: readonly JsonObject[]): HeldIds {
  const objectIds = new Set<string>();
  const appIds = new Set<string>();
  const slots = new Map<string, Set<ReferenceKind>>();
  for (const policy of policies) {
    for (const slot of POLICY_REFERENCE_SLOTS) {
      if (!(DIRECTORY_KINDS.includes(slot.kind as ReferenceKind) || slot.kind === 'app')) continue;
      const raw = valueAtPointer(policy, slot.pointer);
      for (const v of Array.isArray(raw) ? raw : [raw]) {
        if (typeof v !== 'string' || !isGuid(v.trim())) continue;
        const id = v.trim().toLowerCase();
        (slot.kind === 'app' ? appIds : objectIds).add(id);
        const kinds = slots.get(id) ?? new Set<ReferenceKind>();
        kinds.add(slot.kind as ReferenceKind);
        slots.set(id, kinds);
      }
    }
  }
  const sorted = (s: Set<string>): string[] => [...s].sort();
  return { objectIds: sorted(objectIds), appIds: sorted(appIds), slots };
}

/** A name that a `kind:name` reference can carry unchanged (the resolver trims, and reads a GUID as an id). */
export function isWritableName(name: string | undefined): name is string {
  return typeof name === 'string' && name !== '' && name === name.trim() && !isGuid(name) && !/[\r\n]/.test(name);
}

/** The name a directory object is referenced by: the UPN for users, the displayName otherwise. */
function nameOf(o: DirectoryObject): string | undefined {
  return o.type === 'user' ? o.userPrincipalName : o.displayName;
}

/** One candidate reference, waiting for the name look-up that proves it unique. */
export interface Candidate {
  kind: DirectoryKind | 'app';
  /** Lower-case object id, or appId for apps. */
  id: string;
  query: NameQuery;
}

/**
 * The name look-ups needed to prove each found object's name unique: one query per object whose
 * type fits the slot it sits in and whose name can be written.
 */
export function directoryCandidates(held: HeldIds, byId: readonly DirectoryObject[], byAppId: readonly DirectoryObject[]): Candidate[] {
  const candidates: Candidate[] = [];
  for (const o of byId) {
    const id = o.id.toLowerCase();
    const name = nameOf(o);
    if (!held.slots.get(id)?.has(o.type) || !isWritableName(name)) continue;
    candidates.push({ kind: o.type, id, query: { kind: o.type, name } });
  }
  const seenApps = new Set<string>();
  for (const o of byAppId) {
    const appId = o.appId?.toLowerCase();
    if (!appId || seenApps.has(appId) || !held.slots.get(appId)?.has('app') || !isWritableName(o.displayName)) continue;
    seenApps.add(appId);
    candidates.push({ kind: 'app', id: appId, query: { kind: 'app', name: o.displayName } });
  }
  return candidates.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}

/**
 * The candidates whose name look-up found exactly the object itself (for apps: exactly one
 * application, this one), as `kind:name`. `byName` is what directory.findByNames answered, keyed
 * `${kind}:${name}`.
 */
export function directoryReferenceNames(candidates: readonly Candidate[], byName: ReadonlyMap<string, readonly DirectoryObject[]>): Map<string, string> {
  const names = new Map<string, string>();
  for (const c of candidates) {
    const all = byName.get(`${c.query.kind}:${c.query.name}`) ?? [];
    let unique: boolean;
    if (c.kind === 'app') {
      const apps = new Set(all.filter((o) => o.appId).map((o) => o.appId!.toLowerCase()));
      unique = apps.size === 1 && apps.has(c.id);
    } else {
      const matches = all.filter((o) => o.type === c.kind);
      unique = matches.length === 1 && matches[0]!.id.toLowerCase() === c.id;
    }
    if (unique) names.set(referenceKey(c.kind, c.id), `${c.kind}:${c.query.name}`);
  }
  return names;
}

/**
 * Named locations and authentication strengths are named from the snapshot itself: a name is used
 * when no other object of its kind has it (compared trimmed and without regard to case, as the
 * resolver does) and, for strengths, when it is not a built-in's name. Built-ins are named by their
 * fixed names.
 */
export function snapshotReferenceNames(snapshot: Pick<TenantSnapshot, 'namedLocations' | 'authenticationStrengths'>): Map<string, string> {
  const names = new Map<string, string>();
  const builtInNames = new Set(Object.keys(BUILT_IN_AUTH_STRENGTHS).map((n) => n.toLowerCase()));
  const add = (kind: 'location' | 'authStrength', objects: readonly JsonObject[], reserved: Set<string>): void => {
    const count = new Map<string, number>();
    const key = (name: string): string => name.trim().toLowerCase();
    for (const o of objects) if (typeof o['displayName'] === 'string') count.set(key(o['displayName']), (count.get(key(o['displayName'])) ?? 0) + 1);
    for (const o of objects) {
      const id = o['id'];
      const name = o['displayName'];
      if (typeof id !== 'string' || typeof name !== 'string' || !isWritableName(name)) continue;
      if (count.get(key(name)) !== 1 || reserved.has(key(name))) continue;
      names.set(referenceKey(kind, id), `${kind}:${name}`);
    }
  };
  add('location', snapshot.namedLocations, new Set());
  const custom = snapshot.authenticationStrengths.filter((s) => !isBuiltInStrength(s));
  add('authStrength', custom, builtInNames);
  for (const [name, id] of Object.entries(BUILT_IN_AUTH_STRENGTHS)) names.set(referenceKey('authStrength', id), `authStrength:${name}`);
  return names;
}
