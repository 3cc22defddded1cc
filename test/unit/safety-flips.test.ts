/**
 * The safety code's blind spots that mutation testing found (issue [9], point 11): each of these
 * could be flipped in the code without any test noticing. Each test here fails when its flip is
 * made by hand (see docs/mutation.md):
 * 1. the emergency-access *users* of a plan's guards (only the groups were tested);
 * 2. the keywords of lockout-risk (`includeLocations: ["all"]`, …) in any case, as Graph accepts them;
 * 3. an emergency account *included* by id or name in another case than caac.yml's;
 * 4. two objects with the same name: ambiguous, never the first of them;
 * 5. (test/integration/contingency-guard.test.ts) activation with emergency accounts that
 *    cannot be resolved.
 */
import { planSafetyProblems, bodySafetyProblems } from '../../src/apply/guards.js';
import { activationProblems } from '../../src/apply/contingency-activation-guard.js';
import type { JsonObject } from '../../src/model/documents.js';
import { blocksEmergencyAccess, emergencyAccessScope, explicitlyIncluded, missingExclusions, targetsPeople } from '../../src/model/emergency-access.js';
import { viewPolicy } from '../../src/model/policy-view.js';
import type { Plan, PlanOperation } from '../../src/model/plan.js';
import type { DirectoryObject, NameQuery, TenantSnapshot } from '../../src/model/tenant.js';
import { emergencyAccessProblems, enforceEmergencyExclusions, guardAddedWarning, newAdditions, scopeOfPlan, unmanagedWarnings } from '../../src/plan/break-glass-guard.js';
import type { Directory } from '../../src/ports/directory.js';
import { resolveReferences } from '../../src/resolve/resolve-references.js';
import { lockoutRisk, narrowingConditions } from '../../src/validate/rules/lockout-risk.js';
import type { PreparedDocument } from '../../src/model/rule.js';
import { basePolicy, byRule, dump, merge, pretty, removeTempDirs, validate, type Patch } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const BG_USER = 'a1b2c3d4-0000-4000-8000-00000000abcd';
const BG_GROUP = 'b1b2c3d4-0000-4000-8000-00000000abcd';
const OTHER = id(99);

/** An enabled MFA policy for All users (people: it must spare the emergency accounts). */
function mfaPolicy(users: JsonObject, extra: JsonObject = {}): JsonObject {
  return {
    displayName: 'CA100 Require MFA',
    state: 'enabled',
    conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'], ...users } },
    grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    ...extra,
  };
}

function update(body: JsonObject): PlanOperation {
  return { kind: 'policy', action: 'update', displayName: String(body['displayName']), id: id(50), file: 'policies/p.json', changes: [], body };
}

const USERS_ONLY = { users: [BG_USER], groups: [] };
const NO_SCOPE = emergencyAccessScope({});

describe('1. the emergency-access users of the guard count, not only the groups', () => {
  test('a policy that excludes no emergency user is missing it; one that excludes it is not', () => {
    expect(missingExclusions(mfaPolicy({ excludeUsers: [OTHER] }), USERS_ONLY)).toEqual({ users: [BG_USER], groups: [] });
    expect(missingExclusions(mfaPolicy({ excludeUsers: [OTHER, BG_USER] }), USERS_ONLY)).toEqual({ users: [], groups: [] });
  });

  test('plan refuses a change that drops the emergency user from excludeUsers', () => {
    const problems = emergencyAccessProblems({ operations: [update(mfaPolicy({ excludeUsers: [OTHER] }))], labels: { [BG_USER]: 'user:bg1@contoso.com' } }, USERS_ONLY, NO_SCOPE);
    expect(problems).toEqual([
      expect.objectContaining({ path: '/conditions/users/excludeUsers', file: 'policies/p.json', message: expect.stringContaining('would not exclude the emergency-access user:bg1@contoso.com: add it to excludeUsers') }),
    ]);
  });

  test("apply re-checks the plan file's guarded users", () => {
    const plan = { operations: [update(mfaPolicy({}))], labels: {}, guards: { users: [BG_USER], groups: [], exemptPolicies: [] } } as unknown as Plan;
    expect(planSafetyProblems(plan)).toEqual([expect.stringMatching(new RegExp(`^break-glass-not-excluded: .*would not exclude the emergency-access ${BG_USER}: add it to excludeUsers`))]);
    expect(planSafetyProblems({ ...plan, operations: [update(mfaPolicy({ excludeUsers: [BG_USER] }))] })).toEqual([]);
  });

  test('an enabled block that names the emergency user (or All users) blocks it unless it is excluded', () => {
    const block = (users: JsonObject): JsonObject => ({ ...mfaPolicy(users), grantControls: { operator: 'OR', builtInControls: ['block'] } });
    expect(blocksEmergencyAccess(block({ includeUsers: [BG_USER] }), USERS_ONLY)).toEqual([BG_USER]);
    expect(blocksEmergencyAccess(block({}), USERS_ONLY)).toEqual([BG_USER]);
    expect(blocksEmergencyAccess(block({ excludeUsers: [BG_USER] }), USERS_ONLY)).toEqual([]);
    expect(blocksEmergencyAccess(block({ includeUsers: [OTHER] }), USERS_ONLY)).toEqual([]);
  });

  test('enforce mode adds the emergency user to excludeUsers, after the ones written', () => {
    const document = { file: 'policies/p.json', kind: 'policy', value: {}, resolved: mfaPolicy({ excludeUsers: [OTHER] }), locate: () => ({ line: 1, column: 1 }), schemaValid: true } as const;
    const added = enforceEmergencyExclusions([document], USERS_ONLY, {});
    expect(added.get(document)).toEqual([{ path: '/conditions/users/excludeUsers', ids: [BG_USER] }]);
    expect((document.resolved['conditions'] as { users: JsonObject }).users['excludeUsers']).toEqual([OTHER, BG_USER]);
    // The tenant's object already excluding it (in capitals): nothing new for the plan to say.
    expect(newAdditions([{ path: '/conditions/users/excludeUsers', ids: [BG_USER] }], mfaPolicy({ excludeUsers: [BG_USER.toUpperCase()] }))).toEqual([]);
  });
});

describe('2. lockout-risk reads the keywords in any case (Graph accepts any)', () => {
  const LOCKOUT = {
    displayName: 'CA000 Block everything',
    state: 'enabled',
    conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] } },
    grantControls: { operator: 'OR', builtInControls: ['block'] },
  };
  const hits = (patch: Patch) => byRule(validate({ 'policies/block-all.json': pretty(merge(LOCKOUT, patch)) }).findings, 'lockout-risk');

  test.each<[string, Patch]>([
    ['includeLocations ["all"]', { conditions: { locations: { includeLocations: ['all'] } } }],
    ['includeLocations ["ALL"]', { conditions: { locations: { includeLocations: ['ALL'] } } }],
    ['clientAppTypes ["ALL"]', { conditions: { clientAppTypes: ['ALL'] } }],
    ['includePlatforms ["ALL"]', { conditions: { platforms: { includePlatforms: ['ALL'] } } }],
    ['builtInControls ["Block"]', { grantControls: { builtInControls: ['Block'] } }],
  ])('%s is still a lockout', (_, patch) => {
    expect(hits(patch)).toHaveLength(1);
  });

  // The bodies apply and contingency activation check are not normalised by validate: a body
  // read from the tenant or a plan file may write the keywords in any case.
  test.each<[string, Patch]>([
    ['includeLocations ["all"]', { conditions: { locations: { includeLocations: ['all'] } } }],
    ['clientAppTypes ["ALL"]', { conditions: { clientAppTypes: ['ALL'] } }],
    ['includePlatforms ["All"]', { conditions: { platforms: { includePlatforms: ['All'] } } }],
    ['builtInControls ["Block"]', { grantControls: { builtInControls: ['Block'] } }],
  ])('the guard apply runs over the bodies sees it too: %s', (_, patch) => {
    const body = merge(LOCKOUT, patch) as JsonObject;
    const problems = bodySafetyProblems([{ kind: 'policy', action: 'create', displayName: 'CA000 Block everything', changes: [], body }], { ids: { users: [], groups: [] }, scope: NO_SCOPE, labels: {} });
    expect(problems).toEqual([expect.stringMatching(/^lockout-risk: create policy "CA000 Block everything": .*would lock out every account/)]);
  });

  test('a location other than All still narrows it', () => {
    expect(hits({ conditions: { locations: { includeLocations: ['allTrusted'] } } })).toEqual([]);
  });
});

describe('3. an emergency account included in another case is still included', () => {
  test('by id, in capitals: plan refuses, never adds an exclusion that voids the policy', () => {
    const body = mfaPolicy({ includeUsers: [BG_USER.toUpperCase()] });
    expect(explicitlyIncluded(body, USERS_ONLY)).toEqual([BG_USER]);
    expect(explicitlyIncluded(mfaPolicy({ includeGroups: [BG_GROUP.toUpperCase()] }), { users: [], groups: [BG_GROUP] })).toEqual([BG_GROUP]);
    const problems = emergencyAccessProblems({ operations: [update(body)], labels: {} }, USERS_ONLY, NO_SCOPE);
    expect(problems).toEqual([expect.objectContaining({ path: '/conditions/users', message: expect.stringContaining(`includes the emergency-access ${BG_USER} by id`) })]);
    const document = { file: 'p.json', kind: 'policy', value: {}, resolved: structuredClone(body), locate: () => ({ line: 1, column: 1 }), schemaValid: true } as const;
    expect(enforceEmergencyExclusions([document], USERS_ONLY, {}).size).toBe(0);
  });

  test('by id, in capitals, in an enabled block: it blocks the account', () => {
    const block = { ...mfaPolicy({ includeUsers: [BG_USER.toUpperCase()] }), grantControls: { operator: 'OR', builtInControls: ['block'] } };
    expect(blocksEmergencyAccess(block, USERS_ONLY)).toEqual([BG_USER]);
  });

  test('by name, in another case than caac.yml: validate reports it', () => {
    const settings = 'emergencyAccess:\n  users: [user:bg1@contoso.com]\n  groups: [group:Break Glass]\n';
    const policy = merge(basePolicy({ state: 'enabled' }), {
      conditions: { users: { includeUsers: ['USER:BG1@Contoso.com'], includeGroups: ['group:BREAK GLASS'], excludeUsers: ['user:bg1@contoso.com'], excludeGroups: ['group:break glass'] } },
    });
    const hits = byRule(validate({ 'caac.yml': settings, 'policies/p.json': pretty(policy) }).findings, 'break-glass-not-excluded');
    expect(dump(hits)).toMatch(/includeUsers the policy includes the emergency-access account "user:bg1@contoso.com" by name/);
    expect(dump(hits)).toMatch(/includeGroups the policy includes the emergency-access group "group:Break Glass" by name/);
  });
});

describe('4. two objects with one name are ambiguous, never the first of them', () => {
  const APP_A = 'aaaaaaaa-0000-4000-8000-000000000001';
  const APP_B = 'aaaaaaaa-0000-4000-8000-000000000002';
  const OBJECTS: DirectoryObject[] = [
    { id: id(4), type: 'group', displayName: 'Twins' },
    { id: id(5), type: 'group', displayName: 'Twins' },
    { id: id(6), type: 'servicePrincipal', displayName: 'Twin App', appId: APP_A },
    { id: id(7), type: 'servicePrincipal', displayName: 'Twin App', appId: APP_B },
    { id: id(8), type: 'user', displayName: 'One', userPrincipalName: 'one@contoso.com' },
    { id: id(9), type: 'user', displayName: 'One too', userPrincipalName: 'one@contoso.com' },
  ];
  const directory: Directory = {
    async getByIds(ids) {
      return OBJECTS.filter((o) => ids.includes(o.id));
    },
    async findByNames(queries: readonly NameQuery[]) {
      const kindOf = (q: NameQuery) => (q.kind === 'app' ? 'servicePrincipal' : q.kind);
      const nameOf = (o: DirectoryObject) => (o.type === 'user' ? o.userPrincipalName : o.displayName);
      return new Map(queries.map((q) => [`${q.kind}:${q.name}`, OBJECTS.filter((o) => o.type === kindOf(q) && nameOf(o)?.toLowerCase() === q.name.toLowerCase())]));
    },
    async getByAppIds(appIds) {
      return OBJECTS.filter((o) => o.appId && appIds.includes(o.appId));
    },
  };
  const snapshot: TenantSnapshot = { tenantId: 't', graphUrl: 'https://graph.microsoft.com', apiVersion: 'v1.0', policies: [], namedLocations: [], authenticationStrengths: [] } as unknown as TenantSnapshot;
  const locate = (pointer: string) => ({ line: pointer.length, column: 3 });

  test('an app name two service principals carry (two appIds) is ambiguous', async () => {
    const value = mfaPolicy({}, {});
    (value['conditions'] as JsonObject)['applications'] = { includeApplications: ['app:Twin App'] };
    const document: PreparedDocument = { file: 'policy.json', kind: 'policy', value, locate, schemaValid: true };
    const result = await resolveReferences([document], { directory, snapshot });
    expect(result.problems).toEqual([
      expect.objectContaining({ path: '/conditions/applications/includeApplications/0', message: expect.stringContaining(`app:Twin App is ambiguous: 2 applications have this name (appId ${APP_A}, appId ${APP_B})`) }),
    ]);
    expect(((result.documents[0]!.resolved['conditions'] as JsonObject)['applications'] as JsonObject)['includeApplications']).toEqual(['app:Twin App']);
  });

  test("caac.yml's emergency group or user of an ambiguous name: a problem at its line, no id guarded", async () => {
    const result = await resolveReferences([], { directory, snapshot, emergencyAccess: { file: 'caac.yml', locate, users: ['user:one@contoso.com'], groups: ['group:Twins'] } });
    expect(result.problems.map((p) => [p.file, p.path, p.message])).toEqual([
      ['caac.yml', '/emergencyAccess/users/0', expect.stringContaining('user:one@contoso.com is ambiguous: 2 users have this name')],
      ['caac.yml', '/emergencyAccess/groups/0', expect.stringContaining(`group:Twins is ambiguous: 2 groups have this name (${id(4)}, ${id(5)})`)],
    ]);
    expect(result.emergencyAccess).toEqual({ users: [], groups: [] });
  });
});

describe('5. the contingency guard judges each policy as the switch leaves it', () => {
  const GROUPS = { users: [], groups: [BG_GROUP] };
  const guard = { ids: GROUPS, scope: NO_SCOPE, labels: { [BG_GROUP]: 'group:CA-BreakGlass' } };
  const live = (n: number, users: JsonObject, state = 'disabled'): JsonObject => ({ ...mfaPolicy(users), id: id(n), displayName: `CA90${n} Contingency`, state });
  const tenant = (...policies: JsonObject[]) => ({ tenantId: 't', graphUrl: 'https://graph.microsoft.com', apiVersion: 'v1.0', policies, namedLocations: [], authenticationStrengths: [] }) as unknown as TenantSnapshot;
  const switchTo = (n: number, state: string | undefined, opId = id(n)): PlanOperation => ({ kind: 'policy', action: 'update', displayName: `CA90${n} Contingency`, id: opId, changes: [], body: state === undefined ? {} : { state } });

  test('switched on, a tenant policy without the exclusion is refused; the live object is not changed', () => {
    const snapshot = tenant(live(1, {}), live(2, { excludeGroups: [BG_GROUP.toUpperCase()] }));
    const before = structuredClone(snapshot);
    expect(activationProblems([switchTo(1, 'enabled', id(1).toUpperCase()), switchTo(2, 'enabled')], snapshot, guard)).toEqual([
      'break-glass-not-excluded: after this update, the policy "CA901 Contingency" would not exclude the emergency-access group:CA-BreakGlass: add it to excludeGroups, name the policy in emergencyAccess.exempt, or set emergencyAccess.mode: enforce',
    ]);
    expect(snapshot).toEqual(before);
  });

  test('ids compare without regard to case, whichever side has capitals (Graph answers lower case; files and people may not)', () => {
    const lettered = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
    const guarded = { ...live(6, { excludeGroups: [BG_GROUP] }), id: lettered };
    expect(activationProblems([switchTo(6, 'enabled', lettered.toUpperCase())], tenant(guarded), guard)).toEqual([]);
    expect(activationProblems([switchTo(6, 'enabled', lettered)], tenant({ ...guarded, id: lettered.toUpperCase() }), guard)).toEqual([]);
  });

  test('a block of everyone switched on is a lockout', () => {
    const block: JsonObject = { ...live(3, { excludeGroups: [BG_GROUP] }), grantControls: { operator: 'OR', builtInControls: ['block'] } };
    (block['conditions'] as { users: JsonObject }).users = { includeUsers: ['All'] };
    expect(activationProblems([switchTo(3, 'enabled')], tenant(block), { ...guard, ids: { users: [], groups: [] } })).toEqual([expect.stringMatching(/^lockout-risk: update policy "CA903 Contingency": /)]);
  });

  test('switched off, or with no state to change, nothing is judged', () => {
    const snapshot = tenant(live(1, {}, 'enabled'));
    expect(activationProblems([switchTo(1, 'disabled')], snapshot, guard)).toEqual([]);
    expect(activationProblems([switchTo(1, undefined)], snapshot, guard)).toEqual([]);
    const { body: _, ...bodiless } = switchTo(1, 'enabled');
    expect(activationProblems([bodiless], snapshot, guard)).toEqual([]);
  });

  test('a switch of a policy the tenant read does not hold cannot be judged: refused', () => {
    expect(activationProblems([switchTo(4, 'enabled')], tenant(live(1, { excludeGroups: [BG_GROUP] })), guard)).toEqual([
      `policy "CA904 Contingency" (${id(4)}) is not in the tenant as read, so it cannot be checked`,
    ]);
    // Without an id it matches nothing, not even a (malformed) tenant policy with an empty id.
    const { id: _, ...idless } = switchTo(5, 'enabled');
    expect(activationProblems([idless], tenant({ ...live(5, {}), id: '' }), guard)).toEqual(['policy "CA905 Contingency" (no id) is not in the tenant as read, so it cannot be checked']);
  });
});

describe('the guard over bodies judges what apply writes, and only that', () => {
  const LOCKOUT: JsonObject = {
    displayName: 'CA000 Block everything',
    state: 'enabled',
    conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] } },
    grantControls: { operator: 'OR', builtInControls: ['block'] },
  };
  const guard = { ids: { users: [], groups: [] }, scope: NO_SCOPE, labels: {} };
  const op = (o: Partial<PlanOperation>): PlanOperation => ({ kind: 'policy', action: 'update', displayName: 'CA000 Block everything', id: id(60), changes: [], ...o });

  test('creates and updates of policies are judged', () => {
    for (const action of ['create', 'update'] as const) {
      expect(bodySafetyProblems([op({ action, body: LOCKOUT })], guard)).toEqual([expect.stringMatching(new RegExp(`^lockout-risk: ${action} policy "CA000 Block everything": `))]);
    }
  });

  test('a delete, a noop (not written), a body-less update and another kind of object are not', () => {
    const operations = [op({ action: 'delete' }), op({ action: 'noop', body: LOCKOUT }), op({ action: 'update' }), op({ kind: 'namedLocation', action: 'create', body: LOCKOUT })];
    expect(bodySafetyProblems(operations, guard)).toEqual([]);
  });

  test('a plan file without guards: the lockout check still runs, the emergency accounts are none', () => {
    const plan = { operations: [op({ body: LOCKOUT }), update(mfaPolicy({}))], labels: {} } as unknown as Plan;
    expect(planSafetyProblems(plan)).toEqual([expect.stringMatching(/^lockout-risk: update policy "CA000 Block everything": /)]);
    expect(planSafetyProblems({ ...plan, guards: { users: [], groups: [BG_GROUP], exemptPolicies: [] } })).toEqual([
      expect.stringMatching(/^lockout-risk: /),
      expect.stringMatching(new RegExp(`^break-glass-not-excluded: after this update, the enabled policy "CA000 Block everything" would block the emergency-access ${BG_GROUP}`)),
      expect.stringMatching(new RegExp(`^break-glass-not-excluded: .*would not exclude the emergency-access ${BG_GROUP}: add it to excludeGroups`)),
    ]);
  });
});

describe('the break-glass guard of plan, piece by piece (mutation testing found these unchecked by unit tests)', () => {
  const BOTH = { users: [BG_USER], groups: [BG_GROUP] };
  const doc = (value: JsonObject, kind: 'policy' | 'namedLocation' = 'policy', written: JsonObject = {}) =>
    ({ file: 'p.json', kind, value: written, resolved: structuredClone(value), locate: () => ({ line: 1, column: 1 }), schemaValid: true }) as const;

  test('enforce mode adds users and groups alike, to what must exclude them only', () => {
    const missing = doc(mfaPolicy({}));
    const complete = doc(mfaPolicy({ excludeUsers: [BG_USER], excludeGroups: [BG_GROUP] }));
    const disabled = doc({ ...mfaPolicy({}), state: 'disabled' });
    const location = doc({ displayName: 'Office', conditions: { users: { includeUsers: ['All'] } } }, 'namedLocation');
    // Exempt by the name the resolved document carries (the file's own value is not at hand here).
    const exempt = doc({ ...mfaPolicy({}), displayName: 'CA900 Exempt' });
    const added = enforceEmergencyExclusions([missing, complete, disabled, location, exempt], BOTH, { emergencyAccess: { exempt: ['CA900 Exempt'] } });
    expect([...added.keys()]).toEqual([missing]);
    expect(added.get(missing)).toEqual([
      { path: '/conditions/users/excludeUsers', ids: [BG_USER] },
      { path: '/conditions/users/excludeGroups', ids: [BG_GROUP] },
    ]);
    expect(disabled.resolved).toEqual({ ...mfaPolicy({}), state: 'disabled' });
    expect(location.resolved['conditions']).toEqual({ users: { includeUsers: ['All'] } });
    expect(enforceEmergencyExclusions([doc(mfaPolicy({}))], { users: [], groups: [] }, {}).size).toBe(0);
  });

  test('newAdditions: only the ids the tenant object lacks, lists it holds fully dropped, odd values ignored', () => {
    const before = mfaPolicy({ excludeUsers: [BG_USER.toUpperCase(), 7, null] as unknown as string[], excludeGroups: [OTHER] });
    expect(
      newAdditions(
        [
          { path: '/conditions/users/excludeUsers', ids: [BG_USER] },
          { path: '/conditions/users/excludeGroups', ids: [BG_GROUP, OTHER] },
        ],
        before,
      ),
    ).toEqual([{ path: '/conditions/users/excludeGroups', ids: [BG_GROUP] }]);
    expect(newAdditions([{ path: '/conditions/users/excludeGroups', ids: [BG_GROUP] }], undefined)).toEqual([{ path: '/conditions/users/excludeGroups', ids: [BG_GROUP] }]);
  });

  test('guardAddedWarning names each list and each id by its label', () => {
    expect(guardAddedWarning('CA100', [{ path: '/conditions/users/excludeUsers', ids: [BG_USER, OTHER] }, { path: '/conditions/users/excludeGroups', ids: [BG_GROUP] }], { [BG_USER]: 'user:bg1@contoso.com' })).toEqual({
      kind: 'break-glass-added',
      displayName: 'CA100',
      message: `excludeUsers gains user:bg1@contoso.com, ${OTHER}; excludeGroups gains ${BG_GROUP}: added by the break-glass guard (emergencyAccess.mode: enforce), beside the exclusions the file lists`,
    });
  });

  test('unmanagedWarnings: a tenant policy that must exclude them and does not, by name or by id', () => {
    const policies = [
      { ...mfaPolicy({ excludeGroups: [BG_GROUP] }), id: id(71), displayName: 'CA171 Missing the user' },
      { ...mfaPolicy({}), id: id(72), displayName: undefined },
      { ...mfaPolicy({ excludeUsers: [BG_USER], excludeGroups: [BG_GROUP] }), id: id(73) },
      { ...mfaPolicy({}), id: id(74), state: 'disabled' },
    ] as JsonObject[];
    const labels = { [BG_USER]: 'user:bg1@contoso.com' };
    expect(unmanagedWarnings(policies, BOTH, {}, labels)).toEqual([
      { kind: 'break-glass-unmanaged', displayName: 'CA171 Missing the user', message: `this tenant policy (${id(71)}, enabled) is not managed by caac and does not exclude the emergency-access user:bg1@contoso.com: add a file for it, or fix it in the tenant` },
      { kind: 'break-glass-unmanaged', displayName: id(72), message: `this tenant policy (${id(72)}, enabled) is not managed by caac and does not exclude the emergency-access user:bg1@contoso.com, ${BG_GROUP}: add a file for it, or fix it in the tenant` },
    ]);
    expect(unmanagedWarnings(policies, { users: [], groups: [] }, {}, labels)).toEqual([]);
  });

  test("scopeOfPlan: the plan's exempt names, and the policies its contingency sets enable (disabled, yet one command from enforcement)", () => {
    const plan = {
      guards: { users: [], groups: [BG_GROUP], exemptPolicies: ['CA100 Require MFA'] },
      contingency: { sets: [{ name: 'outage', activate: ['CA901 Contingency'], deactivate: [], deactivatedState: 'disabled', source: 'settings' }], active: [] },
    } as unknown as Plan;
    const scope = scopeOfPlan(plan);
    expect(scope.mustExclude('CA100 Require MFA', mfaPolicy({}))).toBe(false);
    expect(scope.mustExclude('CA901 Contingency', { ...mfaPolicy({}), state: 'disabled' })).toBe(true);
    expect(scope.mustExclude('CA902 Other', { ...mfaPolicy({}), state: 'disabled' })).toBe(false);
    expect(scopeOfPlan({} as Plan).mustExclude('CA100 Require MFA', mfaPolicy({}))).toBe(true);
  });

  test('emergencyAccessProblems: users and groups alike, writes only, one message per case, plural when it is more than one', () => {
    const block = (users: JsonObject): JsonObject => ({ ...mfaPolicy(users), grantControls: { operator: 'OR', builtInControls: ['block'] } });
    const labels = {};
    const run = (operations: PlanOperation[]) => emergencyAccessProblems({ operations, labels }, BOTH, NO_SCOPE).map((p) => [p.path, p.message]);
    expect(run([update(block({}))])).toEqual([['/grantControls/builtInControls', `after this update, the enabled policy "CA100 Require MFA" would block the emergency-access ${BG_USER}, ${BG_GROUP}: exclude them`]]);
    expect(run([update(block({ excludeUsers: [BG_USER] }))])).toEqual([['/grantControls/builtInControls', `after this update, the enabled policy "CA100 Require MFA" would block the emergency-access ${BG_GROUP}: exclude it`]]);
    expect(run([update(mfaPolicy({ includeUsers: [BG_USER], includeGroups: [BG_GROUP] }))])).toEqual([
      ['/conditions/users', `the policy "CA100 Require MFA" includes the emergency-access ${BG_USER}, ${BG_GROUP} by id: name the policy in emergencyAccess.exempt if it is meant for them, or take them out of its inclusions`],
    ]);
    expect(run([{ ...update(mfaPolicy({ includeUsers: [BG_USER] })), action: 'create' }])).toEqual([
      ['/conditions/users', `the policy "CA100 Require MFA" includes the emergency-access ${BG_USER} by id: name the policy in emergencyAccess.exempt if it is meant for them, or take it out of its inclusions`],
    ]);
    const two = { users: [BG_USER, OTHER], groups: [] };
    expect(emergencyAccessProblems({ operations: [update(mfaPolicy({}))], labels }, two, NO_SCOPE).map((p) => p.message)).toEqual([
      `after this update, the policy "CA100 Require MFA" would not exclude the emergency-access ${BG_USER}, ${OTHER}: add them to excludeUsers, name the policy in emergencyAccess.exempt, or set emergencyAccess.mode: enforce`,
    ]);
    const notWritten = [{ ...update(block({})), action: 'delete' as const }, { ...update(block({})), action: 'noop' as const }, { ...update(block({})), kind: 'namedLocation' as const }, { ...update(block({})), body: undefined }];
    expect(run(notWritten)).toEqual([]);
  });
});

describe('which policies must spare the emergency accounts (mutation testing found these unchecked)', () => {
  const SP = 'cccccccc-0000-4000-8000-000000000001';
  const people = (users: JsonObject, servicePrincipals: string[] = [SP]) =>
    targetsPeople(viewPolicy({ conditions: { users, clientApplications: { includeServicePrincipals: servicePrincipals } } }));

  test('groups, roles or guests make a policy one for people, even beside service principals', () => {
    expect(people({ includeUsers: ['None'], includeGroups: [OTHER], includeRoles: [id(1)] })).toBe(true);
    expect(people({ includeUsers: ['None'], includeGroups: [OTHER] })).toBe(true);
    expect(people({ includeUsers: ['None'], includeRoles: [id(1)] })).toBe(true);
    expect(people({ includeUsers: ['None'], includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'b2bCollaborationGuest' } })).toBe(true);
    expect(people({ includeUsers: ['None'] })).toBe(false);
  });

  test('includeUsers ["None"] with no service principal targets nobody; no users at all is judged as people', () => {
    expect(people({ includeUsers: ['None'] }, [])).toBe(false);
    expect(people({}, [])).toBe(true);
  });

  test('names compare without case or surrounding spaces: exempt, contingency sets; a policy without a name is judged', () => {
    const scope = emergencyAccessScope({ emergencyAccess: { exempt: ['ca100 require mfa'] }, contingency: { outage: { activate: [' ca901 CONTINGENCY '] } } } as never);
    expect(scope.mustExclude(' CA100 Require MFA ', mfaPolicy({}))).toBe(false);
    expect(scope.mustExclude('CA901 Contingency', { ...mfaPolicy({}), state: 'disabled' })).toBe(true);
    expect(scope.mustExclude(undefined, mfaPolicy({}))).toBe(true);
    expect(scope.mustExclude(undefined, { ...mfaPolicy({}), state: 'disabled' })).toBe(false);
  });
});

describe('lockout-risk, its edges (mutation testing found these unchecked)', () => {
  const LOCKOUT: JsonObject = {
    displayName: 'CA000 Block everything',
    state: 'enabled',
    conditions: { clientAppTypes: [], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] } },
    grantControls: { operator: 'OR', builtInControls: ['block'] },
  };
  const check = (value: JsonObject, kind: 'policy' | 'namedLocation' = 'policy') =>
    lockoutRisk.check({ documents: [{ file: 'p.json', kind, value, locate: () => ({ line: 1, column: 1 }), schemaValid: true }], settings: {} }).map((h) => h.message);

  test('an empty clientAppTypes narrows nothing: still a lockout', () => {
    expect(narrowingConditions(viewPolicy(LOCKOUT))).toEqual([]);
    expect(check(LOCKOUT)).toHaveLength(1);
  });

  test('the message says whether the policy is enabled or its state unknown', () => {
    expect(check(LOCKOUT)[0]).toMatch(/^this enabled policy blocks All users on All applications/);
    const { state: _, ...stateless } = LOCKOUT;
    expect(check(stateless)[0]).toMatch(/^this possibly enforcing \(its state is missing or unknown\) policy blocks All users/);
  });

  test('only policies are judged', () => {
    expect(check(LOCKOUT, 'namedLocation')).toEqual([]);
  });

  test('each narrowing condition is named', () => {
    const narrowed = viewPolicy({
      ...LOCKOUT,
      conditions: {
        clientAppTypes: ['exchangeActiveSync'],
        applications: { includeApplications: ['All'], includeUserActions: ['urn:user:registersecurityinfo'], includeAuthenticationContextClassReferences: ['c1'], applicationFilter: { mode: 'include', rule: 'x' } },
        users: { includeUsers: ['All'] },
        platforms: { includePlatforms: ['android'] },
        locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
        signInRiskLevels: ['high'],
        userRiskLevels: ['high'],
        servicePrincipalRiskLevels: ['high'],
        insiderRiskLevels: 'elevated',
        devices: { deviceFilter: { mode: 'include', rule: 'x' } },
        authenticationFlows: { transferMethods: 'deviceCodeFlow' },
      },
    });
    expect(narrowingConditions(narrowed)).toEqual([
      'clientAppTypes',
      'platforms',
      'locations',
      'signInRiskLevels',
      'userRiskLevels',
      'servicePrincipalRiskLevels',
      'insiderRiskLevels',
      'devices.deviceFilter',
      'authenticationFlows',
      'includeUserActions',
      'includeAuthenticationContextClassReferences',
      'applicationFilter',
    ]);
  });
});
