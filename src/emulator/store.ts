/**
 * The tenant's state: loading it from a seed, a fixture or the state file, normalizing it (so a
 * hand-written fixture gets Graph's defaults), and persisting every change atomically (temp file
 * in the same directory, then rename), so a crash never leaves half a file.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { directoryRoleTemplates, firstPartyServicePrincipals } from './builtins.js';
import { normalizeStoredStrength } from './entities/authentication-strengths.js';
import { normalize } from './schema.js';
import { contextType } from './entities/authentication-contexts.js';
import { normalizeDirectoryObject, type DirectoryKind } from './entities/directory.js';
import { normalizeStoredNamedLocation } from './entities/named-locations.js';
import { normalizeStoredPolicy } from './entities/policies.js';
import { sampleTenant } from './sample-tenant.js';
import { normalizeSignIn } from './entities/sign-ins.js';
import { bigTenant, parseBigSeed } from './big-tenant.js';
import type { Json, JsonObject, TenantState } from './types.js';

export const DEFAULT_TENANT_ID = '8f2c4b1e-3d5a-4c6e-9b7f-1a2b3c4d5e6f';

export function emptyTenant(tenantId: string): TenantState {
  return {
    formatVersion: 1,
    tenantId,
    policies: [],
    namedLocations: [],
    authenticationStrengthPolicies: [],
    authenticationContextClassReferences: [],
    deletedPolicies: [],
    deletedNamedLocations: [],
    users: [],
    groups: [],
    groupMembers: {},
    servicePrincipals: firstPartyServicePrincipals(tenantId),
    applications: [],
    directoryRoleTemplates: directoryRoleTemplates(),
    securityDefaults: { isEnabled: false },
  };
}

const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function list(raw: JsonObject, key: string): JsonObject[] {
  const v = raw[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every(isObj)) throw new Error(`Tenant state: '${key}' must be an array of objects.`);
  return v;
}

function withDeleted(entity: JsonObject, normalizeOne: (o: JsonObject) => JsonObject): JsonObject {
  const { deletedDateTime, ...rest } = entity;
  return { ...normalizeOne(rest), deletedDateTime: typeof deletedDateTime === 'string' ? deletedDateTime : new Date().toISOString() };
}

/**
 * Accepts the state-file shape with any property missing; the role templates and first-party
 * service principals every tenant has are added when the fixture leaves them out.
 */
export function normalizeState(raw: Json, tenantIdOverride?: string): TenantState {
  if (!isObj(raw)) throw new Error('Tenant state must be a JSON object.');
  const tenantId = tenantIdOverride ?? (typeof raw.tenantId === 'string' ? raw.tenantId : DEFAULT_TENANT_ID);
  const base = emptyTenant(tenantId);
  const dir = (kind: DirectoryKind): JsonObject[] =>
    raw[kind] === undefined ? base[kind] : list(raw, kind).map((o) => normalizeDirectoryObject(kind, o));
  const idLists = (members: Json | undefined): Record<string, string[]> => {
    const out: Record<string, string[]> = {};
    if (isObj(members)) {
      for (const [g, ids] of Object.entries(members)) {
        if (Array.isArray(ids)) out[g] = ids.filter((i): i is string => typeof i === 'string');
      }
    }
    return out;
  };
  const groupMembers = idLists(raw.groupMembers);
  return {
    formatVersion: 1,
    tenantId,
    policies: list(raw, 'policies').map(normalizeStoredPolicy),
    namedLocations: list(raw, 'namedLocations').map(normalizeStoredNamedLocation),
    authenticationStrengthPolicies: list(raw, 'authenticationStrengthPolicies')
      .filter((s) => s.policyType !== 'builtIn')
      .map(normalizeStoredStrength),
    authenticationContextClassReferences: list(raw, 'authenticationContextClassReferences').map((c) =>
      normalize(contextType, c, '', { entity: 'AuthenticationContextClassReference' }),
    ),
    deletedPolicies: list(raw, 'deletedPolicies').map((p) => withDeleted(p, normalizeStoredPolicy)),
    deletedNamedLocations: list(raw, 'deletedNamedLocations').map((l) => withDeleted(l, normalizeStoredNamedLocation)),
    users: dir('users'),
    groups: dir('groups'),
    groupMembers,
    servicePrincipals: dir('servicePrincipals'),
    applications: dir('applications'),
    directoryRoleTemplates: dir('directoryRoleTemplates'),
    securityDefaults: securityDefaultsOf(raw.securityDefaults),
    ...(raw.directoryRoleAssignments === undefined ? {} : { directoryRoleAssignments: idLists(raw.directoryRoleAssignments) }),
    signIns: list(raw, 'signIns').map((s, i) => normalizeSignIn(s, `signIns[${i}]`)),
    // The audit log persists with the tenant (a demo's state file keeps who changed what).
    ...(raw.directoryAudits === undefined ? {} : { directoryAudits: list(raw, 'directoryAudits') }),
  };
}

function securityDefaultsOf(raw: Json | undefined): { isEnabled: boolean } {
  if (raw === undefined || raw === null) return { isEnabled: false };
  if (!isObj(raw) || typeof raw.isEnabled !== 'boolean') throw new Error("Tenant state: 'securityDefaults' must be {\"isEnabled\": true|false}.");
  return { isEnabled: raw.isEnabled };
}

/** Reads a seed: 'sample', 'big[:policies:references[:seed]]', a fixture path, or nothing (an empty tenant). */
export function seedState(seed: string | undefined, tenantId: string | undefined): TenantState {
  if (seed === undefined || seed === '' || seed === 'empty') return emptyTenant(tenantId ?? DEFAULT_TENANT_ID);
  if (seed === 'sample') return normalizeState(sampleTenant(tenantId) as unknown as Json, tenantId);
  const big = parseBigSeed(seed);
  if (big !== undefined) return normalizeState(bigTenant(big) as unknown as Json, tenantId);
  let text: string;
  try {
    text = readFileSync(seed, 'utf8');
  } catch (e) {
    throw new Error(`Cannot read the tenant fixture '${seed}': ${(e as Error).message}`, { cause: e });
  }
  try {
    return normalizeState(JSON.parse(text) as Json, tenantId);
  } catch (e) {
    throw new Error(`The tenant fixture '${seed}' is not valid: ${(e as Error).message}`, { cause: e });
  }
}

/** The parts of a tenant that Graph's replicas serve with a lag: what Conditional Access writes. */
const LAGGED = ['policies', 'namedLocations', 'authenticationStrengthPolicies', 'deletedPolicies', 'deletedNamedLocations'] as const;
type LaggedParts = Pick<TenantState, (typeof LAGGED)[number]>;

function laggedParts(state: TenantState): LaggedParts {
  return structuredClone(Object.fromEntries(LAGGED.map((k) => [k, state[k]]))) as LaggedParts;
}

/** What a request handler reads and writes through: the store itself, or a lagging read replica of it. */
export interface StateAccess {
  readonly state: TenantState;
  save(): void;
  markCreated(id: string, at: number): void;
  createdAt(id: string): number | undefined;
}

const DIRECTORY_KINDS = ['users', 'groups', 'servicePrincipals', 'applications'] as const;

export class Store implements StateAccess {
  state: TenantState;
  /** id → when it was created (ms), for the eventual-consistency window; not persisted. */
  private readonly created = new Map<string, number>();
  /**
   * With a list lag: the lagged parts as they were after each write of the last `listLagMs`, oldest
   * first, and what a reader saw before the oldest of them.
   */
  private versions: Array<{ at: number; parts: LaggedParts }> = [];
  private base: LaggedParts | undefined;
  /** The lagged parts as of the last write (or start): what readers saw before the next write. */
  private lastSeen: LaggedParts | undefined;

  constructor(
    private readonly initial: () => TenantState,
    private readonly stateFile: string | undefined,
    tenantIdOverride: string | undefined,
    private listLagMs = 0,
  ) {
    if (stateFile !== undefined && existsSync(stateFile)) {
      this.state = normalizeState(JSON.parse(readFileSync(stateFile, 'utf8')) as Json, tenantIdOverride);
    } else {
      this.state = initial();
      this.persist();
    }
    this.forgetVersions();
  }

  markCreated(id: string, at: number): void {
    this.created.set(id, at);
  }

  createdAt(id: string): number | undefined {
    return this.created.get(id);
  }

  reset(): void {
    this.state = this.initial();
    this.created.clear();
    this.forgetVersions();
    this.persist();
  }

  replace(raw: Json): void {
    const known = new Set(DIRECTORY_KINDS.flatMap((kind) => this.state[kind].map((o) => String(o.id))));
    this.state = normalizeState(raw);
    this.created.clear();
    // Directory objects new in this state count as created now: Graph's advanced queries read an
    // index that lags behind such writes (see router.ts, dirList).
    const now = Date.now();
    for (const kind of DIRECTORY_KINDS) for (const o of this.state[kind]) if (!known.has(String(o.id))) this.created.set(String(o.id), now);
    this.forgetVersions();
    this.persist();
  }

  setListLag(ms: number): void {
    this.listLagMs = ms;
    this.forgetVersions();
  }

  private forgetVersions(): void {
    this.versions = [];
    this.base = undefined;
    this.lastSeen = this.listLagMs > 0 ? laggedParts(this.state) : undefined;
  }

  /**
   * What a read at `now` sees: the primary, or with a list lag the lagged parts as they were
   * `listLagMs` ago (the directory is never lagged: caac does not write it).
   */
  readView(now: number): StateAccess {
    if (this.listLagMs <= 0 || (this.versions.length === 0 && this.base === undefined)) return this;
    const horizon = now - this.listLagMs;
    // Versions older than the horizon are what everyone sees by now: fold them into the base.
    while (this.versions.length > 0 && this.versions[0]!.at <= horizon) this.base = this.versions.shift()!.parts;
    if (this.versions.length === 0) {
      this.base = undefined;
      return this;
    }
    const parts = this.base!;
    const state: TenantState = { ...this.state, ...structuredClone(parts) };
    return {
      state,
      save: () => {
        throw new Error('emulator: a read replica cannot be written');
      },
      markCreated: () => undefined,
      createdAt: (id) => this.createdAt(id),
    };
  }

  /** Writes the state file, if any: a temp file in the same directory, then an atomic rename. */
  save(): void {
    if (this.listLagMs > 0) this.recordVersion(Date.now());
    this.persist();
  }

  private recordVersion(at: number): void {
    // The base is what readers saw before this write: the last version, or the state before it.
    if (this.versions.length === 0 && this.base === undefined) this.base = this.lastSeen ?? laggedParts(this.state);
    this.versions.push({ at, parts: laggedParts(this.state) });
    this.lastSeen = this.versions[this.versions.length - 1]!.parts;
  }

  private persist(): void {
    if (this.stateFile === undefined) return;
    const dir = dirname(this.stateFile);
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `.${basename(this.stateFile)}.${process.pid}.${Date.now()}.tmp`);
    writeFileSync(tmp, `${JSON.stringify(this.state, null, 2)}\n`);
    renameSync(tmp, this.stateFile);
  }
}
