/**
 * What staged rollout does to a plan, on the resolved documents (ids, not names):
 * - a policy listed in rollout.policies, enforced (`state: enabled`), on a ring before `all`: its
 *   *included* users and groups are narrowed to the members of the rings reached so far;
 *   - a policy that includes `All` users gets the rings' users and groups instead;
 *   - a policy that includes specific users or groups keeps those of them that a ring reached so
 *     far names (the same id), and nobody else: roles and guests are not ring members;
 *   - if nothing is left it includes `None` (and the plan says so);
 *   its exclusions (the emergency-access guard's among them) are never touched;
 * - a listed policy in report-only is not narrowed: report-only changes nothing for anyone, and its
 *   evidence is worth most over the whole audience;
 * - a policy not in the tenant and not listed, with `newPolicies: reportOnly` (the default), is
 *   created report-only, and stays so while it is not listed (a plan never enforces it before
 *   `caac rollout advance` lists it); with `ring0` it is created narrowed to the first ring.
 * Pure: the plan calls it once, after references are resolved and before the guard adds exclusions.
 */
import { displayNameOf, isJsonObject, type JsonObject } from '../model/documents.js';
import type { PreparedDocument } from '../model/rule.js';
import type { Settings } from '../model/settings.js';
import type { TenantSnapshot } from '../model/tenant.js';
import { ALL_RING, REPORT_ONLY, newPolicyMode, nextRing, ringIndex, ringsOf, rolloutEntry, type Ring } from './rings.js';
import { isRingDocument, ringMembers } from './ring-documents.js';
import type { PlanRollout, PlanRolloutPolicy } from '../model/rollout.js';

export type { PlanRollout, PlanRolloutPolicy } from '../model/rollout.js';

type Resolved = PreparedDocument & { resolved: JsonObject };

export interface RolloutApplied {
  /** The repository's documents (stand-ins removed), narrowed in place. */
  documents: Resolved[];
  /** Absent when caac.yml configures no rollout. */
  rollout?: PlanRollout;
}

type Members = { users: string[]; groups: string[] };

/** For the plan: takes the stand-ins out of `resolution.documents`, narrows the rest in place, answers the Rollout section. */
export function applyRolloutTo(resolution: { documents: Resolved[] }, settings: Settings, snapshot: TenantSnapshot): PlanRollout | undefined {
  const applied = applyRollout(resolution.documents, settings, snapshot);
  resolution.documents = applied.documents;
  return applied.rollout;
}

export function applyRollout(all: readonly Resolved[], settings: Settings, snapshot: TenantSnapshot): RolloutApplied {
  const documents = all.filter((d) => !isRingDocument(d));
  const rings = ringsOf(settings);
  if (settings.rollout === undefined || rings.length === 0) return { documents };
  const members = ringMembers(all);
  const reached = (ring: string): Members => {
    const upTo = rings.slice(0, Math.max(0, ringIndex(rings, ring)) + 1).map((r) => members.get(r.name) ?? { users: [], groups: [] });
    return { users: unique(upTo.flatMap((m) => m.users)), groups: unique(upTo.flatMap((m) => m.groups)) };
  };
  const policies: PlanRolloutPolicy[] = [];
  for (const document of documents) {
    if (document.kind !== 'policy') continue;
    const line = rolloutLine(document, settings, snapshot, rings, reached);
    if (line) policies.push(line);
  }
  const ringList = rings.map((r) => ({ name: r.name, include: r.name === ALL_RING ? [] : [...(members.get(r.name)?.users ?? []), ...(members.get(r.name)?.groups ?? [])] }));
  return { documents, rollout: { rings: ringList, policies } };
}

function rolloutLine(document: Resolved, settings: Settings, snapshot: TenantSnapshot, rings: Ring[], reached: (ring: string) => Members): PlanRolloutPolicy | undefined {
  const displayName = displayNameOf(document) ?? document.file;
  const entry = rolloutEntry(settings, displayName);
  const body = document.resolved;
  const inTenant = tenantPolicy(snapshot, document);
  if (entry) {
    const since = entry.since === undefined ? {} : { since: entry.since };
    if (body['state'] === 'enabled' && entry.ring !== ALL_RING) {
      const narrowedTo = narrowIncludes(body, reached(entry.ring));
      const nobody = narrowedTo.length === 0 ? ': its includes and the rings\' do not overlap, so it includes None' : '';
      return { displayName, ring: entry.ring, ...since, stage: 'enforced', narrowedTo, note: `enforced on the rings up to ${entry.ring}${nobody}`, ...advanceText(rings, entry.ring, false, includesAll(document.value)) };
    }
    const stage = stageOf(body['state']);
    const note = stage === 'reportOnly' ? 'report-only over its whole audience (evidence for the first ring)' : stage === 'disabled' ? 'disabled: rollout changes nothing' : 'enforced on everyone it includes (ring all)';
    return { displayName, ring: entry.ring, ...since, stage, note, ...advanceText(rings, entry.ring, stage === 'reportOnly', includesAll(document.value)) };
  }
  const mode = newPolicyMode(settings);
  if (mode === 'none' || body['state'] !== 'enabled') return undefined;
  const first = rings[0]!;
  if (inTenant === undefined && mode === 'ring0' && first.name !== ALL_RING) {
    const narrowedTo = narrowIncludes(body, reached(first.name));
    return { displayName, stage: 'enforced', narrowedTo, note: `new: created enforced on ring ${first.name} only (rollout.newPolicies: ring0); list it under rollout.policies with ring: ${first.name}, or the next plan enforces it on everyone` };
  }
  if (mode === 'reportOnly' && (inTenant === undefined || inTenant['state'] === REPORT_ONLY)) {
    body['state'] = REPORT_ONLY;
    const why = inTenant === undefined ? 'new: created report-only' : 'held report-only (it is so in the tenant and not listed)';
    return { displayName, stage: 'reportOnly', note: `${why} by rollout.newPolicies: reportOnly`, advance: `caac rollout advance lists it on ring ${first.name} and enforces it there` };
  }
  return undefined;
}

/** The tenant's policy a document describes: by its id, else by displayName (as the plan matches). */
function tenantPolicy(snapshot: TenantSnapshot, document: Resolved): JsonObject | undefined {
  const id = typeof document.value['id'] === 'string' ? document.value['id'].toLowerCase() : undefined;
  const name = displayNameOf(document)?.trim().toLowerCase();
  return (
    snapshot.policies.find((p) => id !== undefined && String(p['id']).toLowerCase() === id) ??
    snapshot.policies.find((p) => typeof p['displayName'] === 'string' && p['displayName'].trim().toLowerCase() === name)
  );
}

function stageOf(state: unknown): PlanRolloutPolicy['stage'] {
  return state === REPORT_ONLY ? 'reportOnly' : state === 'disabled' ? 'disabled' : 'enforced';
}

/** Whether the file's policy includes All users (a ring then adds its members whole). */
function includesAll(value: JsonObject): boolean {
  const users = isJsonObject(value['conditions']) ? value['conditions']['users'] : undefined;
  const include = isJsonObject(users) && Array.isArray(users['includeUsers']) ? users['includeUsers'] : [];
  return include.some((v) => typeof v === 'string' && v.toLowerCase() === 'all');
}

function advanceText(rings: Ring[], ring: string, reportOnly: boolean, all: boolean): { advance?: string } {
  if (reportOnly) return { advance: `enforces it on ${ring === ALL_RING ? 'everyone it includes' : `the rings up to ${ring}`} (state: enabled)` };
  const next = nextRing(rings, ring);
  if (next === undefined) return {};
  if (next.name === ALL_RING) return { advance: 'ring all: everyone the policy file includes' };
  return { advance: `ring ${next.name}: adds ${next.include.join(', ')}${all ? '' : ' (those of them the policy itself includes)'}` };
}

/**
 * Narrows the included users and groups of a resolved policy body to the members reached (see the
 * module comment); answers the ids it includes now. Exclusions are left exactly as they are.
 */
export function narrowIncludes(body: JsonObject, reached: Members): string[] {
  const conditions = body['conditions'];
  const users = isJsonObject(conditions) ? conditions['users'] : undefined;
  if (!isJsonObject(users)) return [];
  const list = (k: string): string[] => (Array.isArray(users[k]) ? (users[k] as unknown[]).filter((v): v is string => typeof v === 'string') : []);
  const includesAll = list('includeUsers').some((v) => v.toLowerCase() === 'all');
  const keep = (k: string, allowed: string[]): string[] => (includesAll ? allowed : list(k).filter((v) => allowed.includes(v.toLowerCase())).map((v) => v.toLowerCase()));
  const includeUsers = keep('includeUsers', reached.users);
  const includeGroups = keep('includeGroups', reached.groups);
  users['includeUsers'] = includeUsers.length + includeGroups.length === 0 ? ['None'] : includeUsers;
  users['includeGroups'] = includeGroups;
  users['includeRoles'] = [];
  if ('includeGuestsOrExternalUsers' in users) users['includeGuestsOrExternalUsers'] = null;
  return [...includeUsers, ...includeGroups];
}

const unique = (values: string[]): string[] => [...new Set(values)];
