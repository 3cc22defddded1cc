// A deterministic big tenant for the benchmark and the soak, in the emulator's state-file format
// (`caac emulator --seed <file>`): P policies that between them reference `references` distinct
// users, groups, roles, apps and named locations. The same (policies, references, seed) always
// gives the same file, so a figure in bench/results.json can be reproduced.
//
// Built here from the emulator's documented state format only, independently of the client and of
// test/fixtures, so the benchmark checks the client against a tenant it did not shape.
import { createHash } from 'node:crypto';
import { rng } from './harness.mjs';

/** A GUID derived from a label and the seed: stable across runs, distinct across labels. */
export function guid(seed, label) {
  const h = createHash('sha1').update(`caac-bench:${seed}:${label}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 3) | 8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The share of each kind in the references; roles are capped by `roles` templates created here. */
const MIX = { users: 0.46, groups: 0.4, apps: 0.09, locations: 0.03, roles: 0.02 };

/** How many objects of each kind make `references` in all (the break-glass group is one of the groups). */
export function referenceMix(references) {
  const n = {};
  let used = 0;
  for (const [kind, share] of Object.entries(MIX)) {
    if (kind === 'users') continue;
    n[kind] = Math.max(1, Math.floor(references * share));
    used += n[kind];
  }
  n.users = Math.max(1, references - used);
  return n;
}

/** Splits `items` into `parts` slices, as even as they come, every item in exactly one slice. */
function slices(items, parts) {
  const out = Array.from({ length: parts }, () => []);
  items.forEach((item, i) => out[i % parts].push(item));
  return out;
}

const STATES = ['enabled', 'enabled', 'enabledForReportingButNotEnforced', 'disabled'];

/**
 * The tenant: `policies` policies over `references` distinct objects. Every policy excludes the
 * break-glass group `CA-BreakGlass`; the last `contingency` policies are disabled and named
 * `CA9xxx - Contingency …` so a contingency set can switch them on.
 */
export function generateTenant({ policies, references, seed = 1, contingency = 3 }) {
  const random = rng(seed);
  const tenantId = guid(seed, 'tenant');
  const mix = referenceMix(references);
  const users = Array.from({ length: mix.users }, (_, i) => ({
    id: guid(seed, `user:${i}`),
    displayName: `Bench User ${String(i).padStart(5, '0')}`,
    userPrincipalName: `bench.user${i}@bench.example`,
  }));
  const groups = Array.from({ length: mix.groups }, (_, i) => ({
    id: guid(seed, `group:${i}`),
    displayName: i === 0 ? 'CA-BreakGlass' : `Bench Group ${String(i).padStart(5, '0')}`,
    mailNickname: `bench-group-${i}`,
  }));
  const roles = Array.from({ length: mix.roles }, (_, i) => ({
    id: guid(seed, `role:${i}`),
    displayName: `Bench Role ${String(i).padStart(3, '0')}`,
    description: 'A directory role template generated for the benchmark.',
  }));
  const servicePrincipals = Array.from({ length: mix.apps }, (_, i) => {
    const appId = guid(seed, `app:${i}`);
    const name = `Bench App ${String(i).padStart(4, '0')}`;
    return { id: guid(seed, `sp:${i}`), appId, displayName: name, appDisplayName: name, appOwnerOrganizationId: tenantId };
  });
  const namedLocations = Array.from({ length: mix.locations }, (_, i) => ({
    id: guid(seed, `location:${i}`),
    '@odata.type': '#microsoft.graph.ipNamedLocation',
    displayName: `Bench Location ${String(i).padStart(4, '0')}`,
    isTrusted: i % 2 === 0,
    ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: `10.${(i >> 8) & 255}.${i & 255}.0/24` }],
    createdDateTime: '2025-01-01T00:00:00Z',
    modifiedDateTime: '2025-01-01T00:00:00Z',
  }));

  const breakGlass = groups[0].id;
  const userSlices = slices(users.map((u) => u.id), policies);
  const groupSlices = slices(groups.slice(1).map((g) => g.id), policies);
  const roleSlices = slices(roles.map((r) => r.id), policies);
  const appSlices = slices(servicePrincipals.map((s) => s.appId), policies);
  const locationSlices = slices(namedLocations.map((l) => l.id), policies);
  const list = [];
  for (let i = 0; i < policies; i++) {
    const isContingency = i >= policies - contingency;
    const includeGroups = groupSlices[i];
    const includeRoles = roleSlices[i];
    const apps = appSlices[i];
    const locations = locationSlices[i];
    const block = random() < 0.15;
    const number = String(i + 1).padStart(4, '0');
    list.push({
      id: guid(seed, `policy:${i}`),
      displayName: isContingency ? `CA9${number.slice(1)} - Contingency - Bench policy ${number}` : `CA${number} - Bench policy ${number}`,
      state: isContingency ? 'disabled' : STATES[Math.floor(random() * STATES.length)],
      createdDateTime: '2025-01-01T00:00:00Z',
      modifiedDateTime: '2025-02-01T00:00:00Z',
      conditions: {
        clientAppTypes: ['all'],
        users: {
          // A policy must include someone: a group of its slice, or all users when the slice is empty.
          includeUsers: includeGroups.length + includeRoles.length === 0 ? ['All'] : [],
          includeGroups,
          includeRoles,
          excludeUsers: userSlices[i],
          excludeGroups: [breakGlass],
        },
        applications: { includeApplications: apps.length === 0 ? ['All'] : apps },
        ...(locations.length === 0 ? {} : { locations: { includeLocations: ['All'], excludeLocations: locations } }),
      },
      grantControls: { operator: 'OR', builtInControls: block ? ['block'] : ['mfa'] },
    });
  }
  return {
    formatVersion: 1,
    tenantId,
    policies: list,
    namedLocations,
    users,
    groups,
    groupMembers: { [breakGlass]: [users[0].id] },
    servicePrincipals,
    directoryRoleTemplates: roles,
  };
}

/** The distinct references the tenant's policies make (what the benchmark reports as "references"). */
export function countReferences(tenant) {
  const seen = new Set();
  for (const p of tenant.policies) {
    const u = p.conditions.users;
    for (const v of [...u.includeUsers, ...u.includeGroups, ...u.includeRoles, ...u.excludeUsers, ...u.excludeGroups]) if (v !== 'All') seen.add(v);
    for (const v of p.conditions.applications.includeApplications) if (v !== 'All') seen.add(v);
    for (const v of p.conditions.locations?.excludeLocations ?? []) seen.add(v);
  }
  return seen.size;
}

// `node bench/tenant-generator.mjs 195 3000 [seed] > tenant.json`
if (import.meta.url === `file://${process.argv[1]}`) {
  const [policies = '195', references = '3000', seed = '1'] = process.argv.slice(2);
  process.stdout.write(JSON.stringify(generateTenant({ policies: Number(policies), references: Number(references), seed: Number(seed) })) + '\n');
}
