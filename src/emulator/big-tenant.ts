/**
 * A big tenant for measuring cost at scale: `policies` Conditional Access policies that together
 * reference `references` distinct users, groups, directory roles, applications and named
 * locations. Deterministic: the same options give the same tenant, byte for byte, so request
 * counts and timings compare across runs. The directory also holds objects no policy references
 * (a real tenant has many more), so a client that lists whole collections pays for them.
 *
 * Served by `caac emulator --seed big` (195 policies, 3,000 references) or
 * `--seed big:<policies>:<references>[:<seed>]`; tests and bench call `bigTenant` directly.
 */
import { directoryRoleTemplates, firstPartyServicePrincipals, servicePrincipal, stableGuid } from './builtins.js';
import type { JsonObject, TenantState } from './types.js';
import { mulberry32 } from './random.js';

export interface BigTenantOptions {
  /** Conditional Access policies, 1 to 195 (Graph's limit per tenant). */
  policies: number;
  /** Distinct objects the policies reference, across users, groups, roles, apps and locations. */
  references: number;
  /** Varies names and the order of references; the same seed gives the same tenant. */
  seed?: number;
}

export interface BigTenantShape {
  users: number;
  groups: number;
  roles: number;
  apps: number;
  locations: number;
}

export const BIG_TENANT_ID = '7a1e2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const DOMAIN = 'bigcorp.onmicrosoft.com';
/** Objects nobody references, per referenced one: the rest of the directory. */
const UNREFERENCED_SHARE = 0.25;

/** How `references` split across the kinds: mostly users and groups, as in real tenants. */
export function bigTenantShape(references: number): BigTenantShape {
  if (!Number.isInteger(references) || references < 5) throw new Error(`big tenant: references must be an integer of at least 5, not ${references}`);
  const roles = Math.min(directoryRoleTemplates().length, Math.max(1, Math.round(references * 0.008)));
  const locations = Math.min(150, Math.max(1, Math.round(references * 0.05)));
  const apps = Math.max(1, Math.round(references * 0.15));
  const groups = Math.max(1, Math.round(references * 0.3));
  const users = references - roles - locations - apps - groups;
  if (users < 1) throw new Error(`big tenant: ${references} references are too few to split`);
  return { users, groups, roles, apps, locations };
}

const GIVEN = ['ada', 'alan', 'grace', 'linus', 'margaret', 'dennis', 'barbara', 'ken', 'frances', 'edsger', 'radia', 'tim', 'hedy', 'john', 'katherine', 'niklaus'];
const FAMILY = ['lovelace', 'turing', 'hopper', 'torvalds', 'hamilton', 'ritchie', 'liskov', 'thompson', 'allen', 'dijkstra', 'perlman', 'lee', 'lamarr', 'backus', 'johnson', 'wirth'];
const DEPARTMENTS = ['Finance', 'Sales', 'Legal', 'HR', 'IT', 'Research', 'Support', 'Marketing', 'Operations', 'Security'];
const APP_WORDS = ['Ledger', 'Portal', 'Tracker', 'Vault', 'Planner', 'Insights', 'Connector', 'Gateway', 'Console', 'Hub'];
const CITIES = ['Oslo', 'Lisbon', 'Osaka', 'Lima', 'Accra', 'Perth', 'Quito', 'Riga', 'Tunis', 'Dhaka'];

const pick = <T>(rng: () => number, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
const pad = (n: number): string => String(n).padStart(4, '0');

/** The tenant in the emulator's state-file format. */
export function bigTenant(options: BigTenantOptions): TenantState {
  const { policies: policyCount, references } = options;
  if (!Number.isInteger(policyCount) || policyCount < 1 || policyCount > 195) throw new Error(`big tenant: policies must be an integer from 1 to 195, not ${policyCount}`);
  const seed = options.seed ?? 1;
  const rng = mulberry32(seed);
  const shape = bigTenantShape(references);
  const id = (kind: string, i: number): string => stableGuid(`big:${seed}:${kind}:${i}`);
  const extra = (n: number): number => n + Math.ceil(n * UNREFERENCED_SHARE);

  const users: JsonObject[] = Array.from({ length: extra(shape.users) }, (_, i) => {
    const given = pick(rng, GIVEN);
    const family = pick(rng, FAMILY);
    return {
      id: id('user', i), displayName: `${given} ${family} ${i}`, givenName: given, surname: family,
      userPrincipalName: `${given}.${family}.${pad(i)}@${DOMAIN}`, mail: `${given}.${family}.${pad(i)}@${DOMAIN}`,
    };
  });
  const groups: JsonObject[] = Array.from({ length: extra(shape.groups) }, (_, i) => {
    const name = `SG-${pick(rng, DEPARTMENTS)}-${pad(i)}`;
    return { id: id('group', i), displayName: name, mailNickname: name.replace(/[^A-Za-z0-9]/g, ''), securityEnabled: true, mailEnabled: false };
  });
  const apps: JsonObject[] = Array.from({ length: extra(shape.apps) }, (_, i) =>
    servicePrincipal(id('app', i), `${pick(rng, APP_WORDS)} ${pick(rng, DEPARTMENTS)} ${pad(i)}`, BIG_TENANT_ID, BIG_TENANT_ID),
  );
  const namedLocations: JsonObject[] = Array.from({ length: shape.locations }, (_, i) => ({
    '@odata.type': '#microsoft.graph.ipNamedLocation', id: id('location', i), displayName: `Branch ${pick(rng, CITIES)} ${pad(i)}`, isTrusted: i % 4 === 0,
    ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: `10.${Math.floor(i / 250)}.${i % 250}.0/24` }],
    createdDateTime: '2025-02-01T08:00:00Z', modifiedDateTime: '2025-02-01T08:00:00Z',
  }));
  const roles = directoryRoleTemplates();

  // Every referenced object lands in exactly one policy's slot; policy i takes every P-th one.
  const share = <T>(list: readonly T[], count: number, i: number): T[] => list.slice(0, count).filter((_, j) => j % policyCount === i);
  const ids = (list: readonly JsonObject[], key = 'id'): string[] => list.map((o) => String(o[key]));
  const policies: JsonObject[] = Array.from({ length: policyCount }, (_, i) => {
    const myGroups = ids(share(groups, shape.groups, i));
    const myRoles = ids(share(roles, shape.roles, i));
    const myApps = ids(share(apps, shape.apps, i), 'appId');
    const myLocations = ids(share(namedLocations, shape.locations, i));
    const half = Math.ceil(myGroups.length / 2);
    return {
      id: id('policy', i),
      templateId: null,
      displayName: `CA${pad(i)} - Bulk policy ${i}`,
      createdDateTime: '2025-03-01T08:00:00Z',
      modifiedDateTime: null,
      state: i % 2 === 0 ? 'disabled' : 'enabledForReportingButNotEnforced',
      conditions: {
        clientAppTypes: ['all'],
        applications: { includeApplications: myApps.length > 0 ? myApps : ['All'] },
        users: {
          includeUsers: myGroups.length + myRoles.length > 0 ? [] : ['All'],
          excludeUsers: ids(share(users, shape.users, i)),
          includeGroups: myGroups.slice(0, half),
          excludeGroups: myGroups.slice(half),
          includeRoles: myRoles,
        },
        ...(myLocations.length > 0 ? { locations: { includeLocations: ['All'], excludeLocations: myLocations } } : {}),
      },
      grantControls: { operator: 'OR', builtInControls: ['mfa'] },
      sessionControls: null,
    };
  });

  return {
    formatVersion: 1,
    tenantId: BIG_TENANT_ID,
    policies,
    namedLocations,
    authenticationStrengthPolicies: [],
    authenticationContextClassReferences: [],
    deletedPolicies: [],
    deletedNamedLocations: [],
    users,
    groups,
    groupMembers: {},
    servicePrincipals: [...firstPartyServicePrincipals(BIG_TENANT_ID), ...apps],
    applications: [],
    directoryRoleTemplates: roles,
    securityDefaults: { isEnabled: false },
  };
}

/** `big` or `big:<policies>:<references>[:<seed>]` → the options; undefined for any other seed. */
export function parseBigSeed(seed: string): BigTenantOptions | undefined {
  const m = /^big(?::(\d+):(\d+)(?::(\d+))?)?$/.exec(seed);
  if (m === null) return undefined;
  return { policies: m[1] === undefined ? 195 : Number(m[1]), references: m[2] === undefined ? 3000 : Number(m[2]), seed: m[3] === undefined ? 1 : Number(m[3]) };
}
