/**
 * break-glass-not-excluded: with emergency-access accounts in caac.yml, every enabled or
 * report-only policy that targets people must exclude each of them.
 */
import { basePolicy, byRule, dump, lineOf, merge, pretty, removeTempDirs, shown, validate, type FileContent, type Patch } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

const SETTINGS = `emergencyAccess:
  users: [user:bg1@contoso.com, "0b9a3f1e-1111-2222-3333-444455556666"]
  groups: [group:Break Glass]
  exemptPolicies: [CA900 Contingency]
`;

const EXCLUDING = {
  users: { includeUsers: ['All'], excludeUsers: ['user:bg1@contoso.com', '0b9a3f1e-1111-2222-3333-444455556666'], excludeGroups: ['group:Break Glass'] },
};

function breakGlass(patch: Patch, settings: string | null = SETTINGS, file = 'policies/p.json') {
  const text = pretty(merge(basePolicy({ state: 'enabled' }), patch));
  const files: Record<string, FileContent> = { [file]: text };
  if (settings !== null) files['caac.yml'] = settings;
  const result = validate(files);
  return { text, hits: byRule(result.findings, 'break-glass-not-excluded'), all: result.findings };
}

test('a policy that excludes every emergency account and group passes', () => {
  expect(dump(breakGlass({ conditions: EXCLUDING }).hits)).toBe('');
});

test('matching ignores case and surrounding spaces', () => {
  const { hits } = breakGlass({
    conditions: { users: { excludeUsers: ['USER:BG1@contoso.com', ' 0B9A3F1E-1111-2222-3333-444455556666 '], excludeGroups: ['group:break glass'] } },
  });
  expect(dump(hits)).toBe('');
});

test('missing users and a missing group: one finding each, at excludeUsers and excludeGroups', () => {
  const { text, hits } = breakGlass({ conditions: { users: { excludeUsers: ['0b9a3f1e-aaaa-2222-3333-444455556666'], excludeGroups: ['group:Other'] } } });
  // Findings come sorted by line: excludeGroups (from the base policy) comes first in the file.
  expect(hits.map((h) => [h.severity, h.file, h.path, h.line])).toEqual([
    ['error', shown('policies/p.json'), '/conditions/users/excludeGroups', lineOf(text, '"excludeGroups"')],
    ['error', shown('policies/p.json'), '/conditions/users/excludeUsers', lineOf(text, '"excludeUsers"')],
  ]);
  expect(hits[1]!.message).toMatch(/^the emergency-access account "0b9a3f1e-1111-2222-3333-444455556666" must be in excludeUsers/);
  // user:bg1@contoso.com is not named: excludeUsers holds an id that may be bg1's, which only plan can tell.
  expect(hits[0]!.message).toMatch(/^the emergency-access group "group:Break Glass" must be in excludeGroups/);
});

test('several missing accounts are named together', () => {
  const { hits } = breakGlass({ conditions: { users: { excludeGroups: ['group:Break Glass'] } } });
  expect(hits).toHaveLength(1);
  expect(hits[0]!.message).toMatch(/^the emergency-access accounts "user:bg1@contoso.com", "0b9a3f1e-1111-2222-3333-444455556666" must be in excludeUsers/);
});

test('report-only policies must exclude too', () => {
  expect(breakGlass({ state: 'enabledForReportingButNotEnforced', conditions: { users: { excludeGroups: [] } } }).hits).toHaveLength(2);
});

test('disabled policies need not', () => {
  expect(breakGlass({ state: 'disabled', conditions: { users: { excludeGroups: [] } } }).hits).toEqual([]);
});

test('a policy exempt by name (any case) need not', () => {
  expect(breakGlass({ displayName: 'ca900 contingency', conditions: { users: { excludeGroups: [] } } }).hits).toEqual([]);
});

test('a workload-identity-only policy (includeUsers ["None"] + clientApplications) is skipped', () => {
  const { hits } = breakGlass({
    conditions: { users: { includeUsers: ['None'], excludeGroups: [] }, clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'] } },
    grantControls: { builtInControls: ['block'] },
  });
  expect(hits).toEqual([]);
});

test('a policy that includes groups, roles or guests targets people', () => {
  for (const users of [
    { includeUsers: ['None'], includeGroups: ['group:Finance'] },
    { includeUsers: [], includeRoles: ['62e90394-69f5-4237-9190-012177145e10'] },
    { includeUsers: [], includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'internalGuest' } },
  ]) {
    expect(breakGlass({ conditions: { users: { ...users, excludeGroups: [] } } }).hits.length).toBe(2);
  }
});

test('no emergencyAccess in caac.yml, or no caac.yml: the rule is silent', () => {
  expect(breakGlass({ conditions: { users: { excludeGroups: [] } } }, 'prune: false\n').hits).toEqual([]);
  expect(breakGlass({ conditions: { users: { excludeGroups: [] } } }, null).hits).toEqual([]);
  expect(breakGlass({ conditions: { users: { excludeGroups: [] } } }, 'emergencyAccess:\n  users: []\n  groups: []\n').hits).toEqual([]);
});

test('only groups configured: only excludeGroups is checked', () => {
  const { hits } = breakGlass({ conditions: { users: { excludeUsers: [], excludeGroups: [] } } }, 'emergencyAccess:\n  groups: ["group:BG"]\n');
  expect(hits.map((h) => h.path)).toEqual(['/conditions/users/excludeGroups']);
});

test('named locations are not policies', () => {
  const result = validate({ 'caac.yml': SETTINGS, 'named-locations/a.json': { '@odata.type': '#microsoft.graph.countryNamedLocation', displayName: 'a', countriesAndRegions: ['NL'] } });
  expect(byRule(result.findings, 'break-glass-not-excluded')).toEqual([]);
});

describe('what validate cannot decide offline, it leaves to plan', () => {
  test('caac.yml names a reference, the policy excludes ids only: no finding (plan compares ids)', () => {
    const { hits } = breakGlass({ conditions: { users: { excludeUsers: ['11111111-2222-4333-8444-555555555555', '0b9a3f1e-1111-2222-3333-444455556666'], excludeGroups: ['group:Break Glass'] } } });
    expect(hits).toEqual([]);
  });

  test('the same form on both sides is decided: a GUID missing among GUIDs is an error', () => {
    const { hits } = breakGlass({ conditions: { users: { excludeUsers: ['user:bg1@contoso.com', 'user:other@contoso.com'], excludeGroups: ['group:Break Glass'] } } });
    expect(hits).toEqual([]); // the GUID cannot be told apart from user:other@contoso.com
    const decided = breakGlass({ conditions: { users: { excludeUsers: ['user:bg1@contoso.com'], excludeGroups: ['group:Another'] } } }, `emergencyAccess:\n  groups: [group:Break Glass]\n`);
    expect(decided.hits.map((h) => h.path)).toEqual(['/conditions/users/excludeGroups']);
  });
});

describe('contingency policies and enforce mode', () => {
  test('a disabled policy that a contingency set enables must exclude them too', () => {
    const settings = `${SETTINGS}contingency:\n  outage:\n    activate: [P]\n`;
    const policy = { displayName: 'P', state: 'disabled', conditions: { users: { excludeUsers: [], excludeGroups: [] } } };
    expect(breakGlass(policy, settings).hits).toHaveLength(2);
    // ...and so does one named by Microsoft's convention, without any set in caac.yml.
    expect(breakGlass({ ...policy, displayName: 'EM01 - ENABLE IN EMERGENCY: MFA Disruption [1/2] - All apps' }).hits).toHaveLength(2);
    expect(breakGlass({ ...policy, displayName: 'Q' }, settings).hits).toEqual([]);
  });

  test('emergencyAccess.exempt (and its older name exemptPolicies) exempts by name', () => {
    const policy = { displayName: 'Break-glass: phishing-resistant MFA', conditions: { users: { excludeUsers: [], excludeGroups: [] } } };
    expect(breakGlass(policy).hits).toHaveLength(2);
    expect(breakGlass(policy, `${SETTINGS}  exempt: ["break-glass: PHISHING-RESISTANT MFA "]\n`).hits).toEqual([]);
  });

  test('enforce mode: a missing exclusion is no finding (plan adds it); an emergency account included by name is', () => {
    const enforce = SETTINGS + '  mode: enforce\n';
    expect(breakGlass({ conditions: { users: { excludeUsers: [], excludeGroups: [] } } }, enforce).hits).toEqual([]);
    const { text, hits } = breakGlass({ conditions: { users: { includeUsers: ['user:bg1@contoso.com'], excludeUsers: [], excludeGroups: [] } } }, enforce);
    expect(hits.map((h) => [h.severity, h.path, h.line])).toEqual([['error', '/conditions/users/includeUsers', lineOf(text, '"includeUsers"')]]);
    expect(hits[0]!.message).toMatch(/includes the emergency-access account "user:bg1@contoso.com" by name: name the policy in emergencyAccess.exempt/);
  });
});

describe('a missing state is judged as enforcing', () => {
  test('a policy with no state must exclude the emergency accounts too', () => {
    // The base policy excludes the group, not the accounts.
    const { hits } = breakGlass({ state: undefined });
    expect(hits.map((h) => h.path)).toEqual(['/conditions/users/excludeUsers']);
    const none = breakGlass({ state: undefined, conditions: { users: { excludeGroups: [] } } }).hits;
    expect(none.map((h) => h.path).sort()).toEqual(['/conditions/users/excludeGroups', '/conditions/users/excludeUsers']);
    expect(dump(breakGlass({ state: 'disabled', conditions: { users: { excludeGroups: [] } } }).hits)).toBe('');
  });
});

describe('workload-identity policies (clientApplications, no users)', () => {
  const WORKLOAD: Patch = {
    conditions: {
      users: undefined,
      clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'] },
      servicePrincipalRiskLevels: ['high'],
    },
    grantControls: { operator: 'OR', builtInControls: ['block'] },
  };

  test('are valid and need no user exclusions: they cannot touch a person\'s sign-in', () => {
    const { hits, all } = breakGlass(WORKLOAD);
    expect(dump(hits)).toBe('');
    expect(dump(all.filter((f) => f.severity === 'error'))).toBe('');
  });

  test('includeUsers ["None"] beside the service principals is the same', () => {
    expect(dump(breakGlass(merge(WORKLOAD as never, { conditions: { users: { includeUsers: ['None'] } } })).hits)).toBe('');
  });

  test('a policy for both users and service principals is still checked', () => {
    const { hits } = breakGlass(merge(WORKLOAD as never, { conditions: { users: { includeUsers: ['All'], excludeGroups: [] } } }));
    expect(hits.map((h) => h.path).sort()).toEqual(['/conditions/users/excludeGroups', '/conditions/users/excludeUsers']);
  });

  test('a policy that names neither users nor service principals is judged as one for people (and graph-rule refuses it)', () => {
    const { hits, all } = breakGlass({ conditions: { users: undefined } });
    expect(hits.map((h) => h.path).sort()).toEqual(['/conditions/users/excludeGroups', '/conditions/users/excludeUsers']);
    expect(byRule(all, 'graph-rule').map((f) => f.path)).toEqual(['/conditions/users']);
  });
});
